package costmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// TestShortcutsChangeNoPlan: the memos and bounds the cost model takes
// (shortcuts: the sizing memo, finish's memo, the breakeven search's
// bounds, the load's bound on a fleet) give every bundled example and a few hundred generated teams the
// same result as pricing everything afresh, under a gate that denies by
// a spend limit, by fleet size and by a managed model (so that searches finish assignments
// again, fall back to their first one, and look under the cash limit).
func TestShortcutsChangeNoPlan(t *testing.T) {
	files := exampleFiles(t)
	n := 240
	if testing.Short() || raceBuild {
		n = 40
	}
	type team struct {
		name, src string
		limit     float64
	}
	var teams []team
	for _, f := range files {
		teams = append(teams, team{name: f, limit: 0})
	}
	rng := rand.New(rand.NewPCG(20261126, 3))
	for i := range n {
		src, limit := generatedTeam(rng, i)
		teams = append(teams, team{name: fmt.Sprintf("team-%04d.hcl", i), src: src, limit: limit})
	}
	for _, tm := range teams {
		for _, gated := range []bool{false, true} {
			want := shortcutResult(t, tm.name, tm.src, tm.limit, gated, false)
			got := shortcutResult(t, tm.name, tm.src, tm.limit, gated, true)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (gated %v): the result with shortcuts differs from the one without", tm.name, gated)
			}
		}
	}
}

// shortcutResult evaluates a team (a file, or src) with or without the
// shortcuts; gated, under a spend limit (limit, when above 0) and a
// limit of 8 billed GPUs. The error, if any, is the result.
func shortcutResult(t *testing.T, name, src string, limit float64, gated, on bool) any {
	t.Helper()
	defer func(was bool) { shortcuts = was }(shortcuts)
	shortcuts = on
	var s *spec.Spec
	if src == "" {
		s = parseFile(t, name)
	} else {
		s = parse(t, name, src)
	}
	cfg := Config{}
	if gated {
		cfg.Gate = func(o Option) (Verdict, error) {
			var v Verdict
			if limit > 0 && o.CashUSD.Expected > limit {
				v.Denied, v.CashDenied, v.CostlierDenied = []string{"spend.limit"}, true, !o.QualityIncluded
			}
			if slices.ContainsFunc(o.Routes, func(r Route) bool { return r.Model == "claude-sonnet-4.6" }) {
				v.Denied, v.CashDenied, v.CostlierDenied = append(v.Denied, "test.model"), false, false
			}
			if o.Sizing != nil && o.Sizing.GPUs > 8 {
				v.Denied, v.CashDenied, v.CostlierDenied = append(v.Denied, "test.gpus"), false, false
			}
			return v, nil
		}
	}
	res, err := EvaluateWith(s, modelcatalog.Default(), date, cfg)
	if err != nil {
		return err.Error()
	}
	if res.Search != nil {
		// What the search sized and spared is the shortcuts' own.
		res.Search.Sized, res.Search.Pruned = 0, 0
	}
	return res
}

// generatedTeam writes team i as bench/many-specs.sh varies them, and its
// spend limit.
func generatedTeam(rng *rand.Rand, i int) (string, float64) {
	simple := []string{"gpt-5.4-mini", "deepseek-v4-flash", "claude-haiku-5.5"}
	complex := []string{"claude-sonnet-4.6", "claude-opus-4.8", "gpt-5.5", "claude-sonnet-5.5"}
	open := []string{"auto", "qwen3-coder-30b-a3b", "qwen2.5-coder-32b", "llama-3.3-70b", "gpt-oss-120b", "gpt-oss-20b", "qwen2.5-coder-7b"}
	pricing := []string{"on_demand", "reserved", "spot", "capacity_block"}
	schedule := []string{"always_on", "business_hours"}
	gpus := []string{`"auto"`, `["l40s", "h100"]`, `"l4"`, `"a10g"`}
	devs := int(5 * math.Exp(rng.Float64()*math.Log(4000))) // 5 .. 20,000, log-uniform
	tlo := (1 + rng.IntN(8)) * 1_000_000
	thi := tlo + rng.IntN(6)*1_000_000
	share := float64(20+rng.IntN(60)) / 100
	var b strings.Builder
	fmt.Fprintf(&b, "team \"team-%04d\" {\n  developers = %d\n  tokens_per_developer = [%d, %d]\n", i, devs, tlo, thi)
	fmt.Fprintf(&b, "  peak_to_average = [2, %.1f]\n  cost_center = \"cc\"\n", 2+rng.Float64()*2)
	cached := rng.Float64() * 0.5
	ranged := rng.Float64() < 0.3
	if ranged {
		// Ranges that bear on the quality gap alone (corners that share a
		// sizing), and one that bears on the sizing.
		fmt.Fprintf(&b, "  developer_hourly_usd = [80, 120]\n  cache_write_share = [0, 0.2]\n  cached_input_share = [%.2f, %.2f]\n", cached, cached+0.3)
	} else {
		fmt.Fprintf(&b, "  cached_input_share = %.2f\n", cached)
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "workload \"autocomplete\" {\n  share = %.2f\n  complexity = \"simple\"\n", share)
	if rng.Float64() < 0.3 {
		fmt.Fprintf(&b, "  max_ttft_ms = %d\n", 200+rng.IntN(800))
	}
	agent := 1 - share
	if rng.Float64() < 0.4 {
		// A third workload, which a hybrid may route either way.
		agent = math.Round(agent*50) / 100
		fmt.Fprintf(&b, "}\nworkload \"review\" {\n  share = %.2f\n  complexity = \"complex\"\n  context_tokens = 4096\n", 1-share-agent)
	}
	fmt.Fprintf(&b, "}\nworkload \"agent\" {\n  share = %.2f\n  complexity = \"complex\"\n  context_tokens = %d\n", agent, 1<<(13+rng.IntN(4)))
	if ranged {
		b.WriteString("  rework_hours = [0.25, 1]\n")
	}
	b.WriteString("}\n")
	sm, cm := simple[rng.IntN(len(simple))], complex[rng.IntN(len(complex))]
	fmt.Fprintf(&b, "managed {\n  simple_model = %q\n  complex_model = %q\n", sm, cm)
	if rng.Float64() < 0.3 {
		// Candidates: each workload has several managed choices.
		fmt.Fprintf(&b, "  candidates = [%q, %q, %q]\n", sm, cm, complex[(slices.Index(complex, cm)+1)%len(complex)])
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "self_hosted {\n  model = %q\n  pricing = %q\n  schedule = %q\n", open[rng.IntN(len(open))], pricing[rng.IntN(len(pricing))], schedule[rng.IntN(len(schedule))])
	if rng.Float64() < 0.3 {
		fmt.Fprintf(&b, "  gpu = %s\n", gpus[rng.IntN(len(gpus))])
	}
	if rng.Float64() < 0.2 {
		fmt.Fprintf(&b, "  gpus = %d\n", 1+rng.IntN(16))
	}
	b.WriteString("}\n")
	if rng.Float64() < 0.3 {
		b.WriteString("compliance {\n  code_may_leave_network = false\n}\n")
	}
	fmt.Fprintf(&b, "organization {\n  gpu_expertise = %v\n  latency_over_quality = %v\n}\n", rng.Float64() < 0.5, rng.Float64() < 0.5)
	return b.String(), float64(devs) * (100 + rng.Float64()*900)
}

// TestBreakevenShortcutsFindTheSameTeam: the breakeven search's bound (it
// starts where managed reaches the least any fleet is billed) finds the
// same team as the search from one developer, on teams where one breaks
// even (no generated team of TestShortcutsChangeNoPlan does).
func TestBreakevenShortcutsFindTheSameTeam(t *testing.T) {
	var srcs []string
	lineup := mustRead(t, filepath.Join("..", "examples", "article-lineup.hcl"))
	for _, usd := range []string{"3", "2", "1.5", "1", "0.6"} {
		srcs = append(srcs, strings.Replace(lineup, "gpu_hour_usd      = 3", "gpu_hour_usd      = "+usd, 1))
	}
	// The quality gap in the decision, small enough that a team breaks
	// even: the bound counts the gap growing with the team.
	for _, hours := range []string{"0.0005", "0.002", "0.01", "0.05"} {
		for _, usd := range []string{"1", "0.6"} {
			src := strings.Replace(lineup, "gpu_hour_usd      = 3", "gpu_hour_usd      = "+usd, 1)
			srcs = append(srcs, strings.Replace(src, "include_in_decision = false", "include_in_decision = true\n  rework_hours = "+hours, 1))
		}
	}
	auto := mustRead(t, filepath.Join("testdata", "breakeven", "auto-gpu.hcl"))
	for _, d := range []int{3, 50, 1000} {
		srcs = append(srcs, strings.Replace(auto, "developers = 40", fmt.Sprintf("developers = %d", d), 1))
	}
	for _, d := range []int{5, 40, 300} {
		for _, tok := range []float64{2e6, 2e7, 8e7} {
			srcs = append(srcs, fmt.Sprintf(base, d, tok))
		}
	}
	found := 0
	for i, src := range srcs {
		want := shortcutResult(t, "b.hcl", src, 0, false, false)
		got := shortcutResult(t, "b.hcl", src, 0, false, true)
		w, ok1 := want.(*Result)
		g, ok2 := got.(*Result)
		if !ok1 || !ok2 {
			t.Errorf("team %d: %v, %v", i, want, got)
			continue
		}
		switch {
		case (w.Breakeven == nil) != (g.Breakeven == nil) || w.Breakeven != nil && *w.Breakeven != *g.Breakeven:
			t.Errorf("team %d: breakeven %v with the shortcuts, %v without", i, fmtTeam(g.Breakeven), fmtTeam(w.Breakeven))
		case !reflect.DeepEqual(g, w):
			t.Errorf("team %d: the result with shortcuts differs from the one without", i)
		}
		if w.Breakeven != nil {
			found++
			t.Logf("team %d breaks even at %d", i, *w.Breakeven)
		}
	}
	if found < 5 {
		t.Errorf("only %d of %d teams break even: the test checks too few", found, len(srcs))
	}
}

func fmtTeam(d *int) string {
	if d == nil {
		return "none"
	}
	return fmt.Sprint(*d)
}

// TestCarryingCostAboveBreakevenBound: the bound breakevenFrom reasons
// from holds at every team size: a candidate's carrying fleet costs at
// least the least it is billed plus its quality gap per developer times
// the team, on every generated team of TestShortcutsChangeNoPlan's kind,
// with the gap in the decision or not.
func TestCarryingCostAboveBreakevenBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261126, 7))
	n, enough := 30, 50
	if testing.Short() || raceBuild {
		n, enough = 8, 20
	}
	checked := 0
	for i := range n {
		src, _ := generatedTeam(rng, i)
		if i%2 == 1 {
			src += "quality {\n  include_in_decision = false\n}\n"
		}
		s := parse(t, "b.hcl", src)
		m, err := newModel(s, modelcatalog.Default(), date)
		if err != nil {
			t.Fatal(err)
		}
		opts, _, _, err := m.options(nil)
		if err != nil {
			continue
		}
		sh := optionOf(opts, "self_hosted")
		if sh == nil {
			continue
		}
		include := s.Quality.IncludeInDecision
		for _, g := range m.fleetGPUs() {
			try := sh.assign.clone()
			try.gpu = g
			m.useGPU(g)
			mid, _ := scenarios(m.axes(true, true))
			least := m.leastBill(try, mid)
			p := mid
			p.developers = 1
			gap := m.qualityGap(try, p.developers*p.tokens, p)
			if !include {
				gap = 0
			}
			for _, d := range []int{1, 7, 40, 300, 2000, 15000, MaxDevelopers} {
				p := mid
				p.developers = float64(d)
				cost, over, err := m.carryingCost(try, p, include)
				if err != nil || over {
					continue
				}
				checked++
				if bound := least + gap*float64(d); cost < bound-1e-6*max(1, bound) {
					t.Errorf("team %d on %s at %d developers: carrying cost %.2f below the bound %.2f", i, g, d, cost, bound)
				}
			}
		}
	}
	if checked < enough {
		t.Errorf("only %d fleets checked", checked)
	}
}
