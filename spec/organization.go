package spec

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// organizationAttrs are the organization block's attributes.
var organizationAttrs = []string{"gpu_expertise", "latency_over_quality"}

func (d *decoder) organization(blk *hclsyntax.Block) Organization {
	var o Organization
	if blk == nil {
		return o
	}
	d.unlabeled(blk)
	b := d.open(blk, blockOrganization, "the organization block", true)
	b.check(organizationAttrs, nil)
	o.GPUExpertise = b.boolean("gpu_expertise", false)
	o.LatencyOverQuality = b.boolean("latency_over_quality", false)
	return o
}
