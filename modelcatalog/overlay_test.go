package modelcatalog

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// sonnetPrice is one price of claude-sonnet-4.6 as a book writes it.
const sonnetPrice = `{"effective_from": "2026-11-01", "input_per_m": 2.4, "output_per_m": 12, "source": "AWS private pricing addendum 2026-11", "as_of": "2026-11-01"}`

// TestBookOverlay: a book entry overlays the catalog's field by field,
// replaces it only when it says so, and a new entry must be complete.
func TestBookOverlay(t *testing.T) {
	def := Default()
	sonnet, _ := def.ManagedModel("claude-sonnet-4.6")
	p5 := func(c *Catalog) *Instance {
		for i := range c.Instances {
			if instanceKey(c.Instances[i]) == "p5.48xlarge@us-east-1" {
				return &c.Instances[i]
			}
		}
		t.Fatal("no p5.48xlarge@us-east-1")
		return nil
	}
	tests := []struct {
		name     string
		book     string
		parseErr string   // a substring of ParseBook's error
		invalid  []string // substrings of Validate's error
		check    func(t *testing.T, c *Catalog)
		warns    []string // substrings of CheckBook's warnings, in order
	}{
		{name: "override one field", book: "{\"as_of\": \"2026-11-20\", \"managed\": [\n  {\"id\": \"claude-sonnet-4.6\", \"prices\": [" + sonnetPrice + "]}\n]}",
			check: func(t *testing.T, c *Catalog) {
				m, _ := c.ManagedModel("claude-sonnet-4.6")
				if len(m.Prices) != 1 || m.Prices[0].InputPerM != 2.4 {
					t.Errorf("prices = %+v, want the book's one price", m.Prices)
				}
				m.Prices = sonnet.Prices
				if got, want := jsonText(t, m), jsonText(t, sonnet); got != want {
					t.Errorf("the other fields are not the catalog's:\n got %s\nwant %s", got, want)
				}
			}},
		{name: "nested override", book: `{"instances": [{"type": "p5.48xlarge", "region": "us-east-1",
  "gpu_hour_usd": {"reserved": {"low": 3.1, "high": 3.1, "source": "1-year Savings Plan quote", "as_of": "2026-11-12"}}}]}`,
			check: func(t *testing.T, c *Catalog) {
				in, was := p5(c), p5(def)
				r := in.GPUHourUSD["reserved"]
				if r.Low != 3.1 || r.High != 3.1 || r.Source.Source != "1-year Savings Plan quote" || r.Estimate || r.Note != "" {
					t.Errorf("reserved = %+v, want the book's figures with its source alone (no estimate, no note)", r)
				}
				if len(in.GPUHourUSD) != len(was.GPUHourUSD) || in.GPUHourUSD["spot"] != was.GPUHourUSD["spot"] || in.GPUs != was.GPUs || in.Source != was.Source {
					t.Errorf("the other prices and fields are not the catalog's: %+v", in)
				}
			}},
		{name: "explicit replace", book: `{"instances": [{"replace": true, "type": "p5.48xlarge", "gpu": "h100", "gpus": 8, "region": "us-east-1",
  "gpu_hour_usd": {"on_demand": {"low": 6, "high": 6, "source": "AWS EDP", "as_of": "2026-11-01"}}, "source": "AWS EDP", "as_of": "2026-11-01"}]}`,
			check: func(t *testing.T, c *Catalog) {
				in := p5(c)
				if len(in.GPUHourUSD) != 1 || in.VCPUs != 0 || in.Quotas.OnDemand != "" {
					t.Errorf("replaced instance kept the catalog's fields: %+v", in)
				}
			},
			warns: []string{`instances[0] "p5.48xlarge@us-east-1" (line 1), vcpus: removes the catalog's 192`}},
		{name: "replace with an incomplete entry", book: `{"managed": [{"id": "claude-sonnet-4.6", "replace": true, "prices": [` + sonnetPrice + `]}]}`,
			invalid: []string{"(book.json:1:14): no source", "(book.json:1:14): no providers"},
			warns:   []string{"quality.complex.value: removes the catalog's 0.796", "quality.simple.value: removes", "ttft_ms.value: removes the catalog's 500"}},
		{name: "incomplete new entry", book: "{\"managed\": [\n {\"id\": \"acme-internal\", \"prices\": [" + sonnetPrice + "]}]}",
			invalid: []string{"acme-internal (book.json:2:2): no source", "acme-internal (book.json:2:2): no providers", "quality"}},
		{name: "unknown field", book: "{\"managed\": [{\"id\": \"claude-sonnet-4.6\",\n    \"prize\": []}]}",
			parseErr: `book.json:2:5: unknown field "prize" in managed[0]`},
		{name: "field in the wrong case", book: `{"managed": [{"ID": "claude-sonnet-4.6"}]}`,
			parseErr: `book.json:1:15: unknown field "ID" in managed[0]`},
		{name: "replace elsewhere", book: `{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": {"replace": true}}]}`,
			parseErr: `unknown field "replace" in managed[0].ttft_ms`},
		{name: "replace not a boolean", book: `{"managed": [{"id": "claude-sonnet-4.6", "replace": "yes"}]}`,
			parseErr: `"replace" in managed[0] is true or false`},
		{name: "null entry", book: `{"gpus": [null]}`, parseErr: "gpus[0] is null"},
		{name: "override of a figure", book: `{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": {"value": 50, "source": "our probe", "as_of": "2026-11-01"}}]}`,
			warns: []string{`managed[0] "claude-sonnet-4.6" (line 1), ttft_ms.value: overrides the catalog's 500 with 50`}},
		{name: "figure removed", book: `{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": null}]}`,
			check: func(t *testing.T, c *Catalog) {
				if m, _ := c.ManagedModel("claude-sonnet-4.6"); m.TTFTMs != nil {
					t.Errorf("ttft_ms = %+v, want it removed", m.TTFTMs)
				}
			},
			warns: []string{"ttft_ms.value: removes the catalog's 500, which becomes (none)"}},
		{name: "figure without its source", book: "{\"gpus\": [\n  {\"id\": \"h100\", \"memory_bandwidth_gbs\": 9000}]}",
			invalid: []string{"book.json:2:3: gpus[0] changes memory_bandwidth_gbs without its own source"},
			warns:   []string{`gpus[0] "h100" (line 2), memory_bandwidth_gbs: overrides the catalog's 3350 with 9000`}},
		{name: "same figure without a source", book: `{"gpus": [{"id": "h100", "memory_gb": 80}]}`},
		{name: "quality score", book: `{"open_models": [{"id": "llama-3.3-70b", "quality": {"complex": {"value": 0.9, "source": "internal eval", "as_of": "2026-11-01"}}}]}`,
			warns: []string{"quality.complex.value: overrides the catalog's"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			book, err := ParseBook("book.json", []byte(tt.book))
			if tt.parseErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.parseErr) {
					t.Fatalf("ParseBook error = %v, want it to contain %q", err, tt.parseErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			merged := MergeBook(def, book, "book.json")
			err = merged.Validate()
			for _, w := range tt.invalid {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error = %v, want it to contain %q", err, w)
				}
			}
			if len(tt.invalid) == 0 && err != nil {
				t.Fatalf("merged catalog invalid: %v", err)
			}
			if tt.check != nil {
				tt.check(t, merged)
			}
			assertWarnings(t, merged.BookWarnings, tt.warns)
		})
	}
}

func jsonText(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertWarnings checks that ws holds want's substrings in order, and
// none when want is empty.
func assertWarnings(t *testing.T, ws []BookWarning, want []string) {
	t.Helper()
	var got []string
	for _, w := range ws {
		got = append(got, w.String())
	}
	joined := strings.Join(got, "\n")
	if len(want) == 0 && len(got) > 0 {
		t.Fatalf("unexpected warnings:\n%s", joined)
	}
	rest := joined
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("warnings do not contain %q (in order):\n%s", w, joined)
		}
		rest = rest[i+len(w):]
	}
}

// TestBookChangesFieldLevel: the review of a price book names the fields
// it changes in effect, with their values.
func TestBookChangesFieldLevel(t *testing.T) {
	parse := func(s string) *Catalog {
		t.Helper()
		c, err := ParseBook("prices.json", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	reserved := func(low float64) string {
		b, _ := json.Marshal(low)
		return `{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"reserved": {"low": ` + string(b) + `, "source": "quote", "as_of": "2026-11-12"}}}]}`
	}
	tests := []struct {
		name       string
		base, head *Catalog
		want       []string
	}{
		{"one price of an overlay", parse(reserved(3.1)), parse(reserved(2.9)),
			[]string{"instance p5.48xlarge@us-east-1: gpu_hour_usd.reserved.low 3.1 → 2.9"}},
		{"entry now overridden", nil, parse(reserved(2.9)),
			[]string{`instance p5.48xlarge@us-east-1 (now in the price book): gpu_hour_usd.reserved.as_of "2026-06-22" → "2026-11-12", gpu_hour_usd.reserved.estimate true → (none), gpu_hour_usd.reserved.low 2.5 → 2.9, gpu_hour_usd.reserved.note`}},
		{"entry no longer overridden", parse(`{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": null}]}`), nil,
			[]string{"managed claude-sonnet-4.6 (no longer in the price book): ttft_ms.as_of (none) → \"2026-12-04\""}},
		{"restated, no change in effect", parse(`{"gpus": [{"id": "h100"}]}`), parse(`{"gpus": [{"id": "h100", "memory_gb": 80}]}`),
			[]string{"gpu h100: no change in effect"}},
		{"new entry added", nil, parse(`{"discounts": [{"vendor": "anthropic", "percent_off": 10, "source": "x", "as_of": "2026-11-01"}]}`),
			[]string{"discount vendor=anthropic added"}},
		{"same book", parse(reserved(3.1)), parse(reserved(3.1)), nil},
		{"top-level figure", nil, parse(`{"tokens_per_task": {"simple": {"value": 40000, "source": "x", "as_of": "2026-11-01"}}}`),
			[]string{`tokens_per_task: simple.as_of "2026-11-26" → "2026-11-01", simple.estimate true → (none), simple.note`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BookChanges(Default(), tt.base, tt.head)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d changes, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("change %d = %q, want it to start with %q", i, got[i], w)
				}
			}
		})
	}
}

// FuzzMergeBook merges arbitrary book JSON onto the embedded catalog: it
// never panics, never changes the catalog, and gives either an error or a
// catalog that validates and reads back as itself.
func FuzzMergeBook(f *testing.F) {
	f.Add([]byte(`{"as_of": "2026-11-20", "managed": [{"id": "claude-sonnet-4.6", "prices": [` + sonnetPrice + `]}]}`))
	f.Add([]byte(`{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"reserved": {"low": 3.1, "source": "q", "as_of": "2026-11-12"}}}]}`))
	f.Add([]byte(`{"instances": [{"replace": true, "type": "p5.48xlarge", "region": "us-east-1"}]}`))
	f.Add([]byte(`{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": null, "quality": {"simple": null}}]}`))
	f.Add([]byte(`{"gpus": [{"id": "h100", "memory_gb": 800}], "tokens_per_task": {"simple": {"value": 1}}, "providers": [{"id": "bedrock", "regional_surcharge_percent": null}]}`))
	f.Add([]byte(`{"throughput": [{"model": "llama-3.3-70b", "gpu": "h100", "tensor_parallel": 2, "decode_tok_s": 1e6, "source": "x", "as_of": "2026-01-01"}]}`))
	f.Add([]byte(`{"managed": [{"id": "new", "prices": [{"input_per_m": -1}]}], "discounts": [{"percent_off": 100}]}`))
	f.Add([]byte(`{"providers": [{"id": "anthropic", "auth": "iam", "api_key_env": null}, {"id": "bedrock", "prompt_cache": {"ttls": ["1e9h"], "source": "x", "as_of": "2026-01-01"}}]}`))
	f.Add([]byte(`{"providers": [{"id": "acme", "name": "Acme", "auth": "api_key", "api_key_env": "ANTHROPIC_API_KEY", "litellm": {"prefix": "anthropic"}, "source": "x", "as_of": "2026-01-01"}]}`))
	f.Add([]byte(`{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": null}}}]}`))
	before := jsonText(f, Default())
	f.Fuzz(func(t *testing.T, data []byte) {
		book, err := ParseBook("fuzz.json", data)
		if err != nil {
			return
		}
		merged := MergeBook(Default(), book, "fuzz.json")
		_ = BookChanges(Default(), nil, book)
		if jsonText(t, Default()) != before {
			t.Fatal("merging changed the embedded catalog")
		}
		if err := merged.Validate(); err != nil {
			if !strings.HasPrefix(err.Error(), "invalid catalog: ") {
				t.Fatalf("error is not Validate's: %v", err)
			}
			return
		}
		again, err := Parse([]byte(jsonText(t, merged)))
		if err != nil {
			t.Fatalf("merged catalog does not read back: %v", err)
		}
		if err := again.Validate(); err != nil {
			t.Fatalf("merged catalog valid, read back invalid: %v", err)
		}
	})
}

// TestCatalogDocBooks: the price books docs/CATALOG.md shows parse, merge
// and validate; the first changes one price in three lines, quietly.
func TestCatalogDocBooks(t *testing.T) {
	doc, err := os.ReadFile("../docs/CATALOG.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Writing a price book")
	if !ok {
		t.Fatal("docs/CATALOG.md has no price book section")
	}
	var books []string
	for _, block := range strings.Split(section, "```json\n")[1:] {
		body, _, _ := strings.Cut(block, "```")
		books = append(books, body)
	}
	if len(books) < 2 {
		t.Fatalf("found %d example books", len(books))
	}
	for i, b := range books {
		book, err := ParseBook("CATALOG.md", []byte(b))
		if err != nil {
			t.Fatalf("example %d: %v", i, err)
		}
		merged := MergeBook(Default(), book, "CATALOG.md")
		if err := merged.Validate(); err != nil {
			t.Errorf("example %d: %v", i, err)
		}
		if i == 0 {
			if n := strings.Count(strings.TrimSpace(b), "\n") + 1; n != 3 || len(merged.BookWarnings) != 0 || len(book.Managed) != 1 {
				t.Errorf("the first example has %d lines and warns %v, want 3 lines and none", n, merged.BookWarnings)
			}
		}
	}
}
