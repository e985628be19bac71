package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestMoneyAtTheSpecsExtremes: the largest team and usage the spec allows
// price in every format with every digit, and a price book whose prices
// no vendor sells is invalid input, not a plan.
func TestMoneyAtTheSpecsExtremes(t *testing.T) {
	const spec = "testdata/extremes/max.hcl"
	// 1e7 developers × 1e12 tokens at gpt-5.4-mini and claude-sonnet-4.6:
	// $38,400,000,000,001 a month (the $1 is the Secrets Manager secret).
	for _, f := range []string{"text", "markdown", "json"} {
		t.Run(f, func(t *testing.T) {
			code, stdout, stderr := runCLI("plan", spec, "--as-of", "2026-11-26", "--format", f)
			if code != exitBlocked {
				t.Fatalf("exit %d, want %d (over the budget)\n%s", code, exitBlocked, stderr)
			}
			want := "38,400,000,000,001"
			if f == "json" {
				want = `"expected": 38400000000000.8`
			}
			if !strings.Contains(stdout, want) {
				t.Errorf("no %q in the output", want)
			}
			for _, bad := range []string{"-9,223", "9223372036854775807", "NaN", "Inf", "e+"} {
				if strings.Contains(stdout, bad) {
					t.Errorf("output holds %q", bad)
				}
			}
		})
	}

	// Every price of the legacy Sonnet at 1e300 per million tokens.
	m, ok := modelcatalog.Default().ManagedModel("claude-sonnet-4.6")
	if !ok {
		t.Fatal("claude-sonnet-4.6 is not in the catalog")
	}
	e := *m
	e.Prices = append([]modelcatalog.Price(nil), m.Prices...)
	for i := range e.Prices {
		e.Prices[i].InputPerM, e.Prices[i].OutputPerM = 1e300, 1e300
	}
	data, err := json.Marshal(modelcatalog.Catalog{AsOf: modelcatalog.Default().AsOf, Managed: []modelcatalog.ManagedModel{e}})
	if err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(t.TempDir(), "huge.json")
	if err := os.WriteFile(book, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// It is a unit slip no vendor sells (modelcatalog.MaxTokenPricePerM):
	// invalid input naming the book's entry, for any team. It overflowed
	// the largest team's cost to +Inf, the error naming no book, and
	// priced a small team with a warning.
	for _, c := range [][]string{{"plan"}, {"check"}, {"plan", "--format", "json"}} {
		for _, s := range []string{spec, "../../examples/startup-10.hcl"} {
			args := append(append([]string{}, c...), s, "--as-of", "2026-11-26", "--catalog", book)
			code, _, stderr := runCLI(args...)
			if code != exitInvalid || !strings.Contains(stderr, "huge.json:1:") || !strings.Contains(stderr, "input_per_m 1e+300 is above any price per million tokens sold") {
				t.Errorf("%v %s: exit %d, stderr %s", c, s, code, stderr)
			}
		}
	}
}
