package spec

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// complianceAttrs are the compliance block's attributes.
var complianceAttrs = []string{"code_may_leave_network", "allowed_providers"}

func (d *decoder) compliance(blk *hclsyntax.Block) Compliance {
	c := Compliance{CodeMayLeaveNetwork: true}
	if blk == nil {
		return c
	}
	d.unlabeled(blk)
	b := d.open(blk, blockCompliance, "the compliance block", true)
	b.check(complianceAttrs, nil)
	c.CodeMayLeaveNetwork = b.boolean("code_may_leave_network", true)
	list, ranges, ok := b.strList("allowed_providers")
	if !ok {
		return c
	}
	allowed := d.catalogIDs("compliance.allowed_providers", list, ranges, "managed provider", "managed providers", d.cat.ProviderIDs())
	// An empty list is kept non-nil: it allows no provider at all, which is
	// different from having no allow-list.
	c.AllowedProviders = allowed
	return c
}
