package modelcatalog

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestCatalogDateCoversItsFigures holds the embedded catalog's own as_of
// (the date of its last review, which plans print as catalog_as_of) to be
// no older than any figure in it: a figure read after the review means the
// review date was not moved with it (docs/CATALOG.md, "Changing a
// figure").
func TestCatalogDateCoversItsFigures(t *testing.T) {
	var doc any
	if err := json.Unmarshal(embedded, &doc); err != nil {
		t.Fatal(err)
	}
	top := doc.(map[string]any)["as_of"].(string)
	var walk func(path string, v any)
	figures := 0
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && k == "as_of" && path != "" {
					figures++
					if s > top {
						t.Errorf("%s.as_of %s is after the catalog's as_of %s", path, s, top)
					}
					continue
				}
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", doc)
	if figures < 100 {
		t.Fatalf("found %d dated figures, want the catalog's hundreds", figures)
	}
}
