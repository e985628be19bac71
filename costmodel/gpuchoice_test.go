package costmodel

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// TestGPUChoiceNoteNamesTheReason: each unfit runner-up and an unfit
// winner carry the reason unfitSized gave, not always the TTFT.
func TestGPUChoiceNoteNamesTheReason(t *testing.T) {
	tests := []struct {
		name, own, other, want string
	}{
		{"fit runner-up", "", "", "runner-ups: l40s $900.00"},
		{"latency", "", "latency: the fleet's TTFT 900 ms is above chat's 500 ms target", "l40s $900.00 (misses a TTFT target)"},
		{"quality", "", "quality: 0.700 is below min_quality 0.80", "l40s $900.00 (below min_quality)"},
		{"fleet limit", "", "fleet limit: the fleet needs more than 4096 GPUs", "l40s $900.00 (over the"},
		{"capacity", "", "capacity: the fixed fleet runs at 140% of its capacity at peak", "l40s $900.00 (over its capacity at peak)"},
		{"winner late", "latency: the fleet has no TTFT at its peak load, chat's target is 500 ms", "", "none of 2 GPUs meets every TTFT target; h100 at $1,000.00"},
		{"winner below quality", "quality: unknown, min_quality is 0.80", "", "none of 2 GPUs is fit; h100 at $1,000.00 a month expected is the cheapest (below min_quality)"},
		{"winner fit", "", "", "h100 at $1,000.00 a month expected is the cheapest of 2 GPUs meeting"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Option{MonthlyUSD: Money{Expected: 1000}}
			got := gpuChoiceNote("h100", o, tc.own, func(yield func(string, float64, string) bool) {
				yield("l40s", 900, tc.other)
			}, 2)
			if !strings.Contains(got, tc.want) {
				t.Errorf("note %q does not contain %q", got, tc.want)
			}
			if tc.other != "" && !strings.HasPrefix(tc.other, "latency:") && strings.Contains(got, "misses a TTFT") {
				t.Errorf("note %q blames the TTFT for %q", got, tc.other)
			}
		})
	}
}

// TestCheaperGPUNoteInANearTie: where two GPUs serve a fixed H100 fleet's
// load for less and lie within $0.50 of each other, the sizing.gpu note
// names the cheaper of the two, the GPU gpu = "auto" chooses, whichever
// of them is sized first. Each case scales one GPU's instance prices so
// that its fleet costs $0.20 under or over the other's: a note that kept
// the first GPU found unless a later one came $0.50 below it named the
// dearer one in one of the two orders. Under the shortcuts the GPUs are
// sized in the order of their load's least bill, which here follows their
// cost; without them (the exact reference) in catalog order, which puts
// the dearer first in one case of each pair.
func TestCheaperGPUNoteInANearTie(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("shortcuts %v", on), func(t *testing.T) {
			defer func(was bool) { shortcuts = was }(shortcuts)
			shortcuts = on
			cheaperGPUNearTie(t)
		})
	}
}

func cheaperGPUNearTie(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "startup-10.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	// The agent's prompts within the 7B model's 32K window (TestGPUChoice).
	base := strings.Replace(string(src), `complexity = "complex"`, "complexity = \"complex\"\n  context_tokens = 16384", 1)
	on := func(cat *modelcatalog.Catalog, gpu string) *Option {
		t.Helper()
		s := parse(t, "s.hcl", base+"\nself_hosted {\n  model = \"qwen2.5-coder-7b\"\n  gpu = "+gpu+"\n}\n")
		r, err := Evaluate(s, cat, date)
		if err != nil {
			t.Fatalf("evaluate: %v", err)
		}
		o := r.Option(architecture.SelfHosted)
		if o == nil || o.Sizing == nil {
			t.Fatalf("gpu = %s: no sized self_hosted option: %+v", gpu, r.Notes)
		}
		return o
	}
	// scaled is the catalog with every instance price of gpu times f: the
	// sizer's packing on gpu is the same at any f (every instance scales
	// alike), so its fleet's cost is a + b·f.
	scaled := func(gpu string, f float64) *modelcatalog.Catalog {
		var book modelcatalog.Catalog
		for _, in := range modelcatalog.Default().Instances {
			if in.GPU != gpu {
				continue
			}
			prices := map[string]modelcatalog.PriceRange{}
			for k, p := range in.GPUHourUSD {
				p.Low, p.High = p.Low*f, p.High*f
				prices[k] = p
			}
			in.GPUHourUSD = prices
			book.Instances = append(book.Instances, in)
		}
		if len(book.Instances) == 0 {
			t.Fatalf("the catalog sells no %s", gpu)
		}
		return modelcatalog.Merge(modelcatalog.Default(), &book)
	}
	def := modelcatalog.Default()
	auto := on(def, `"auto"`)
	if auto.Sizing.GPU != "l4" && auto.Sizing.GPU != "a10g" {
		t.Fatalf("auto chose %s; the cases below assume l4 or a10g", auto.Sizing.GPU)
	}
	cost := map[string]float64{}
	for _, g := range []string{"l4", "a10g"} {
		cost[g] = on(def, `"`+g+`"`).MonthlyUSD.Expected
	}
	fixed := on(def, `"h100"`).MonthlyUSD.Expected
	if fixed < max(cost["l4"], cost["a10g"])+100 {
		t.Fatalf("h100 at %.2f is not well above l4 %.2f and a10g %.2f", fixed, cost["l4"], cost["a10g"])
	}
	for _, tc := range []struct{ move, other string }{{"a10g", "l4"}, {"l4", "a10g"}} {
		// b from the moved GPU's cost at twice its prices.
		b := on(scaled(tc.move, 2), `"`+tc.move+`"`).MonthlyUSD.Expected - cost[tc.move]
		if b <= 0 {
			t.Fatalf("%s: doubling its prices moved its cost by %.2f", tc.move, b)
		}
		a := cost[tc.move] - b
		for _, delta := range []float64{-0.2, 0.2} {
			name := fmt.Sprintf("%s %+.2f against %s", tc.move, delta, tc.other)
			cat := scaled(tc.move, (cost[tc.other]+delta-a)/b)
			moved := on(cat, `"`+tc.move+`"`).MonthlyUSD.Expected
			if math.Abs(moved-(cost[tc.other]+delta)) > 0.02 {
				t.Fatalf("%s: the moved fleet costs %.2f, want %.2f", name, moved, cost[tc.other]+delta)
			}
			want, wantUSD := tc.other, cost[tc.other]
			if delta < 0 {
				want, wantUSD = tc.move, moved
			}
			if got := on(cat, `"auto"`); got.Sizing.GPU != want {
				t.Errorf("%s: auto chose %s at %.2f, want %s", name, got.Sizing.GPU, got.MonthlyUSD.Expected, want)
			}
			note := fmt.Sprintf("on %s would cost %s a month", want, units.USD(wantUSD).Cents())
			notes := on(cat, `"h100"`).Notes
			if !slices.ContainsFunc(notes, func(n Note) bool { return n.ID == "sizing.gpu" && strings.Contains(n.Message, note) }) {
				t.Errorf("%s: no sizing.gpu note says %q: %+v", name, note, notes)
			}
		}
	}
}
