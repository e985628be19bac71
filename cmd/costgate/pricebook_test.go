package main

import (
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
		{name: "negative figure", args: []string{"plan", spec, "--catalog", book("negative.json")}, want: exitInvalid,
			wantStderr: "price book testdata/pricebook/negative.json: invalid catalog: line_items[",
		},
	})
}
