package spec

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// workloadAttrs are the workload block's attributes.
var workloadAttrs = []string{"share", "complexity", "context_tokens", "max_ttft_ms", "rework_hours", "route", "model", "min_quality"}

// workloadName keeps workload names usable as keys of Ranges and of the
// hybrid routing table.
var workloadName = regexp.MustCompile(`^[a-z0-9_-]{1,40}\z`)

// Default context of a request, per complexity: a completion carries a
// file's neighbourhood, an agent step a larger slice of the repository.
const (
	defaultSimpleContext  = 8192
	defaultComplexContext = 32768
)

// shareTolerance is how far the workload shares' sum may be from 1.
const shareTolerance = 0.001

// workloadShare is one workload's share, where it is written, for the sum
// check.
type workloadShare struct {
	name  string
	value float64
	at    hcl.Range
}

// workloads decodes the workload blocks and checks that their shares sum
// to 1.
func (d *decoder) workloads(blocks []*hclsyntax.Block) []Workload {
	var out []Workload
	seen := map[string]*hclsyntax.Block{}
	var shares []workloadShare
	sharesValid := true
	for _, blk := range blocks {
		name, ok := d.workloadLabel(blk, seen)
		// A block with a bad or taken name is still decoded, to report its
		// own problems and count its share, but stays out of the Spec.
		b := d.open(blk, blockWorkload+"."+name, fmt.Sprintf("workload %q", name), ok)
		w := d.workload(b, name)
		if math.IsNaN(w.Share) {
			sharesValid = false
			w.Share = 0
		} else {
			at := blk.DefRange()
			if a := b.syn.Attributes["share"]; a != nil {
				at = a.Expr.Range()
			}
			shares = append(shares, workloadShare{name: name, value: w.Share, at: at})
		}
		if ok {
			out = append(out, w)
		}
	}
	if sharesValid && len(shares) > 0 {
		if sum, ok := d.checkShares(shares); ok && math.Abs(sum-1) > 1e-9 {
			// Within the tolerance the shares are scaled to sum to 1: as
			// written, 0.3333 three times priced 0.01 % of the team's
			// tokens nowhere, and a sum of 1.0009 priced 0.09 % twice.
			// A sum off by float rounding alone (0.6 + 0.3 + 0.1) is kept
			// as written.
			for i := range out {
				out[i].Share /= sum
			}
		}
	}
	return out
}

// workloadLabel is the block's workload name, and whether it is valid and
// not taken; seen records the names so far.
func (d *decoder) workloadLabel(blk *hclsyntax.Block, seen map[string]*hclsyntax.Block) (string, bool) {
	name, ok := d.label(blk, `workload "autocomplete" { ... }`)
	if ok && !workloadName.MatchString(name) {
		d.errorf(blk.LabelRanges[0], "Invalid workload name",
			"A workload's name must be 1 to 40 lowercase letters, digits, hyphens or underscores; got %q.", name)
		ok = false
	}
	if ok {
		if first, dup := seen[name]; dup {
			d.errorf(blk.LabelRanges[0], "Duplicate workload",
				"A workload named %q is already declared on line %d; each workload needs its own name.", name, first.DefRange().Start.Line)
			ok = false
		} else {
			seen[name] = blk
		}
	}
	return name, ok
}

// workload decodes one workload block's attributes; its Share is NaN when
// share is missing or invalid.
func (d *decoder) workload(b *body, name string) Workload {
	b.check(workloadAttrs, nil)
	b.require("share", "complexity")

	w := Workload{Name: name}
	w.Share = b.number("share", aboveUpTo(0, 1), math.NaN())
	w.Complexity = b.oneOf("complexity", []string{Simple, Complex}, "")
	def := 0
	switch w.Complexity {
	case Simple:
		def = defaultSimpleContext
	case Complex:
		def = defaultComplexContext
	}
	w.ContextTokens = b.integer("context_tokens", atLeast(1).upTo(1e8), def)
	if t := b.optNumber("max_ttft_ms", above(0).upTo(1e7)); t != nil {
		w.MaxTTFTMs = *t
	}
	if _, set := b.syn.Attributes["rework_hours"]; set {
		r := b.rng("rework_hours", atLeast(0).upTo(1000), Range{})
		w.ReworkHours = &r
	}
	w.Route = architecture.Name(b.oneOf("route", []string{string(RouteAuto), string(architecture.Managed), string(architecture.SelfHosted)}, string(RouteAuto)))
	w.Model = b.catalogID("model", "managed model", d.cat.ManagedIDs(), "")
	if a := b.syn.Attributes["model"]; a != nil && w.Model != "" && w.Route == architecture.SelfHosted {
		d.errorf(a.Expr.Range(), "Model of a self-hosted workload",
			"workload %q has route = \"self_hosted\", so the fleet's model (self_hosted.model) serves it; model pins the managed model of a managed or auto route. Remove model, or set route to \"managed\" or \"auto\".", name)
		w.Model = ""
	}
	w.MinQuality = b.number("min_quality", atLeast(0).upTo(1), 0)
	return w
}

// checkShares reports shares that do not sum to 1, listing each, and
// returns their sum; ok is false where it is reported.
func (d *decoder) checkShares(shares []workloadShare) (sum float64, ok bool) {
	parts := make([]string, len(shares))
	for i, s := range shares {
		sum += s.value
		parts[i] = fmt.Sprintf("%s %s (line %d)", s.name, formatNumber(s.value), s.at.Start.Line)
	}
	if math.Abs(sum-1) > shareTolerance {
		d.errorf(shares[0].at, "Workload shares do not sum to 1",
			"The workloads' shares are fractions of the team's tokens, so they must sum to 1 (within %s); they sum to %s: %s.",
			formatNumber(shareTolerance), formatNumber(roundTo(sum, 6)), strings.Join(parts, ", "))
		return sum, false
	}
	return sum, true
}

// roundTo rounds v to n decimals, so a sum like 0.30000000000000004 reads 0.3.
func roundTo(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}
