package modelcatalog

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultValidates(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestContractIDsExist(t *testing.T) {
	c := Default()
	managed := []string{
		// The article's five, at its prices.
		"claude-opus-4.8", "claude-sonnet-4.6", "gpt-5.5", "gpt-5.4-mini", "deepseek-v4-flash",
		// The November 2026 lineup.
		"claude-sonnet-5.5", "claude-opus-5.5", "claude-haiku-5.5", "claude-fable-5.2",
		"gpt-6.2-sol", "gpt-6.2-astra", "gpt-6-luna", "gemini-4-carbon", "gemini-4-hydrogen",
		"gemini-3.8-flash", "deepseek-v4.1-flash", "deepseek-v4-pro",
	}
	for _, id := range managed {
		t.Run("managed/"+id, func(t *testing.T) {
			if _, ok := c.ManagedModel(id); !ok {
				t.Errorf("managed model %q missing", id)
			}
		})
	}
	for _, id := range []string{"llama-3.3-70b", "qwen2.5-coder-32b", "qwen2.5-coder-7b", "qwen3-coder-30b-a3b", "gpt-oss-120b", "gpt-oss-20b"} {
		t.Run("open/"+id, func(t *testing.T) {
			if _, ok := c.OpenModel(id); !ok {
				t.Errorf("open model %q missing", id)
			}
		})
	}
	for _, id := range []string{"h100", "h200"} {
		t.Run("gpu/"+id, func(t *testing.T) {
			if _, ok := c.GPU(id); !ok {
				t.Errorf("gpu %q missing", id)
			}
		})
	}
}

// The article's prices are product requirements: they must not drift.
func TestArticlePrices(t *testing.T) {
	tests := []struct {
		id      string
		in, out float64
	}{
		{"claude-opus-4.8", 5, 25},
		{"claude-sonnet-4.6", 3, 15},
		{"gpt-5.5", 5, 30},
		{"gpt-5.4-mini", 0.75, 4.5},
		{"deepseek-v4-flash", 0.1, 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, ok := Default().ManagedModel(tt.id)
			if !ok {
				t.Fatalf("%s missing", tt.id)
			}
			p, ok := m.PriceOn("2026-06-22")
			if !ok {
				t.Fatalf("%s has no price on the article's date", tt.id)
			}
			if p.InputPerM != tt.in || p.OutputPerM != tt.out {
				t.Errorf("price = %g/%g, want the article's %g/%g", p.InputPerM, p.OutputPerM, tt.in, tt.out)
			}
		})
	}
}

func TestPriceOn(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	tests := []struct {
		name, model, date string
		wantOK            bool
		wantIn, wantOut   float64
		wantCache         *float64
	}{
		{"carbon before launch", "gemini-4-carbon", "2026-11-09", false, 0, 0, nil},
		{"carbon day before rise", "gemini-4-carbon", "2026-11-30", true, 2, 10, f(0.10)},
		{"carbon day of rise", "gemini-4-carbon", "2026-12-01", true, 4, 20, f(0.20)},
		{"carbon day after rise", "gemini-4-carbon", "2026-12-02", true, 4, 20, f(0.20)},
		{"sonnet 5.5 day before cache cut", "claude-sonnet-5.5", "2026-10-06", true, 2, 10, f(0.20)},
		{"sonnet 5.5 day of cache cut", "claude-sonnet-5.5", "2026-10-07", true, 2, 10, f(0.10)},
		{"flash promo last day", "gemini-3.8-flash", "2026-12-31", true, 0.75, 3.75, f(0.075)},
		{"flash after promo: cache read unknown", "gemini-3.8-flash", "2027-01-01", true, 1.5, 7.5, nil},
		{"deepseek v4 flash has no cache price", "deepseek-v4-flash", "2026-09-09", true, 0.1, 0.2, nil},
		{"deepseek v4 flash ids bill v4.1 flash since it serves them", "deepseek-v4-flash", "2026-09-10", true, 0.15, 0.6, f(0.003)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Default().ManagedModel(tt.model)
			if !ok {
				t.Fatalf("%s missing", tt.model)
			}
			p, ok := m.PriceOn(tt.date)
			if ok != tt.wantOK {
				t.Fatalf("PriceOn(%s) ok = %v, want %v", tt.date, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			got := []any{p.InputPerM, p.OutputPerM, p.CacheReadPerM}
			want := []any{tt.wantIn, tt.wantOut, tt.wantCache}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("PriceOn(%s) (-want +got):\n%s", tt.date, d)
			}
		})
	}
}

// Every open model needs a throughput entry on h100 for the smallest
// tensor-parallel size that holds its weights plus the KV cache of one
// 8,192-token context (the spec's smallest default), or the sizing has
// nothing to use.
func TestThroughputCoversSmallestFit(t *testing.T) {
	c := Default()
	h100, _ := c.GPU("h100")
	for _, m := range c.OpenModels {
		t.Run(m.ID, func(t *testing.T) {
			tp := 0
			for _, s := range TensorParallelSizes {
				// vLLM's default --gpu-memory-utilization is 0.9; some room
				// must remain for the KV cache.
				need := m.WeightsGB + 8192*float64(m.KVBytes())/1e9
				if need/float64(s) < 0.9*h100.MemoryGB {
					tp = s
					break
				}
			}
			if tp == 0 {
				t.Fatalf("weights %g GB fit no TP size", m.WeightsGB)
			}
			var have []int
			for _, e := range c.ThroughputFor(m.ID, "h100") {
				have = append(have, e.TensorParallel)
				if e.TensorParallel == tp {
					return
				}
			}
			t.Errorf("no h100 entry at TP%d (have %v)", tp, have)
		})
	}
}

// prefill and decode are simultaneous rates at the stated request shape.
func TestThroughputMatchesRequestShape(t *testing.T) {
	for _, e := range Default().Throughput {
		t.Run(throughputKey(e), func(t *testing.T) {
			if e.InputTokens == 0 || e.OutputTokens == 0 {
				t.Fatal("request shape missing")
			}
			want := float64(e.InputTokens) / float64(e.OutputTokens)
			got := e.PrefillTokS / e.DecodeTokS
			if got < want*0.98 || got > want*1.02 {
				t.Errorf("prefill/decode = %.3f, request shape %d/%d = %.3f", got, e.InputTokens, e.OutputTokens, want)
			}
		})
	}
}

func TestInstancesFor(t *testing.T) {
	tests := []struct {
		gpu, region string
		want        []string
	}{
		{"h100", "us-east-1", []string{"p5.4xlarge", "p5.48xlarge"}},
		{"h100", "us-west-2", []string{"p5.4xlarge", "p5.48xlarge"}},
		{"h200", "us-east-1", []string{"p5en.48xlarge"}},
		{"h100", "eu-west-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.gpu+"/"+tt.region, func(t *testing.T) {
			var got []string
			for _, in := range Default().InstancesFor(tt.gpu, tt.region) {
				got = append(got, in.Type)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestInstanceNetwork checks that every instance type of more than one GPU
// carries its network, with a source and a date, the same in every region
// it is sold in (a deployment that spans instances pays it), that
// LargestInstance finds the type a spanning deployment runs on, and that
// Validate refuses a network figure without a source or above zero.
func TestInstanceNetwork(t *testing.T) {
	c := Default()
	byType := map[string]float64{}
	for _, in := range c.Instances {
		if in.GPUs < 2 {
			continue
		}
		at := in.Type + "@" + in.Region
		f := in.NetworkGbps
		if f == nil {
			t.Errorf("%s: no network_gbps", at)
			continue
		}
		if !(f.Value > 0) || f.Source.Source == "" {
			t.Errorf("%s: network_gbps %g from %q: want a positive value with its source", at, f.Value, f.Source.Source)
		}
		if _, err := time.Parse(time.DateOnly, f.AsOf); err != nil {
			t.Errorf("%s: network_gbps as_of %q: %v", at, f.AsOf, err)
		}
		if v, ok := byType[in.Type]; ok && v != f.Value {
			t.Errorf("%s: network_gbps %g, another region %g", at, f.Value, v)
		}
		byType[in.Type] = f.Value
	}
	for gpu, want := range map[string]string{"h100": "p5.48xlarge", "h200": "p5en.48xlarge", "b300": "p6-b300.48xlarge", "l4": "g6.48xlarge"} {
		if in, ok := c.LargestInstance(gpu); !ok || in.Type != want {
			t.Errorf("LargestInstance(%q) = %q, %v; want %q", gpu, in.Type, ok, want)
		}
	}
	if in, ok := c.LargestInstance("tpu"); ok {
		t.Errorf("LargestInstance(tpu) = %q, want none", in.Type)
	}
	for name, f := range map[string]Figure{
		"no source": {Value: 400, Source: Source{AsOf: "2026-12-05"}},
		"no date":   {Value: 400, Source: Source{Source: "aws"}},
		"zero":      {Value: 0, Source: Source{Source: "aws", AsOf: "2026-12-05"}},
	} {
		bad := clone(c)
		for i := range bad.Instances {
			if bad.Instances[i].NetworkGbps != nil {
				bad.Instances[i].NetworkGbps = &f
				break
			}
		}
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "network_gbps") {
			t.Errorf("%s: Validate() = %v, want a network_gbps problem", name, err)
		}
	}
}

func TestMerge(t *testing.T) {
	base := testCatalog()
	before := clone(base)
	override := &Catalog{
		AsOf: "2026-01-15",
		Managed: []ManagedModel{
			{ID: "m1", Vendor: "v", APIID: "m1", Providers: []string{"v"}, Status: "active",
				Prices:  []Price{{EffectiveFrom: "2026-01-01", InputPerM: 1, OutputPerM: 2, Source: src}},
				Quality: testQuality(), Source: src},
			{ID: "m3", Vendor: "v", APIID: "m3", Providers: []string{"v"}, Status: "active",
				Prices:  []Price{{EffectiveFrom: "2026-01-01", InputPerM: 9, OutputPerM: 9, Source: src}},
				Quality: testQuality(), Source: src},
		},
		Throughput: []Throughput{
			{Model: "o1", GPU: "g1", TensorParallel: 1, PrefillTokS: 500, DecodeTokS: 50, TTFTMs: 1, Concurrency: 1, Source: src},
			{Model: "o1", GPU: "g1", TensorParallel: 2, PrefillTokS: 900, DecodeTokS: 90, TTFTMs: 1, Concurrency: 1, Source: src},
		},
		Instances: []Instance{
			{Type: "i8", GPU: "g1", GPUs: 8, Region: "r1", GPUHourUSD: map[string]PriceRange{"reserved": {Low: 1, High: 2, Source: src}}, Source: src},
		},
		TokensPerTask: map[string]Figure{"complex": {Value: 999, Source: src}},
	}
	got := Merge(base, override)

	t.Run("replaces and extends", func(t *testing.T) {
		var ids []string
		for _, m := range got.Managed {
			ids = append(ids, m.ID)
		}
		if d := cmp.Diff([]string{"m1", "m2", "m3"}, ids); d != "" {
			t.Errorf("managed ids (-want +got):\n%s", d)
		}
		m1, _ := got.ManagedModel("m1")
		if p, _ := m1.PriceOn("2026-06-01"); p.InputPerM != 1 {
			t.Errorf("m1 input = %g, want the override's 1", p.InputPerM)
		}
		if len(m1.Prices) != 1 {
			t.Errorf("m1 has %d prices, want the override's 1 (a list replaces the catalog's whole)", len(m1.Prices))
		}
	})
	t.Run("throughput keyed by model, gpu and tp", func(t *testing.T) {
		var got2 [][2]float64
		for _, e := range got.ThroughputFor("o1", "g1") {
			got2 = append(got2, [2]float64{float64(e.TensorParallel), e.DecodeTokS})
		}
		if d := cmp.Diff([][2]float64{{1, 50}, {2, 90}}, got2); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("instances keyed by type and region", func(t *testing.T) {
		var keys []string
		for _, in := range got.Instances {
			keys = append(keys, instanceKey(in))
		}
		if d := cmp.Diff([]string{"i1@r1", "i8@r1"}, keys); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("tokens per task per key", func(t *testing.T) {
		want := map[string]float64{"simple": 10, "complex": 999}
		gotTPT := map[string]float64{}
		for k, f := range got.TokensPerTask {
			gotTPT[k] = f.Value
		}
		if d := cmp.Diff(want, gotTPT); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("as_of is the older", func(t *testing.T) {
		if got.AsOf != "2026-01-15" {
			t.Errorf("as_of = %s, want 2026-01-15", got.AsOf)
		}
		if m := Merge(override, base); m.AsOf != "2026-01-15" {
			t.Errorf("reversed as_of = %s, want 2026-01-15", m.AsOf)
		}
	})
	t.Run("inputs unchanged", func(t *testing.T) {
		if d := cmp.Diff(before, base); d != "" {
			t.Errorf("base modified (-before +after):\n%s", d)
		}
		was := got.Managed[1].Providers[0]
		got.Managed[1].Providers[0] = "changed"
		if base.Managed[1].Providers[0] == "changed" {
			t.Error("merged catalog shares slices with base")
		}
		got.Managed[1].Providers[0] = was
	})
	t.Run("merged validates", func(t *testing.T) {
		if err := got.Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("nil override copies base", func(t *testing.T) {
		if d := cmp.Diff(base, Merge(base, nil)); d != "" {
			t.Errorf("(-base +merged):\n%s", d)
		}
	})
}

func TestValidateReports(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Catalog)
		want   string
	}{
		{"catalog date", func(c *Catalog) { c.AsOf = "26/11/2026" }, `catalog: as_of "26/11/2026" is not a YYYY-MM-DD date`},
		{"missing source", func(c *Catalog) { c.Managed[0].Prices[0].Source.Source = "" }, "managed[0] m1 prices[0]: no source"},
		{"bad as_of", func(c *Catalog) { c.GPUs[0].AsOf = "2026-13-01" }, `gpus[0] g1: as_of "2026-13-01" is not a YYYY-MM-DD date`},
		{"estimate without note", func(c *Catalog) { c.FixedCosts[0].Estimate = true }, "line_items[0] lb: estimate without a note"},
		{"duplicate managed id", func(c *Catalog) { c.Managed[1].ID = "m1" }, `duplicate managed "m1"`},
		{"negative price", func(c *Catalog) { c.Managed[0].Prices[0].OutputPerM = -1 }, "output_per_m -1 is negative"},
		{"negative cache price", func(c *Catalog) { x := -0.1; c.Managed[0].Prices[0].CacheReadPerM = &x }, "cache_read_per_m -0.1 is negative"},
		{"no prices", func(c *Catalog) { c.Managed[0].Prices = nil }, "managed[0] m1: no prices"},
		{"unknown successor", func(c *Catalog) { c.Managed[0].Successor = "nope" }, `successor "nope" is not a managed model`},
		{"unknown provider", func(c *Catalog) { c.Managed[1].Providers = append(c.Managed[1].Providers, "azure") }, `managed[1] m2: provider "azure" is not in the catalog's providers`},
		{"vendor not a provider", func(c *Catalog) { c.Managed[0].Vendor = "w" }, `managed[0] m1: vendor "w" is not in the catalog's providers`},
		{"duplicate provider", func(c *Catalog) { c.Providers = append(c.Providers, c.Providers[0]) }, `duplicate provider "v"`},
		{"provider auth", func(c *Catalog) { c.Providers[0].Auth = "oauth" }, `providers[0] v: auth "oauth" is not one of api_key, iam`},
		{"api key without its variable", func(c *Catalog) { c.Providers[0].APIKeyEnv = "" }, `providers[0] v: api_key_env "" is not a provider key's name`},
		{"no litellm prefix", func(c *Catalog) { c.Providers[0].LiteLLM.Prefix = "" }, `providers[0] v: litellm.prefix "" is not lowercase`},
		{"iam route without a bedrock id", func(c *Catalog) { c.Managed[1].BedrockID = "" }, "managed[1] m2: sold through bedrock, which calls models by bedrock_id, but has no bedrock_id"},
		{"cache lifetime not a duration", func(c *Catalog) {
			c.Providers[0].PromptCache = &PromptCache{TTLs: []string{"5 min"}, Source: src}
		}, `providers[0] v: prompt_cache ttl "5 min" is not a whole number of minutes`},
		{"litellm cache lifetime not sold", func(c *Catalog) { c.Providers[0].LiteLLM.CacheWriteTTL = "5m" }, `providers[0] v: litellm.cache_write_ttl "5m" is not one of its prompt_cache ttls`},
		{"cache write for a lifetime nobody sells", func(c *Catalog) {
			c.Managed[0].Prices[0].CacheWritePerM = map[string]float64{"2h": 1}
		}, `cache_write_per_m lifetime "2h" is not one any provider sells`},
		{"profile prefix", func(c *Catalog) { c.Providers[1].InferenceProfiles.RegionalPrefixes = []string{"EU"} }, `providers[1] bedrock: inference profile prefix "EU" is not`},
		{"surcharge without a source", func(c *Catalog) { c.Providers[1].RegionalSurchargePercent = &Figure{Value: 10} }, "providers[1] bedrock regional_surcharge_percent: no source"},
		{"quality above 1", func(c *Catalog) {
			q := c.OpenModels[0].Quality["complex"]
			q.Value = 1.2
			c.OpenModels[0].Quality["complex"] = q
		}, "open_models[0] o1 quality.complex: value 1.2 is outside 0..1"},
		{"quality missing", func(c *Catalog) { delete(c.Managed[0].Quality, "simple") }, "managed[0] m1: no simple quality"},
		{"throughput unknown model", func(c *Catalog) { c.Throughput[0].Model = "ghost" }, `model "ghost" is not an open model`},
		{"throughput unknown gpu", func(c *Catalog) { c.Throughput[0].GPU = "tpu" }, `gpu "tpu" is not in gpus`},
		{"throughput odd tp", func(c *Catalog) { c.Throughput[0].TensorParallel = 3 }, "tensor_parallel 3 is not one of 1, 2, 4, 8"},
		{"duplicate throughput", func(c *Catalog) { c.Throughput = append(c.Throughput, c.Throughput[0]) }, `duplicate throughput "o1/g1/tp1"`},
		{"instance unknown gpu", func(c *Catalog) { c.Instances[0].GPU = "a100" }, `instances[0] i1@r1: gpu "a100" is not in gpus`},
		{"gpu price inverted", func(c *Catalog) {
			c.Instances[0].GPUHourUSD["on_demand"] = PriceRange{Low: 3, High: 2, Source: src}
		}, "low 3 is above high 2"},
		{"unknown pricing model", func(c *Catalog) {
			c.Instances[0].GPUHourUSD["savings_plan"] = PriceRange{Low: 1, High: 1, Source: src}
		}, "gpu_hour_usd.savings_plan: unknown pricing model"},
		{"alias names another model", func(c *Catalog) {
			c.OpenModels = append(c.OpenModels, c.OpenModels[0])
			c.OpenModels[0].SameArchitecture = []string{"x/base"}
			c.OpenModels[1].ID, c.OpenModels[1].HFRepo, c.OpenModels[1].SameArchitecture = "o2", "x/o2", []string{"X/Base"}
		}, `open_models[1] o2: same_architecture "X/Base" already names o1`},
		{"alias is a repository", func(c *Catalog) {
			c.OpenModels = append(c.OpenModels, c.OpenModels[0])
			c.OpenModels[1].ID, c.OpenModels[1].HFRepo, c.OpenModels[1].SameArchitecture = "o2", "x/o2", []string{"x/O1"}
		}, `open_models[1] o2: same_architecture "x/O1" is already o1's hf_repo`},
		{"alias not owner/name", func(c *Catalog) { c.OpenModels[0].SameArchitecture = []string{"o1-base"} }, `same_architecture "o1-base" is not a Hugging Face owner/name`},
		{"architecture repeats an open model's repository", func(c *Catalog) {
			c.Architectures = []OpenModel{c.OpenModels[0]}
			c.Architectures[0].ID, c.Architectures[0].Quality = "a1", nil
		}, `architectures[0] a1: hf_repo "x/o1" is already an open model's`},
		{"tokens per task missing", func(c *Catalog) { delete(c.TokensPerTask, "complex") }, "tokens_per_task: no complex entry"},
		{"bad effective date", func(c *Catalog) { c.Managed[0].Prices[0].EffectiveFrom = "soon" }, `effective_from "soon" is not a YYYY-MM-DD date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCatalog()
			if err := c.Validate(); err != nil {
				t.Fatalf("fixture invalid: %v", err)
			}
			tt.mutate(c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
		wantIDs []string
	}{
		{"price book", write("ok.json", `{"as_of": "2026-11-01", "managed": [{"id": "claude-sonnet-4.6", "name": "Sonnet", "vendor": "anthropic",
			"api_id": "claude-sonnet-4-6", "providers": ["bedrock"], "status": "legacy",
			"prices": [{"effective_from": "2026-11-01", "input_per_m": 2.4, "output_per_m": 12, "source": "EDP contract", "as_of": "2026-11-01"}],
			"quality": {}, "source": "EDP contract", "as_of": "2026-11-01"}]}`), "", []string{"claude-sonnet-4.6"}},
		{"unknown field", write("typo.json", `{"as_of": "2026-11-01", "manged": []}`), `unknown field "manged"`, nil},
		{"trailing data", write("two.json", `{"as_of": "2026-11-01"} {}`), "trailing data", nil},
		{"missing file", filepath.Join(dir, "absent.json"), "load catalog", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadFile(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadFile() error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.wantIDs, c.ManagedIDs()); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
		})
	}
}

// A price book merged over the embedded catalog overrides one model's
// price and keeps everything else valid.
func TestPriceBookOverDefault(t *testing.T) {
	book := &Catalog{AsOf: "2026-11-20", Managed: []ManagedModel{*mustManaged(t, "claude-sonnet-4.6")}}
	book.Managed[0].Prices = []Price{{EffectiveFrom: "2026-11-01", InputPerM: 2.4, OutputPerM: 12, Source: Source{Source: "EDP contract", AsOf: "2026-11-01"}}}
	got := Merge(Default(), book)
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	m, _ := got.ManagedModel("claude-sonnet-4.6")
	if p, _ := m.PriceOn("2026-11-26"); p.InputPerM != 2.4 {
		t.Errorf("input = %g, want the price book's 2.4", p.InputPerM)
	}
	if len(got.Managed) != len(Default().Managed) {
		t.Errorf("merged has %d managed models, want %d", len(got.Managed), len(Default().Managed))
	}
	if got.AsOf != "2026-11-20" {
		t.Errorf("as_of = %s, want the older 2026-11-20", got.AsOf)
	}
	if p, _ := mustManaged(t, "claude-sonnet-4.6").PriceOn("2026-11-26"); p.InputPerM != 3 {
		t.Errorf("Default() changed by Merge: input = %g", p.InputPerM)
	}
}

func TestAgeAndStale(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(15 * time.Hour) // the time of day must not matter
	}
	tests := []struct {
		asOf, on  string
		wantAge   int
		wantStale bool
	}{
		{"2026-11-26", "2026-11-26", 0, false},
		{"2026-11-26", "2027-05-25", 180, false},
		{"2026-11-26", "2027-05-26", 181, true},
		{"2026-11-26", "2026-11-01", -25, false},
	}
	for _, tt := range tests {
		t.Run(tt.asOf+"/"+tt.on, func(t *testing.T) {
			c := &Catalog{AsOf: tt.asOf}
			if got := c.AgeDays(day(tt.on)); got != tt.wantAge {
				t.Errorf("AgeDays = %d, want %d", got, tt.wantAge)
			}
			if got := c.Stale(day(tt.on)); got != tt.wantStale {
				t.Errorf("Stale = %v, want %v", got, tt.wantStale)
			}
		})
	}
	t.Run("unreadable date is stale", func(t *testing.T) {
		if !(&Catalog{AsOf: "yesterday"}).Stale(day("2026-01-01")) {
			t.Error("want stale")
		}
	})
}

var src = Source{Source: "test", AsOf: "2026-01-01"}

func testQuality() map[string]Figure {
	return map[string]Figure{"simple": {Value: 0.9, Source: src}, "complex": {Value: 0.5, Source: src}}
}

// testCatalog is a small valid catalog for Merge and Validate tests.
func testCatalog() *Catalog {
	return &Catalog{
		AsOf: "2026-02-01",
		Managed: []ManagedModel{
			{ID: "m1", Vendor: "v", APIID: "m1", Providers: []string{"v"}, Status: "legacy", Successor: "m2",
				Prices: []Price{{EffectiveFrom: "2026-01-01", InputPerM: 3, OutputPerM: 15, Source: src}}, Quality: testQuality(), Source: src},
			{ID: "m2", Vendor: "v", APIID: "m2", Providers: []string{"v", "bedrock"}, BedrockID: "global.v.m2", Status: "latest",
				Prices: []Price{{EffectiveFrom: "2026-01-01", InputPerM: 2, OutputPerM: 10, Source: src}}, Quality: testQuality(), Source: src},
		},
		OpenModels: []OpenModel{{ID: "o1", HFRepo: "x/o1", ParamsB: 7, ActiveParamsB: 7, Layers: 28, QHeads: 28, KVHeads: 4, HeadDim: 128,
			MaxContext: 32768, WeightsDType: "bf16", WeightsGB: 14, Quality: testQuality(), Source: src}},
		GPUs: []GPU{{ID: "g1", MemoryGB: 80, Source: src}},
		Instances: []Instance{{Type: "i1", GPU: "g1", GPUs: 1, Region: "r1",
			GPUHourUSD: map[string]PriceRange{"on_demand": {Low: 6, High: 6, Source: src}}, Source: src}},
		Throughput:    []Throughput{{Model: "o1", GPU: "g1", TensorParallel: 1, PrefillTokS: 1000, DecodeTokS: 100, TTFTMs: 100, Concurrency: 10, Source: src}},
		FixedCosts:    []FixedCost{{Name: "lb", Applies: []string{"self_hosted"}, MonthlyUSD: 20, Source: src}},
		TokensPerTask: map[string]Figure{"simple": {Value: 10, Source: src}, "complex": {Value: 100, Source: src}},
		Providers: []Provider{
			{ID: "v", Name: "V API", Auth: AuthAPIKey, APIKeyEnv: "V_API_KEY", LiteLLM: LiteLLMRoute{Prefix: "v"}, Source: src},
			{ID: "bedrock", Name: "Amazon Bedrock", Auth: AuthIAM, LiteLLM: LiteLLMRoute{Prefix: "bedrock"}, Source: src,
				InferenceProfiles: &InferenceProfiles{GlobalPrefixes: []string{"global."}, RegionalPrefixes: []string{"us."}, Source: src}},
		},
	}
}

// TestValidateMixtureOfExperts: a catalog model with experts routes each
// token to fewer of them than it has and activates fewer parameters than
// it holds; the spec's model block is held to the same.
func TestValidateMixtureOfExperts(t *testing.T) {
	for _, tc := range []struct {
		experts, perToken int
		active            float64
		want              string
	}{
		{0, 0, 7, ""},
		{8, 2, 3, ""},
		{8, 8, 3, "experts 8 and experts_per_token 8 must both be set, the second below the first"},
		{8, 9, 3, "the second below the first"},
		{0, 2, 7, "must both be set"},
		{8, 2, 7, "a mixture of experts activates fewer parameters than it has"},
	} {
		c := testCatalog()
		m := &c.OpenModels[0]
		m.Experts, m.ExpertsPerToken, m.ActiveParamsB = tc.experts, tc.perToken, tc.active
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("experts %d/%d, active %g: got %v, want %q", tc.perToken, tc.experts, tc.active, err, tc.want)
		}
	}
}

func mustManaged(t *testing.T, id string) *ManagedModel {
	t.Helper()
	m, ok := Default().ManagedModel(id)
	if !ok {
		t.Fatalf("%s missing", id)
	}
	cp := *m
	return &cp
}

func TestArchitectureLookup(t *testing.T) {
	cat := Default()
	tests := []struct {
		ref, want string
		ok        bool
	}{
		{"llama-3.1-70b", "llama-3.1-70b", true},
		{"meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b", true},
		{"META-LLAMA/llama-3.1-70b-instruct", "llama-3.1-70b", true},
		{"https://huggingface.co/meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b", true},
		{"hf.co/Qwen/Qwen3-32B/", "qwen3-32b", true},
		{"meta-llama/Llama-3.1-70B", "llama-3.1-70b", true},                  // the base model: same config.json
		{"deepseek-ai/DeepSeek-R1", "deepseek-r1", true},                     // the first release
		{"mistralai/Devstral-Small-2505", "devstral-small", true},            // the first release
		{"Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen3-235b-a22b-2507", true}, // a longer context: its own entry
		{"deepseek-ai/DeepSeek-V3.1", "deepseek-v3", true},                   // V3's config.json
		{"Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "", false},                // a checkpoint: Checkpoint resolves it
		{"LLAMA-3.1-70B", "", false},                                         // ids are exact
		{"meta-llama/Llama-3.1-70B-Instruct/extra", "", false},
	}
	for _, tt := range tests {
		m, ok := cat.Architecture(tt.ref)
		if ok != tt.ok || (ok && m.ID != tt.want) {
			got := ""
			if m != nil {
				got = m.ID
			}
			t.Errorf("Architecture(%q) = %q, %v; want %q, %v", tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}

// TestThroughputNamesItsEngine holds every embedded benchmark row to the
// engine version it was measured on, as its source states it.
func TestThroughputNamesItsEngine(t *testing.T) {
	for _, r := range Default().Throughput {
		at := r.Model + " " + r.GPU + " TP" + strconv.Itoa(r.TensorParallel)
		name, version, ok := strings.Cut(r.Engine, " ")
		if !ok || (name != "vLLM" && name != "NIM") || version == "" {
			t.Errorf("%s: engine %q, want \"vLLM x.y.z\" or \"NIM x.y.z\"", at, r.Engine)
			continue
		}
		if !strings.Contains(r.Source.Source, r.Engine) {
			t.Errorf("%s: engine %q is not the one its source names: %s", at, r.Engine, r.Source.Source)
		}
	}
}

// TestCheckpointResolves maps the repositories users name — the catalog's
// own, quantized and vendor checkpoints — to the architecture and the
// weight format they carry.
func TestCheckpointResolves(t *testing.T) {
	cat := Default()
	tests := []struct {
		ref, model, prec string
	}{
		{"Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "qwen3-235b-a22b-2507", "fp8"},
		{"zai-org/GLM-4.5-Air-FP8", "glm-4.5-air", "fp8"},
		{"meta-llama/Llama-3.1-405B-Instruct", "llama-3.1-405b", ""},
		{"meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama-4-scout", ""},
		{"meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick", "fp8"},
		{"moonshotai/Kimi-K2-Instruct", "kimi-k2", ""},
		{"mistralai/Devstral-Small-2507", "devstral-small", ""},
		{"Qwen/Qwen2.5-72B-Instruct", "qwen2.5-72b", ""},
		{"nvidia/Llama-3.3-70B-Instruct-FP8", "llama-3.3-70b", "fp8"},
		{"deepseek-ai/DeepSeek-V3.1", "deepseek-v3", ""},
		{"zai-org/GLM-4.6", "glm-4.6", ""},
		{"Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", "qwen3-coder-480b-a35b", "fp8"},
		{"https://huggingface.co/nvidia/DeepSeek-R1-0528-FP4", "deepseek-r1", "fp4"},
		{"nvidia/Llama-3.1-405B-Instruct-FP4", "llama-3.1-405b", "fp4"},
		{"nvidia/Qwen3-235B-A22B-FP4", "qwen3-235b-a22b", "fp4"},
		{"RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8", "llama-3.1-70b", "fp8"},
		{"RedHatAI/Llama-4-Scout-17B-16E-Instruct-quantized.w4a16", "llama-4-scout", "int4"},
		{"Qwen/Qwen2.5-72B-Instruct-AWQ", "qwen2.5-72b", "int4"},
		{"Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4", "qwen2.5-72b", "int4"},
		{"unsloth/Llama-3.3-70B-Instruct", "llama-3.3-70b", ""},
		{"meta-llama/Llama-2-70b-chat-hf", "llama-2-70b", ""},
		{"llama-3.3-70b", "llama-3.3-70b", ""},
	}
	for _, tt := range tests {
		c, ok := cat.Checkpoint(tt.ref)
		if !ok || c.Model.ID != tt.model || c.Precision != tt.prec {
			got := ""
			if ok {
				got = c.Model.ID
			}
			t.Errorf("Checkpoint(%q) = %q %q, %v; want %q %q", tt.ref, got, c.Precision, ok, tt.model, tt.prec)
		}
	}
	for _, ref := range []string{
		"someone/Llama-3.3-70B-Instruct",      // another organisation's name, no quantization: maybe another model
		"Qwen/Qwen2.5-72B-Instruct-GPTQ-Int8", // INT8 weights are not modelled
		"nvidia/Nemotron-Unknown-FP8",         // nothing of that name
		"-FP8",                                // no repository
		"nvidia/",                             // no name
	} {
		if c, ok := cat.Checkpoint(ref); ok {
			t.Errorf("Checkpoint(%q) = %q, want none", ref, c.Model.ID)
		}
	}
	if c, _ := cat.Checkpoint("llama-3.3-70b"); c.Repo != "meta-llama/Llama-3.3-70B-Instruct" {
		t.Errorf("a catalog id names its entry's repository, got %q", c.Repo)
	}
}

// TestEveryInstanceNamesItsFamilysQuotas: P instances run under the P
// quotas, G instances under the "G and VT" ones, by the names Service
// Quotas gives them; a capacity block under neither.
func TestEveryInstanceNamesItsFamilysQuotas(t *testing.T) {
	for _, in := range Default().Instances {
		family := "G and VT"
		if strings.HasPrefix(in.Type, "p") {
			family = "P"
		}
		want := InstanceQuotas{OnDemand: "Running On-Demand " + family + " instances", Spot: "All " + family + " Spot Instance Requests"}
		if in.Quotas.OnDemand != want.OnDemand || in.Quotas.Spot != want.Spot {
			t.Errorf("%s in %s: quotas %q / %q, want %q / %q", in.Type, in.Region, in.Quotas.OnDemand, in.Quotas.Spot, want.OnDemand, want.Spot)
		}
		if in.QuotaName("reserved") != want.OnDemand || in.QuotaName("spot") != want.Spot || in.QuotaName("capacity_block") != "" {
			t.Errorf("%s: QuotaName by pricing is wrong", in.Type)
		}
		if in.VCPUs == 0 {
			t.Errorf("%s: vCPUs unknown, so its quota need is", in.Type)
		}
	}
}

// TestWindow: the window rule the spec's warning and the sizer share. A
// prompt under the window leaves room for an answer; one of the whole
// window leaves none (vLLM refuses prompt + max_tokens above
// --max-model-len); a longer one does not fit; an unknown window refuses
// nothing.
func TestWindow(t *testing.T) {
	m := &OpenModel{MaxContext: 32768}
	for _, tt := range []struct {
		model  *OpenModel
		tokens int
		want   WindowFit
	}{
		{m, 32767, WindowFits},
		{m, 32768, WindowFilled},
		{m, 32769, WindowExceeded},
		{&OpenModel{}, 1 << 30, WindowFits},
	} {
		if got := tt.model.Window(tt.tokens); got != tt.want {
			t.Errorf("window %d, prompt %d: %d, want %d", tt.model.MaxContext, tt.tokens, got, tt.want)
		}
	}
}

// TestCheckpointGB: what a fleet downloads, mirrors and stores is the
// repository's files — twice the resident weights only for a BF16
// checkpoint vLLM quantizes to FP8 on load.
func TestCheckpointGB(t *testing.T) {
	cat := Default()
	byID := func(id string) OpenModel {
		t.Helper()
		m, ok := cat.OpenModel(id)
		if !ok {
			m, ok = cat.Architecture(id)
		}
		if !ok {
			t.Fatalf("no model %q", id)
		}
		return *m
	}
	fp8Repo := byID("llama-3.3-70b")
	fp8Repo.HFRepo = "nvidia/Llama-3.3-70B-Instruct-FP8"
	tests := []struct {
		name   string
		m      OpenModel
		format string
		gb     float64
	}{
		{"BF16 repository served as FP8", byID("llama-3.3-70b"), "bf16", 141.2},
		{"FP8 repository by its name", fp8Repo, "fp8", 72.7},
		{"BF16 served as BF16", byID("qwen2.5-coder-32b"), "bf16", 65.5},
		{"MXFP4 as shipped", byID("gpt-oss-120b"), "mxfp4", 65},
		{"FP8 shipped without saying so in its name", byID("deepseek-v3"), "fp8", 690},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, gb := tt.m.CheckpointFormat(), tt.m.CheckpointGB(); f != tt.format || gb != tt.gb {
				t.Errorf("%s: checkpoint %s %v GB, want %s %v GB", tt.m.HFRepo, f, gb, tt.format, tt.gb)
			}
		})
	}
	c := *cat
	c.OpenModels = append([]OpenModel(nil), cat.OpenModels...)
	for i := range c.OpenModels {
		if c.OpenModels[i].ID == "qwen2.5-coder-32b" {
			c.OpenModels[i].CheckpointDType = "fp8" // FP8 files cannot serve BF16 weights
		}
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "checkpoint_dtype") {
		t.Errorf("Validate() = %v, want a checkpoint_dtype error", err)
	}
}

// TestSuccessorKeepsItsPredecessorsPromptTerm: a model whose short-prompt
// TTFT is its predecessor's (no measurement of its own) takes the
// predecessor's measured long-prompt term too: GPT-6 Luna kept the
// generic 0.24 ms a token, 7× GPT-5.4 mini's, and was denied a 2 s target
// at 8K prompts its predecessor met.
func TestSuccessorKeepsItsPredecessorsPromptTerm(t *testing.T) {
	cat := Default()
	for i := range cat.Managed {
		pre := &cat.Managed[i]
		next, ok := cat.ManagedModel(pre.Successor)
		if !ok || pre.PromptMsPerToken == nil || pre.TTFTMs == nil || next.TTFTMs == nil || next.TTFTMs.Value != pre.TTFTMs.Value {
			continue
		}
		if next.PromptMsPerToken == nil || next.PromptMsPerToken.Value != pre.PromptMsPerToken.Value {
			t.Errorf("%s takes %s's short-prompt TTFT (%g ms) but not its prompt term (%g ms a token)", next.ID, pre.ID, pre.TTFTMs.Value, pre.PromptMsPerToken.Value)
		}
	}
}

// TestKVBytesAt: a replica's KV cache per token as vLLM lays it out
// across tensor-parallel ranks.
func TestKVBytesAt(t *testing.T) {
	gqa := &OpenModel{Layers: 48, KVHeads: 4, HeadDim: 128}           // 2·48·4·128·2 = 98,304 B
	mla := &OpenModel{Layers: 61, KVLoraRank: 512, QKRopeHeadDim: 64} // 61·576·2 = 70,272 B
	for _, tc := range []struct {
		m    *OpenModel
		tp   int
		want int
	}{
		{gqa, 1, 98304}, {gqa, 4, 98304}, {gqa, 8, 2 * 98304}, {gqa, 16, 4 * 98304}, {gqa, 0, 98304},
		{mla, 1, 70272}, {mla, 8, 8 * 70272},
	} {
		if got := tc.m.KVBytesAt(tc.tp); got != tc.want {
			t.Errorf("KVBytesAt(%d) = %d, want %d", tc.tp, got, tc.want)
		}
	}
}

// TestUsableMemory holds every catalog GPU's CUDA-visible memory to its
// published figure: what torch.cuda / vLLM's memory profile reports as the
// device's total (GiB), sourced and dated, below the board's nominal size;
// the parts with no public measurement carry a derived figure marked as
// an estimate.
func TestUsableMemory(t *testing.T) {
	c := Default()
	published := map[string]float64{
		"h100": 79.22, "a100-80gb": 79.15, "a100-40gb": 39.5, "l40s": 44.53, "l4": 22.03, "b200": 178.35,
	}
	estimated := map[string]bool{"h200": true, "b300": true, "a10g": true}
	for _, g := range c.GPUs {
		u := g.UsableMemory
		if u == nil {
			t.Errorf("%s: no usable_memory_gib", g.ID)
			continue
		}
		if u.Source.Source == "" || u.AsOf == "" {
			t.Errorf("%s: usable_memory_gib without a source and date", g.ID)
		}
		if want, ok := published[g.ID]; ok && (u.Value != want || u.Estimate) {
			t.Errorf("%s: usable_memory_gib %g (estimate %v), the published CUDA total is %g GiB", g.ID, u.Value, u.Estimate, want)
		}
		if estimated[g.ID] && !u.Estimate {
			t.Errorf("%s: usable_memory_gib %g is derived, not measured: mark it an estimate", g.ID, u.Value)
		}
		if _, ok := published[g.ID]; !ok && !estimated[g.ID] {
			t.Errorf("%s: usable_memory_gib %g is neither a published total nor a marked estimate", g.ID, u.Value)
		}
		if g.UsableGiB() != u.Value || u.Value >= g.MemoryGB {
			t.Errorf("%s: usable %g GiB, memory_gb %g", g.ID, g.UsableGiB(), g.MemoryGB)
		}
	}
	// A GPU without the figure (an organisation's price book) takes
	// memory_gb read as GiB at the least share a measured part keeps.
	if got := (&GPU{MemoryGB: 24}).UsableGiB(); math.Abs(got-22.03) > 0.01 {
		t.Errorf("24 GB without a CUDA total: %.2f GiB usable, want L4's 22.03", got)
	}
}
