package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestCatalogCarriesBookWarnings: the program plans with costgate:catalog
// as costgate plan --catalog does, suspicious figures included, so that
// pulumi up's plan warns of a free price as the gate did.
func TestCatalogCarriesBookWarnings(t *testing.T) {
	book := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(book, []byte(`{"as_of": "2026-11-20", "discounts": [{"vendor": "anthropic", "percent_off": 100, "source": "x", "as_of": "2026-11-01"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(book))
	cat, err := Config{CatalogPath: "prices.json"}.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.BookWarnings) != 1 || !strings.Contains(cat.BookWarnings[0].String(), "prices.json, discounts[0]") {
		t.Fatalf("BookWarnings = %v, want the 100 %% discount", cat.BookWarnings)
	}
}

// TestRouterEnvIsNoProviderKey: every environment variable the router sets
// itself is refused as a provider's api_key_env, so that a provider a
// price book adds cannot take the router's master key, salt key, database
// URL or fleet key (the provider keys share the container's environment).
func TestRouterEnvIsNoProviderKey(t *testing.T) {
	// What the router's task sets beside the provider keys (router.go).
	routerOwnEnv := []string{"LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "DATABASE_URL", "VLLM_API_KEY", "LITELLM_CONFIG", "STORE_MODEL_IN_DB"}
	for _, env := range routerOwnEnv {
		book := `{"providers": [{"id": "acme", "name": "Acme", "auth": "api_key", "api_key_env": "` + env + `", "litellm": {"prefix": "acme"}, "source": "x", "as_of": "2026-11-01"}]}`
		b, err := modelcatalog.ParseBook("book.json", []byte(book))
		if err != nil {
			t.Fatal(err)
		}
		if err := modelcatalog.Merge(modelcatalog.Default(), b).Validate(); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("api_key_env %s: Validate = %v, want it refused", env, err)
		}
	}
}
