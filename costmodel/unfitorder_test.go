package costmodel

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestUnfitSizedIgnoresWorkloadOrder: a fleet one workload's min_quality
// and another's TTFT target both rule out gives the same reason whichever
// workload the spec lists first. It gave the first workload's: a GPU the
// plan called "misses a TTFT target" was "below min_quality" once the
// workloads were swapped.
func TestUnfitSizedIgnoresWorkloadOrder(t *testing.T) {
	fast := "workload \"fast\" {\n  share = 0.5\n  complexity = \"simple\"\n  max_ttft_ms = 1\n}\n"
	good := "workload \"good\" {\n  share = 0.5\n  complexity = \"complex\"\n  min_quality = 0.99\n}\n"
	head := "team \"t\" {\n  developers = 50\n  tokens_per_developer = 5e6\n  cost_center = \"x\"\n}\n"
	tail := "self_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n  gpus = 8\n}\n"
	var reasons []string
	for _, order := range [][]string{{fast, good}, {good, fast}} {
		m, err := newModel(parse(t, "u.hcl", head+order[0]+order[1]+tail), modelcatalog.Default(), date)
		if err != nil {
			t.Fatal(err)
		}
		sr := m.newSearcher()
		a := &assignment{fleet: []bool{true, true}, pick: []int{-1, -1}, sh: sr.models[0], gpu: sr.gpus[0]}
		ev, err := m.evaluate(a, sr.mid, false)
		if err != nil {
			t.Fatal(err)
		}
		reasons = append(reasons, m.unfitSized(a, ev))
	}
	if reasons[0] != reasons[1] || !strings.HasPrefix(reasons[0], "quality:") {
		t.Errorf("fast first: %q; good first: %q; want the same quality reason", reasons[0], reasons[1])
	}
}
