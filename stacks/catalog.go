package stacks

import (
	"fmt"

	"github.com/costgate/costgate/modelcatalog"
)

// Catalog is the catalog the program plans with: the embedded one, with
// costgate:catalog merged over it as costgate plan --catalog merges it.
func (c Config) Catalog() (*modelcatalog.Catalog, error) {
	if c.catalog != nil {
		return c.catalog, nil
	}
	if c.CatalogPath == "" {
		return modelcatalog.Default(), nil
	}
	book, err := modelcatalog.LoadFile(c.CatalogPath)
	if err != nil {
		return nil, fmt.Errorf("costgate:catalog: %w", err)
	}
	cat := modelcatalog.MergeBook(modelcatalog.Default(), book, c.CatalogPath)
	if err := cat.Validate(); err != nil {
		return nil, fmt.Errorf("costgate:catalog %s: %w", c.CatalogPath, err)
	}
	return cat, nil
}
