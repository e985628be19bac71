package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/internal/fixture"
	"github.com/costgate/costgate/plan"
	policyengine "github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
)

// loadCapacity is a team whose fixed fleet of one H100 runs over its
// capacity at peak (112 %, capacity.exceeded) and whose code stays in the
// network (the managed option is denied by compliance.external_api).
var loadCapacity = fixture.Load("capacity.hcl")

// loadLatency is a team whose fleet of one H100 misses the chat
// workload's first-token target at peak (latency.ttft on self_hosted: at
// 50 % of capacity its 32K-token prompts queue behind each other's
// prefills, p95 about 11 s against 4 s).
var loadLatency = fixture.Load("latency.hcl")

// loadSpend is a team whose managed option costs about $1,260 a month
// against a limit of $1,200 (spend.limit), as does its fleet.
var loadSpend = fixture.Load("spend.hcl")

// loadUnpriced is a blocked team whose self-hosted option cannot be
// priced: its agent's prompts fill the pinned model's window.
var loadUnpriced = fixture.Load("unpriced.hcl")

// loadTwo is loadCapacity's team, 125 developers, with half its tokens on
// a light chat workload: the fleet carries the load at peak (about 94 %)
// but both workloads' slowest requests queue past the idle timeout behind
// the agent's long prefills (p99.9 about 21 minutes against 10:
// latency.timeout).
var loadTwo = fixture.Load("two.hcl")

// loadCache is a team that writes most of its input to a one-hour prompt
// cache: its managed option costs about $385 a month against a limit of
// $350 (about $320 with five-minute writes).
var loadCache = fixture.Load("cache.hcl")

// loadPricing is a team whose managed option is denied by compliance and
// whose on-demand fleet costs about $8,100 a month against a limit of
// $7,000 (spend.limit); at reserved rates it is under the limit.
var loadPricing = fixture.Load("pricing.hcl")

// loadPeak is a team whose working day in Shanghai falls mostly in
// DeepSeek's peak hours (weekdays 01:00-04:00 and 06:00-10:00 UTC): its
// managed option costs about $99 a month against a limit of $80.
var loadPeak = fixture.Load("peak.hcl")

// TestLoadFiguresThatOpenTheGate: a lower load is a measurement, not a
// loosening, unless it clears a denial the base's load had: then each
// changed load figure is spec.loosened, naming what it cleared. Before
// the comparison each change below that clears a denial passed with no
// approval.
func TestLoadFiguresThatOpenTheGate(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		edits []string
		want  []string // attributes reported loosened, in order
		says  string   // in every loosening's message
	}{
		// A commitment nobody has bought: the program launches on-demand
		// instances, billed so until a Savings Plan covers them.
		// A reservation the program does not buy is a loosening whatever
		// it clears: merged where it cleared nothing, the next change of
		// load was judged at reserved rates.
		{"pricing made reserved, clearing spend.limit", loadPricing,
			[]string{"pricing = \"on_demand\"", "pricing = \"reserved\""},
			[]string{"self_hosted.pricing"}, "self_hosted.pricing changes from \"on_demand\" to \"reserved\": the fleet is priced at a Savings Plan's or reservation's rates, which the program does not buy"},
		{"pricing made reserved under a limit that holds either way", strings.Replace(loadPricing, "= 7000", "= 9000", 1),
			[]string{"pricing = \"on_demand\"", "pricing = \"reserved\""},
			[]string{"self_hosted.pricing"}, "which the program does not buy"},
		{"pricing made capacity_block, clearing spend.limit", strings.Replace(loadPricing, "= 7000", "= 7500", 1),
			[]string{"pricing = \"on_demand\"", "pricing = \"capacity_block\""},
			[]string{"self_hosted.pricing"}, "self_hosted.pricing changes from \"on_demand\" to \"capacity_block\": at the base's load self_hosted was denied by spend.limit; the new figure clears it"},
		// hours_per_month has no effect under a commitment: kept at the
		// base's pricing it billed on demand for 672 hours, $7,698, under
		// the limit of $7,750 the on-demand month's $8,097 is above.
		{"pricing made capacity_block with fewer hours, clearing spend.limit", strings.Replace(loadPricing, "= 7000", "= 7750", 1),
			[]string{"pricing = \"on_demand\"", "pricing = \"capacity_block\"\n  hours_per_month = 672"},
			[]string{"self_hosted.pricing"}, "at the base's load self_hosted was denied by spend.limit"},
		{"pricing made capacity_block under a limit that holds either way", strings.Replace(loadPricing, "= 7000", "= 9000", 1),
			[]string{"pricing = \"on_demand\"", "pricing = \"capacity_block\""},
			nil, ""},
		{"pricing made on demand", strings.Replace(loadPricing, "\"on_demand\"", "\"reserved\"", 1),
			[]string{"pricing = \"reserved\"", "pricing = \"on_demand\""},
			nil, ""},
		{"peak_to_average lowered, clearing capacity.exceeded", loadCapacity,
			[]string{"peak_to_average         = 3", "peak_to_average         = 1.5"},
			[]string{"team.peak_to_average"}, "team.peak_to_average falls from 3 to 1.5: at the base's load self_hosted was denied by capacity.exceeded; the new figure clears it"},
		{"developers lowered, clearing capacity.exceeded", loadCapacity,
			[]string{"developers              = 90", "developers              = 40"},
			[]string{"team.developers"}, "team.developers falls from 90 to 40: at the base's load self_hosted was denied by capacity.exceeded"},
		{"developers as a range reaching lower", loadCapacity,
			[]string{"developers              = 90", "developers              = [40, 90]"},
			[]string{"team.developers"}, "team.developers falls from 90 to 40–90"},
		{"tokens_per_developer lowered, clearing capacity.exceeded", loadCapacity,
			[]string{"tokens_per_developer    = 3e6", "tokens_per_developer    = 1.5e6"},
			[]string{"team.tokens_per_developer"}, "team.tokens_per_developer falls from 3e+06 to 1.5e+06"},
		{"working hours raised, spreading the load", loadCapacity,
			[]string{"working_hours_per_month = 176", "working_hours_per_month = 352"},
			[]string{"team.working_hours_per_month"}, "team.working_hours_per_month rises from 176 to 352"},
		{"two figures lowered together", loadCapacity,
			[]string{"developers              = 90", "developers              = 70", "peak_to_average         = 3", "peak_to_average         = 2"},
			[]string{"team.developers", "team.peak_to_average"}, "the new figures (team.developers, team.peak_to_average) clear it"},
		{"context_tokens lowered, clearing latency.ttft", loadLatency,
			[]string{"context_tokens = 32768", "context_tokens = 8192"},
			[]string{"workload.chat.context_tokens"}, "workload.chat.context_tokens falls from 32768 to 8192: at the base's load managed, self_hosted and hybrid were denied by latency.ttft; the new figure clears them"},
		{"share moved from the targeted workload to the other", loadLatency,
			[]string{"share          = 0.5\n  complexity     = \"complex\"", "share          = 0.1\n  complexity     = \"complex\"",
				"share          = 0.5\n  complexity     = \"simple\"", "share          = 0.9\n  complexity     = \"simple\""},
			[]string{"workload.chat.share", "workload.tab.share"}, "at the base's load self_hosted and hybrid were denied by latency.ttft; the new figures (workload.chat.share, workload.tab.share) clear them"},
		{"share moved from the targeted workload to a new one", loadLatency,
			[]string{"share          = 0.5\n  complexity     = \"complex\"", "share          = 0.1\n  complexity     = \"complex\"",
				"self_hosted {", "workload \"lint\" {\n  share      = 0.4\n  complexity = \"simple\"\n  context_tokens = 2048\n}\n\nself_hosted {"},
			[]string{"workload.chat.share", "workload.lint"}, "at the base's load self_hosted was denied by latency.ttft; the new figures (workload.chat.share, workload.lint) clear it"},
		// One fleet serves both workloads: the untargeted tab's long
		// prompts hold the chat's queue, so shortening them alone clears
		// the chat's target (44 s -> 2.3 s at the p95).
		{"the other workload's context lowered, clearing latency.ttft on the shared fleet",
			strings.NewReplacer("developers           = 100", "developers           = 80", "context_tokens = 2048", "context_tokens = 16384").Replace(loadLatency),
			[]string{"context_tokens = 16384", "context_tokens = 1024"},
			[]string{"workload.tab.context_tokens"}, "workload.tab.context_tokens falls from 16384 to 1024: at the base's load"},
		{"context_tokens lowered beside a new workload", loadLatency,
			[]string{"share          = 0.5\n  complexity     = \"simple\"", "share          = 0.3\n  complexity     = \"simple\"",
				"context_tokens = 32768", "context_tokens = 8192",
				"self_hosted {", "workload \"lint\" {\n  share      = 0.2\n  complexity = \"simple\"\n}\n\nself_hosted {"},
			[]string{"workload.chat.context_tokens", "workload.tab.share", "workload.lint"}, "self_hosted and hybrid were denied by latency.ttft"},
		{"cached_input_share raised, clearing spend.limit", loadSpend,
			[]string{"cached_input_share   = 0", "cached_input_share   = 0.8"},
			[]string{"team.cached_input_share"}, "team.cached_input_share rises from 0 to 0.8: at the base's load managed was denied by spend.limit"},
		// A workload renamed, removed or split keeps no figure to compare
		// by name: the base's workloads are the base's load.
		{"a workload renamed with a smaller context", loadCapacity,
			[]string{"workload \"agent\" {", "workload \"agent2\" {", "complexity = \"complex\"", "complexity = \"complex\"\n  context_tokens = 4096"},
			[]string{"workload.agent2", "workload.agent"}, "at the base's load self_hosted was denied by capacity.exceeded; the new figures (workload.agent2, workload.agent) clear it"},
		{"the heavier workload removed", loadTwo,
			[]string{"workload \"agent\" {\n  share      = 0.5\n  complexity = \"complex\"\n}\n\n", "", "share          = 0.5", "share          = 1"},
			[]string{"workload.chat.share", "workload.agent"}, "at the base's load self_hosted was denied by"},
		{"load split off to a new, lighter workload", loadCapacity,
			[]string{"share      = 1", "share      = 0.3", "self_hosted {", "workload \"lite\" {\n  share          = 0.7\n  complexity     = \"simple\"\n  context_tokens = 1024\n}\n\nself_hosted {"},
			[]string{"workload.agent.share", "workload.lite"}, "at the base's load self_hosted was denied by capacity.exceeded; the new figures (workload.agent.share, workload.lite) clear it"},
		{"a complex workload made simple, no quality floor", strings.Replace(loadSpend, "complexity = \"complex\"", "complexity = \"complex\"\n  context_tokens = 16384", 1),
			[]string{"complexity = \"complex\"", "complexity = \"simple\""},
			[]string{"workload.agent.complexity"}, "workload.agent.complexity changes from complex to simple: at the base's load managed was denied by spend.limit"},
		// Team figures that price the managed tokens without being
		// numbers of them: the cache lifetime the shares were measured
		// with, and the time zone the working day falls in.
		{"a shorter cache lifetime, clearing spend.limit", loadCache,
			[]string{"cache_ttl            = \"1h\"", "cache_ttl            = \"5m\""},
			[]string{"team.cache_ttl"}, "team.cache_ttl changes from \"1h\" to \"5m\": at the base's load managed was denied by spend.limit"},
		{"the working day moved out of a provider's peak hours, clearing spend.limit", loadPeak,
			[]string{"Asia/Shanghai", "America/Los_Angeles"},
			[]string{"team.timezone"}, "team.timezone changes from \"Asia/Shanghai\" to \"America/Los_Angeles\": at the base's load managed was denied by spend.limit"},
		// The base's prompts fill the pinned model's window, so its
		// self-hosted option cannot be priced and the plan is blocked; a
		// shorter context makes a fleet that passes every policy.
		{"context_tokens lowered, making an unpriced option priced", loadUnpriced,
			[]string{"complexity = \"complex\"", "complexity     = \"complex\"\n  context_tokens = 16384"},
			[]string{"workload.agent.context_tokens"}, "workload.agent.context_tokens falls from 32768 to 16384: at the base's load self_hosted was denied by option.unpriced"},
		{"more input, less output, clearing spend.limit", loadSpend,
			[]string{"input_share          = 0.9", "input_share          = 0.95"},
			[]string{"team.input_share"}, "team.input_share rises from 0.9 to 0.95: at the base's load managed was denied by spend.limit"},

		{"peak_to_average raised", loadCapacity, []string{"peak_to_average         = 3", "peak_to_average         = 4"}, nil, ""},
		{"developers raised", loadSpend, []string{"developers           = 100", "developers           = 200"}, nil, ""},
		{"context_tokens raised", loadLatency, []string{"context_tokens = 2048", "context_tokens = 4096"}, nil, ""},
		{"share moved to the targeted workload", loadLatency,
			[]string{"share          = 0.5\n  complexity     = \"complex\"", "share          = 0.6\n  complexity     = \"complex\"",
				"share          = 0.5\n  complexity     = \"simple\"", "share          = 0.4\n  complexity     = \"simple\""}, nil, ""},
		{"developers lowered, clearing nothing", loadSpend, []string{"developers           = 100", "developers           = 99"}, nil, ""},
		{"peak lowered, still above the fleet's capacity", loadCapacity, []string{"peak_to_average         = 3", "peak_to_average         = 2.9"}, nil, ""},
		{"peak lowered as far as more developers raise the load", loadCapacity,
			[]string{"developers              = 90", "developers              = 180", "peak_to_average         = 3", "peak_to_average         = 1.5"}, nil, ""},
		{"no load figure changed", loadCapacity, []string{"gpus  = 1", "gpus  = 2"}, nil, ""},
		{"a workload renamed", loadCapacity, []string{"workload \"agent\" {", "workload \"agent2\" {"}, nil, ""},
		{"a heavier workload added", loadCapacity,
			[]string{"share      = 1", "share      = 0.5", "self_hosted {", "workload \"review\" {\n  share          = 0.5\n  complexity     = \"complex\"\n  context_tokens = 65536\n}\n\nself_hosted {"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := fixture.Parse(t, "team.hcl", fixture.Edit(t, tt.base, tt.edits...))
			p, got := loosenedAgainst(t, head, fixture.Parse(t, "team.hcl", tt.base))
			for _, l := range p.Loosened {
				if !strings.Contains(l.Message, tt.says) {
					t.Errorf("%s's message lacks %q: %s", l.Attribute, tt.says, l.Message)
				}
				if want := lineOf(head, l.Attribute); l.Line != want || want == 0 {
					t.Errorf("%s at line %d, want %d (where the head sets it, or the team's for a workload it no longer has)", l.Attribute, l.Line, want)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("loosened %v, want %v: %+v", got, tt.want, p.Loosened)
			}
			denied := false
			for _, o := range p.Options {
				for _, v := range o.Violations {
					denied = denied || v.Policy == plan.PolicyLoosened
				}
			}
			if denied != (len(tt.want) > 0) {
				t.Errorf("spec.loosened denies: %v, want %v", denied, len(tt.want) > 0)
			}
		})
	}
}

// qualityGap is a team whose code stays in the network: its fleet's
// weaker model leaves a quality gap of about $1,474 a month, which
// gapPolicy denies above $1,000.
const qualityGap = `team "acme" {
  developers           = 20
  tokens_per_developer = 3e6
  developer_hourly_usd = 100
  cost_center          = "research"
}

workload "agent" {
  share        = 1
  complexity   = "complex"
  rework_hours = 0.5
}

quality {
  rework_hours = 0.5
}

compliance {
  code_may_leave_network = false
}
`

// gapPolicy is an organisation's policy on the quality gap, and on the
// total it is in (about $9,622 a month for the fleet).
const gapPolicy = `package costgate.finance

deny contains v if {
	some o in input.options
	o.quality_gap_usd.expected > 1000
	v := {"policy": "finance.quality_gap", "option": o.architecture, "msg": "the quality gap is above $1,000 a month"}
}

deny contains v if {
	some o in input.options
	o.monthly_usd.expected > 9000
	v := {"policy": "finance.total", "option": o.architecture, "msg": "the total is above $9,000 a month"}
}
`

// TestQualityGapFiguresThatOpenTheGate: the figures that price the
// quality gap, which a policy folder may judge, are compared like the
// load: lowering one until the folder's denial clears, or leaving the gap
// out of the total, is spec.loosened (each passed with no approval
// before).
func TestQualityGapFiguresThatOpenTheGate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "finance.rego"), []byte(gapPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	ev, err := plan.NewPolicies(dir)
	if err != nil {
		t.Fatal(err)
	}
	noOwn := strings.Replace(qualityGap, "  rework_hours = 0.5\n}\n\nquality", "}\n\nquality", 1)
	tests := []struct {
		name, base string
		edits      []string
		want       string // the attribute reported loosened; none: nothing
	}{
		{"the engineer hour lowered", qualityGap, []string{"developer_hourly_usd = 100", "developer_hourly_usd = 50"}, "team.developer_hourly_usd"},
		{"a workload's rework hours lowered", qualityGap, []string{"rework_hours = 0.5\n}\n\nquality", "rework_hours = 0.2\n}\n\nquality"}, "workload.agent.rework_hours"},
		{"the quality block's rework hours lowered", noOwn, []string{"quality {\n  rework_hours = 0.5", "quality {\n  rework_hours = 0.2"}, "quality.rework_hours"},
		{"the gap left out of the total", qualityGap, []string{"rework_hours = 0.5\n}\n\ncompliance", "rework_hours = 0.5\n  include_in_decision = false\n}\n\ncompliance"}, "quality.include_in_decision"},
		{"the engineer hour raised", qualityGap, []string{"developer_hourly_usd = 100", "developer_hourly_usd = 150"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			opts := fixture.Options()
			opts.Policies = ev
			opts.Base = fixture.Parse(t, "team.hcl", base)
			p, err := plan.Build(context.Background(), fixture.Parse(t, "team.hcl", fixture.Edit(t, base, tt.edits...)), opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range p.Loosened {
				got = append(got, l.Attribute)
			}
			if want := []string{tt.want}; strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("loosened %v, want %v: %+v", got, tt.want, p.Loosened)
			}
			if tt.want != "" && len(p.Loosened) > 0 && !strings.Contains(p.Loosened[0].Message, "self_hosted was denied by finance.") {
				t.Errorf("the loosening does not name what it cleared: %s", p.Loosened[0].Message)
			}
		})
	}
}

// lineOf is where head sets attr, else the team's line: a workload the
// head no longer has is reported there.
func lineOf(head *spec.Spec, attr string) int {
	if r, ok := head.Ranges[attr]; ok {
		return r.Start.Line
	}
	return head.Ranges["team"].Start.Line
}

// TestLoadLooseningApproved: a load change that clears a denial blocks
// the plan until a reviewer approves it, like any loosening.
func TestLoadLooseningApproved(t *testing.T) {
	head := fixture.Parse(t, "team.hcl", fixture.Edit(t, loadCapacity, "peak_to_average         = 3", "peak_to_average         = 1.5"))
	for _, approvals := range []*plan.Approvals{nil, {ApprovedBy: []string{"@octocat"}}} {
		opts := fixture.Options()
		opts.Base = fixture.Parse(t, "team.hcl", loadCapacity)
		opts.Approvals = approvals
		p, err := plan.Build(context.Background(), head, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := architecture.Blocked
		if approvals != nil {
			want = architecture.SelfHosted
		}
		if len(p.Loosened) != 1 || p.Decision.Architecture != want {
			t.Errorf("approvals %v: decision %s, want %s; loosened %+v", approvals, p.Decision.Architecture, want, p.Loosened)
		}
	}
}

// failingAt is the built-in policies, failing (a policy past its limit)
// on any plan whose inputs match: the head planned at the base's load
// cannot be built.
type failingAt struct {
	plan.Evaluator
	match func(*plan.Plan) bool
}

func (f failingAt) EvaluatePlan(ctx context.Context, input any) ([]plan.Finding, []plan.Finding, error) {
	if p, ok := input.(*plan.Plan); ok && f.match(p) {
		return nil, nil, &policyengine.LimitError{Policies: "test", Limit: "its deadline"}
	}
	return f.Evaluator.EvaluatePlan(ctx, input)
}

// TestLoadUncompared: when the head cannot be planned at the base's load,
// the changed load figures are spec.loosened, saying the comparison could
// not be made; with the workloads' figures the culprit, the team's are
// compared alone.
func TestLoadUncompared(t *testing.T) {
	base := fixture.Parse(t, "team.hcl", loadLatency)
	head := fixture.Parse(t, "team.hcl", fixture.Edit(t, loadLatency,
		"developers           = 100", "developers           = 20", "context_tokens = 32768", "context_tokens = 30000"))
	tests := []struct {
		name  string
		match func(*plan.Plan) bool
		want  []string // attribute | message substring
	}{
		{"the workloads' figures", func(p *plan.Plan) bool { return p.Inputs.Workloads[0].ContextTokens == 32768 },
			[]string{"workload.chat.context_tokens | could not be built: evaluate policies for team.hcl: test did not finish",
				"team.developers | team.developers falls from 100 to 20: at the base's load self_hosted was denied by latency.ttft"}},
		{"every figure", func(p *plan.Plan) bool { return p.Inputs.Developers.Low == 100 },
			[]string{"workload.chat.context_tokens | could not be built", "team.developers | team.developers falls from 100 to 20, and the plan at the base's load"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := fixture.Options()
			opts.Base = base
			opts.Policies = failingAt{Evaluator: opts.Policies, match: tt.match}
			p, err := plan.Build(context.Background(), head, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Loosened) != len(tt.want) {
				t.Fatalf("loosened %+v, want %d", p.Loosened, len(tt.want))
			}
			for i, w := range tt.want {
				attr, says, _ := strings.Cut(w, " | ")
				if l := p.Loosened[i]; l.Attribute != attr || !strings.Contains(l.Message, says) {
					t.Errorf("loosening %d is %s: %q, want %s: %q", i, l.Attribute, l.Message, attr, says)
				}
			}
		})
	}
}
