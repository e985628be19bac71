package usage

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLiteLLMPagesComplete: /spend/logs/ui pages carry page and
// total_pages; a set with a page missing counted the rows it had as the
// whole (pages 1 and 3 of 3: 70 of 120 rows, no note). It is refused, or
// under --allow-gaps read on with the gap stated; any order of a whole set
// counts every row once.
func TestLiteLLMPagesComplete(t *testing.T) {
	page := func(n string) string { return filepath.Join("testdata", "litellm-ui", "ui-page-"+n+".json") }
	// An empty window's page (total_pages 0, LiteLLM's answer when no
	// row matches) is no page of a set: it was refused as page 1 of 0.
	empty := filepath.Join("testdata", "litellm-ui", "ui-empty-window.json")
	whole, err := Import([]string{page("3"), page("1"), empty, page("2"), page("1")}, Options{Format: LiteLLMSpend})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Records != 120 {
		t.Errorf("the whole set, shuffled and repeated: %d records, want 120", whole.Records)
	}
	_, err = Import([]string{page("1"), page("3")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "total_pages 3, and page 2 is not among the files") {
		t.Fatalf("pages 1 and 3 of 3: %v; want page 2 named missing", err)
	}
	gap, err := Import([]string{page("1"), page("3")}, Options{AllowGaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if gap.Records != 70 || len(gap.Gaps) != 1 || !strings.Contains(gap.Gaps[0], "page 2") {
		t.Errorf("under AllowGaps: %d records, gaps %q; want 70 and page 2 stated", gap.Records, gap.Gaps)
	}
}
