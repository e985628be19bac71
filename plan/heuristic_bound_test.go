package plan_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// The heuristic's gap bound against brute force through the plan path,
// on teams richer than TestHeuristicAgainstBruteForce's: two or three
// choices a workload (managed candidates, or each complexity's model),
// routes pinned or free, TTFT targets no managed route or no fleet meets
// and managed routes whose TTFT the catalog does not know, spend limits
// and approval thresholds, provider allow-lists, fixed fleets, the
// fleet's model and GPU "auto", quality floors and the quality gap in or
// out of the decision. A team is made of kinds of identical workloads, so
// the brute force plans one pinned spec per count vector: how many of each
// kind each of its choices serves (two assignments with the same counts
// are the same spec but for names).

// boundKind is one kind of workload and how many a team has.
type boundKind struct {
	w     proofWorkload
	count int
	// rework is the workload's rework_hours; 0: the team's.
	rework float64
	// context is its context_tokens; 0: the default.
	context int
}

// boundTeam is one generated team.
type boundTeam struct {
	p     proofSpec
	kinds []boundKind
	// simple and complex are the managed block's models when p has no
	// candidates; provider its provider ("" the vendor's).
	simple, complex, provider string
	gpus                      int
	approval                  float64
	shMinQuality              float64
	// unknownTTFT plans on a catalog that does not know gemini-4-hydrogen's
	// TTFT.
	unknownTTFT bool
}

// choices lists what may serve a workload of kind k: "" the fleet, else a
// managed model.
func (b boundTeam) choices(k int) []string {
	w := b.kinds[k].w
	var out []string
	if w.route != string(architecture.Managed) {
		out = append(out, "")
	}
	if w.route == string(architecture.SelfHosted) {
		return out
	}
	switch {
	case w.model != "":
		return append(out, w.model)
	case b.p.candidates != nil:
		return append(out, b.p.candidates...)
	case w.complexity == spec.Simple:
		return append(out, b.simple)
	}
	return append(out, b.complex)
}

// vectors counts the team's count vectors.
func (b boundTeam) vectors() int {
	n := 1
	for k, kd := range b.kinds {
		n *= compositions(kd.count, len(b.choices(k)))
	}
	return n
}

// compositions counts the ways to put n workloads on c choices.
func compositions(n, c int) int {
	v := 1
	for i := 1; i < c; i++ {
		v = v * (n + i) / i
	}
	return v
}

// workloads writes the team's workloads: with on nil as drawn, else
// on[k][j] of kind k pinned to its choice j. order, when set, is the
// order the workload blocks are written in.
func (b boundTeam) workloads(on [][]int, order []int) []proofWorkload {
	var out []proofWorkload
	for k, kd := range b.kinds {
		ch := b.choices(k)
		for j := range kd.count {
			w := kd.w
			w.name = fmt.Sprintf("k%dw%d", k, j)
			if on != nil {
				c, left := 0, j
				for left >= on[k][c] {
					left -= on[k][c]
					c++
				}
				if ch[c] == "" {
					w.route, w.model = string(architecture.SelfHosted), ""
				} else {
					w.route, w.model = string(architecture.Managed), ch[c]
				}
			}
			out = append(out, w)
		}
	}
	if order != nil {
		re := make([]proofWorkload, len(out))
		for i, j := range order {
			re[i] = out[j]
		}
		out = re
	}
	return out
}

// hcl writes the team with its workloads ws.
func (b boundTeam) hcl(ws []proofWorkload) string {
	q := b.p
	q.workloads = ws
	src := q.hcl()
	// The extras proofSpec does not write: per-kind attributes, the
	// managed block's models, the fixed fleet, the approval threshold.
	for k, kd := range b.kinds {
		var extra string
		if kd.rework > 0 {
			extra += fmt.Sprintf("  rework_hours = %g\n", kd.rework)
		}
		if kd.context > 0 {
			extra += fmt.Sprintf("  context_tokens = %d\n", kd.context)
		}
		if extra == "" {
			continue
		}
		for j := range kd.count {
			head := fmt.Sprintf("workload %q {\n", fmt.Sprintf("k%dw%d", k, j))
			src = strings.Replace(src, head, head+extra, 1)
		}
	}
	if b.p.candidates == nil {
		m := fmt.Sprintf("managed {\n  simple_model = %q\n  complex_model = %q\n", b.simple, b.complex)
		src = strings.Replace(src, "managed {\n  candidates = []\n", m, 1)
	}
	if b.provider != "" {
		src = strings.Replace(src, "managed {\n", fmt.Sprintf("managed {\n  provider = %q\n", b.provider), 1)
	}
	var sh string
	if b.gpus > 0 {
		sh += fmt.Sprintf("  gpus = %d\n", b.gpus)
	}
	if b.shMinQuality > 0 {
		sh += fmt.Sprintf("  min_quality = %g\n", b.shMinQuality)
	}
	src = strings.Replace(src, "self_hosted {\n", "self_hosted {\n"+sh, 1)
	if b.approval > 0 {
		if b.p.budget > 0 {
			src = strings.Replace(src, "budget {\n", fmt.Sprintf("budget {\n  approval_above_usd = %g\n", b.approval), 1)
		} else {
			src += fmt.Sprintf("\nbudget {\n  approval_above_usd = %g\n}\n", b.approval)
		}
	}
	return src
}

// boundCatalog is the catalog a team is planned on.
func boundCatalog(t *testing.T, unknownTTFT bool) *modelcatalog.Catalog {
	t.Helper()
	if !unknownTTFT {
		return modelcatalog.Default()
	}
	book, err := modelcatalog.ParseBook("book.json", []byte(`{"managed": [{"id": "gemini-4-hydrogen", "ttft_ms": null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return modelcatalog.Merge(modelcatalog.Default(), book)
}

// plan plans src on the team's catalog; nil when no option can be
// priced (a pinned assignment no fleet can serve).
func (b boundTeam) plan(t *testing.T, src string) *plan.Plan {
	t.Helper()
	cat := boundCatalog(t, b.unknownTTFT)
	s, diags := spec.NewParser(cat).Parse("bound.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatalf("parse: %v\n%s", diags, src)
	}
	p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: policies, Catalog: cat})
	if err != nil && strings.Contains(err.Error(), "no option can be priced") {
		return nil
	}
	if err != nil {
		t.Fatalf("build: %v\n%s", err, src)
	}
	return p
}

// boundSimple and boundComplex are the managed models a generated team draws from: its
// candidates, or its simple and complex models.
var boundSimple = []string{"claude-haiku-5.5", "gpt-6-luna", "gemini-3.8-flash", "gpt-5.4-mini"}
var boundComplex = []string{"claude-sonnet-5.5", "gpt-6.2-sol", "gemini-4-hydrogen", "deepseek-v4-pro"}

// drawBoundTeam draws a team of n workloads in 3 to 5 kinds with at most
// maxVectors count vectors.
func drawBoundTeam(r *rand.Rand, n, maxVectors int) boundTeam {
	for {
		b := drawBoundOnce(r, n)
		if v := b.vectors(); v <= maxVectors {
			return b
		}
	}
}

func drawBoundOnce(r *rand.Rand, n int) boundTeam {
	b := boundTeam{p: proofSpec{
		developers: 300 + r.IntN(5000),
		fleetModel: []string{"auto", "auto", "qwen3-coder-30b-a3b", "gpt-oss-120b", "gpt-oss-20b", "llama-3.3-70b"}[r.IntN(6)],
		fleetGPU:   []string{"h100", "auto", "auto", "l40s", "a100-80gb"}[r.IntN(5)],
		qualityGap: r.IntN(3) == 0,
	}}
	lo := float64(4+r.IntN(24)) * 1e6
	b.p.tokens = [2]float64{lo, lo + float64(r.IntN(6))*1e6}
	b.simple, b.complex = boundSimple[r.IntN(len(boundSimple))], boundComplex[r.IntN(len(boundComplex))]
	if r.IntN(2) == 0 {
		all := append(slices.Clone(boundSimple), boundComplex...)
		b.p.candidates = pick(r, all, 1+r.IntN(2))
	}
	b.unknownTTFT = r.IntN(4) == 0
	if b.unknownTTFT {
		// The unknown TTFT matters to a workload with a target, which
		// are simple ones: gemini-4-hydrogen among every one's choices.
		b.p.candidates = []string{"gemini-4-hydrogen", boundSimple[r.IntN(len(boundSimple))]}[:1+r.IntN(2)]
	}
	if r.IntN(10) == 0 {
		b.provider = "bedrock"
	}
	if r.IntN(7) == 0 {
		b.p.providers = pick(r, []string{"anthropic", "openai", "google", "deepseek", "bedrock"}, 1+r.IntN(3))
	}
	if r.IntN(4) == 0 {
		b.gpus = []int{2, 4, 8, 16}[r.IntN(4)]
	}
	if b.p.fleetModel == "auto" && r.IntN(8) == 0 {
		b.shMinQuality = 0.6
	}
	// Budgets about the team's managed bill: developers × tokens at
	// some $2 to $8 a million.
	scale := float64(b.p.developers) * lo / 1e6
	if r.IntN(5) < 2 {
		b.p.budget = float64(int(scale*(1+7*r.Float64())/100)) * 100
	}
	if r.IntN(4) == 0 {
		b.approval = float64(int(scale*(1+6*r.Float64())/100)) * 100
	}
	counts := kindCounts(r, n)
	left := 1000
	for k, c := range counts {
		th := left
		if rest := n - c; k < len(counts)-1 {
			th = 20*c + r.IntN(max(1, left-20*n))
			th = min(th, left-20*rest)
		}
		n -= c
		left -= th
		kd := drawBoundKind(r, c, float64(th)/1000/float64(c))
		if len(b.p.candidates) > 1 && kd.w.route != string(architecture.SelfHosted) && r.IntN(5) == 0 {
			// A pin from the candidates: the quality reference stays
			// theirs, as in the pinned copies on the fleet.
			kd.w.model = b.p.candidates[r.IntN(len(b.p.candidates))]
		}
		b.kinds = append(b.kinds, kd)
	}
	if r.IntN(3) > 0 {
		// Free workloads: a kind pinned to a side leaves fewer than the
		// heuristic needs.
		for k := range b.kinds {
			b.kinds[k].w.route = ""
		}
	}
	b.p.workloads = b.workloads(nil, nil)
	return b
}

// drawBoundKind draws one kind of count workloads of share each.
func drawBoundKind(r *rand.Rand, count int, share float64) boundKind {
	kd := boundKind{count: count, w: proofWorkload{share: fmt.Sprintf("%.9f", share), complexity: []string{spec.Simple, spec.Simple, spec.Complex}[r.IntN(3)]}}
	switch r.IntN(10) {
	case 0:
		kd.w.route = string(architecture.Managed)
	case 1:
		kd.w.route = string(architecture.SelfHosted)
	}
	switch r.IntN(20) {
	case 0, 1, 5, 6:
		kd.w.maxTTFT = 800 // below most managed routes' TTFT
	case 2:
		kd.w.maxTTFT = 150 // below what most fleets meet
	case 3, 4:
		kd.w.maxTTFT = []float64{1500, 2500, 4000, 6000}[r.IntN(4)]
	}
	if kd.w.complexity == spec.Complex && kd.w.maxTTFT < 2500 {
		kd.w.maxTTFT = 0 // a 32k prompt's TTFT is seconds on every route
	}
	if r.IntN(10) == 0 {
		kd.w.minQuality = 0.5 + float64(r.IntN(5))/10
	}
	if r.IntN(10) == 0 {
		kd.context = []int{65536, 200000}[r.IntN(2)]
	}
	if r.IntN(10) == 0 {
		kd.rework = 2
	}
	return kd
}

// compositionsOf lists the ways to put n workloads on c choices.
func compositionsOf(n, c int) [][]int {
	if c == 1 {
		return [][]int{{n}}
	}
	var out [][]int
	for first := 0; first <= n; first++ {
		for _, rest := range compositionsOf(n-first, c-1) {
			out = append(out, append([]int{first}, rest...))
		}
	}
	return out
}

// best plans every count vector of team b pinned and returns the
// cheapest allowed one's cost and counts, found false when none is
// allowed; tried counts the vectors.
func (b boundTeam) best(t *testing.T) (best float64, at string, found bool, tried int) {
	per := make([][][]int, len(b.kinds))
	for k, kd := range b.kinds {
		per[k] = compositionsOf(kd.count, len(b.choices(k)))
	}
	idx := make([]int, len(b.kinds))
	for {
		on := make([][]int, len(b.kinds))
		for k := range on {
			on[k] = per[k][idx[k]]
		}
		tried++
		if got := b.plan(t, b.hcl(b.workloads(on, nil))); got != nil {
			if len(got.Options) != 1 {
				t.Fatalf("pinned spec has %d options, want 1", len(got.Options))
			}
			if o := got.Options[0]; o.Allowed && (!found || cents(o.MonthlyUSD.Expected) < cents(best)) {
				best, at, found = o.MonthlyUSD.Expected, fmt.Sprint(on), true
			}
		}
		k := 0
		for ; k < len(idx); k++ {
			if idx[k]++; idx[k] < len(per[k]) {
				break
			}
			idx[k] = 0
		}
		if k == len(idx) {
			return best, at, found, tried
		}
	}
}

// proveBound plans team b as drawn, in another order of its workload
// blocks, and every count vector pinned, and checks the decision: allowed,
// no more than its gap bound above the cheapest allowed pinned assignment,
// blocked only when none is (or with no bound claimed), and the same
// whatever the order of the blocks. It says whether the plan ran the
// heuristic.
func proveBound(t *testing.T, r *rand.Rand, b boundTeam) bool {
	src := b.hcl(b.workloads(nil, nil))
	auto := b.plan(t, src)
	if auto == nil {
		t.Skipf("no option can be priced\n%s", src)
	}
	n := len(b.p.workloads)
	re := b.plan(t, b.hcl(b.workloads(nil, r.Perm(n))))
	c, rc := auto.Chosen(), re.Chosen()
	gap, regap := "null", "null"
	if g := auto.Search.GapBoundUSD; g != nil {
		gap = fmt.Sprint(cents(*g))
	}
	if g := re.Search.GapBoundUSD; g != nil {
		regap = fmt.Sprint(cents(*g))
	}
	if (c == nil) != (rc == nil) || c != nil && (c.Architecture != rc.Architecture || cents(c.MonthlyUSD.Expected) != cents(rc.MonthlyUSD.Expected)) || gap != regap {
		t.Errorf("as written: %s (bound %s); blocks reordered: %s (bound %s)\n%s", describe(c), gap, describe(rc), regap, src)
	}
	if auto.Search.Exact {
		return false
	}
	if c != nil && !c.Allowed {
		t.Errorf("the plan decided %s, which is denied", c.Architecture)
	}
	best, at, found, tried := b.best(t)
	bound := gapBound(t, auto)
	switch {
	case found && c == nil:
		// Allowed only as an unproven block: no bound, and the reason.
		if !slices.ContainsFunc(auto.Options, func(o plan.Option) bool {
			return slices.ContainsFunc(o.Warnings, func(w plan.Finding) bool { return w.Policy == "search.unproven_block" })
		}) {
			t.Errorf("the plan is blocked without saying the block is unproven; %s is allowed at %.2f USD\n%s", at, best, src)
		}
		t.Logf("blocked, unproven; %s is allowed at %.2f USD", at, best)
	case !found && c != nil:
		t.Errorf("none of %d pinned assignments is allowed; the plan decided %s at %.2f USD\n%s", tried, c.Architecture, c.MonthlyUSD.Expected, src)
	case found && cents(c.MonthlyUSD.Expected) < cents(best):
		t.Errorf("the plan decided %s at %.2f USD, below the cheapest allowed pinned assignment (%s) at %.2f USD\n%s", c.Architecture, c.MonthlyUSD.Expected, at, best, src)
	case found && cents(c.MonthlyUSD.Expected-bound) > cents(best)+1:
		t.Errorf("the plan decided %s at %.2f USD with a gap bound of %.2f USD; the cheapest allowed pinned assignment (%s) is %.2f USD\n%s", c.Architecture, c.MonthlyUSD.Expected, bound, at, best, src)
	}
	if c == nil {
		seen := map[string]bool{}
		for _, why := range auto.Decision.Reasons {
			if f := strings.Fields(why); len(f) > 3 && !seen[f[0]+f[3]] {
				seen[f[0]+f[3]] = true
				t.Log(why)
			}
		}
	}
	t.Logf("decided %s (bound %.2f USD); brute force over %d: %.2f USD at %v (found %t)", describe(c), bound, tried, best, at, found)
	return true
}

// describe is a decided option in short.
func describe(o *plan.Option) string {
	if o == nil {
		return "blocked"
	}
	return fmt.Sprintf("%s %.2f USD", o.Architecture, o.MonthlyUSD.Expected)
}

// TestHeuristicBoundAgainstBruteForce runs proveBound on generated teams
// of 13 to 16 workloads, at most 400 count vectors each.
func TestHeuristicBoundAgainstBruteForce(t *testing.T) {
	// One of the package's slowest: run beside the others (CI time).
	t.Parallel()
	if testing.Short() {
		t.Skip("plans hundreds of pinned specs per team")
	}
	r := rand.New(rand.NewPCG(20261207, 9))
	teams, heuristic := 32, 0
	if raceBuild {
		teams = 4
	}
	for k := range teams {
		n := costmodel.MaxExactWorkloads + 1 + k%4
		b := drawBoundTeam(r, n, 400)
		t.Run(fmt.Sprintf("team%02d_%dw", k, n), func(t *testing.T) {
			if proveBound(t, rand.New(rand.NewPCG(uint64(k), 2)), b) {
				heuristic++
			}
		})
	}
	t.Logf("%d of %d teams ran the heuristic", heuristic, teams)
	if heuristic < teams/3 {
		t.Errorf("only %d of %d teams ran the heuristic", heuristic, teams)
	}
}
