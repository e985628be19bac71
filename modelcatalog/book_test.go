package modelcatalog

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// managedEntry is a book entry for id with one price, as JSON.
func managedEntry(id, from string, in, out float64) string {
	m, _ := Default().ManagedModel(id)
	e := *m
	e.Prices = []Price{{EffectiveFrom: from, InputPerM: in, OutputPerM: out, Source: Source{Source: "order form", AsOf: from}}}
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func firstManaged() string { return Default().Managed[0].ID }

func TestParseBookRefuses(t *testing.T) {
	id := firstManaged()
	entry := managedEntry(id, "2026-11-01", 3, 15)
	tests := []struct {
		name string
		data string
		want []string // substrings of the error
	}{
		{"repeated top-level key", "{\n  \"as_of\": \"2026-11-01\",\n  \"as_of\": \"2026-01-01\"\n}", []string{"book.json:3:3:", `key "as_of" appears twice`, "first on line 2"}},
		{"repeated key in an entry", "{\"managed\": [\n{\"id\": \"a\",\n \"id\": \"b\"}]}", []string{"book.json:3:2:", `key "id" appears twice in managed[0]`}},
		{"repeated key deep in a price", `{"managed": [{"prices": [{"input_per_m": 3, "input_per_m": 0}]}]}`, []string{`key "input_per_m" appears twice in managed[0].prices[0]`}},
		{"repeated key in a map", `{"tokens_per_task": {"simple": {"value": 1}, "simple": {"value": 2}}}`, []string{`key "simple" appears twice in tokens_per_task`}},
		{"same model twice", "{\"as_of\": \"2026-11-01\", \"managed\": [\n" + entry + ",\n" + entry + "\n]}", []string{"book.json:3:1:", `managed "` + id + `" is listed twice (managed[0] and managed[1])`}},
		{"same discount twice", `{"discounts": [{"vendor": "openai", "percent_off": 5}, {"vendor": "openai", "percent_off": 50}]}`, []string{"discounts", "listed twice"}},
		{"same instance twice", `{"instances": [{"type": "p5.48xlarge", "region": "us-east-1"}, {"type": "p5.48xlarge", "region": "us-east-1"}]}`, []string{`instances "p5.48xlarge@us-east-1" is listed twice`}},
		{"number too large for a float", "{\"line_items\": [{\"name\": \"x\",\n \"monthly_usd\": 1e999}]}", []string{"book.json:2:", "line_items.monthly_usd", "not a finite number"}},
		{"string for a price", `{"line_items": [{"name": "x", "monthly_usd": "12"}]}`, []string{"line_items.monthly_usd", "got a JSON string"}},
		{"NaN", `{"line_items": [{"name": "x", "monthly_usd": NaN}]}`, []string{"book.json:1:", "invalid character 'N'"}},
		{"Infinity", `{"line_items": [{"name": "x", "monthly_usd": -Infinity}]}`, []string{"book.json:1:", "invalid character 'I'"}},
		{"truncated", `{"managed": [`, []string{"book.json:", "unexpected end"}},
		{"trailing object", `{} {}`, []string{"book.json:", "trailing data"}},
		{"unknown field", `{"managed_models": []}`, []string{"book.json:", "unknown field"}},
		// What a pull request's book could do to open the gate or stall it:
		// a null that would read as a zero price or an empty required field,
		// two entries for one provider or architecture, nesting no catalog has.
		{"null price in a list", "{\"managed\": [{\"id\": \"claude-sonnet-4.6\", \"prices\": [\n{\"effective_from\": \"2026-01-01\", \"input_per_m\": null, \"output_per_m\": 15}]}]}",
			[]string{"book.json:2:49:", "managed[0].prices[0].input_per_m", "null"}},
		{"null GPU-hour price", `{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": null}}}]}`,
			[]string{"book.json:1:101:", "instances[0].gpu_hour_usd.on_demand.low"}},
		{"null line item", `{"line_items": [{"name": "application load balancer", "monthly_usd": null}]}`,
			[]string{"book.json:1:70:", "line_items[0].monthly_usd"}},
		{"null quality", `{"managed": [{"id": "claude-sonnet-4.6", "quality": {"complex": {"value": null}}}]}`,
			[]string{"managed[0].quality.complex.value"}},
		{"null status", `{"managed": [{"id": "claude-sonnet-4.6", "status": null}]}`,
			[]string{"book.json:1:52:", "managed[0].status"}},
		{"null source", `{"line_items": [{"name": "x", "source": null}]}`,
			[]string{"line_items[0].source"}},
		{"null provider auth", `{"providers": [{"id": "anthropic", "auth": null}]}`,
			[]string{"providers[0].auth"}},
		{"null LiteLLM route", `{"providers": [{"id": "anthropic", "litellm": null}]}`,
			[]string{"providers[0].litellm"}},
		{"null in a list", `{"managed": [{"id": "claude-sonnet-4.6", "providers": ["anthropic", null]}]}`,
			[]string{"managed[0].providers[1]", "null"}},
		{"null tokens per task", `{"tokens_per_task": {"simple": null}}`,
			[]string{"book.json:1:32:", "tokens_per_task.simple"}},
		{"same provider twice", `{"providers": [{"id": "bedrock", "name": "A"}, {"id": "bedrock", "regional_surcharge_percent": null}]}`,
			[]string{"book.json:1:48:", `providers "bedrock" is listed twice`}},
		{"same architecture twice", `{"architectures": [{"id": "llama-3.1-8b"}, {"id": "llama-3.1-8b"}]}`,
			[]string{`architectures "llama-3.1-8b" is listed twice`}},
		{"nested too deep", `{"managed": [{"id": "x", "name": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]}`,
			[]string{"book.json:1:", "nested deeper than"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBook("book.json", []byte(tt.data))
			if err == nil {
				t.Fatal("ParseBook accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseBookAcceptsTheEmbeddedCatalog(t *testing.T) {
	c, err := ParseBook("catalog.json", embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Managed) != len(Default().Managed) || c.EntryPos["managed[0]"] == "" {
		t.Errorf("parsed %d managed models (want %d), managed[0] at %q", len(c.Managed), len(Default().Managed), c.EntryPos["managed[0]"])
	}
}

func TestCheckBook(t *testing.T) {
	base := Default()
	id := firstManaged()
	m, _ := base.ManagedModel(id)
	cur, ok := m.PriceOn(base.AsOf)
	if !ok {
		t.Fatalf("%s has no price on %s", id, base.AsOf)
	}
	in, out := cur.InputPerM, cur.OutputPerM
	inst := base.Instances[0]
	pm := sortedKeys(inst.GPUHourUSD)[0]
	hour := inst.GPUHourUSD[pm]
	book := func(s string) *Catalog {
		t.Helper()
		c, err := ParseBook("prices/acme.json", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	throughputBook := func(factor float64) string {
		tp := base.Throughput[0]
		tp.DecodeTokS *= factor
		b, _ := json.Marshal(tp)
		return `{"throughput": [` + string(b) + `]}`
	}
	// A row of a tensor-parallel size the catalog has none of: a key the
	// catalog lacks.
	newRow := base.Throughput[0]
	newRow.TensorParallel = 64
	rowJSON, _ := json.Marshal(newRow)
	newRowBook := `{"throughput": [` + string(rowJSON) + `]}`
	newInst := inst
	newInst.Type = "p5.96xlarge"
	instJSON, _ := json.Marshal(newInst)
	newInstanceBook := `{"instances": [` + string(instJSON) + `]}`
	renamed := *mustManaged(t, id)
	renamed.ID = "acme-" + id
	renamed.Prices = []Price{renamed.Prices[len(renamed.Prices)-1]}
	renamed.Prices[0].InputPerM /= 100
	renamed.Prices[0].OutputPerM /= 100
	renamedJSON, _ := json.Marshal(renamed)
	renamedBook := `{"managed": [` + string(renamedJSON) + `]}`
	cheapRegion := inst
	cheapRegion.Region = "xx-test-1"
	low := hour
	low.Low, low.High = hour.Low/20, hour.Low/20
	cheapRegion.GPUHourUSD = map[string]PriceRange{pm: low}
	cheapJSON, _ := json.Marshal(cheapRegion)
	cheapRegionBook := `{"instances": [` + string(cheapJSON) + `]}`
	instanceBook := func(low, high float64) string {
		i := inst
		r := hour
		r.Low, r.High = low, high
		i.GPUHourUSD = map[string]PriceRange{pm: r}
		b, _ := json.Marshal(i)
		return `{"instances": [` + string(b) + `]}`
	}
	tests := []struct {
		name string
		book string
		want []string // one substring per expected warning, in order
	}{
		{"same prices", `{"managed": [` + managedEntry(id, base.AsOf, in, out) + `]}`, nil},
		{"within ten times", `{"managed": [` + managedEntry(id, base.AsOf, in*9, out/9) + `]}`, nil},
		{"zero input", "{\"managed\": [\n" + managedEntry(id, base.AsOf, 0, out) + `]}`, []string{
			`price book prices/acme.json, managed[0] "` + id + `" (line 2) price from ` + base.AsOf + `, input_per_m: a price of 0 makes every input token free`}},
		{"per token for per million", `{"managed": [` + managedEntry(id, base.AsOf, in/1e6, out/1e6) + `]}`, []string{"input_per_m", "less than a 10th", "output_per_m", "less than a 10th"}},
		{"cents for dollars", `{"managed": [` + managedEntry(id, base.AsOf, in*100, out) + `]}`, []string{"input_per_m: ", "times the embedded catalog's"}},
		{"discount of 100 %", `{"discounts": [{"vendor": "anthropic", "percent_off": 100}]}`, []string{`discounts[0] "anthropic" (line 1), percent_off: a discount of 100 % makes every token it covers free`}},
		{"discount of 99.99 %", `{"discounts": [{"vendor": "anthropic", "percent_off": 99.99}]}`, []string{`discounts[0] "anthropic" (line 1), percent_off: a discount of 99.99 % leaves 1/1e+04 of the list price`}},
		{"discount of 90 %", `{"discounts": [{"vendor": "anthropic", "percent_off": 90}]}`, []string{`percent_off: a discount of 90 % leaves 1/10 of the list price`}},
		{"discount of 89.9 %", `{"discounts": [{"vendor": "anthropic", "percent_off": 89.9}]}`, nil},
		{"free GPU hours", instanceBook(0, hour.High), []string{"gpu_hour_usd." + pm + ".low: a price of 0 makes every GPU-hour free"}},
		{"GPU hours ten times dearer", instanceBook(hour.Low, hour.High*11), []string{"gpu_hour_usd." + pm + ".high"}},
		{"free line item", `{"line_items": [{"name": "made-up", "applies": ["managed"], "monthly_usd": 0}]}`, []string{`line_items[0] "made-up" (line 1), monthly_usd: a price of 0 makes this line item free`}},
		{"throughput ten times the catalog's", throughputBook(11), []string{"decode_tok_s: overrides the catalog's", "more than 10× off: check the unit"}},
		{"throughput within ten times", throughputBook(2), []string{"decode_tok_s: overrides the catalog's"}},
		{"throughput restated", throughputBook(1), nil},
		{"throughput row the catalog lacks", newRowBook, []string{`throughput[0] "` + base.Throughput[0].Model + `/` + base.Throughput[0].GPU + `/tp64" (line 1): adds this throughput entry, which the catalog lacks`}},
		{"open model the catalog lacks", `{"open_models": [{"id": "acme-coder", "hf_repo": "acme/coder", "weights_dtype": "bf16", "weights_gb": 20, "params_b": 10, "active_params_b": 10, "layers": 40, "kv_heads": 8, "head_dim": 128, "max_context": 32768}]}`,
			[]string{`open_models[0] "acme-coder" (line 1): adds this open model entry`}},
		{"instance type the catalog lacks", newInstanceBook, nil},
		{"a Region the catalog lacks, at a 20th of the GPU's price", cheapRegionBook, []string{"gpu_hour_usd." + pm + ".low", "less than a 10th"}},
		{"a catalog model under a new id, at a 100th of its price", renamedBook, []string{`managed[0] "acme-` + id + `"`, "input_per_m", "less than a 10th"}},
		{"tokens per task a hundredth", `{"tokens_per_task": {"complex": {"value": ` + fmt.Sprint(base.TokensPerTask["complex"].Value/100) + `, "source": "x", "as_of": "2026-11-01"}}}`, []string{"tokens_per_task.complex, value", "less than a 10th"}},
		{"tokens per task nine times", `{"tokens_per_task": {"complex": {"value": ` + fmt.Sprint(base.TokensPerTask["complex"].Value*9) + `, "source": "x", "as_of": "2026-11-01"}}}`, []string{"tokens_per_task.complex, value: overrides the catalog's"}},
		{"tokens per task restated", `{"tokens_per_task": {"complex": {"value": ` + fmt.Sprint(base.TokensPerTask["complex"].Value) + `, "source": "x", "as_of": "2026-11-01"}}}`, nil},
		{"new model at zero", `{"managed": [{"id": "acme-internal", "prices": [{"effective_from": "2026-01-01", "input_per_m": 0, "output_per_m": 1}]}]}`, []string{`managed[0] "acme-internal"`, "input_per_m: a price of 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertWarnings(t, CheckBook(base, book(tt.book), "prices/acme.json"), tt.want)
		})
	}
}

func TestMergeBookCarriesWarnings(t *testing.T) {
	b, err := ParseBook("b.json", []byte(`{"discounts": [{"vendor": "openai", "percent_off": 100, "source": "x", "as_of": "2026-11-01"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	merged := MergeBook(Default(), b, "b.json")
	if len(merged.BookWarnings) != 1 || merged.BookWarnings[0].File != "b.json" {
		t.Fatalf("BookWarnings = %+v", merged.BookWarnings)
	}
	if err := merged.Validate(); err != nil {
		t.Fatalf("a 100 %% discount is valid, only suspicious: %v", err)
	}
	if len(Default().BookWarnings) != 0 {
		t.Fatal("MergeBook changed its base")
	}
}

// FuzzParseBook feeds the price-book decoder arbitrary bytes: it never
// panics, and what it accepts has no repeated entry and re-encodes to a
// book it accepts again.
func FuzzParseBook(f *testing.F) {
	// A real book's shape, not the whole catalog: a 100 kB seed slows the
	// mutator to a crawl.
	f.Add([]byte(`{"as_of": "2026-11-01", "managed": [` + managedEntry(firstManaged(), "2026-11-01", 3, 15) + `]}`))
	inst, _ := json.Marshal(Default().Instances[0])
	f.Add([]byte(`{"as_of": "2026-11-01", "instances": [` + string(inst) + `], "line_items": [{"name": "x", "applies": ["managed"], "monthly_usd": 0}]}`))
	f.Add([]byte(`{"as_of": "2026-11-01", "discounts": [{"vendor": "openai", "percent_off": 100}]}`))
	f.Add([]byte(`{"as_of": "2026-11-01", "as_of": "2026-11-02"}`))
	f.Add([]byte(`{"managed": [{"id": "a"}, {"id": "a"}]}`))
	f.Add([]byte(`{"line_items": [{"name": "x", "monthly_usd": 1e999}]}`))
	f.Add([]byte(`{"tokens_per_task": {"simple": {"value": -1}}}`))
	f.Add([]byte("{\"managed\": [{\"prices\": [{\"input_per_m\": 0}]}]}\n"))
	f.Add([]byte(`{"managed": [{"id": "claude-sonnet-4.6", "prices": [{"input_per_m": null}], "status": null}]}`))
	f.Add([]byte(`{"providers": [{"id": "bedrock"}, {"id": "bedrock"}], "architectures": [{"id": "a"}, {"id": "a"}]}`))
	f.Add([]byte(`{"managed": [{"name": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}`))
	f.Add([]byte(`{"providers": [{"id": "anthropic", "auth": "iam", "api_key_env": null, "prompt_cache": {"ttls": ["0s", "-5m", "1e9h"]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseBook("fuzz.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range c.Managed {
			if seen[m.ID] {
				t.Fatalf("accepted model %q twice", m.ID)
			}
			seen[m.ID] = true
		}
		_ = CheckBook(Default(), c, "fuzz.json")
		_ = MergeBook(Default(), c, "fuzz.json").Validate()
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted book does not encode: %v", err)
		}
		if _, err := ParseBook("again.json", again); err != nil {
			t.Fatalf("re-encoded book refused: %v\n%s", err, again)
		}
	})
}

func TestImportLiteLLMRefusesBadCosts(t *testing.T) {
	entry := func(in string) []byte {
		return []byte(`{"claude-sonnet-5-5": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": ` + in + `, "output_cost_per_token": 1.1e-05}}`)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"NaN as Python writes it", entry("NaN"), "line 1 column"},
		{"Infinity", entry("Infinity"), "invalid character 'I'"},
		{"string", entry(`"2.2e-06"`), `entry "claude-sonnet-5-5"`},
		{"boolean", entry("true"), "cannot unmarshal bool"},
		{"overflow", entry("1e999"), `entry "claude-sonnet-5-5"`},
		{"negative", entry("-2.2e-06"), "input_cost_per_token -2.2e-06 is not a finite non-negative cost"},
		{"too large", entry("1e305"), "above any price sold"},
		{"per token written per million", entry("3"), "input_cost_per_token 3 is 3e+06 a million tokens, above any price sold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ImportLiteLLM(Default(), tt.data, "2026-11-26", "litellm test")
			if err == nil {
				t.Fatalf("import accepted it: %+v", res.Changes)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	// Tiny costs stay non-zero: the old import rounded below 1e-12 to 0.
	for in, want := range map[string]float64{"1e-15": 1e-9, "1e-19": 1e-13, "5e-324": 4.94e-318} {
		res, err := ImportLiteLLM(Default(), entry(in), "2026-11-26", "litellm test")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range res.Changes {
			if c.Line == "input_per_m" {
				found = true
				if c.To == 0 || math.Abs(c.To-want) > want*1e-2 {
					t.Errorf("%s per token: input_per_m = %g, want %g", in, c.To, want)
				}
			}
		}
		if !found {
			t.Errorf("%s per token: no input_per_m change", in)
		}
	}
}

// TestImportLiteLLMRefusesAmbiguity: a table that names a model twice
// (JSON keeps the last), or two entries of the provider that price it
// differently, is an error: which prices were imported depended on the
// order of the file or of the names, and nothing said so. Entries that
// agree are one price; a byte order mark changes nothing.
func TestImportLiteLLMRefusesAmbiguity(t *testing.T) {
	entry := func(key, in string) string {
		return `"` + key + `": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": ` + in + `, "output_cost_per_token": 1.1e-05}`
	}
	for _, tt := range []struct {
		name, data, want string
	}{
		{"a key twice", "{\n  " + entry("claude-sonnet-5-5", "2e-06") + ",\n  " + entry("claude-sonnet-5-5", "3e-06") + "\n}", `line 3: the table names "claude-sonnet-5-5" again (first at line 2)`},
		{"two names that disagree", "{\n  " + entry("claude-sonnet-5-5", "2e-06") + ",\n  " + entry("anthropic/claude-sonnet-5-5", "3e-06") + "\n}", `entries "anthropic/claude-sonnet-5-5" and "claude-sonnet-5-5" of provider anthropic price the model differently`},
		{"two names that agree", "{\n  " + entry("claude-sonnet-5-5", "2e-06") + ",\n  " + entry("anthropic/claude-sonnet-5-5", "2e-06") + "\n}", ""},
		{"a byte order mark", "\ufeff{\n  " + entry("claude-sonnet-5-5", "2e-06") + "\n}", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportLiteLLM(Default(), []byte(tt.data), "2026-11-26", "litellm test")
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
