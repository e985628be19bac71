package spec

import (
	"fmt"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// selfHostedAttrs are the self_hosted block's attributes.
var selfHostedAttrs = []string{
	"model", "gpu", "pricing", "gpu_hour_usd", "gpus", "schedule", "hours_per_month",
	"ops_usd_per_month", "min_replicas", "target_utilization", "min_quality", "region",
	"on_demand_base",
}

// AutoModel as self_hosted.model asks sizing to pick the cheapest open model
// whose quality is at least min_quality.
const AutoModel = "auto"

// AutoGPU as self_hosted.gpu asks sizing to pick the cheapest GPU the
// catalog sells in the region.
const AutoGPU = "auto"

// MinTargetUtilization is the lowest self_hosted.target_utilization: a
// fleet sized for 10 % of its capacity at peak already buys ten times the
// GPUs its load needs, and a lower target is a way to write a fleet size
// (gpus and min_replicas say that directly), not a utilization.
const MinTargetUtilization = 0.1

// DefaultSelfHosted is the self_hosted block a spec gets when it has none,
// and the defaults of each attribute it leaves out.
func DefaultSelfHosted() SelfHosted {
	return SelfHosted{
		Model:             AutoModel,
		GPU:               "h100",
		Pricing:           OnDemand,
		Schedule:          AlwaysOn,
		HoursPerMonth:     units.HoursPerMonth,
		OpsUSDPerMonth:    Range{Low: 2000, High: 4000},
		MinReplicas:       1,
		TargetUtilization: 0.7,
		MinQuality:        0,
		Region:            "us-east-1",
	}
}

// gpuChoice decodes self_hosted.gpu: one catalog GPU, "auto" (every GPU in
// the catalog), or a list of catalog GPUs to choose among.
func (d *decoder) gpuChoice(b *body, def string) (string, []string) {
	a := b.attr("gpu")
	if a == nil {
		return def, nil
	}
	ids := d.cat.GPUIDs()
	v, ok := b.value(a)
	if !ok {
		return def, nil
	}
	if v.Type().IsTupleType() || v.Type().IsListType() {
		list, ranges, ok := b.strList("gpu")
		if !ok {
			return def, nil
		}
		if len(list) == 0 {
			d.errorf(a.Expr.Range(), "Empty list", "self_hosted.gpu lists no GPU; give one, a list such as [\"h100\", \"l40s\"], or \"auto\".")
			return def, nil
		}
		out := d.catalogIDs("self_hosted.gpu", list, ranges, "GPU", "GPUs", ids)
		if len(out) == 0 {
			return def, nil
		}
		return out[0], out
	}
	if g, _, ok := b.str("gpu"); ok && g == AutoGPU {
		return def, ids
	}
	return b.catalogID("gpu", "GPU", ids, def), nil
}

func (d *decoder) selfHosted(blk *hclsyntax.Block, modelNames []string) SelfHosted {
	s := DefaultSelfHosted()
	if blk == nil {
		return s
	}
	d.unlabeled(blk)
	b := d.open(blk, blockSelfHosted, "the self_hosted block", true)
	b.check(selfHostedAttrs, nil)

	if m, a, ok := b.str("model"); ok {
		known := append(append([]string{AutoModel}, d.cat.OpenModelIDs()...), modelNames...)
		if contains(known, m) {
			s.Model = m
		} else {
			d.errorf(a.Expr.Range(), "Unknown open model",
				"self_hosted.model must be an open-weight model in the catalog, the name of one of the spec's model blocks, or \"auto\"; %q is none of these.%s Run \"costgate catalog\" to list the catalog's models.",
				m, didYouMean(m, known))
		}
	}
	s.GPU, s.GPUChoices = d.gpuChoice(b, s.GPU)
	s.Pricing = b.oneOf("pricing", []string{OnDemand, Reserved, Spot, CapacityBlock}, s.Pricing)
	if r, ok := b.optRange("gpu_hour_usd", above(0).upTo(1e4)); ok {
		s.GPUHourUSD = r
	}
	// Compared as a float, so that no value converts to an int out of range.
	switch g := b.number("gpus", atLeast(1).whole(), 0); {
	case g > modelcatalog.MaxFleetGPUs:
		d.errorf(b.syn.Attributes["gpus"].Expr.Range(), "Value out of range",
			"self_hosted.gpus must be at most %d, the cap on one fleet's GPUs (the largest GPU cluster AWS advertises; quotas are per account); got %s.",
			modelcatalog.MaxFleetGPUs, formatNumber(g))
	default:
		s.GPUs = int(g)
	}
	s.Schedule = b.oneOf("schedule", []string{AlwaysOn, BusinessHours}, s.Schedule)
	s.HoursPerMonth = b.number("hours_per_month", aboveUpTo(0, maxHoursPerMonth), s.HoursPerMonth)
	if r, ok := b.optRange("ops_usd_per_month", atLeast(0).upTo(1e9)); ok {
		s.OpsUSDPerMonth, s.OpsFromSpec = *r, true
	}
	s.MinReplicas = b.integer("min_replicas", atLeast(1).upTo(1e4), s.MinReplicas)
	s.OnDemandBase = b.integer("on_demand_base", atLeast(0).upTo(1e4), s.OnDemandBase)
	s.TargetUtilization = b.number("target_utilization", between(MinTargetUtilization, 1), s.TargetUtilization)
	s.MinQuality = b.number("min_quality", between(0, 1), s.MinQuality)
	s.Region = d.region(b, s.Region)
	// A setting another one makes moot is said to have no effect rather
	// than silently ignored (restating its default is harmless).
	def := DefaultSelfHosted()
	moot := func(name string, isDefault bool, why string) {
		if a := b.syn.Attributes[name]; a != nil && !isDefault {
			d.warnf(a.Expr.Range(), "Attribute has no effect", "self_hosted.%s has no effect %s.", name, why)
		}
	}
	if s.Model != AutoModel {
		moot("min_quality", s.MinQuality == def.MinQuality, "unless model = \"auto\": it is the floor for choosing a model")
	}
	switch {
	case Commitment(s.Pricing):
		moot("hours_per_month", s.HoursPerMonth == def.HoursPerMonth, fmt.Sprintf("with pricing = %q: a commitment bills every hour of AWS's 730-hour month (8,760 a year), and the plan prices 730", s.Pricing))
	case s.Schedule == BusinessHours:
		moot("hours_per_month", s.HoursPerMonth == def.HoursPerMonth, "with schedule = \"business_hours\": the fleet is billed for the hours its schedule runs it, 09:00-17:00 on weekdays")
	case s.HoursPerMonth < ShortestMonthHours:
		if a := b.syn.Attributes["hours_per_month"]; a != nil {
			d.warnf(a.Expr.Range(), "Fewer hours than a month",
				"self_hosted.hours_per_month = %s is fewer hours than any month has (%d in February): an always_on fleet keeps every instance all month and AWS bills every hour it runs, so the plan prices AWS's %d-hour month. For a fleet that runs only the working day, set schedule = \"business_hours\".",
				formatNumber(s.HoursPerMonth), ShortestMonthHours, units.HoursPerMonth)
		}
	}
	if s.Pricing != Spot {
		moot("on_demand_base", s.OnDemandBase == def.OnDemandBase, "unless pricing = \"spot\": it is how many of a spot fleet's instances run on demand")
	}
	if s.GPUs > 0 {
		moot("min_replicas", s.MinReplicas == def.MinReplicas, "when gpus fixes the fleet")
	}
	return s
}

// region is self_hosted.region, a Region AWS has, else def. A well-formed
// name AWS has no Region of ("us-east-11") left the fleet unpriced, and
// managed won, with no word of the typo.
func (d *decoder) region(b *body, def string) string {
	r, a, ok := b.str("region")
	if !ok {
		return def
	}
	if !modelcatalog.IsAWSRegion(r) {
		d.errorf(a.Expr.Range(), "Invalid region",
			"self_hosted.region must be an AWS Region such as \"us-east-1\"; AWS has no Region %q.%s", r, didYouMean(r, modelcatalog.AWSRegions))
		return def
	}
	return r
}
