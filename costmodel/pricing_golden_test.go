package costmodel_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
)

// TestCurrentLineupGolden plans examples/current-lineup.hcl on the day
// before and the day Gemini 4 Carbon doubles, as `costgate plan --format
// json --as-of DATE` prints it, and compares each with its golden file.
// The first plan warns of the change; the second is priced at the new
// rates, and its verdict moves from managed_wins to close. The decision
// stays managed: the article's 4 H100s cannot carry this team's load
// (capacity.exceeded), and the fleet that would costs more.
func TestCurrentLineupGolden(t *testing.T) {
	policies, err := plan.NewPolicies()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date, decision, verdict string
		warns                   bool
	}{
		{"2026-11-30", "managed", "managed_wins", true},
		{"2026-12-01", "managed", "close", false},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			at, _ := time.Parse(time.DateOnly, tt.date)
			p, diags, err := plan.BuildFile(context.Background(), filepath.Join("..", "examples", "current-lineup.hcl"), plan.Options{AsOf: at, Policies: policies})
			if diags.HasErrors() || err != nil {
				t.Fatalf("build: %v %v", diags, err)
			}
			if string(p.Decision.Architecture) != tt.decision || string(p.Verdict) != tt.verdict {
				t.Errorf("decision = %s, verdict %s, want %s, %s", p.Decision.Architecture, p.Verdict, tt.decision, tt.verdict)
			}
			warned := false
			for _, w := range p.Warnings {
				warned = warned || w.Policy == "price.scheduled_change"
			}
			if warned != tt.warns {
				t.Errorf("price.scheduled_change warning = %v, want %v: %+v", warned, tt.warns, p.Warnings)
			}
			var buf bytes.Buffer
			if err := report.Write(&buf, "json", []*plan.Plan{p}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "current-lineup_"+tt.date+".json"), buf.Bytes())
			if !strings.Contains(buf.String(), "gemini-4-carbon via google, list price effective") {
				t.Error("the token lines do not name the price they used")
			}
		})
	}
}
