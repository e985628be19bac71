package perf

import (
	"bytes"
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

var update = flag.Bool("update", false, "refit the factors and rewrite factors_gen.go and docs/SIZING.md")

const (
	sizingDoc   = "../../docs/SIZING.md"
	beginMarker = "<!-- BEGIN calibration (go generate ./inference/perf) -->\n"
	endMarker   = "<!-- END calibration -->\n"
)

func loadCalibration(t testing.TB) (*Calibration, *modelcatalog.Catalog) {
	t.Helper()
	cat := modelcatalog.Default()
	f, err := os.Open("testdata/calibration.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := LoadCalibration(f, cat)
	if err != nil {
		t.Fatal(err)
	}
	return c, cat
}

// TestCalibration refits the factors to the published measurements and
// checks that factors_gen.go and docs/SIZING.md hold that fit and its error
// tables; with -update it rewrites them.
func TestCalibration(t *testing.T) {
	c, cat := loadCalibration(t)
	fit := c.Fit(cat, "")
	loo := c.LeaveOneOut(cat)
	src, err := GoSource(fit)
	if err != nil {
		t.Fatal(err)
	}
	report := c.Report(cat, fit, loo)
	doc, err := os.ReadFile(sizingDoc)
	if err != nil {
		t.Fatal(err)
	}
	start, end := bytes.Index(doc, []byte(beginMarker)), bytes.Index(doc, []byte(endMarker))
	if start < 0 || end < start {
		t.Fatalf("%s has no %q … %q section", sizingDoc, strings.TrimSpace(beginMarker), strings.TrimSpace(endMarker))
	}
	newDoc := string(doc[:start+len(beginMarker)]) + report + string(doc[end:])
	if *update {
		if err := os.WriteFile("factors_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sizingDoc, []byte(newDoc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, k := range knobs() {
		if got, want := k.get(Fitted), k.get(fit); math.Abs(got-want) > 1e-9 {
			t.Errorf("factors_gen.go has %s = %g, the fit gives %g: run go generate ./inference/perf", k.name, got, want)
		}
	}
	if string(doc) != newDoc {
		t.Errorf("%s's calibration section is stale: run go generate ./inference/perf", sizingDoc)
	}
}

// TestCalibrationGoals holds the model to the goals on the
// published measurements: median throughput error ≤ 20 %, TTFT ≤ 50 %, no
// prediction off by more than 2.5×, and no point it says cannot run.
func TestCalibrationGoals(t *testing.T) {
	c, cat := loadCalibration(t)
	s := Summarise(c.Evaluate(cat, Fitted))
	if s.Misses > 0 {
		t.Errorf("%d calibration points predicted not to fit", s.Misses)
	}
	if s.MedianThroughputErr > 0.20 {
		t.Errorf("median throughput error %.0f %% > 20 %%", 100*s.MedianThroughputErr)
	}
	if s.MedianTTFTErr > 0.50 {
		t.Errorf("median TTFT error %.0f %% > 50 %%", 100*s.MedianTTFTErr)
	}
	if s.WorstFactor > 2.5 {
		t.Errorf("worst prediction off by %.2f× > 2.5×", s.WorstFactor)
	}
}
