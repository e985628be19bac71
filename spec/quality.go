package spec

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// qualityAttrs are the quality block's attributes.
var qualityAttrs = []string{"rework_hours", "include_in_decision"}

// DefaultReworkHours is the article's 30-minute session lost per failed
// attempt.
const DefaultReworkHours = 0.5

func (d *decoder) quality(blk *hclsyntax.Block) Quality {
	q := Quality{ReworkHours: Scalar(DefaultReworkHours), IncludeInDecision: true}
	if blk == nil {
		return q
	}
	d.unlabeled(blk)
	b := d.open(blk, blockQuality, "the quality block", true)
	b.check(qualityAttrs, nil)
	q.ReworkHours = b.rng("rework_hours", atLeast(0).upTo(1000), q.ReworkHours)
	q.IncludeInDecision = b.boolean("include_in_decision", true)
	return q
}
