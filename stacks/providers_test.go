package stacks

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newProviderBook adds a fictional direct-API provider and one model it
// sells: a catalog change and nothing else.
const newProviderBook = `{
  "as_of": "2026-11-26",
  "providers": [
    {"id": "mistral", "name": "Mistral API", "auth": "api_key", "api_key_env": "MISTRAL_API_KEY",
     "litellm": {"prefix": "mistral", "price_table_providers": ["mistral"]},
     "source": "test", "as_of": "2026-11-26"}
  ],
  "managed": [
    {"id": "devstral-2", "name": "Devstral 2", "vendor": "mistral", "api_id": "devstral-2-2512", "providers": ["mistral"], "status": "latest",
     "prices": [{"effective_from": "2026-11-01", "input_per_m": 0.4, "output_per_m": 2, "source": "test", "as_of": "2026-11-26"}],
     "quality": {"simple": {"value": 0.9, "source": "test", "as_of": "2026-11-26"}, "complex": {"value": 0.7, "source": "test", "as_of": "2026-11-26"}},
     "source": "test", "as_of": "2026-11-26"}
  ]
}`

const newProviderSpec = `team "newprov" {
  developers           = 50
  tokens_per_developer = 4e6
  cost_center          = "platform"
}
workload "agent" {
  share      = 1
  complexity = "complex"
}
managed {
  simple_model  = "devstral-2"
  complex_model = "devstral-2"
  provider      = "mistral"
}
self_hosted {
  model = "auto"
}
compliance {
  allowed_providers = ["mistral"]
}
`

// newProviderCatalog is the embedded catalog with newProviderBook merged.
func newProviderCatalog(t *testing.T) *modelcatalog.Catalog {
	t.Helper()
	book, err := modelcatalog.ParseBook("book.json", []byte(newProviderBook))
	if err != nil {
		t.Fatal(err)
	}
	cat := modelcatalog.Merge(modelcatalog.Default(), book)
	if err := cat.Validate(); err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestNewProviderIsCatalogData plans, previews and routes a spec whose
// model is sold by a provider that exists only in a price book: its key
// secret, the gateway role and the LiteLLM model name and key variable
// all come from the provider's entry.
func TestNewProviderIsCatalogData(t *testing.T) {
	cat := newProviderCatalog(t)
	s, diags := spec.NewParser(cat).Parse("newprov.hcl", []byte(newProviderSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p, err := plan.Build(context.Background(), s, plan.Options{Catalog: cat, AsOf: planDate})
	if err != nil {
		t.Fatal(err)
	}
	opt := p.Chosen()
	if p.Decision.Architecture != architecture.Managed || len(opt.Routes) != 1 || opt.Routes[0].Provider != "mistral" {
		t.Fatalf("decision %s, routes %+v; want managed through mistral", p.Decision.Architecture, opt.Routes)
	}
	var keyLine bool
	for _, li := range opt.LineItems {
		keyLine = keyLine || strings.HasPrefix(li.Name, "Secrets Manager secret") && li.MonthlyUSD.Expected > 0
	}
	if !keyLine {
		t.Errorf("line items %+v: no secret for the provider's API key", opt.LineItems)
	}
	cfg := Config{ProviderKeys: map[string]pulumi.StringInput{"mistral": pulumi.String("sk-mistral")}, catalog: cat}
	rs, _, err := run(t, p, cfg)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	var secret bool
	for _, r := range rs {
		if r.Type == "aws:secretsmanager/secret:Secret" && strings.Contains(r.Name, "-mistral-api-key") {
			secret = true
		}
	}
	if !secret {
		t.Errorf("no secret for mistral's key among %d resources", len(rs))
	}
	list, err := LiteLLMModelList(opt.Routes, "http://fleet", cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"model": "mistral/devstral-2-2512"`, `"api_key": "os.environ/MISTRAL_API_KEY"`} {
		if !strings.Contains(list, want) {
			t.Errorf("LiteLLM model list lacks %s:\n%s", want, list)
		}
	}
}

// TestProviderKeysAreCatalogProviders: costgate:providerKeys may name only
// the catalog's providers that take a key.
func TestProviderKeysAreCatalogProviders(t *testing.T) {
	tests := []struct{ provider, want string }{
		{"anthropic", ""},
		{modelcatalog.ProviderBedrock, "bedrock takes no API key (the gateway role calls it with IAM)"},
		{"azure", `costgate:providerKeys names "azure", which is not a provider in the catalog`},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := NewManagedGateway(ctx, "gw", &ManagedGatewayArgs{Team: "t", CostCenter: "c",
					ProviderKeys: map[string]pulumi.StringInput{tt.provider: pulumi.String("k")}})
				return err
			}, pulumi.WithMocks(PreviewProject, PreviewStack, &recorder{}))
			if tt.want == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestRouterRoutesThroughTheStacksCatalog: a hybrid stack's router builds
// its model list from the catalog the plan was priced with, so a managed
// route to a model and provider that only a price book (costgate:catalog)
// adds reaches LiteLLM under the provider's model name, with its key
// injected from Secrets Manager.
func TestRouterRoutesThroughTheStacksCatalog(t *testing.T) {
	cat := newProviderCatalog(t)
	p := examplePlan(t, "enterprise-hybrid")
	opt := p.Chosen()
	managed := 0
	for i, r := range opt.Routes {
		if r.ServedBy == architecture.Managed {
			opt.Routes[i].Model, opt.Routes[i].Provider = "devstral-2", "mistral"
			managed++
		}
	}
	if p.Decision.Architecture != architecture.Hybrid || managed == 0 {
		t.Fatalf("enterprise-hybrid decides %s with %d managed routes; want hybrid with some", p.Decision.Architecture, managed)
	}
	cfg := Config{DeployGateway: true, catalog: cat, ProviderKeys: map[string]pulumi.StringInput{"mistral": pulumi.String("sk-mistral")}}
	rs, _, err := run(t, p, cfg)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	checkRouterTask(t, rs)
	var defs []struct {
		Environment []struct{ Name, Value string }
	}
	td := one(t, rs, "aws:ecs/taskDefinition:TaskDefinition")
	if err := json.Unmarshal([]byte(td.Properties["containerDefinitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	config := defs[0].Environment[0].Value
	for _, want := range []string{"mistral/devstral-2-2512", "os.environ/MISTRAL_API_KEY"} {
		if !strings.Contains(config, want) {
			t.Errorf("the router's config lacks %s:\n%s", want, config)
		}
	}
}

// TestProviderKeysOnlyForRoutedProviders: the plan prices a secret for
// each provider a route of the decision calls; a configured key for one no
// route calls is not stored (a secret nobody pays for in the plan and
// nothing reads) and the log says so.
func TestProviderKeysOnlyForRoutedProviders(t *testing.T) {
	p := examplePlan(t, "company-50")
	cfg := Config{ProviderKeys: map[string]pulumi.StringInput{"openai": pulumi.String("sk-o"), "anthropic": pulumi.String("sk-a")}}
	rs, logs, err := runPreflight(t, p, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	routed := map[string]bool{}
	for _, r := range p.Chosen().Routes {
		if r.Provider != "" {
			routed[r.Provider] = true
		}
	}
	for _, prov := range []string{"openai", "anthropic"} {
		stored := false
		for _, r := range ofType(rs, "aws:secretsmanager/secret:Secret") {
			stored = stored || strings.Contains(r.Name, "-"+prov+"-api-key")
		}
		if stored != routed[prov] {
			t.Errorf("%s: key stored %v, routed %v", prov, stored, routed[prov])
		}
		if said := strings.Contains(logs.text(), "holds a key for "+prov+", which no route"); said == routed[prov] {
			t.Errorf("%s: routed %v, warned %v:\n%s", prov, routed[prov], said, logs.text())
		}
	}
}
