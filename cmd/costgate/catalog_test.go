package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/report"

	goldenfile "github.com/costgate/costgate/internal/golden"
)

func TestCatalogList(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout []string
		wantStderr string
	}{
		{name: "text", args: []string{"catalog", "--as-of", "2026-11-30"}, wantStdout: []string{
			"costgate catalog of 2026-12-06, prices in effect on 2026-11-30",
			"claude-sonnet-4.6 [legacy → claude-sonnet-5.5]",
			"SCHEDULED PRICES",
			"gemini-4-carbon | $4 in / $0.2 cache read / $20 out per M | from 2026-12-01",
			"prompt > 100000 tokens: $0.5 in",
			"+10 % on every line for regional profiles",
			"MORE MODEL ARCHITECTURES (costgate perf)",
			"deepseek-v3            deepseek-ai/DeepSeek-V3: 671B params (37B active)",
			"l40s       48 GB, 864 GB/s, BF16 362.05 TFLOPS dense, pcie",
		}},
		{name: "after the change nothing is scheduled for Carbon", args: []string{"catalog", "--as-of", "2026-12-01"}, wantStdout: []string{
			"gemini-4-carbon [latest] | $4 in / $0.2 cache read / $20 out per M | from 2026-12-01",
		}},
		{name: "stale", args: []string{"catalog", "--as-of", "2026-11-26", "--stale"}, wantStdout: []string{
			"only figures last reviewed more than 90 days before it",
			"p5.48xlarge us-east-1 reserved",
		}},
		{name: "price book discounts", args: []string{"catalog", "--as-of", "2026-11-26", "--catalog", "testdata/catalog/discount_book.json"}, wantStdout: []string{
			"DISCOUNTS",
			"anthropic models | 15 % off | until 2027-06-30",
			"via bedrock | 8 % off",
			"costgate catalog of 2026-11-20",
		}},
		{name: "bad date", args: []string{"catalog", "--as-of", "30/11/2026"}, want: 2, wantStderr: "--as-of"},
		{name: "bad format", args: []string{"catalog", "--format", "yaml"}, want: 2, wantStderr: "unknown format"},
		{name: "missing price book", args: []string{"catalog", "--catalog", "testdata/catalog/nope.json"}, want: 2, wantStderr: "nope.json"},
		{name: "import without a table", args: []string{"catalog", "import"}, want: 2, wantStderr: "--litellm FILE is required"},
		{name: "import of a missing table", args: []string{"catalog", "import", "--litellm", "testdata/catalog/nope.json"}, want: 2, wantStderr: "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tt.want, stderr)
			}
			for _, w := range tt.wantStdout {
				if !hasLine(stdout, strings.Split(w, " | ")...) {
					t.Errorf("stdout lacks a line with %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr)
			}
		})
	}
}

// hasLine reports whether one line of out holds every part, in order
// (the columns between them are padded).
func hasLine(out string, parts ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

func TestCatalogJSON(t *testing.T) {
	code, stdout, stderr := runCLI("catalog", "--format", "json", "--as-of", "2026-11-30")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var l report.CatalogListing
	if err := json.Unmarshal([]byte(stdout), &l); err != nil {
		t.Fatal(err)
	}
	if l.AsOf != "2026-11-30" || l.CatalogAsOf != "2026-12-06" || len(l.Entries) < 100 {
		t.Fatalf("listing: as_of %s, catalog %s, %d entries", l.AsOf, l.CatalogAsOf, len(l.Entries))
	}
	for _, e := range l.Entries {
		if e.Source.Source == "" || e.AsOf == "" {
			t.Errorf("%s %s has no source or date", e.Section, e.ID)
		}
		if e.Section == "managed" && e.ID == "claude-sonnet-5.5" && e.EffectiveFrom != "2026-10-07" {
			t.Errorf("Sonnet 5.5 price in effect from %s, want 2026-10-07", e.EffectiveFrom)
		}
	}
}

// TestCatalogImport turns the LiteLLM fixture into a price book, compares
// it with its golden file, and plans with it.
func TestCatalogImport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "book.json")
	code, stdout, stderr := runCLI("catalog", "import", "--litellm", "testdata/catalog/litellm_prices.json", "--as-of", "2026-11-26", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout with -o: %q", stdout)
	}
	for _, w := range []string{
		"claude-sonnet-5.5 input_per_m: 2 → 2.2",
		"claude-sonnet-5.5 cache_write_per_m.5m: 2.5 → 2.75",
		"1 models changed, 6 unchanged, 10 not in the LiteLLM table",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("summary lacks %q:\n%s", w, stderr)
		}
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "catalog", "litellm_book.json"), got)

	// The book plans: Sonnet 5.5 at the imported $2.20 input.
	code, stdout, stderr = runCLI("plan", "../../examples/current-lineup.hcl", "--as-of", "2026-11-26", "--catalog", out, "--format", "json")
	if code != 0 {
		t.Fatalf("plan with the imported book: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"catalog_as_of": "2026-11-26"`) {
		t.Errorf("plan does not carry the book's date")
	}
}

// TestCatalogImportWarnsOfSuspiciousPrices: an import whose table writes
// prices in cents (input_cost_per_token 0.0003, a hundred times the real
// one) wrote the book with only its change summary; plan warned once the
// book was used. The import now says so too. A per-token price written per
// million tokens (3, 3e+06 a million tokens: above any price sold) is an
// error naming the entry.
func TestCatalogImportWarnsOfSuspiciousPrices(t *testing.T) {
	for _, tt := range []struct {
		table string
		code  int
		want  []string
	}{
		{"litellm-cents.json", 0, []string{"input_per_m: 300", "check the unit"}},
		{"litellm-per-million.json", 2, []string{`entry "claude-sonnet-5-5": input_cost_per_token 3 is 3e+06 a million tokens, above any price sold`}},
	} {
		out := filepath.Join(t.TempDir(), "book.json")
		code, _, stderr := runCLI("catalog", "import", "--litellm", "testdata/catalog/"+tt.table, "-o", out, "--as-of", "2026-12-06")
		if code != tt.code {
			t.Fatalf("%s: exit %d: %s", tt.table, code, stderr)
		}
		if tt.code == 0 && !strings.Contains(stderr, "warning: price book "+out) {
			t.Errorf("%s: stderr lacks the warning:\n%s", tt.table, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tt.table, w, stderr)
			}
		}
	}
}
