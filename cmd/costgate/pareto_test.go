package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestParetoFlags: --pareto and --plot are checked together, before any
// planning.
func TestParetoFlags(t *testing.T) {
	spec := "../../examples/routed-team.hcl"
	runCases(t, []cliCase{
		{"plot without pareto", []string{"plan", spec, "--plot", "x.svg"}, 2, "", "needs --pareto"},
		{"pareto in markdown", []string{"plan", spec, "--pareto", "--format", "markdown"}, 2, "", `--pareto: unknown format "markdown": want one of text, json`},
		{"plot of an unknown kind", []string{"plan", spec, "--pareto", "--plot", "x.pdf"}, 2, "", ".svg or .png"},
		{"pareto text", []string{"plan", spec, "--pareto", "--as-of", "2026-11-26"}, 0, "<- chosen", ""},
	})
}

// TestParetoJSONAndPlot: the frontier marks exactly the decided assignment,
// is sorted by cost with quality rising, and --plot writes an SVG.
func TestParetoJSONAndPlot(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "frontier.svg")
	code, stdout, stderr := runCLI("plan", "../../examples/routed-team.hcl", "--pareto", "--plot", svg, "--format", "json", "--as-of", "2026-11-26")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f plan.Frontier
	if err := json.Unmarshal([]byte(stdout), &f); err != nil {
		t.Fatal(err)
	}
	chosen := 0
	for i, p := range f.Points {
		if p.Chosen {
			chosen++
		}
		if i > 0 && (p.MonthlyUSD < f.Points[i-1].MonthlyUSD || p.Quality <= f.Points[i-1].Quality) {
			t.Errorf("point %d ($%.2f, %.3f) does not follow ($%.2f, %.3f)", i, p.MonthlyUSD, p.Quality, f.Points[i-1].MonthlyUSD, f.Points[i-1].Quality)
		}
	}
	if chosen != 1 || f.Decision != "hybrid" {
		t.Errorf("%d points chosen, decision %q; want 1 and hybrid", chosen, f.Decision)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("no SVG written: %v", err)
	}
}

// TestTimings: time_ms is null by default (the same bytes every run) and
// a number with --timings.
func TestTimings(t *testing.T) {
	for _, tt := range []struct {
		args []string
		set  bool
	}{{nil, false}, {[]string{"--timings"}, true}} {
		args := append([]string{"plan", "../../examples/routed-team.hcl", "--format", "json", "--as-of", "2026-11-26"}, tt.args...)
		_, stdout, stderr := runCLI(args...)
		var p plan.Plan
		if err := json.Unmarshal([]byte(stdout), &p); err != nil {
			t.Fatalf("%v: %s", err, stderr)
		}
		if p.Search == nil || (p.Search.TimeMS != nil) != tt.set {
			t.Errorf("%v: search %+v, want time_ms set %t", tt.args, p.Search, tt.set)
		}
	}
}

// TestParetoMarksKnownDenials: a point the policies deny says by what,
// and the frontier is the allowed one.
// Here a spend.approval on cash denies the hybrid that dominates the
// decided self-hosted option: it was the frontier's only point (unmarked
// beside a self_hosted decision, then marked), and the decision, which it
// dominates, was missing from the frontier.
func TestParetoMarksKnownDenials(t *testing.T) {
	path := filepath.Join("..", "..", "plan", "testdata", "cash-denied-hybrid.hcl")
	code, stdout, stderr := runCLI("plan", path, "--pareto", "--format", "json", "--as-of", "2026-12-05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f plan.Frontier
	if err := json.Unmarshal([]byte(stdout), &f); err != nil {
		t.Fatal(err)
	}
	if f.Decision != "self_hosted" {
		t.Fatalf("decision %s, want self_hosted", f.Decision)
	}
	var marked, chosen bool
	for _, p := range f.Points {
		if p.Option == "hybrid" {
			marked = strings.Join(p.DeniedBy, ",") == "spend.approval"
		}
		if p.Chosen && len(p.DeniedBy) > 0 {
			t.Errorf("the chosen point is marked denied by %v", p.DeniedBy)
		}
		// The frontier is the allowed one: its cheapest allowed point is
		// the decision (it had held only the denied hybrid).
		if len(p.DeniedBy) == 0 && !chosen {
			if chosen = p.Chosen; !chosen {
				t.Errorf("the cheapest allowed point %s at $%.2f is not the decision", p.Option, p.MonthlyUSD)
			}
		}
	}
	if !marked {
		t.Errorf("the hybrid point is not marked denied by spend.approval: %s", stdout)
	}
	if !chosen {
		t.Errorf("the frontier has no allowed point, the decided one included: %s", stdout)
	}
	_, text, _ := runCLI("plan", path, "--pareto", "--as-of", "2026-12-05")
	if !strings.Contains(text, "denied by spend.approval") || !strings.Contains(text, "1 assignment the policies allow") {
		t.Errorf("the text frontier does not count the allowed point and say the hybrid is denied:\n%s", text)
	}
	// The chart draws the denied point apart from the allowed frontier.
	svg := filepath.Join(t.TempDir(), "frontier.svg")
	code, _, stderr = runCLI("plan", path, "--pareto", "--plot", svg, "--as-of", "2026-12-05")
	b, err := os.ReadFile(svg)
	if code != 0 || err != nil || !strings.Contains(string(b), "denied by a policy") || !strings.Contains(stderr, "1 allowed non-dominated assignment\n") {
		t.Errorf("plot: exit %d, %v, stderr %q; want a legend for the denied point", code, err, stderr)
	}
}
