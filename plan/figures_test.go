package plan_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/fixture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// TestSpecFigureWarnings: a spec figure that sets a price or a capacity
// gets a price book's checks, as a plan warning naming the attribute and
// its line; a figure within ten times of its reference is quiet.
func TestSpecFigureWarnings(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	tests := []struct {
		name  string
		edits []string
		want  []string // substrings of spec.suspicious_figure warnings; none: no warning
	}{
		{"the example's own figures", nil, nil},
		{"a GPU-hour price a hundredth of the catalog's", []string{"gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = [0.01, 3.5]"},
			[]string{"self_hosted.gpu_hour_usd (line 35): 0.01 is 1/"}},
		{"a GPU-hour price in cents", []string{"gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = [250, 350]"},
			[]string{"self_hosted.gpu_hour_usd (line 35): 250 is", "self_hosted.gpu_hour_usd (line 35): 350 is"}},
		{"a month of 50 hours", []string{"hours_per_month    = 730", "hours_per_month    = 50"},
			[]string{"self_hosted.hours_per_month (line 37): 50 is 1/14.6 of AWS's month of 730"}},
		{"a month of 80 hours", []string{"hours_per_month    = 730", "hours_per_month    = 80"}, nil},
		{"free operations", []string{"ops_usd_per_month  = [2000, 4000]", "ops_usd_per_month  = [0, 4000]"},
			[]string{"self_hosted.ops_usd_per_month (line 38): 0 makes operating the fleet free"}},
		{"an annual salary for an hourly rate", []string{"developer_hourly_usd    = 100", "developer_hourly_usd    = 150000"},
			[]string{"team.developer_hourly_usd (line 9): 150000 is 1.5e+03 times the default engineer hour of 100"}},
		{"an engineer hour of 250", []string{"developer_hourly_usd    = 100", "developer_hourly_usd    = 250"}, nil},
		{"operations at ten times the default", []string{"ops_usd_per_month  = [2000, 4000]", "ops_usd_per_month  = [2000, 41000]"},
			[]string{"self_hosted.ops_usd_per_month (line 38): 41000 is 10.2 times the default operations cost of 4000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.edits...))
			p, err := plan.Build(context.Background(), s, fixture.Options())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range p.Warnings {
				if w.Policy == plan.SuspiciousFigurePolicy {
					got = append(got, w.Attribute+" | "+w.Message)
				}
			}
			joined := strings.Join(got, "\n")
			if len(tt.want) != len(got) {
				t.Errorf("%d warnings, want %d:\n%s", len(got), len(tt.want), joined)
			}
			for _, w := range tt.want {
				if !strings.Contains(joined, w) {
					t.Errorf("warnings lack %q:\n%s", w, joined)
				}
			}
		})
	}
}

// TestSpecFigureLoosenings: a change to a figure that lowers an option's
// cost, or relaxes a threshold a sealed policy reads, is spec.loosened;
// the opposite change is not, and neither is a figure the fleet cannot
// use.
func TestSpecFigureLoosenings(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	base := fixture.Parse(t, "acme.hcl", acme)
	model := "\nmodel \"mine\" {\n  hf_repo = \"acme/mine\"\n  params_b = 32\n  layers = 64\n  q_heads = 40\n  kv_heads = 8\n  head_dim = 128\n  max_context = 131072\n  weights_dtype = \"bf16\"\n  weights_gb = 64\n  quality = { simple = 0.5, complex = 0.4 }\n  source = \"ours\"\n  as_of = \"2026-11-01\"\n}\n"
	tests := []struct {
		name  string
		edits []string
		want  []string // attributes reported loosened
	}{
		{"operations cheaper", []string{"ops_usd_per_month  = [2000, 4000]", "ops_usd_per_month  = [2000, 3000]"}, []string{"self_hosted.ops_usd_per_month"}},
		{"operations dearer", []string{"ops_usd_per_month  = [2000, 4000]", "ops_usd_per_month  = [2500, 5000]"}, nil},
		{"GPU-hour price cheaper", []string{"gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = [2.5, 3]"}, []string{"self_hosted.gpu_hour_usd"}},
		{"GPU-hour price left to the catalog", []string{"  gpu_hour_usd       = [2.5, 3.5]\n", ""}, nil},
		{"a reserved GPU-hour price kept on demand", []string{"pricing            = \"reserved\"", "pricing            = \"on_demand\""}, []string{"self_hosted.gpu_hour_usd"}},
		{"an on-demand GPU-hour price on demand", []string{"pricing            = \"reserved\"", "pricing            = \"on_demand\"", "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 6.88"}, nil},
		{"a GPU-hour price kept for another GPU", []string{"pricing            = \"reserved\"", "pricing            = \"on_demand\"", "gpu                = \"h100\"", "gpu                = \"h200\"", "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 6.88"}, []string{"self_hosted.gpu_hour_usd"}},
		// The catalog sells no reserved H200 (nor L40S): a price written
		// for it was compared with nothing, and a reserved L40S at $0.05
		// an hour passed.
		{"a GPU-hour price for a GPU and pricing the catalog does not price", []string{"gpu                = \"h100\"", "gpu                = \"h200\"", "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 0.05"}, []string{"self_hosted.gpu_hour_usd"}},
		{"the base's GPU-hour price kept for a GPU the catalog does not price so", []string{"gpu                = \"h100\"", "gpu                = \"h200\""}, []string{"self_hosted.gpu_hour_usd"}},
		{"fewer billed hours", []string{"hours_per_month    = 730", "hours_per_month    = 700", "pricing            = \"reserved\"", "pricing            = \"on_demand\"", "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 6.88"}, []string{"self_hosted.hours_per_month"}},
		// The budget's alerts: an address dropped no longer hears of the
		// spend (it passed as no change); one added is no loosening.
		{"an alert address dropped", []string{"alert_emails       = [\"finops@acme.example\"]", "alert_emails       = []"}, []string{"budget.alert_emails"}},
		{"an alert address added", []string{"alert_emails       = [\"finops@acme.example\"]", "alert_emails       = [\"finops@acme.example\", \"cfo@acme.example\"]"}, nil},
		{"an alert address in other letter case", []string{"alert_emails       = [\"finops@acme.example\"]", "alert_emails       = [\"FinOps@acme.example\"]"}, nil},
		{"fewer hours under a reservation, which bills 730", []string{"hours_per_month    = 730", "hours_per_month    = 700"}, nil},
		{"a lower utilization target", []string{"target_utilization = 0.7", "target_utilization = 0.6"}, nil},
		{"a higher utilization target", []string{"target_utilization = 0.7", "target_utilization = 0.8"}, []string{"self_hosted.target_utilization"}},
		{"a model block the fleet does not run", []string{"override \"q1-migration\"", model + "override \"q1-migration\""}, nil},
		{"a model block the fleet runs", []string{"override \"q1-migration\"", model + "override \"q1-migration\"", "model              = \"qwen3-coder-30b-a3b\"", "model              = \"mine\""}, []string{"model.mine"}},
		// Bedrock's profiles: a regional one keeps requests in one
		// geography, the global one (the default) does not.
		{"Bedrock's regional profile made global", []string{"provider      = \"bedrock\"", "provider      = \"bedrock\"\n  bedrock_profile = \"global\""}, []string{"managed.bedrock_profile"}},
		{"Bedrock's regional profile left to the default", nil, []string{"managed.bedrock_profile"}},
		// Leaving Bedrock for the vendors' own APIs leaves the geography too.
		{"Bedrock's regional profile left for the vendors' APIs", []string{"  provider      = \"bedrock\"\n", ""}, []string{"managed.bedrock_profile"}},
		{"Bedrock's regional profile kept", []string{"provider      = \"bedrock\"", "provider      = \"bedrock\"\n  bedrock_profile = \"regional\""}, nil},
		// The profile line kept while the provider changes: it has no
		// effect off Bedrock, and the loosening was not reported.
		{"Bedrock's regional profile kept in words, the provider changed", []string{"provider      = \"bedrock\"", "provider      = \"anthropic\"\n  bedrock_profile = \"regional\""}, []string{"managed.bedrock_profile"}},
		// A model Bedrock does not sell goes to its vendor's API whatever
		// the managed block says.
		{"Bedrock's regional profile kept, a model Bedrock does not sell", []string{"provider      = \"bedrock\"", "provider      = \"bedrock\"\n  bedrock_profile = \"regional\"", "complex_model = \"claude-sonnet-4.6\"", "complex_model = \"gpt-5.5\""}, []string{"managed.bedrock_profile"}},
	}
	regional := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, "provider      = \"bedrock\"", "provider      = \"bedrock\"\n  bedrock_profile = \"regional\""))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.edits...))
			against := base
			if strings.HasPrefix(tt.name, "Bedrock") {
				against = regional
			}
			p, got := loosenedAgainst(t, head, against)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("loosened %v, want %v: %+v", got, tt.want, p.Loosened)
			}
			if strings.HasSuffix(tt.name, "vendors' APIs") && (len(p.Loosened) != 1 || !strings.Contains(p.Loosened[0].Message, "leave Bedrock's regional profile for the vendors' own APIs")) {
				t.Errorf("leaving Bedrock: %+v", p.Loosened)
			}
		})
	}
}

// TestSpecOpsSetOverTheDefault: the default operations cost grows with the
// fleet's GPUs, so writing a fixed one where the base used the default is
// a loosening, whatever its figure.
func TestSpecOpsSetOverTheDefault(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	opts := fixture.Options()
	opts.Base = fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, "  ops_usd_per_month  = [2000, 4000]\n", ""))
	p, err := plan.Build(context.Background(), fixture.Parse(t, "acme.hcl", acme), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Loosened) != 1 || p.Loosened[0].Attribute != "self_hosted.ops_usd_per_month" || !strings.Contains(p.Loosened[0].Message, "where the base used the default") {
		t.Errorf("loosened %+v", p.Loosened)
	}
}

// TestModelBlockNewToTheFleet: a model block the base already had but its
// fleet did not run was never compared, so pointing self_hosted.model at
// it is spec.loosened as a new block is; a block the base's fleet ran,
// unchanged, is not.
func TestModelBlockNewToTheFleet(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	model := "\nmodel \"mine\" {\n  hf_repo = \"acme/mine\"\n  params_b = 1\n  layers = 4\n  q_heads = 8\n  kv_heads = 8\n  head_dim = 64\n  max_context = 131072\n  weights_dtype = \"bf16\"\n  weights_gb = 2\n  quality = { simple = 0.9, complex = 0.7 }\n  source = \"ours\"\n  as_of = \"2026-11-01\"\n}\n"
	withBlock := []string{"override \"q1-migration\"", model + "override \"q1-migration\""}
	runs := []string{"model              = \"qwen3-coder-30b-a3b\"", "model              = \"mine\""}
	tests := []struct {
		name        string
		base, edits []string
		want        []string
	}{
		{"a block the base's fleet did not run", withBlock, append(append([]string{}, withBlock...), runs...), []string{"model.mine"}},
		{"a block the base's fleet ran", append(append([]string{}, withBlock...), runs...), append(append([]string{}, withBlock...), runs...), nil},
		// Its figures stay, the weights they describe change: a weaker
		// model would pass the quality floor on the old one's score.
		{"the weights of a block the base's fleet ran swapped", append(append([]string{}, withBlock...), runs...),
			append(append([]string{}, withBlock...), append(append([]string{}, runs...), "hf_repo = \"acme/mine\"", "hf_repo = \"acme/tiny\"")...), []string{"model.mine.hf_repo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := fixture.Options()
			opts.Base = fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.base...))
			p, err := plan.Build(context.Background(), fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.edits...)), opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range p.Loosened {
				got = append(got, l.Attribute)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("loosened %v, want %v: %+v", got, tt.want, p.Loosened)
			}
		})
	}
}

// TestThresholdsFollowTheWorkload: a workload's max_ttft_ms and min_quality
// are gone when the workload is, so removing or renaming a workload that
// carries one is spec.loosened, unless a new workload keeps a target as
// tight; a complex workload with a quality floor made simple is read on
// the easier scale, a loosening too.
func TestThresholdsFollowTheWorkload(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	floor := []string{"  complexity = \"complex\"\n", "  complexity = \"complex\"\n  min_quality = 0.5\n"}
	tests := []struct {
		name        string
		base, edits []string
		want        []string // attributes reported loosened
	}{
		{"a workload renamed, its target dropped", nil,
			[]string{"workload \"autocomplete\"", "workload \"completion\"", "  max_ttft_ms    = 200\n", ""},
			[]string{"workload.autocomplete.max_ttft_ms"}},
		{"a workload renamed, its target raised", nil,
			[]string{"workload \"autocomplete\"", "workload \"completion\"", "max_ttft_ms    = 200", "max_ttft_ms    = 5000"},
			[]string{"workload.autocomplete.max_ttft_ms"}},
		{"a workload renamed without its target, a small decoy new with it", nil,
			[]string{"workload \"autocomplete\" {\n  share          = 0.6", "workload \"decoy\" {\n  share       = 0.01\n  complexity  = \"simple\"\n  max_ttft_ms = 200\n}\n\nworkload \"completion\" {\n  share          = 0.59", "  max_ttft_ms    = 200\n", ""},
			[]string{"workload.autocomplete.max_ttft_ms"}},
		{"a workload renamed, its target kept", nil,
			[]string{"workload \"autocomplete\"", "workload \"completion\""}, nil},
		{"a workload renamed, its target tightened", nil,
			[]string{"workload \"autocomplete\"", "workload \"completion\"", "max_ttft_ms    = 200", "max_ttft_ms    = 150"}, nil},
		{"a workload with a quality floor renamed without it", floor,
			[]string{"workload \"agent\"", "workload \"coder\""},
			[]string{"workload.agent.min_quality"}},
		{"a workload with a quality floor renamed with it", floor,
			append([]string{"workload \"agent\"", "workload \"coder\""}, floor...), nil},
		{"a complex workload with a quality floor made simple", floor,
			append(append([]string{}, floor...), "  complexity = \"complex\"\n", "  complexity = \"simple\"\n"),
			[]string{"workload.agent.complexity"}},
		{"a complex workload without a floor made simple", nil,
			[]string{"  complexity = \"complex\"\n", "  complexity = \"simple\"\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.base...))
			head := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.edits...))
			p, got := loosenedAgainst(t, head, base)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("loosened %v, want %v: %+v", got, tt.want, p.Loosened)
			}
		})
	}
}

// TestModelArchitectureLoosenings: every architecture figure of a model
// block the fleet runs is compared with the base's, the mixture of
// experts' too: more dense layers predict faster steps and an earlier
// first token, enough to clear a latency.ttft denial unseen.
func TestModelArchitectureLoosenings(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	model := "\nmodel \"mine\" {\n  hf_repo = \"acme/mine\"\n  params_b = 106\n  active_params_b = 12\n  layers = 46\n  q_heads = 96\n  kv_heads = 8\n  head_dim = 128\n  hidden_size = 4096\n  experts = 128\n  experts_per_token = 8\n  shared_experts = 1\n  dense_layers = 1\n  max_context = 131072\n  weights_dtype = \"bf16\"\n  weights_gb = 212\n  quality = { simple = 0.5, complex = 0.4 }\n  source = \"ours\"\n  as_of = \"2026-11-01\"\n}\n"
	runs := []string{"override \"q1-migration\"", model + "override \"q1-migration\"", "model              = \"qwen3-coder-30b-a3b\"", "model              = \"mine\""}
	base := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, runs...))
	for _, tt := range []struct{ from, to, want string }{
		{"dense_layers = 1", "dense_layers = 45", "model.mine.dense_layers"},
		{"shared_experts = 1", "shared_experts = 2", "model.mine.shared_experts"},
		{"experts_per_token = 8", "experts_per_token = 4", "model.mine.experts_per_token"},
		{"hidden_size = 4096", "hidden_size = 2048", "model.mine.hidden_size"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			head := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, append(runs, tt.from, tt.to)...))
			if _, got := loosenedAgainst(t, head, base); !slices.Contains(got, tt.want) {
				t.Errorf("loosened %v, want %s among them", got, tt.want)
			}
		})
	}
}

// loosenedAgainst plans head with base as its pull request's base and
// returns the plan and the attributes it reports loosened.
func loosenedAgainst(t *testing.T, head, base *spec.Spec) (*plan.Plan, []string) {
	t.Helper()
	opts := fixture.Options()
	opts.Base = base
	p, err := plan.Build(context.Background(), head, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range p.Loosened {
		got = append(got, l.Attribute)
	}
	return p, got
}

// TestUncheckedGPUHourPrice: a base that left the price to the catalog,
// and a head that runs a GPU and pricing the catalog does not price at a
// figure of its own (a reserved L40S at $0.05 an hour, the catalog's on
// demand price $1.86): nothing checked the figure, and the head passed.
func TestUncheckedGPUHourPrice(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	base := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, "  gpu_hour_usd       = [2.5, 3.5]\n", ""))
	for _, tt := range []struct {
		name  string
		edits []string
		want  string
	}{
		{"unpriced by the catalog", []string{"gpu                = \"h100\"", "gpu                = \"h200\"", "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 0.05"}, "self_hosted.gpu_hour_usd"},
		{"priced by the catalog, above its price", []string{"gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = [2.5, 3.5]"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			head := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, tt.edits...))
			p, got := loosenedAgainst(t, head, base)
			if strings.Join(got, ",") != tt.want {
				t.Errorf("loosened %v, want %q: %+v", got, tt.want, p.Loosened)
			}
		})
	}
}

// TestFixedFleetLoosenings: a fixed fleet (self_hosted.gpus) the change
// sets, or makes smaller, that runs above its target utilization at peak
// carries the load on fewer GPUs than the target sizes, as a higher
// target_utilization would: spec.loosened. A pull request that fixed 80
// GPUs where the base sized 92 cleared spend.limit with warnings only.
func TestFixedFleetLoosenings(t *testing.T) {
	// Twenty times the team: a fleet of several instances, not one; no
	// TTFT target, which would deny the hot fleets by a sealed policy
	// (then nothing a figure does opens them).
	acme := fixture.Edit(t, fixture.Example(t, "acme-platform.hcl"), "developers              = 200", "developers              = 4000", "  max_ttft_ms    = 200\n", "")
	base := fixture.Parse(t, "acme.hcl", acme)
	withGPUs := func(n int) string {
		return fixture.Edit(t, acme, "target_utilization = 0.7", fmt.Sprintf("target_utilization = 0.7\n  gpus = %d", n))
	}
	// 16 GPUs run at 79 %, above the 70 % target, 32 at 40 %.
	fixedBase := fixture.Parse(t, "acme.hcl", withGPUs(32))
	for _, tt := range []struct {
		name string
		base *spec.Spec
		gpus int
		want string
	}{
		{"a fleet above its target where the base sized one", base, 16, "self_hosted.gpus"},
		{"a fleet within its target where the base sized one", base, 32, ""},
		{"a larger fleet than the base sized", base, 128, ""},
		{"a fixed fleet made smaller, above its target", fixedBase, 16, "self_hosted.gpus"},
		{"a fixed fleet made smaller, within its target", fixedBase, 24, ""},
		{"a fixed fleet made larger", fixedBase, 64, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			head := fixture.Parse(t, "acme.hcl", withGPUs(tt.gpus))
			p, got := loosenedAgainst(t, head, tt.base)
			if strings.Join(got, ",") != tt.want {
				t.Errorf("loosened %v, want %q: %+v", got, tt.want, p.Loosened)
			}
			for _, o := range p.Options {
				if o.Architecture == "self_hosted" && (o.Sizing.PeakUtilization > o.Sizing.TargetUtilization) != (tt.gpus == 16) {
					t.Errorf("%d GPUs run at %g of their capacity: the case's premise is wrong", tt.gpus, o.Sizing.PeakUtilization)
				}
			}
		})
	}
}

// TestFixedFleetRangeWarns: a fixed fleet that carries the expected peak
// but not the high end of the spec's own ranges warns capacity.range: its
// range's high cost is the same fleet's, which could not serve that load.
// It was allowed with no word (4 GPUs at 75 %, 129 % at the top of the
// token range).
func TestFixedFleetRangeWarns(t *testing.T) {
	acme := fixture.Edit(t, fixture.Example(t, "acme-platform.hcl"), "developers              = 200", "developers              = 4000")
	for _, tt := range []struct {
		gpus int
		want bool
	}{{16, true}, {24, false}} {
		s := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, "target_utilization = 0.7", fmt.Sprintf("target_utilization = 0.7\n  gpus = %d", tt.gpus)))
		p, err := plan.Build(context.Background(), s, fixture.Options())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Options {
			if o.Architecture != "self_hosted" {
				continue
			}
			warned := false
			for _, w := range o.Warnings {
				warned = warned || w.Policy == "capacity.range"
			}
			if warned != tt.want || o.Sizing.PeakUtilization > 1 {
				t.Errorf("%d GPUs at %g of capacity: capacity.range %v, want %v", tt.gpus, o.Sizing.PeakUtilization, warned, tt.want)
			}
		}
	}
}

// TestFixedFleetHotterThanTheBase: a fixed fleet running above its target
// is spec.loosened when it runs hotter than the base's, whatever the
// change did: the base's fixed fleet kept while the load rises, another
// GPU type with more of them, a new spec's fixed fleet. One trimmed as the
// load falls, no hotter than the base's, is not (it was, against the
// target alone).
func TestFixedFleetHotterThanTheBase(t *testing.T) {
	acme := fixture.Edit(t, fixture.Example(t, "acme-platform.hcl"), "  max_ttft_ms    = 200\n", "")
	at := func(devs, gpus int) string {
		return fixture.Edit(t, acme, "developers              = 200", fmt.Sprintf("developers              = %d", devs),
			"target_utilization = 0.7", fmt.Sprintf("target_utilization = 0.7\n  gpus = %d", gpus))
	}
	// 16 H100s at 4,000 developers run at 79 % (TestFixedFleetLoosenings).
	base := fixture.Parse(t, "acme.hcl", at(4000, 16))
	for _, tt := range []struct {
		name string
		head string
		want bool // self_hosted.gpus among the loosenings
	}{
		{"the fleet kept, the load raised", at(4400, 16), true},
		// 8 H100s (one instance) for 1,900 developers run cooler than 16
		// for 4,000: the fleet is not loosened (the load's fall is, as at
		// the base's load 8 GPUs cannot carry it).
		{"the fleet trimmed as the load falls", at(1900, 8), false},
		{"the fleet and the load kept", at(4000, 16), false},
		// 8 H200s for 3,400 developers: 87 %, hotter than the base's 79 %.
		{"another GPU, fewer of them, hotter", fixture.Edit(t, at(3400, 8), `gpu                = "h100"`, `gpu                = "h200"`), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, got := loosenedAgainst(t, fixture.Parse(t, "acme.hcl", tt.head), base)
			if slices.Contains(got, "self_hosted.gpus") != tt.want {
				t.Errorf("loosened %v, want self_hosted.gpus %v: %+v", got, tt.want, p.Loosened)
			}
		})
	}
	// A new spec's fixed fleet above its target: no base to be hotter
	// than, so its figures meet the defaults, which size at the target.
	opts := fixture.Options()
	opts.NewSpec = true
	p, err := plan.Build(context.Background(), base, opts)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range p.Loosened {
		found = found || l.Attribute == "self_hosted.gpus" && strings.Contains(l.Message, "in a new spec")
	}
	if !found {
		t.Errorf("a new spec's hot fixed fleet: %+v", p.Loosened)
	}
}

// TestGPUHourAgainstTheInstance: a GPU-hour price is weighed against the
// catalog's price of the instance type the fleet runs on, not a range over
// every instance type selling the GPU (L40S on demand: $1.861 on a
// g6e.xlarge to $3.7664 a GPU on a g6e.48xlarge), inside which 2.82 passed
// for a fleet on the dearer one.
func TestGPUHourAgainstTheInstance(t *testing.T) {
	acme := fixture.Edit(t, fixture.Example(t, "acme-platform.hcl"), "  max_ttft_ms    = 200\n", "")
	base := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, "  gpu_hour_usd       = [2.5, 3.5]\n", ""))
	head := fixture.Parse(t, "acme.hcl", fixture.Edit(t, acme, `gpu                = "h100"`, `gpu                = "l40s"`, `pricing            = "reserved"`, `pricing            = "on_demand"`, "gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = 2.82"))
	p, got := loosenedAgainst(t, head, base)
	var s *plan.Sizing
	for _, o := range p.Options {
		if o.Architecture == "self_hosted" {
			s = o.Sizing
		}
	}
	if s == nil {
		t.Fatal("no self-hosted fleet")
	}
	ref := 0.0
	for _, in := range fixture.Options().Catalog.InstancesFor("l40s", s.Region) {
		if in.Type == s.InstanceType {
			ref = in.GPUHourUSD["on_demand"].Low
		}
	}
	if want := ref > 2.82; slices.Contains(got, "self_hosted.gpu_hour_usd") != want {
		t.Errorf("the fleet runs on %s at %g a GPU-hour: loosened %v, want gpu_hour_usd %v", s.InstanceType, ref, got, want)
	}
	if ref <= 2.82 {
		t.Fatalf("the fleet runs on %s at %g: the case needs the dearer instance", s.InstanceType, ref)
	}
}

// TestKeptGPUHourOnAnotherInstance: a GPU-hour price the base wrote at
// the catalog's figure for the instance its fleet ran on, kept while a
// model change moves the fleet to a dearer instance type of the same GPU
// (g6e.12xlarge at 2.6232 to g6e.48xlarge at 3.7664), prices every GPU of
// the new fleet below what AWS bills for it: spec.loosened. Kept on the
// same instance, it is not.
func TestKeptGPUHourOnAnotherInstance(t *testing.T) {
	team := func(model, price string) string {
		return `team "research" {
  developers           = 300
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model   = "` + model + `"
  gpu     = "l40s"
  pricing = "on_demand"
` + price + `
}
`
	}
	fleet := func(p *plan.Plan) *plan.Sizing {
		t.Helper()
		for _, o := range p.Options {
			if o.Architecture == "self_hosted" && o.Sizing != nil {
				return o.Sizing
			}
		}
		t.Fatal("no self-hosted fleet")
		return nil
	}
	price := func(s *plan.Sizing) float64 {
		for _, in := range fixture.Options().Catalog.InstancesFor("l40s", s.Region) {
			if in.Type == s.InstanceType {
				return in.GPUHourUSD["on_demand"].Low
			}
		}
		t.Fatalf("no catalog price for %s", s.InstanceType)
		return 0
	}
	// The base's fleet and the catalog's price of its instance.
	probe, _ := loosenedAgainst(t, fixture.Parse(t, "research.hcl", team("qwen3-coder-30b-a3b", "")), nil)
	was := fleet(probe)
	written := fmt.Sprintf("  gpu_hour_usd = %g", price(was))
	base := fixture.Parse(t, "research.hcl", team("qwen3-coder-30b-a3b", written))

	p, got := loosenedAgainst(t, fixture.Parse(t, "research.hcl", team("qwen3-coder-30b-a3b", written)), base)
	if slices.Contains(got, "self_hosted.gpu_hour_usd") {
		t.Errorf("the price kept on %s, the instance it was written for: loosened %v", fleet(p).InstanceType, got)
	}
	p, got = loosenedAgainst(t, fixture.Parse(t, "research.hcl", team("llama-3.3-70b", written)), base)
	now := fleet(p)
	if now.InstanceType == was.InstanceType || price(now) <= price(was) {
		t.Fatalf("the case needs a dearer instance: %s at %g, then %s at %g", was.InstanceType, price(was), now.InstanceType, price(now))
	}
	if !slices.Contains(got, "self_hosted.gpu_hour_usd") {
		t.Errorf("%g written for %s, kept for %s at %g: loosened %v, want self_hosted.gpu_hour_usd", price(was), was.InstanceType, now.InstanceType, price(now), got)
	}
}

// TestLookAlikeAlertAddress: an alert address replaced by one that Unicode
// case folding takes for it (ſ for s, the Kelvin sign for K) drops the
// original; the parser refuses such an address, and a spec built another
// way is compared as mail servers compare (ASCII letter case only).
func TestLookAlikeAlertAddress(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	base := fixture.Parse(t, "acme.hcl", acme)
	for _, tc := range []struct {
		addr string
		want []string
	}{
		{"finopſ@acme.example", []string{"budget.alert_emails"}},
		{"finops@acme.example", nil},
		{"FINOPS@ACME.EXAMPLE", nil},
	} {
		head := fixture.Parse(t, "acme.hcl", acme)
		base.Budget.AlertEmails, head.Budget.AlertEmails = []string{"fin\u212aops@acme.example"}, []string{"finkops@acme.example"}
		if _, got := loosenedAgainst(t, head, base); len(got) != 1 {
			t.Errorf("the Kelvin sign replaced by k: loosened %v", got)
		}
		base.Budget.AlertEmails, head.Budget.AlertEmails = []string{"finops@acme.example"}, []string{tc.addr}
		if _, got := loosenedAgainst(t, head, base); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: loosened %v, want %v", tc.addr, got, tc.want)
		}
	}
}
