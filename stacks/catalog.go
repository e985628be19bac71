package stacks

import (
	"fmt"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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

// PricedWith is c previewing with the catalog a plan was priced with
// (costgate plan --catalog BOOK): a configuration that names no
// costgate:catalog of its own, the command's stand-in for a stack, would
// otherwise preview with the embedded catalog, and a model the book adds
// was "not in the catalog". A stack's own costgate:catalog stands: pulumi
// up plans with it.
func (c Config) PricedWith(cat *modelcatalog.Catalog) Config {
	if c.CatalogPath == "" && cat != nil {
		c.catalog = cat
	}
	return c
}

// callCatalog is the catalog the program calls the managed models by:
// cfg's, with Bedrock's ids for the plan's inference profile as the
// stack's Region calls them (modelcatalog.Catalog.ForBedrock). A route the
// plan priced at a regional profile whose model has none for the Region's
// geography is an error: the global profile the catalog names may serve
// the request in any Region.
func callCatalog(ctx *pulumi.Context, cfg Config, p *plan.Plan) (*modelcatalog.Catalog, error) {
	cat, err := cfg.Catalog()
	if err != nil || p.Inputs.BedrockProfile != modelcatalog.BedrockRegional {
		return cat, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("look up region: %w", err)
	}
	out := cat.ForBedrock(p.Inputs.BedrockProfile, region.Name)
	opt := p.Chosen()
	if opt == nil {
		return out, nil
	}
	for _, r := range opt.Routes {
		m, ok := cat.ManagedModel(r.Model)
		if r.ServedBy != architecture.Managed || !ok {
			continue
		}
		if prov, err := cat.RouteProvider(m, r.Provider); err == nil && !prov.KeyedByAPIKey() && m.BedrockID != "" && m.RegionalID(region.Name) == "" {
			if _, global := cat.ProfilePrefix(m.BedrockID); global {
				return nil, fmt.Errorf("workload %s: managed.bedrock_profile is \"regional\", but the catalog lists no regional inference profile of %s for %s's geography (its regional profiles: %s): its global profile %s may serve the request in any Region",
					r.Workload, m.ID, region.Name, strings.Join(m.BedrockRegionalIDs, ", "), m.BedrockID)
			}
		}
	}
	return out, nil
}
