package report

import (
	"bytes"
	"context"
	"github.com/costgate/costgate/internal/fixture"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	goldenfile "github.com/costgate/costgate/internal/golden"
)

func TestMarkdownGolden(t *testing.T) {
	for _, name := range []string{"enterprise-hybrid.hcl", "acme-platform.hcl", "regulated.hcl"} {
		t.Run(name, func(t *testing.T) {
			p, diags, err := plan.BuildFile(context.Background(), filepath.Join("..", "examples", name), fixture.Options())
			if err != nil || diags.HasErrors() {
				t.Fatalf("plan: %v %v", err, diags)
			}
			var b bytes.Buffer
			if err := Write(&b, FormatMarkdown, []*plan.Plan{p}); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", strings.TrimSuffix(name, ".hcl")+".plan.md"), b.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got)
}

func TestWholeDollars(t *testing.T) {
	tests := []struct {
		name  string
		vals  []float64
		total float64
		want  []float64
	}{
		{"rows that round apart", []float64{0.4, 0.4, 0.45}, 1.25, []float64{0, 0, 1}},
		{"negative rows", []float64{10432.4, -84540.3, -7650.4}, -81758.3, []float64{10432, -84540, -7650}},
		{"exact", []float64{100, -50}, 50, []float64{100, -50}},
		{"halves", []float64{0.5, 0.5, 0.5, 0.5}, 2, []float64{1, 1, 0, 0}},
		{"empty", nil, 0, []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wholeDollars(tt.vals, tt.total)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			sum := 0.0
			for _, v := range got {
				sum += v
			}
			if sum != math.Round(tt.total) && len(got) > 0 {
				t.Errorf("rows sum to %g, total rounds to %g", sum, math.Round(tt.total))
			}
		})
	}
}

func TestCompareNewSpec(t *testing.T) {
	head := fixture.Parse(t, "head.hcl", fixture.Example(t, "acme-platform.hcl"))
	d, err := review.Compare(context.Background(), nil, head, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	if !d.New || d.Base != nil || len(d.Inputs) != 0 {
		t.Errorf("new spec: New=%v Base=%v inputs=%d", d.New, d.Base, len(d.Inputs))
	}
	for _, o := range d.Options {
		if o.Base != nil || o.Delta != nil || o.Head == nil {
			t.Errorf("%s: base %v delta %v head %v; want only head", o.Architecture, o.Base, o.Delta, o.Head)
		}
	}
	var b bytes.Buffer
	if err := DiffMarkdown(&b, []*review.Diff{d}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), CommentMarker+"\n") {
		t.Errorf("markdown does not start with the marker:\n%s", b.String())
	}
}

// TestDiffPinnedVerdict: a spec whose routes pin every workload has no
// verdict, and the diff says why rather than printing an empty one.
func TestDiffPinnedVerdict(t *testing.T) {
	src := strings.Replace(fixture.Example(t, "company-50.hcl"), "complexity", "route = \"managed\"\n  complexity", -1)
	base := fixture.Parse(t, "base.hcl", src)
	head := fixture.Parse(t, "head.hcl", src)
	d, err := review.Compare(context.Background(), base, head, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	if d.Verdict != [2]string{"", ""} {
		t.Fatalf("verdicts %q, want none on either side", d.Verdict)
	}
	var text, md bytes.Buffer
	if err := DiffText(&text, []*review.Diff{d}); err != nil {
		t.Fatal(err)
	}
	if err := DiffMarkdown(&md, []*review.Diff{d}); err != nil {
		t.Fatal(err)
	}
	want := "none, one side is not in the plan (unchanged)"
	if !strings.Contains(text.String(), "VERDICT    "+want) || !strings.Contains(md.String(), "self-hosted): "+want) {
		t.Errorf("verdict line missing %q:\n%s\n%s", want, text.String(), md.String())
	}
}

// TestDiffTextLoosenedOnOneLine: a loosening's attribute and message
// reach diff's text as the other spec text does, on their own line: a
// line break in them forged a DECISION line.
func TestDiffTextLoosenedOnOneLine(t *testing.T) {
	src := fixture.Example(t, "company-50.hcl")
	d, err := review.Compare(context.Background(), fixture.Parse(t, "base.hcl", src), fixture.Parse(t, "head.hcl", src), fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	d.Loosened = []plan.Loosening{{Attribute: "budget.monthly_limit_usd\nDECISION   MANAGED", Line: 3, Message: "raised\u202e\nLOOSENED   none"}}
	var b bytes.Buffer
	if err := DiffText(&b, []*review.Diff{d}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Count(out, "\nDECISION ") != 1 || strings.Count(out, "\nLOOSENED ") != 1 || strings.ContainsRune(out, '\u202e') {
		t.Errorf("the loosening broke its line:\n%s", out)
	}
}
