package plan

import (
	"context"
	"fmt"

	"github.com/costgate/costgate/spec"
	"github.com/hashicorp/hcl/v2"
)

// BuildFile parses the spec file and builds its plan. Invalid input comes
// back as diagnostics (with source ranges) and a nil plan; err is for
// everything else.
func BuildFile(ctx context.Context, path string, opts Options) (*Plan, hcl.Diagnostics, error) {
	parser := spec.NewParser(opts.catalog())
	s, diags := parser.ParseFile(path)
	if diags.HasErrors() {
		return nil, diags, nil
	}
	p, err := Build(ctx, s, opts)
	if err != nil {
		return nil, diags, fmt.Errorf("plan %s: %w", path, err)
	}
	return p, diags, nil
}
