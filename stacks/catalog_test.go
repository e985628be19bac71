package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
