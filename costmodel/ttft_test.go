package costmodel

import (
	"fmt"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// A managed route's TTFT is the provider's short-prompt p95 plus the
// prefill of the workload's uncached prompt: it rises with the context,
// falls with the cached share, and differs between Bedrock and the
// vendor's own API.
func TestManagedRouteTTFT(t *testing.T) {
	cat := modelcatalog.Default()
	sonnet, _ := cat.ManagedModel("claude-sonnet-5.5")
	per := cat.ManagedPromptMsPerToken.Value
	tests := []struct {
		name     string
		provider string
		ctx      int
		cached   string
		want     float64
	}{
		{"vendor, short", "", 1000, "0", sonnet.TTFTMs.Value + 1000*per},
		{"vendor, long", "", 32768, "0", sonnet.TTFTMs.Value + 32768*per},
		{"cached share is taken at its low end", "", 32768, "[0.5, 0.9]", sonnet.TTFTMs.Value + 32768*0.5*per},
		{"bedrock", "bedrock", 1000, "0", sonnet.TTFTByProvider["bedrock"].Value + 1000*per},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			provider := ""
			if tt.provider != "" {
				provider = fmt.Sprintf("  provider = %q\n", tt.provider)
			}
			src := fmt.Sprintf(`team "t" {
  developers           = 20
  tokens_per_developer = 2e6
  cached_input_share   = %s
  cost_center          = "x"
}
managed {
  simple_model  = "claude-sonnet-5.5"
  complex_model = "claude-sonnet-5.5"
%s}
workload "w" {
  share          = 1
  complexity     = "simple"
  context_tokens = %d
  max_ttft_ms    = 100000
}
`, tt.cached, provider, tt.ctx)
			res, err := Evaluate(parse(t, "t.hcl", src), cat, date)
			if err != nil {
				t.Fatal(err)
			}
			o := optionOf(res.Options, "managed")
			if len(o.Routes) != 1 || o.Routes[0].TTFTMs == nil {
				t.Fatalf("routes %+v: want one route with a TTFT", o.Routes)
			}
			if got := *o.Routes[0].TTFTMs; got != float64(int(tt.want+0.5)) {
				t.Errorf("route TTFT %g ms, want %g", got, tt.want)
			}
		})
	}
}
