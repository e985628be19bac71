package costmodel

import (
	"fmt"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
)

// TestHigherTargetUtilizationNeverDearer: a higher target utilization
// never prices the self-hosted fleet dearer while it meets every TTFT
// target. The counts added for the first token are judged with the
// prefix-cache room each count's own load leaves: judged with the room of
// the 3 instances the load needs at a 94 % target (their batch at 84 %),
// gpt-oss-20b for 1,423 developers was a p5.48xlarge at $343,920, where
// at 92 % it was 5 p5.4xlarge at $329,506, which meet the 379 ms target
// at 94 % too.
func TestHigherTargetUtilizationNeverDearer(t *testing.T) {
	const src = `team "t" {
  developers           = 1423
  tokens_per_developer = 4.5e6
  cached_input_share   = 0.49
  peak_to_average      = 2.45
  cost_center          = "x"
}
workload "autocomplete" {
  share       = 0.39
  complexity  = "simple"
  max_ttft_ms = 379
}
workload "agent" {
  share          = 0.61
  complexity     = "complex"
  context_tokens = 16384
}
self_hosted {
  model              = "gpt-oss-20b"
  pricing            = "capacity_block"
  target_utilization = %v
}
`
	prev, prevT := 0.0, 0.0
	for _, target := range []float64{0.9, 0.92, 0.94, 0.96} {
		s := parse(t, "t.hcl", fmt.Sprintf(src, target))
		opts, err := priceOptions(s, modelcatalog.Default(), "2026-11-26")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range opts {
			if o.Architecture != architecture.SelfHosted || o.Sized == nil || !o.Sized.MeetsTTFT {
				continue
			}
			got := o.MonthlyUSD.Expected
			if prev > 0 && got > prev+0.01 {
				t.Errorf("target %.2f: %d × %s at $%.2f, dearer than $%.2f at %.2f", target, o.Sized.Instances, o.Sized.InstanceType, got, prev, prevT)
			}
			prev, prevT = got, target
		}
	}
	if prev == 0 {
		t.Fatal("no fleet met its targets")
	}
}
