package plan

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// Some figures a spec writes can only be judged on the fleet they price:
// a fixed fleet's utilization, a GPU-hour price against the instance the
// fleet runs on, an operations cost against the default for the fleet's
// size. planChecks judges them once the head is planned, comparing with
// the base's plan where the base's own fleet matters (built once, when
// first needed).

// planChecks holds one review's head plan; its base's comes from Options.basePlan.
type planChecks struct {
	ctx  context.Context
	head *spec.Spec
	p    *Plan
	opts Options
	cat  *modelcatalog.Catalog
	// sealed are the options a policy no override waives already denies:
	// a figure that lowers their cost opens nothing.
	sealed map[architecture.Name]bool
}

func newPlanChecks(ctx context.Context, head *spec.Spec, p *Plan, deny []Finding, rules policies.WaiverRules, cat *modelcatalog.Catalog, opts Options) *planChecks {
	c := &planChecks{ctx: ctx, head: head, p: p, opts: opts, cat: cat, sealed: map[architecture.Name]bool{}}
	waivable := rules.IDs()
	for _, o := range p.Options {
		for _, d := range deny {
			if (d.Option == o.Architecture || d.Option == "*") && d.Policy != PolicyLoosened && !slices.Contains(waivable, d.Policy) {
				c.sealed[o.Architecture] = true
			}
		}
	}
	return c
}

// reviewed says whether the head is under review: it has a base, or is
// new in the change.
func (c *planChecks) reviewed() bool { return c.opts.Base != nil || c.opts.NewSpec }

// base is the base spec's plan (Options.basePlan: built once a Build).
func (c *planChecks) base() (*Plan, error) { return c.opts.basePlan(c.ctx) }

// loosenings are all of them.
func (c *planChecks) loosenings() []Loosening {
	if c.head == nil || !c.reviewed() {
		return nil
	}
	return slices.Concat(c.fixedFleet(), c.gpuHour(), c.ops(), c.bedrockRoutes())
}

// bedrockRoutes reports a managed route that leaves Bedrock's regional
// profile the base kept its requests in: a model Bedrock does not sell
// goes to its vendor's own API, and a workload may pin one, whatever the
// managed block's provider and profile say (Loosenings compares those).
func (c *planChecks) bedrockRoutes() []Loosening {
	base := c.opts.Base
	if base == nil || base.Managed.Provider != modelcatalog.ProviderBedrock || base.Managed.BedrockProfile != modelcatalog.BedrockRegional ||
		c.head.Managed.Provider != modelcatalog.ProviderBedrock {
		return nil
	}
	// A workload the base already sent off Bedrock (a model Bedrock does
	// not sell, reviewed then) is no change.
	outside := map[string]bool{}
	if bp, err := c.base(); err == nil {
		for _, o := range bp.Options {
			for _, r := range o.Routes {
				if r.ServedBy == architecture.Managed && r.Provider != modelcatalog.ProviderBedrock {
					outside[r.Workload] = true
				}
			}
		}
	}
	l := &loosener{head: c.head}
	for _, o := range c.p.Options {
		if c.sealed[o.Architecture] {
			continue
		}
		for _, r := range o.Routes {
			if r.ServedBy == architecture.Managed && r.Provider != modelcatalog.ProviderBedrock && !outside[r.Workload] {
				l.add("managed.bedrock_profile", "workload %s goes to %s through %s under the %s option, outside Bedrock's regional profile the base kept the team's requests in: they, and the code in them, may now be served anywhere that provider runs",
					r.Workload, r.Model, providerName(r.Provider), o.Architecture)
				return l.out
			}
		}
	}
	return nil
}

// utilPct writes a utilization.
func utilPct(u float64) string { return fmt.Sprintf("%.0f%%", 100*u) }

// fixedSizing is option arch's fixed fleet in p that can carry its peak
// (one above it is denied by capacity.exceeded, sealed); nil otherwise.
func fixedSizing(p *Plan, arch architecture.Name) *Sizing {
	for _, o := range p.Options {
		if o.Architecture == arch && o.Sizing != nil && o.Sizing.Fixed && o.Sizing.PeakUtilization <= 1 {
			return o.Sizing
		}
	}
	return nil
}

// fixedFleet reports a fixed fleet (self_hosted.gpus) that runs above its
// target utilization at peak, in an option no sealed policy denies, and
// hotter than the same option's fleet at the base: the same load carried
// on fewer GPUs than the target sizes, as a higher target_utilization
// would carry it (spec.loosened there too). Hotter than the base means:
// the base sized its fleet at the target, or is new (its figures meet the
// defaults), or fixed one that ran cooler in that option at its own load —
// whatever the change did to the count, the GPU or the load (80 GPUs where
// the base sized 92; the base's 92 kept while the load rose; 8 H100s made
// 28 L40S). A fixed fleet trimmed as the load fell, no hotter than the
// base's, loosens nothing.
func (c *planChecks) fixedFleet() []Loosening {
	gpus := c.head.SelfHosted.GPUs
	if gpus == 0 {
		return nil
	}
	l := &loosener{head: c.head}
	for _, o := range c.p.Options {
		hot := o.Sizing
		if hot == nil || !hot.Fixed || hot.PeakUtilization > 1 || hot.PeakUtilization <= hot.TargetUtilization || c.sealed[o.Architecture] {
			continue
		}
		base := c.opts.Base
		switch {
		case base == nil:
			l.add("self_hosted.gpus", "self_hosted.gpus is %d in a new spec: the %s fleet runs at %s of its capacity at peak, above the %s target utilization, so the load is carried on fewer GPUs than the target sizes",
				gpus, o.Architecture, utilPct(hot.PeakUtilization), utilPct(hot.TargetUtilization))
		case base.SelfHosted.GPUs == 0:
			l.add("self_hosted.gpus", "self_hosted.gpus is %d (the base's fleet was sized at the target): the %s fleet runs at %s of its capacity at peak, above the %s target utilization, so the load is carried on fewer GPUs than the target sizes",
				gpus, o.Architecture, utilPct(hot.PeakUtilization), utilPct(hot.TargetUtilization))
		default:
			bp, err := c.base()
			if err != nil {
				l.add("self_hosted.gpus", "self_hosted.gpus is %d, the %s fleet running at %s of its capacity at peak, above the %s target, and the base's plan, which would show how hot its fleet ran, could not be built: %v",
					gpus, o.Architecture, utilPct(hot.PeakUtilization), utilPct(hot.TargetUtilization), err)
				return l.out
			}
			was := fixedSizing(bp, o.Architecture)
			if was != nil && hot.PeakUtilization <= was.PeakUtilization+1e-9 {
				continue
			}
			ran := "none that could carry its peak"
			if was != nil {
				ran = fmt.Sprintf("%d × %s at %s", was.GPUs, strings.ToUpper(was.GPU), utilPct(was.PeakUtilization))
			}
			l.add("self_hosted.gpus", "self_hosted.gpus is %d: the %s fleet (%d × %s) runs at %s of its capacity at peak, above the %s target utilization and hotter than the base's (%s), so the load is carried on fewer GPUs than before",
				gpus, o.Architecture, hot.GPUs, strings.ToUpper(hot.GPU), utilPct(hot.PeakUtilization), utilPct(hot.TargetUtilization), ran)
		}
		return l.out // one loosening names the figure
	}
	return nil
}

// instancePrice is the catalog's GPU-hour price of a fleet's instance type
// under its pricing model in its region.
func instancePrice(cat *modelcatalog.Catalog, s *Sizing) (spec.Range, bool) {
	for _, in := range cat.InstancesFor(s.GPU, s.Region) {
		if in.Type == s.InstanceType {
			if p, ok := in.GPUHourUSD[s.Pricing]; ok {
				return spec.Range{Low: p.Low, High: p.High}, true
			}
		}
	}
	return spec.Range{}, false
}

// gpuHour reports a GPU-hour price the spec writes that is cheaper than
// the catalog's for the instance its fleet runs on (its low end or its
// midpoint), or that nothing prices: the catalog has no price for that
// instance under its pricing and the base did not write one for the same
// GPU, pricing and region on the same instance (keptPriceInstances). A range over
// every instance type selling the GPU let 2.82 pass for a fleet on
// g6e.48xlarge at 3.7664, inside L40S's 1.861–3.7664.
func (c *planChecks) gpuHour() []Loosening {
	h := c.head.SelfHosted.GPUHourUSD
	if h == nil {
		return nil
	}
	kept := c.keptPriceInstances()
	l := &loosener{head: c.head}
	for _, o := range c.p.Options {
		s := o.Sizing
		if s == nil || c.sealed[o.Architecture] || (kept != nil && kept[o.Architecture] == s.InstanceType) {
			continue
		}
		ref, ok := instancePrice(c.cat, s)
		switch {
		case !ok:
			l.add("self_hosted.gpu_hour_usd", "self_hosted.gpu_hour_usd is %s per GPU-hour for %s %s in %s, which the catalog has no price for and the base did not price it on: nothing checks the figure the change wrote",
				rangeOf(*h, usdCents), s.Pricing, s.InstanceType, s.Region)
		case priceFell(ref, *h):
			l.add("self_hosted.gpu_hour_usd", "self_hosted.gpu_hour_usd falls from %s (the catalog's %s %s in %s, which the %s fleet runs on) to %s per GPU-hour: every GPU of the fleet costs less",
				rangeOf(ref, usdCents), s.Pricing, s.InstanceType, s.Region, o.Architecture, rangeOf(*h, usdCents))
		default:
			continue
		}
		return l.out
	}
	return nil
}

// keptPriceInstances are, where the base wrote its GPU-hour price for the
// head's GPU, pricing and region, the instance type each option's fleet
// ran on at the base: a price kept on the instance it was written for is
// figureLoosenings' to compare, while the same figure carried to another
// instance type (a model change moving the fleet from g6e.12xlarge at
// 2.6232 to g6e.48xlarge at 3.7664) is weighed against that one's catalog
// price. Nil when the base wrote no such price; empty when its plan does
// not build (every option is weighed then).
func (c *planChecks) keptPriceInstances() map[architecture.Name]string {
	b := c.opts.Base
	if b == nil || b.SelfHosted.GPUHourUSD == nil || b.SelfHosted.GPU != c.head.SelfHosted.GPU || b.SelfHosted.Pricing != c.head.SelfHosted.Pricing || b.SelfHosted.Region != c.head.SelfHosted.Region {
		return nil
	}
	kept := map[architecture.Name]string{}
	bp, err := c.base()
	if err != nil {
		return kept
	}
	for _, o := range bp.Options {
		if o.Sizing != nil {
			kept[o.Architecture] = o.Sizing.InstanceType
		}
	}
	return kept
}

// opsDefault is the default operations cost for a plan's largest fleet:
// the spec's default range for up to costmodel.OpsReferenceGPUs billed
// GPUs, growing in proportion beyond; and those GPUs.
func opsDefault(p *Plan) (spec.Range, int) {
	gpus := 0
	for _, o := range p.Options {
		if o.Sizing != nil {
			gpus = max(gpus, o.Sizing.GPUs)
		}
	}
	def := spec.DefaultSelfHosted().OpsUSDPerMonth
	scale := math.Max(1, float64(gpus)/costmodel.OpsReferenceGPUs)
	return spec.Range{Low: def.Low * scale, High: def.High * scale}, gpus
}

// ops reports an operations cost the spec writes that is below the
// default for its fleet, where that is new: in a new spec, or where the
// base's figure covered the base's fleet and the head's fleet outgrew it
// (a team's $2,000–4,000 written for 4 GPUs, kept while a later change
// grew the fleet to 72, whose default is $36,000–72,000). A figure written
// where the base used the default is figureLoosenings'.
func (c *planChecks) ops() []Loosening {
	sh := c.head.SelfHosted
	if !sh.OpsFromSpec {
		return nil
	}
	def, gpus := opsDefault(c.p)
	if sh.OpsUSDPerMonth.Low >= def.Low && sh.OpsUSDPerMonth.High >= def.High {
		return nil
	}
	base := c.opts.Base
	if base != nil {
		if !base.SelfHosted.OpsFromSpec {
			return nil
		}
		bp, err := c.base()
		if err == nil {
			bdef, _ := opsDefault(bp)
			if b := base.SelfHosted.OpsUSDPerMonth; b.Low < bdef.Low || b.High < bdef.High {
				return nil // below the default at the base already
			}
		}
	}
	l := &loosener{head: c.head}
	l.add("self_hosted.ops_usd_per_month", "self_hosted.ops_usd_per_month is %s–%s a month, below the default for the fleet of %d GPUs it now prices (%s–%s: the default grows with the fleet): operating the fleet costs less",
		units.USD(sh.OpsUSDPerMonth.Low).Whole(), units.USD(sh.OpsUSDPerMonth.High).Whole(), gpus, units.USD(def.Low).Whole(), units.USD(def.High).Whole())
	return l.out
}
