package modelcatalog

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestParseBookRefusesHostileBooks: what a pull request's price book could
// do to open the gate or stall it is invalid input naming file:line:column:
// a null that would read as a zero price or an empty required field, two
// entries for one provider or architecture (the later would silently win),
// and nesting no catalog has.
func TestParseBookRefusesHostileBooks(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
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

// TestParseBookKeepsRemovals: null still removes what is optional (an
// unknown figure stays unknown), and a top-level section set to null
// changes nothing.
func TestParseBookKeepsRemovals(t *testing.T) {
	for _, data := range []string{
		`{"managed": [{"id": "claude-sonnet-4.6", "ttft_ms": null, "successor": null}]}`,
		`{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"spot": null}}]}`,
		`{"providers": [{"id": "bedrock", "regional_surcharge_percent": null}], "open_models": null}`,
	} {
		if _, err := ParseBook("book.json", []byte(data)); err != nil {
			t.Errorf("%s: %v", data, err)
		}
	}
}

// TestParseBookHugeBooks: a book at the 16 MiB read limit, one line or
// many, and brackets nested a million deep, are answered without
// quadratic work (the limit of the test is generous: a slow machine runs it
// in well under a second per book).
func TestParseBookHugeBooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 16 MiB books")
	}
	const src = `"source": "x", "as_of": "2026-11-01"`
	var b strings.Builder
	b.WriteString(`{"as_of": "2026-11-20", "instances": [`)
	for i := 0; b.Len() < 15<<20; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type": "t%d.x", "region": "us-east-1", "gpu": "h100", "gpus": 8, "gpu_hour_usd": {"on_demand": {"low": 1, "high": 1, %s}}, %s}`, i, src, src)
	}
	b.WriteString("]}")
	wide := b.String()
	deep := `{"managed": [{"id": "x", "name": ` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}]}`
	for name, data := range map[string]string{"wide": wide, "deep": deep} {
		start := time.Now()
		book, err := ParseBook("book.json", []byte(data))
		if err == nil {
			merged := MergeBook(Default(), book, "book.json")
			err = merged.Validate()
		}
		if d := time.Since(start); d > 60*time.Second {
			t.Errorf("%s: %v to answer (%v)", name, d, err)
		}
		if name == "deep" && (err == nil || !strings.Contains(err.Error(), "nested deeper than")) {
			t.Errorf("deep: %v", err)
		}
	}
}

// TestCheckBookWarnsOfFacts: a book that changes a fact that is not a
// price but moves what a plan costs or deploys — how a provider is called,
// the Bedrock surcharge, which architectures a line item is billed to, a
// model's status — warns on every plan, like a changed figure; a new name
// or source alone does not.
func TestCheckBookWarnsOfFacts(t *testing.T) {
	tests := []struct {
		name, book string
		warns      []string
	}{
		{"auth swapped to avoid the key's secret", `{"providers": [{"id": "anthropic", "auth": "iam", "api_key_env": null}]}`,
			[]string{`providers[0] "anthropic" (line 1), api_key_env: removes the catalog's "ANTHROPIC_API_KEY"`, `auth: sets "iam" where the catalog has "api_key"`}},
		{"surcharge removed", `{"providers": [{"id": "bedrock", "regional_surcharge_percent": null}]}`,
			[]string{`providers[0] "bedrock" (line 1), regional_surcharge_percent.value: removes the catalog's 10`}},
		{"surcharge zeroed", `{"providers": [{"id": "bedrock", "regional_surcharge_percent": {"value": 0, "source": "x", "as_of": "2026-11-01"}}]}`,
			[]string{`regional_surcharge_percent.value: overrides the catalog's 10 with 0`}},
		{"cache lifetimes changed", `{"providers": [{"id": "bedrock", "prompt_cache": {"ttls": ["5m"], "source": "x", "as_of": "2026-11-01"}}]}`,
			[]string{`prompt_cache.ttls[1]: removes the catalog's "1h"`}},
		{"line item billed nowhere", `{"line_items": [{"name": "application load balancer", "applies": []}]}`,
			[]string{`applies[0]: removes the catalog's "self_hosted"`}},
		{"line item made opt-in", `{"line_items": [{"name": "application load balancer", "when": "gateway"}]}`,
			[]string{`when: sets "gateway" where the catalog has (none)`}},
		{"legacy model made latest", `{"managed": [{"id": "claude-sonnet-4.6", "status": "latest"}]}`,
			[]string{`status: sets "latest" where the catalog has "legacy"`}},
		{"a new name is quiet", `{"providers": [{"id": "bedrock", "name": "AWS Bedrock"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			book, err := ParseBook("book.json", []byte(tt.book))
			if err != nil {
				t.Fatal(err)
			}
			assertWarnings(t, MergeBook(Default(), book, "book.json").BookWarnings, tt.warns)
		})
	}
}

// TestValidateRefusesShadowProviders: a provider a book adds may not take
// another's key variable (two providers' keys in one secret), LiteLLM
// prefix (calls to one would go to the other) or inference-profile prefix
// (usage and the role would read another provider's profiles as its own),
// and cache lifetimes are positive whole minutes up to a month.
func TestValidateRefusesShadowProviders(t *testing.T) {
	const src = `"source": "x", "as_of": "2026-11-01"`
	provider := func(fields string) string {
		return `{"providers": [{"id": "acme", "name": "Acme", ` + fields + `, ` + src + `}]}`
	}
	tests := []struct {
		name, book, want string
	}{
		{"another's key variable", provider(`"auth": "api_key", "api_key_env": "ANTHROPIC_API_KEY", "litellm": {"prefix": "acme"}`),
			`api_key_env "ANTHROPIC_API_KEY" is already anthropic's`},
		{"another's LiteLLM prefix", provider(`"auth": "api_key", "api_key_env": "ACME_API_KEY", "litellm": {"prefix": "anthropic"}`),
			`litellm.prefix "anthropic" is already anthropic's`},
		{"another's profile prefix", provider(`"auth": "iam", "litellm": {"prefix": "acme"}, "inference_profiles": {"global_prefixes": ["global."], "regional_prefixes": [], ` + src + `}`),
			`inference profile prefix "global." is already bedrock's`},
		{"a cache lifetime of 1e9 hours", `{"providers": [{"id": "bedrock", "prompt_cache": {"ttls": ["5m", "1000000000h"], ` + src + `}}]}`,
			`prompt_cache ttl "1000000000h"`},
		{"a cache lifetime of a year", `{"providers": [{"id": "bedrock", "prompt_cache": {"ttls": ["5m", "8760h"], ` + src + `}}]}`,
			`prompt_cache ttl "8760h" is longer than 744h`},
		{"a negative cache lifetime", `{"providers": [{"id": "bedrock", "prompt_cache": {"ttls": ["-5m"], ` + src + `}}]}`,
			`prompt_cache ttl "-5m" is not a whole number of minutes`},
		{"a zero cache lifetime", `{"providers": [{"id": "bedrock", "prompt_cache": {"ttls": ["0s"], ` + src + `}}]}`,
			`prompt_cache ttl "0s" is not a whole number of minutes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			book, err := ParseBook("book.json", []byte(tt.book))
			if err != nil {
				t.Fatal(err)
			}
			err = Merge(Default(), book).Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "(book.json:1:") {
				t.Errorf("error does not name the book's line: %v", err)
			}
		})
	}
}
