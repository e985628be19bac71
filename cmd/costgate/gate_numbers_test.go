package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/fixture"
)

// TestNumbersCannotOpenTheGate: pull requests that write a number the
// arithmetic cannot carry — a utilization target that makes the sizer's
// counts wrap, every team figure at its limit, a fleet larger than any
// provisionable one — to get a denied spec through. Before the spec's
// ranges and the fleet cap, each one gave exit 0: a fleet of
// -9,020,943,718,583,283,712 GPUs priced at a negative cost, or a blocked
// fleet made allowed at 566 % of its capacity.
func TestNumbersCannotOpenTheGate(t *testing.T) {
	dir := t.TempDir()
	const asOfFlag = "2026-11-26"
	const workload = "workload \"agent\" {\n  share      = 1\n  complexity = \"complex\"\n}\n"
	const closed = "compliance {\n  code_may_leave_network = false\n}\n"
	const huge = "team \"blocked\" {\n  developers              = 1e7\n  tokens_per_developer    = 1e12\n  peak_to_average         = 744\n  working_hours_per_month = 744\n  cost_center             = \"research\"\n}\n"
	runCases(t, []cliCase{
		{"a utilization target that makes the fleet's count wrap", []string{"check", blockedWith(t, "self_hosted {\n  target_utilization = 3e-19\n}\n"), "--as-of", asOfFlag},
			2, "", "team.hcl:23:24"},
		{"a utilization target that makes a blocked fleet cheap", []string{"check", blockedWith(t, "self_hosted {\n  target_utilization = 1e-30\n}\n"), "--as-of", asOfFlag},
			2, "", "self_hosted.target_utilization must be a number from 0.1 to 1; got 1e-30"},
		{"a fixed fleet above the cap", []string{"check", blockedWith(t, "self_hosted {\n  gpus = 20001\n}\n"), "--as-of", asOfFlag},
			2, "", "self_hosted.gpus must be at most 20000"},
		{"every team figure at its limit, code kept in the network", []string{"check", writeFile(t, dir, "huge.hcl", huge+workload+closed), "--as-of", asOfFlag},
			1, "deny    self_hosted capacity.fleet_limit: The self-hosted fleet would need more than 20000 GPUs", ""},
		{"every team figure at its limit, a pinned model on eight-GPU replicas", []string{"check", writeFile(t, dir, "huge-pinned.hcl", huge+workload+closed+
			"self_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n  target_utilization = 1\n}\n"), "--as-of", asOfFlag},
			1, "capacity.fleet_limit", ""},
		{"ten thousand replicas of a dense model four L4s hold", []string{"check", writeFile(t, dir, "replicas.hcl",
			"team \"blocked\" {\n  developers = 20\n  tokens_per_developer = 3e6\n  cost_center = \"research\"\n}\n"+workload+closed+
				"self_hosted {\n  model = \"llama-3.3-70b\"\n  gpu = \"l4\"\n  min_replicas = 10000\n}\n"), "--as-of", asOfFlag},
			1, "capacity.fleet_limit", ""},
		{"the fleet cap waived", []string{"check", writeFile(t, dir, "waived.hcl", huge+workload+closed+override("x", "capacity.fleet_limit", "cfo@corp.example", "2026-12-15")), "--as-of", asOfFlag},
			1, "refused override \"x\" for capacity.fleet_limit (not waivable", ""},
		// A model block whose weights are written below what its
		// parameters take: the sizer would place them on fewer GPUs, a
		// fleet that could not load them, at two thirds of its cost.
		{"a model block's weights written below its parameters", []string{"check", writeFile(t, dir, "weights.hcl",
			strings.Replace(figuresBase, "weights_gb    = 64", "weights_gb    = 20", 1)), "--as-of", asOfFlag},
			2, "", "Weights smaller than their parameters"},
		// Minimum replicas past one capacity block's 64 instances: the
		// sizer once placed them as fit, and only the plan policy denied
		// them; the fleet is over the cap whatever the load.
		{"a capacity block's minimum replicas past its instances", []string{"check", writeFile(t, dir, "block.hcl",
			"team \"blocked\" {\n  developers = 20\n  tokens_per_developer = 3e6\n  cost_center = \"research\"\n}\n"+workload+closed+
				"self_hosted {\n  model = \"gpt-oss-20b\"\n  gpu = \"h100\"\n  pricing = \"capacity_block\"\n  min_replicas = 600\n}\n"), "--as-of", asOfFlag},
			1, "capacity.fleet_limit", ""},
		// An always_on fleet priced at the working day's hours: the group
		// runs all month, so the plan bills AWS's 730 hours and the
		// budget still denies it (priced at 176 hours it passed, exit 0).
		{"an always-on fleet priced at 176 hours a month", []string{"check", writeFile(t, dir, "hours.hcl",
			"team \"acme\" {\n  developers = 20\n  tokens_per_developer = 3e6\n  cost_center = \"research\"\n}\n"+workload+closed+
				"self_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n  gpu = \"h100\"\n  gpus = 1\n  pricing = \"on_demand\"\n  hours_per_month = 176\n}\n"+
				"budget {\n  monthly_limit_usd = 6000\n}\n"), "--as-of", asOfFlag},
			1, "spend.limit: The self-hosted option's expected cash cost of $8,116 a month", "Fewer hours than a month"},
	})
}

// figuresBase is a team whose code stays in the network and whose budget
// cannot pay for its fleet at the catalog's GPU-hour price: blocked.
const figuresBase = `team "acme" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share       = 1
  complexity  = "complex"
  max_ttft_ms = 2000
  min_quality = 0.4
}

self_hosted {
  model             = "auto"
  gpu_hour_usd      = 6.88
  ops_usd_per_month = [2000, 4000]
}

model "mine" {
  hf_repo       = "acme/mine"
  params_b      = 32
  layers        = 64
  q_heads       = 40
  kv_heads      = 8
  head_dim      = 128
  max_context   = 131072
  weights_dtype = "bf16"
  weights_gb    = 64
  quality       = { simple = 0.5, complex = 0.4 }
  source        = "our own evaluation"
  as_of         = "2026-11-01"
}

compliance {
  code_may_leave_network = false
}

budget {
  monthly_limit_usd = 5000
}
`

// TestSpecFiguresAreLoosenings: figures written into the spec price the
// head's options although the gate runs the base's price books, so a pull
// request that makes them cheaper, or relaxes a threshold a sealed policy
// reads from the spec, is spec.loosened: blocked until a reviewer
// approves. Each change below once passed check --base-ref unremarked;
// the first turned this blocked fleet into an allowed one at $0 a month.
func TestSpecFiguresAreLoosenings(t *testing.T) {
	edit := func(pairs ...string) string { return strings.NewReplacer(pairs...).Replace(figuresBase) }
	tests := []struct {
		name, head string
		want       []string // in stdout; none: no spec.loosened
	}{
		// hours_per_month bills no fewer hours than a month has (1e-9 is
		// priced as AWS's 730): February's 672 is the shortest month.
		{"a GPU-hour, hours and operations written down to nothing", edit(
			"gpu_hour_usd      = 6.88", "gpu_hour_usd      = 1e-9\n  hours_per_month   = 672",
			"ops_usd_per_month = [2000, 4000]", "ops_usd_per_month = 0"),
			[]string{"spec.loosened: self_hosted.gpu_hour_usd falls from $6.88 to $0.00 per GPU-hour", "self_hosted.hours_per_month falls from 730 to 672",
				"self_hosted.ops_usd_per_month falls from 2000 to 0", "spec.suspicious_figure: self_hosted.gpu_hour_usd (line 16)"}},
		{"a higher utilization target", edit("ops_usd_per_month = [2000, 4000]", "ops_usd_per_month = [2000, 4000]\n  target_utilization = 1"),
			[]string{"self_hosted.target_utilization rises from 0.7 to 1"}},
		{"a lower quality floor", edit("min_quality = 0.4", "min_quality = 0.1"),
			[]string{"workload.agent.min_quality falls from 0.4 to 0.1"}},
		{"a slower first token allowed", edit("max_ttft_ms = 2000", "max_ttft_ms = 20000"),
			[]string{"workload.agent.max_ttft_ms rises from 2000 to 20000"}},
		{"the first-token target removed", edit("  max_ttft_ms = 2000\n", ""),
			[]string{"workload.agent.max_ttft_ms is removed (was 2000 ms)"}},
		{"a model block's quality raised", edit("quality       = { simple = 0.5, complex = 0.4 }", "quality       = { simple = 0.5, complex = 0.99 }"),
			[]string{"model.mine.quality rises from 0.4 to 0.99", "spec.suspicious_figure: model.mine.quality (line 30): a complex quality of 0.99 is above the best catalog model's"}},
		{"a model block's throughput added", edit("  as_of         = \"2026-11-01\"\n}", "  as_of         = \"2026-11-01\"\n  throughput \"h100\" {\n    tensor_parallel = 1\n    prefill_tok_s = 1e9\n    decode_tok_s = 1e9\n    ttft_ms = 10\n    concurrency = 64\n  }\n}"),
			[]string{"a throughput block for h100 at tensor_parallel = 1 is new", "above the compute roofline"}},
		{"a model block's weights swapped under its figures", edit("hf_repo       = \"acme/mine\"", "hf_repo       = \"acme/tiny\""),
			[]string{"spec.loosened: model.mine.hf_repo changes from \"acme/mine\" to \"acme/tiny\""}},
		{"a dearer GPU-hour is no loosening", edit("gpu_hour_usd      = 6.88", "gpu_hour_usd      = 8"), nil},
		{"fewer hours than a month bill AWS's month: no loosening", edit("gpu_hour_usd      = 6.88", "gpu_hour_usd      = 8\n  hours_per_month   = 1e-9"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"team.hcl": figuresBase}, map[string]string{"team.hcl": tt.head})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--", "team.hcl")
			if code != 1 {
				t.Fatalf("exit %d, want 1 (blocked):\n%s%s", code, out, stderr)
			}
			if len(tt.want) == 0 && strings.Contains(out, "spec.loosened") {
				t.Errorf("a costlier change is reported as loosened:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("check lacks %q:\n%s", w, out)
				}
			}
		})
	}
	t.Run("approved in review, the cheaper fleet passes", func(t *testing.T) {
		repo := gitRepo(t, map[string]string{"team.hcl": figuresBase}, map[string]string{"team.hcl": tests[0].head, "approvals.json": `{"approved_by": ["@octocat"]}`})
		code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--", "team.hcl")
		if code != 0 || !strings.Contains(out, "approved in review by @octocat") {
			t.Errorf("exit %d, want 0 with the approval:\n%s%s", code, out, stderr)
		}
	})
}

// loadBase is a team whose fleet of one H100 runs over its capacity at
// peak (111 %, capacity.exceeded) and whose code stays in the
// network: blocked.
var loadBase = fixture.Load("capacity.hcl")

// peakBase is a team working in Shanghai, mostly in DeepSeek's peak
// hours: $99 a month against a limit of $80, blocked.
var peakBase = fixture.Load("peak.hcl")

// pricingBase is a team whose code stays in the network and whose
// on-demand fleet costs about $8,100 a month against a limit of $7,000:
// blocked.
var pricingBase = fixture.Load("pricing.hcl")

// TestLoadCannotOpenTheGate: a pull request that lowers the team's load
// until a denied fleet fits passed check --base-ref with exit 0 and no
// approval: peak_to_average from 3 to 1.5 takes the fleet from 111 % of
// its capacity to 56 %. A load change that clears a denial the base's
// load had is spec.loosened; one that clears nothing, as a calibration
// usually does, needs no approval. A workload renamed, removed or split
// carries its load with it: the base's workloads are the base's load.
func TestLoadCannotOpenTheGate(t *testing.T) {
	edit := func(pairs ...string) string { return strings.NewReplacer(pairs...).Replace(loadBase) }
	lowered := edit("peak_to_average         = 3", "peak_to_average         = 1.5")
	tests := []struct {
		name       string
		base, head string
		approvals  string
		code       int
		want, not  string
	}{
		{"peak_to_average lowered until the fleet fits", loadBase, lowered, "", 1,
			"deny    self_hosted spec.loosened: team.peak_to_average falls from 3 to 1.5: at the base's load self_hosted was denied by capacity.exceeded; the new figure clears it (line 5)", "ALLOWED"},
		{"approved in review, the lowered load passes", loadBase, lowered, `{"approved_by": ["@octocat"]}`, 0,
			"waived  self_hosted spec.loosened: team.peak_to_average falls from 3 to 1.5", "deny    self_hosted"},
		{"a lower peak that leaves the fleet overloaded", loadBase, edit("peak_to_average         = 3", "peak_to_average         = 2.9"), "", 1,
			"capacity.exceeded", "spec.loosened"},
		// 80 developers take the fleet just under its capacity (99 %),
		// where the agent's slowest requests still queue past the idle
		// timeout: the figure clears capacity.exceeded, so the change is a
		// loosening even though latency.timeout still denies the fleet.
		{"developers lowered to just under the fleet's capacity", loadBase, edit("developers              = 90", "developers              = 80"), "", 1,
			"deny    self_hosted spec.loosened: team.developers falls from 90 to 80: at the base's load self_hosted was denied by capacity.exceeded; the new figure clears it", "ALLOWED"},
		// Renamed, its figures had no name to be compared by: exit 0.
		{"the workload renamed with a smaller context", loadBase,
			edit("workload \"agent\" {", "workload \"agent2\" {", "complexity = \"complex\"", "complexity     = \"complex\"\n  context_tokens = 4096"), "", 1,
			"deny    self_hosted spec.loosened: workload.agent is removed or renamed (it had a share of 1): at the base's load self_hosted was denied by capacity.exceeded", "ALLOWED"},
		// The working day moved out of DeepSeek's peak hours: its
		// off-peak prices took the managed option under its budget.
		{"the time zone moved off a provider's peak hours", peakBase, strings.Replace(peakBase, "Asia/Shanghai", "America/Los_Angeles", 1), "", 1,
			"deny    managed spec.loosened: team.timezone changes from \"Asia/Shanghai\" to \"America/Los_Angeles\": at the base's load managed was denied by spend.limit", "ALLOWED"},
		// The pull requests of gate rounds 9 and 10: pricing the fleet at a
		// reservation the program never buys passed with only a warning,
		// alone, with hours_per_month the commitment makes moot, and where
		// it cleared nothing (to stand as an exemption for the next load).
		{"the fleet priced reserved", pricingBase, strings.Replace(pricingBase, `pricing = "on_demand"`, `pricing = "reserved"`, 1), "", 1,
			"deny    self_hosted spec.loosened: self_hosted.pricing changes from \"on_demand\" to \"reserved\"", "ALLOWED"},
		{"the fleet priced reserved with fewer hours", pricingBase, strings.Replace(pricingBase, `pricing = "on_demand"`, "pricing = \"reserved\"\n  hours_per_month = 672", 1), "", 1,
			"spec.loosened: self_hosted.pricing", "ALLOWED"},
		{"the fleet priced reserved under a limit it fits anyway", strings.Replace(pricingBase, "= 7000", "= 9000", 1),
			strings.Replace(strings.Replace(pricingBase, "= 7000", "= 9000", 1), `pricing = "on_demand"`, `pricing = "reserved"`, 1), "", 1,
			"spec.loosened: self_hosted.pricing", "ALLOWED"},
		{"the fleet priced on capacity blocks with fewer hours", strings.Replace(pricingBase, "= 7000", "= 7750", 1),
			strings.Replace(strings.Replace(pricingBase, "= 7000", "= 7750", 1), `pricing = "on_demand"`, "pricing = \"capacity_block\"\n  hours_per_month = 672", 1), "", 1,
			"spec.loosened: self_hosted.pricing changes from \"on_demand\" to \"capacity_block\": at the base's load self_hosted was denied by spend.limit", "ALLOWED"},
		// A near-idle fleet's first token is predicted at its load (it had
		// been unknown): tokens lowered to nothing clear the base's
		// denial, so the change is a loosening, not a pass.
		{"tokens lowered until the fleet idles", loadBase, edit("tokens_per_developer    = 3e6", "tokens_per_developer    = 30"), "", 1,
			"deny    self_hosted spec.loosened: team.tokens_per_developer falls", "ALLOWED"},
		{"a calibration that lowers the load of an allowed fleet", edit("developers              = 90", "developers              = 20"),
			edit("developers              = 90", "developers              = 10"), "", 0, "ALLOWED", "spec.loosened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change := map[string]string{"team.hcl": tt.head}
			args := []string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26"}
			if tt.approvals != "" {
				change["approvals.json"] = tt.approvals
				args = append(args, "--approvals", "approvals.json")
			}
			repo := gitRepo(t, map[string]string{"team.hcl": tt.base}, change)
			code, out, stderr := inDir(t, repo, append(args, "--", "team.hcl")...)
			if code != tt.code {
				t.Errorf("exit %d, want %d:\n%s%s", code, tt.code, out, stderr)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("check lacks %q:\n%s", tt.want, out)
			}
			if strings.Contains(out, tt.not) {
				t.Errorf("check has %q:\n%s", tt.not, out)
			}
		})
	}
}

// spotBase is a team whose code stays in the network and whose one-H100
// load, priced spot, runs on a p5.48xlarge (the catalog has no spot price
// for the one-GPU p5.4xlarge): $21,902 a month of cash against a limit
// of $10,000, blocked.
const spotBase = `team "research" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "autocomplete" {
  share      = 1
  complexity = "simple"
}

self_hosted {
  model   = "qwen2.5-coder-7b"
  gpu     = "h100"
  pricing = "spot"
}

compliance {
  code_may_leave_network = false
}

budget {
  monthly_limit_usd = 10000
}
`

// TestOnDemandBaseOpensOnlyWhatItBuys: the pull request that would get
// the blocked spot fleet through by its on-demand base. A base that covers
// the fleet runs every instance on demand, so the one-H100 p5.4xlarge
// serves it, at the catalog's on-demand price, which the program launches
// (no spot market option): the gate opens on the bill AWS sends, not on a
// figure the pull request wrote. A base below the fleet's instances does
// not buy the spot-less type's others: 1,000 developers need two
// p5.4xlarge, and a base of 1 stays on a p5.48xlarge, blocked, where a
// base of 2 passes.
func TestOnDemandBaseOpensOnlyWhatItBuys(t *testing.T) {
	edit := func(pairs ...string) string { return strings.NewReplacer(pairs...).Replace(spotBase) }
	withBase := func(n int, pairs ...string) string {
		return edit(append(pairs, `pricing = "spot"`, fmt.Sprintf("pricing = \"spot\"\n  on_demand_base = %d", n))...)
	}
	big := []string{"developers           = 20", "developers           = 1000", "monthly_limit_usd = 10000", "monthly_limit_usd = 15000"}
	for _, tt := range []struct {
		name, base, head string
		code             int
		want             string
		gpuLine          float64 // the head's on-demand base line (0: not checked)
	}{
		{"a base of one instance", spotBase, withBase(1), 0, "ALLOWED  team.hcl", 1 * 6.88 * 730},
		{"a base of one under a load of two", edit(big...), withBase(1, big...), 1, "spend.limit: The self-hosted option's expected cash cost of $46,254", 0},
		{"a base of two under a load of two", edit(big...), withBase(2, big...), 0, "ALLOWED  team.hcl", 2 * 6.88 * 730},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"team.hcl": tt.base}, map[string]string{"team.hcl": tt.head})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--", "team.hcl")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s%s", code, tt.code, tt.want, out, stderr)
			}
			if tt.gpuLine == 0 {
				return
			}
			_, js, _ := inDir(t, repo, "plan", "--as-of", "2026-11-26", "--format", "json", "team.hcl")
			var p struct {
				Options []struct {
					Sizing *struct {
						InstanceType string `json:"instance_type"`
					} `json:"sizing"`
					LineItems []struct {
						Name       string `json:"name"`
						MonthlyUSD struct {
							Expected float64 `json:"expected"`
						} `json:"monthly_usd"`
					} `json:"line_items"`
				} `json:"options"`
			}
			if err := json.Unmarshal([]byte(js), &p); err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Options {
				if o.Sizing == nil {
					continue
				}
				var lines []string
				for _, it := range o.LineItems {
					if strings.HasPrefix(it.Name, "GPU instances") {
						lines = append(lines, fmt.Sprintf("%s $%.2f", it.Name, it.MonthlyUSD.Expected))
					}
				}
				want := []string{fmt.Sprintf("GPU instances (on-demand base) $%.2f", tt.gpuLine)}
				if o.Sizing.InstanceType != "p5.4xlarge" || !slices.Equal(lines, want) {
					t.Errorf("the fleet on %s billed %v, want p5.4xlarge billed %v", o.Sizing.InstanceType, lines, want)
				}
			}
		})
	}
}
