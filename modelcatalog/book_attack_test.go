package modelcatalog

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

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

// TestParseBookDeepNesting: brackets nested a million deep are refused
// at the nesting limit, not walked.
func TestParseBookDeepNesting(t *testing.T) {
	deep := `{"managed": [{"id": "x", "name": ` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}]}`
	_, err := ParseBook("book.json", []byte(deep))
	if err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Errorf("deep: %v", err)
	}
}

// wideBook is a book of about size bytes: instance entries, each valid.
func wideBook(size int) []byte {
	const src = `"source": "x", "as_of": "2026-11-01"`
	var b strings.Builder
	b.WriteString(`{"as_of": "2026-11-20", "instances": [`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type": "t%d.x", "region": "us-east-1", "gpu": "h100", "gpus": 8, "gpu_hour_usd": {"on_demand": {"low": 1, "high": 1, %s}}, %s}`, i, src, src)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkParseBookWide parses, merges and validates a book near the
// 16 MiB read limit (docs/PERFORMANCE.md): its time must grow linearly
// with the book (compare -benchtime 1x at 1 and 15 MiB).
func BenchmarkParseBookWide(b *testing.B) {
	for _, mib := range []int{1, 15} {
		data := wideBook(mib << 20)
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			for b.Loop() {
				book, err := ParseBook("book.json", data)
				if err != nil {
					b.Fatal(err)
				}
				if err := MergeBook(Default(), book, "book.json").Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
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
		{"the router's master key variable", provider(`"auth": "api_key", "api_key_env": "LITELLM_MASTER_KEY", "litellm": {"prefix": "acme"}`),
			`api_key_env "LITELLM_MASTER_KEY" is not a provider key's name`},
		{"the router's database variable", provider(`"auth": "api_key", "api_key_env": "DATABASE_URL", "litellm": {"prefix": "acme"}`),
			`api_key_env "DATABASE_URL" is not a provider key's name`},
		{"the fleet's key variable", provider(`"auth": "api_key", "api_key_env": "VLLM_API_KEY", "litellm": {"prefix": "acme"}`),
			`api_key_env "VLLM_API_KEY" is not a provider key's name`},
		{"a loader variable", provider(`"auth": "api_key", "api_key_env": "LD_PRELOAD", "litellm": {"prefix": "acme"}`),
			`api_key_env "LD_PRELOAD" is not a provider key's name`},
		{"a surcharge above 100 %", `{"providers": [{"id": "bedrock", "regional_surcharge_percent": {"value": 1e9, ` + src + `}}]}`,
			`regional_surcharge_percent 1e+09 is above 100`},
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

// TestCheckBookWarnsOfNearFreeNewModels: a model a book adds (on a
// provider it adds, say) has no catalog price to compare with; a price
// ten times below the cheapest the catalog lists for that line warns, as
// a zero does, and an ordinary one stays quiet.
func TestCheckBookWarnsOfNearFreeNewModels(t *testing.T) {
	const src = `"source": "x", "as_of": "2026-11-01"`
	book := func(in, out string) string {
		return `{"providers": [{"id": "acme", "name": "Acme", "auth": "api_key", "api_key_env": "ACME_API_KEY", "litellm": {"prefix": "acme"}, ` + src + `}],
 "managed": [{"id": "acme-coder", "name": "Acme Coder", "vendor": "acme", "api_id": "coder", "providers": ["acme"], "status": "active",
   "prices": [{"effective_from": "2026-01-01", "input_per_m": ` + in + `, "output_per_m": ` + out + `, ` + src + `}],
   "quality": {"simple": {"value": 0.9, ` + src + `}, "complex": {"value": 0.8, ` + src + `}}, ` + src + `}]}`
	}
	for _, tt := range []struct {
		in, out string
		warns   []string
	}{
		{"0.000001", "0.000004", []string{`managed[0] "acme-coder" (line 2) price from 2026-01-01, input_per_m: 1e-06 is 1/`, "output_per_m: 4e-06 is 1/"}},
		{"0", "4", []string{"input_per_m: a price of 0 makes every input token free"}},
		{"1", "4", nil},
	} {
		b, err := ParseBook("book.json", []byte(book(tt.in, tt.out)))
		if err != nil {
			t.Fatal(err)
		}
		merged := MergeBook(Default(), b, "book.json")
		if err := merged.Validate(); err != nil {
			t.Fatal(err)
		}
		assertWarnings(t, merged.BookWarnings, tt.warns)
	}
}

// TestBookCannotRemoveAWindow: a book that removes a catalog model's
// context window (null, or the entry replaced without it) keeps the
// catalog's, with a warning naming the model; a number written changes it.
func TestBookCannotRemoveAWindow(t *testing.T) {
	base := Default()
	var id string
	var want float64
	for _, m := range base.Managed {
		if m.MaxInputTokens != nil {
			id, want = m.ID, m.MaxInputTokens.Value
			break
		}
	}
	if id == "" {
		t.Fatal("no catalog model has a window")
	}
	m, _ := base.ManagedModel(id)
	replaced := *m
	replaced.MaxInputTokens = nil
	entry, _ := json.Marshal(replaced)
	for _, tt := range []struct {
		name, book string
		window     float64
		warns      []string
	}{
		{"null", `{"managed": [{"id": "` + id + `", "max_input_tokens": null}]}`, want, []string{`managed "` + id + `", max_input_tokens: the book removes the model's context window`}},
		{"replaced without it", `{"managed": [` + strings.TrimSuffix(string(entry), "}") + `, "replace": true}]}`, want, []string{"removes the model's context window"}},
		{"a number", `{"managed": [{"id": "` + id + `", "max_input_tokens": {"value": 1000, "source": "x", "as_of": "2026-11-01"}}]}`, 1000, []string{"max_input_tokens.value: overrides the catalog's"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBook("book.json", []byte(tt.book))
			if err != nil {
				t.Fatal(err)
			}
			merged := MergeBook(base, b, "book.json")
			got, _ := merged.ManagedModel(id)
			if got.MaxInputTokens == nil || got.MaxInputTokens.Value != tt.window {
				t.Fatalf("window = %v, want %g", got.MaxInputTokens, tt.window)
			}
			assertWarnings(t, merged.BookWarnings, tt.warns)
		})
	}
}

// TestCheckBookKnowsTheModelANewIDCalls: a book's managed entry the
// catalog lacks under its id, that a route calls by one of a catalog
// model's ids (its api_id, its bedrock_id with or without the inference
// profile's prefix, a regional profile, a retired API id, a dated or
// versioned snapshot of one), is that model
// and is held to its prices, whatever its vendor; an entry with ids of
// its own is a new model.
func TestCheckBookKnowsTheModelANewIDCalls(t *testing.T) {
	base := Default()
	var bedrock, retired string
	for _, m := range base.Managed {
		if bedrock == "" && m.BedrockID != "" && len(m.BedrockRegionalIDs) > 0 {
			bedrock = m.ID
		}
		if retired == "" && len(m.FormerAPIIDs) > 0 {
			retired = m.ID
		}
	}
	if bedrock == "" || retired == "" {
		t.Fatal("no catalog model has a Bedrock profile and regional profiles, or a retired API id")
	}
	cheapWarns := []string{`managed[0] "acme-model"`, "input_per_m: ", "is 1/50 of the embedded catalog's", "output_per_m: ", "is 1/50 of the embedded catalog's"}
	for _, tt := range []struct {
		name, model string
		ids         func(m *ManagedModel)
		warns       []string
	}{
		{"its API id", bedrock, func(m *ManagedModel) {}, cheapWarns},
		{"its API id, another vendor", bedrock, func(m *ManagedModel) { m.Vendor = "acme" }, cheapWarns},
		{"its Bedrock id, an API id of its own", bedrock, func(m *ManagedModel) {
			m.APIID, m.Providers, m.BedrockRegionalIDs = "acme-model-1", []string{"bedrock"}, nil
		}, cheapWarns},
		{"its Bedrock model without the profile's prefix", bedrock, func(m *ManagedModel) {
			prefix, _ := base.ProfilePrefix(m.BedrockID)
			m.APIID, m.Providers, m.BedrockRegionalIDs = "acme-model-1", []string{"bedrock"}, nil
			m.BedrockID = strings.TrimPrefix(m.BedrockID, prefix)
		}, cheapWarns},
		{"a regional profile of it", bedrock, func(m *ManagedModel) {
			m.APIID, m.Providers, m.BedrockID = "acme-model-1", []string{"bedrock"}, ""
			m.BedrockRegionalIDs = m.BedrockRegionalIDs[len(m.BedrockRegionalIDs)-1:]
		}, cheapWarns},
		{"its Bedrock id in capitals", bedrock, func(m *ManagedModel) {
			m.APIID, m.Providers, m.BedrockRegionalIDs = "acme-model-1", []string{"bedrock"}, nil
			m.BedrockID = strings.ToUpper(m.BedrockID)
		}, cheapWarns},
		{"its retired API id", retired, func(m *ManagedModel) { m.APIID, m.FormerAPIIDs = m.FormerAPIIDs[0], nil }, cheapWarns},
		{"a dated snapshot of its API id", bedrock, func(m *ManagedModel) {
			m.APIID, m.BedrockID, m.BedrockRegionalIDs = m.APIID+"-20261101", "", nil
		}, cheapWarns},
		{"a Bedrock version of it", bedrock, func(m *ManagedModel) {
			m.APIID, m.Providers, m.BedrockRegionalIDs = "acme-model-1", []string{"bedrock"}, nil
			m.BedrockID += "-v1:0"
		}, cheapWarns},
		{"a Bedrock context-window variant of it", bedrock, func(m *ManagedModel) {
			m.APIID, m.Providers, m.BedrockRegionalIDs = "acme-model-1", []string{"bedrock"}, nil
			m.BedrockID += "-20261101-v2:0:200k"
		}, cheapWarns},
		{"ids of its own", bedrock, func(m *ManagedModel) {
			m.APIID, m.BedrockID, m.BedrockRegionalIDs, m.FormerAPIIDs = "acme-model-1", "global.acme.model-1", nil, nil
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := mustManaged(t, tt.model)
			m.ID, m.Name = "acme-model", "Acme Model"
			m.Prices = []Price{m.Prices[len(m.Prices)-1]}
			m.Prices[0].InputPerM /= 50
			m.Prices[0].OutputPerM /= 50
			m.Prices[0].CacheReadPerM, m.Prices[0].CacheWritePerM = nil, nil
			m.Prices[0].Tiers, m.Prices[0].Peak = nil, nil
			tt.ids(m)
			entry, _ := json.Marshal(m)
			b, err := ParseBook("book.json", []byte(`{"managed": [`+string(entry)+`]}`))
			if err != nil {
				t.Fatal(err)
			}
			assertWarnings(t, CheckBook(base, b, "book.json"), tt.warns)
		})
	}
}

// TestCheckBookHoldsANewIDToItsModelsFigures: a book's new managed id for
// a catalog model (sameModel) is held to that model's figures and facts
// as an override of the model's own entry is: its window, TTFT, rate
// limits or quality warn when they differ, a window left out is the
// model's, and a figure of a provider the new id is not sold through is
// its own to leave out.
func TestCheckBookHoldsANewIDToItsModelsFigures(t *testing.T) {
	base := Default()
	var id string
	for _, m := range base.Managed {
		if m.BedrockID != "" && m.MaxInputTokens != nil && m.TTFTMs != nil && m.TTFTByProvider["bedrock"].Value > 0 && m.RateLimits["anthropic"].InputTPM != nil {
			id = m.ID
			break
		}
	}
	if id == "" {
		t.Fatal("no catalog model on Bedrock has a window, TTFTs and a rate limit")
	}
	ref := mustManaged(t, id)
	window, ttft := ref.MaxInputTokens.Value, ref.TTFTMs.Value
	src := Source{Source: "vendor SLA", AsOf: "2026-12-01"}
	for _, tt := range []struct {
		name   string
		edit   func(m *ManagedModel)
		window float64 // the merged window
		warns  []string
	}{
		{"the model's figures", func(m *ManagedModel) { m.Status, m.Successor = "active", "" }, window, nil},
		{"a window ten times the model's", func(m *ManagedModel) {
			m.MaxInputTokens = &Figure{Value: window * 10, Source: src}
		}, window * 10, []string{`managed[0] "acme-model" (line 1) as the catalog's "` + id + `", max_input_tokens.value: overrides the catalog's`}},
		{"a narrower window", func(m *ManagedModel) {
			m.MaxInputTokens = &Figure{Value: window / 2, Source: src}
		}, window / 2, []string{"max_input_tokens.value: overrides the catalog's"}},
		{"the window left out", func(m *ManagedModel) { m.MaxInputTokens = nil }, window,
			[]string{`managed "acme-model" as the catalog's "` + id + `", max_input_tokens: the book removes the model's context window`}},
		{"a faster TTFT", func(m *ManagedModel) {
			m.TTFTMs = &Figure{Value: ttft / 6, Source: src}
		}, window, []string{`as the catalog's "` + id + `", ttft_ms.value: overrides the catalog's`}},
		{"a faster TTFT on Bedrock", func(m *ManagedModel) {
			m.TTFTByProvider = map[string]Figure{"bedrock": {Value: ttft / 6, Source: src}}
		}, window, []string{"ttft_ms_by_provider.bedrock.value: overrides the catalog's"}},
		{"a higher rate limit", func(m *ManagedModel) {
			r := m.RateLimits["anthropic"]
			tpm := *r.InputTPM * 100
			r.InputTPM = &tpm
			m.RateLimits = map[string]RateLimit{"anthropic": r, "bedrock": m.RateLimits["bedrock"]}
		}, window, []string{"rate_limits.anthropic.input_tpm: overrides the catalog's"}},
		{"a higher quality", func(m *ManagedModel) {
			m.Quality = map[string]Figure{"simple": m.Quality["simple"], "complex": {Value: 0.99, Source: src}}
		}, window, []string{"quality.complex.value: overrides the catalog's"}},
		{"another vendor", func(m *ManagedModel) { m.Vendor = "openai" }, window, []string{`vendor: sets "openai" where the catalog has`}},
		{"sold through Bedrock only, without the vendor API's figures", func(m *ManagedModel) {
			m.Providers = []string{"bedrock"}
			m.RateLimits = map[string]RateLimit{"bedrock": m.RateLimits["bedrock"]}
		}, window, nil},
		{"ids of its own", func(m *ManagedModel) {
			m.APIID, m.BedrockID, m.BedrockRegionalIDs, m.FormerAPIIDs = "acme-model-1", "global.acme.model-1", nil, nil
			m.MaxInputTokens, m.TTFTMs = &Figure{Value: window * 10, Source: src}, &Figure{Value: ttft / 6, Source: src}
		}, window * 10, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := mustManaged(t, id)
			m.ID, m.Name = "acme-model", "Acme Model"
			tt.edit(m)
			entry, _ := json.Marshal(m)
			b, err := ParseBook("book.json", []byte(`{"managed": [`+string(entry)+`]}`))
			if err != nil {
				t.Fatal(err)
			}
			merged := MergeBook(base, b, "book.json")
			if err := merged.Validate(); err != nil {
				t.Fatal(err)
			}
			got, _ := merged.ManagedModel("acme-model")
			if got.MaxInputTokens == nil || got.MaxInputTokens.Value != tt.window {
				t.Errorf("window = %v, want %g", got.MaxInputTokens, tt.window)
			}
			assertWarnings(t, merged.BookWarnings, tt.warns)
		})
	}
}

// TestCheckBookHoldsANewRegionToItsTypesFacts: a book's instance in a
// Region the catalog lacks, of a type the catalog lists elsewhere, is
// held to that type's facts (its GPU, their count, its vCPUs, memory,
// network and quotas are AWS's, the same in every Region) as an override
// of the type's own entry is; its prices and Region are its own. A type
// the catalog lacks carries its family's GPU (every size of an AWS family
// has one), and one of a family the catalog lacks says its facts are the
// book's own.
func TestCheckBookHoldsANewRegionToItsTypesFacts(t *testing.T) {
	base := Default()
	var ref Instance
	for _, in := range base.Instances {
		if in.GPUs > 1 && in.VCPUs > 0 && in.NetworkGbps != nil {
			ref = in
			break
		}
	}
	var other string
	for _, g := range base.GPUs {
		if g.ID != ref.GPU {
			other = g.ID
			break
		}
	}
	if ref.Type == "" || other == "" {
		t.Fatal("no catalog instance of several GPUs with its vCPUs and network, or no second GPU")
	}
	at := fmt.Sprintf(`instances[0] "%s@xx-test-1" (line 1) as the catalog's "%s@%s", `, ref.Type, ref.Type, ref.Region)
	family, _, _ := strings.Cut(ref.Type, ".")
	for _, tt := range []struct {
		name  string
		edit  func(in *Instance)
		warns []string
	}{
		{"the type's facts", func(in *Instance) {}, nil},
		{"its own prices", func(in *Instance) {
			r := in.GPUHourUSD["on_demand"]
			r.Low, r.High = r.Low*1.2, r.High*1.2
			in.GPUHourUSD = map[string]PriceRange{"on_demand": r}
		}, nil},
		{"another GPU", func(in *Instance) { in.GPU = other }, []string{at + fmt.Sprintf(`gpu: sets %q where the catalog has %q`, other, ref.GPU)}},
		{"twice the GPUs", func(in *Instance) { in.GPUs *= 2 }, []string{at + fmt.Sprintf("gpus: overrides the catalog's %d with %d", ref.GPUs, ref.GPUs*2)}},
		{"other vCPUs", func(in *Instance) { in.VCPUs *= 2 }, []string{at + "vcpus: overrides the catalog's"}},
		{"a faster network", func(in *Instance) {
			n := *in.NetworkGbps
			n.Value *= 8
			in.NetworkGbps = &n
		}, []string{at + "network_gbps.value: overrides the catalog's"}},
		{"the type in capitals", func(in *Instance) { in.Type, in.GPU = strings.ToUpper(in.Type), other }, []string{"gpu: sets"}},
		{"a type of a family the catalog lacks", func(in *Instance) { in.Type, in.GPU = "acme.48xlarge", other },
			[]string{`instances[0] "acme.48xlarge@xx-test-1" (line 1), type: acme.48xlarge is of a family (acme) the catalog lists in no Region`}},
		{"a size of the type's family the catalog lacks", func(in *Instance) { in.Type, in.GPUs = family+".3xlarge", 1 }, nil},
		{"a size of the type's family the catalog lacks, with another GPU", func(in *Instance) { in.Type, in.GPUs, in.GPU = family+".3xlarge", 1, other },
			[]string{fmt.Sprintf(`gpu: sets %q where every %s type the catalog lists carries %q`, other, family, ref.GPU)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := ref
			in.Region = "xx-test-1"
			tt.edit(&in)
			entry, _ := json.Marshal(in)
			b, err := ParseBook("book.json", []byte(`{"instances": [`+string(entry)+`]}`))
			if err != nil {
				t.Fatal(err)
			}
			assertWarnings(t, CheckBook(base, b, "book.json"), tt.warns)
		})
	}
	// The catalog's own entries of a type agree: each, copied to a new
	// Region, is quiet.
	for _, in := range base.Instances {
		in.Region = "xx-test-1"
		entry, _ := json.Marshal(in)
		b, err := ParseBook("book.json", []byte(`{"instances": [`+string(entry)+`]}`))
		if err != nil {
			t.Fatal(err)
		}
		if ws := CheckBook(base, b, "book.json"); len(ws) > 0 {
			t.Errorf("%s in a new Region: %v", in.Type, ws)
		}
	}
}

// TestValidateBoundsPrices: a price no vendor sells — a price per token
// written per million tokens, cents as dollars — is an error naming the
// book's entry. 1e300 a million tokens had a plan's cost overflow to +Inf,
// the error naming no book; 1e6 passed as a plausible wrong bill.
func TestValidateBoundsPrices(t *testing.T) {
	for _, tt := range []struct {
		book, want string
	}{
		{`{"managed": [{"id": "claude-sonnet-4.6", "prices": [{"input_per_m": 3, "output_per_m": 1e300, "effective_from": "2026-01-01", "source": "x", "as_of": "2026-11-01"}]}]}`,
			"output_per_m 1e+300 is above any price per million tokens sold"},
		{`{"managed": [{"id": "claude-sonnet-4.6", "prices": [{"input_per_m": 3e6, "output_per_m": 15, "effective_from": "2026-01-01", "source": "x", "as_of": "2026-11-01"}]}]}`,
			"input_per_m 3e+06 is above any price per million tokens sold"},
		{`{"instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 4000, "high": 4000, "source": "x", "as_of": "2026-11-01"}}}]}`,
			"low 4000 is above any GPU-hour price AWS sells"},
		{`{"managed": [{"id": "claude-sonnet-4.6", "prices": [{"input_per_m": 150, "output_per_m": 600, "effective_from": "2026-01-01", "source": "x", "as_of": "2026-11-01"}]}]}`, ""},
	} {
		book, err := ParseBook("book.json", []byte(tt.book))
		if err != nil {
			t.Fatal(err)
		}
		err = MergeBook(Default(), book, "book.json").Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.book, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.book, err, tt.want)
		}
	}
}
