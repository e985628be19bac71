package main

import (
	"strings"
	"testing"
)

// TestPriceBookAttacks: a price book that would make tokens free by
// accident is a warning on the plan naming the file and entry; one that
// repeats a key or an entry, or holds a negative figure, is invalid input
// naming the file.
func TestPriceBookAttacks(t *testing.T) {
	const spec = "../../examples/enterprise-hybrid.hcl"
	book := func(name string) string { return "testdata/pricebook/" + name }
	runCases(t, []cliCase{
		{name: "100 % discount warns in text", args: []string{"plan", spec, "--as-of", "2026-11-26", "--catalog", book("zero_price.json")},
			wantStdout: `price book testdata/pricebook/zero_price.json, discounts[0] "anthropic" (line 4), percent_off: a discount of 100 % makes every token it covers free`},
		{name: "100 % discount warns in JSON", args: []string{"plan", spec, "--as-of", "2026-11-26", "--catalog", book("zero_price.json"), "--format", "json"},
			wantStdout: `"policy": "catalog.suspicious_price"`},
		{name: "100 % discount warns in validate", args: []string{"validate", spec, "--catalog", book("zero_price.json")},
			wantStdout: "valid", wantStderr: "warning: price book testdata/pricebook/zero_price.json, discounts[0]"},
		{name: "99.99 % discount warns in check", args: []string{"check", spec, "--as-of", "2026-11-26", "--catalog", book("near_free.json")},
			wantStdout: `  warn    catalog.suspicious_price: price book testdata/pricebook/near_free.json, discounts[0] "anthropic" (line 4), percent_off: a discount of 99.99 % leaves 1/1e+04 of the list price`},
		{name: "100 % discount warns in check's text", args: []string{"check", spec, "--as-of", "2026-11-26", "--catalog", book("zero_price.json")},
			wantStdout: `  warn    catalog.suspicious_price: price book testdata/pricebook/zero_price.json, discounts[0] "anthropic" (line 4), percent_off: a discount of 100 % makes every token it covers free`},
		{name: "100 % discount annotates in check's github format", args: []string{"check", spec, "--as-of", "2026-11-26", "--catalog", book("zero_price.json"), "--format", "github"},
			wantStdout: `::warning file=../../examples/enterprise-hybrid.hcl,line=8,col=1,title=catalog.suspicious_price::price book testdata/pricebook/zero_price.json`},
		{name: "repeated key", args: []string{"plan", spec, "--catalog", book("duplicate_key.json")}, want: exitInvalid,
			wantStderr: `testdata/pricebook/duplicate_key.json:4:48: key "percent_off" appears twice in discounts[0]`},
		{name: "repeated entry", args: []string{"check", spec, "--catalog", book("duplicate_entry.json")}, want: exitInvalid,
			wantStderr: `testdata/pricebook/duplicate_entry.json:6:5: discounts "anthropic|||" is listed twice`},
		{name: "repeated entry in validate", args: []string{"validate", spec, "--catalog", book("duplicate_entry.json")}, want: exitInvalid,
			wantStderr: "duplicate_entry.json:6:5"},
		{name: "a book of one price is valid and quiet", args: []string{"validate", spec, "--catalog", book("one_price.json")},
			wantStdout: "valid"},
		{name: "a faster TTFT warns", args: []string{"check", spec, "--as-of", "2026-11-26", "--catalog", book("faster_ttft.json")},
			wantStdout: `catalog.suspicious_price: price book testdata/pricebook/faster_ttft.json, managed[0] "claude-sonnet-4.6" (line 2), ttft_ms.value: overrides the catalog's 500 with 50`},
		{name: "a price without its source", args: []string{"plan", spec, "--catalog", book("unsourced.json")}, want: exitInvalid,
			wantStderr: "testdata/pricebook/unsourced.json:2:79: instances[0].gpu_hour_usd.reserved changes high without its own source and as_of"},
		{name: "a null price is invalid, never 0", args: []string{"check", spec, "--catalog", book("null_price.json")}, want: exitInvalid,
			wantStderr: "testdata/pricebook/null_price.json:3:42: instances[0].gpu_hour_usd.on_demand.low is null: the field is required"},
		{name: "a null price in github format", args: []string{"check", spec, "--catalog", book("null_price.json"), "--format", "github"}, want: exitInvalid,
			wantStderr: "null_price.json:3:42:"},
		// A book that is null (a jq path that matched nothing) would price
		// with the embedded catalog as if it had been read.
		{name: "a null book", args: []string{"check", spec, "--catalog", book("null_book.json")}, want: exitInvalid,
			wantStderr: "testdata/pricebook/null_book.json:1:1: the price book is null"},
		{name: "negative figure", args: []string{"plan", spec, "--catalog", book("negative.json")}, want: exitInvalid,
			wantStderr: "price book testdata/pricebook/negative.json: invalid catalog: line_items[",
		},
	})
}

// TestPriceBookOfOnePrice: a book that says only one model's price plans
// at that price without a warning, inheriting the rest of the entry.
func TestPriceBookOfOnePrice(t *testing.T) {
	args := []string{"plan", "../../examples/enterprise-hybrid.hcl", "--as-of", "2026-11-26", "--format", "json"}
	code, stdout, stderr := runCLI(append(args, "--catalog", "testdata/pricebook/one_price.json")...)
	if code != 0 || strings.Contains(stdout, "catalog.suspicious_price") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
	_, list, _ := runCLI(args...)
	if stdout == list {
		t.Error("the price book's price changed nothing in the plan")
	}
}

// TestPriceBookAddsAModel: a managed model a price book adds, pinned by a
// workload, is planned and previewed with the book: the preview read the
// embedded catalog and refused the model as "not in the catalog" (exit 2).
func TestPriceBookAddsAModel(t *testing.T) {
	for _, cmd := range []string{"plan", "check"} {
		code, stdout, stderr := runCLI(cmd, "testdata/pricebook/added_model.hcl", "--as-of", "2026-11-26", "--format", "json",
			"--catalog", "testdata/pricebook/added_model.json")
		want := `"type": "costgate:stacks:ManagedGateway"` // the preview's
		if cmd == "check" {
			want = `"allowed": true`
		}
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("%s: exit %d, want 0 with the book's model routed and previewed; stderr: %s", cmd, code, stderr)
		}
	}
}
