package plan

// Spec figures that set a price or a capacity: the self_hosted block's
// gpu_hour_usd, hours_per_month, ops_usd_per_month and target_utilization,
// every figure of a model block, and the team's developer_hourly_usd (the
// price of the quality gap's engineer time). They are spec attributes, but they
// price an option as a price book does, so they get a price book's checks
// (figureWarnings) and a change that lowers a cost is a loosening
// (figureLoosenings, loosened_figures.go).

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
)

// SuspiciousFigurePolicy is the id of a plan warning about a spec figure
// that sets a price or a capacity and is zero, more than
// modelcatalog.SuspiciousFactor times off its reference, or beyond physics.
const SuspiciousFigurePolicy = "spec.suspicious_figure"

// figureChecker gathers the warnings of one spec.
type figureChecker struct {
	s   *spec.Spec
	out []Finding
}

// add warns about attr, naming its line.
func (c *figureChecker) add(attr, format string, args ...any) {
	line := specRange(c.s, attr).Start.Line
	c.out = append(c.out, Finding{Policy: SuspiciousFigurePolicy, Attribute: attr,
		Message: fmt.Sprintf("%s (line %d): %s", attr, line, fmt.Sprintf(format, args...))})
}

// off warns when v is zero or more than SuspiciousFactor times above or
// below ref; what says what the figure prices.
func (c *figureChecker) off(attr string, v, ref float64, refName, what string) {
	f := float64(modelcatalog.SuspiciousFactor)
	switch {
	case v == 0:
		c.add(attr, "0 makes %s free (%s: %g)", what, refName, ref)
	case ref <= 0:
	case v > ref*f:
		c.add(attr, "%g is %.3g times %s of %g (more than %g×): check the unit", v, v/ref, refName, ref, f)
	case v < ref/f:
		c.add(attr, "%g is 1/%.3g of %s of %g (less than a %gth): check the unit", v, ref/v, refName, ref, f)
	}
}

// figureWarnings checks the spec's figures that set a price or a capacity
// against the catalog: zero, ten times off the catalog's GPU-hour price,
// AWS's 730-hour month or the default operations cost, and model figures
// beyond physics (a throughput above the compute roofline, a quality above
// the best catalog model's). Each warning names the attribute and its line.
func figureWarnings(s *spec.Spec, cat *modelcatalog.Catalog) []Finding {
	c := &figureChecker{s: s}
	sh := s.SelfHosted
	if r := sh.GPUHourUSD; r != nil {
		if ref, ok := catalogGPUHour(cat, sh); ok {
			name := fmt.Sprintf("the catalog's %s %s price in %s", sh.Pricing, sh.GPU, sh.Region)
			c.off("self_hosted.gpu_hour_usd", r.Low, ref.Low, name, "every GPU-hour")
			if r.High != r.Low {
				c.off("self_hosted.gpu_hour_usd", r.High, ref.High, name, "every GPU-hour")
			}
		}
	}
	if _, set := s.Ranges["self_hosted.hours_per_month"]; set {
		c.off("self_hosted.hours_per_month", sh.HoursPerMonth, units.HoursPerMonth, "AWS's month", "the fleet")
	}
	if _, set := s.Ranges["self_hosted.ops_usd_per_month"]; set {
		def := spec.DefaultSelfHosted().OpsUSDPerMonth
		c.off("self_hosted.ops_usd_per_month", sh.OpsUSDPerMonth.Low, def.Low, "the default operations cost", "operating the fleet")
		if sh.OpsUSDPerMonth.High != sh.OpsUSDPerMonth.Low {
			c.off("self_hosted.ops_usd_per_month", sh.OpsUSDPerMonth.High, def.High, "the default operations cost", "operating the fleet")
		}
	}
	// An engineer hour prices the quality gap, which the decision counts:
	// an annual salary written for it (150000) makes every weaker model's
	// gap a thousand times too dear.
	if _, set := s.Ranges["team.developer_hourly_usd"]; set {
		r := s.Team.DeveloperHourlyUSD
		c.off("team.developer_hourly_usd", r.Low, spec.DefaultDeveloperHourlyUSD, "the default engineer hour", "the quality gap's engineer time")
		if r.High != r.Low {
			c.off("team.developer_hourly_usd", r.High, spec.DefaultDeveloperHourlyUSD, "the default engineer hour", "the quality gap's engineer time")
		}
	}
	best := bestQuality(cat)
	for i := range s.Models {
		c.model(&s.Models[i], best)
	}
	for _, t := range s.ModelThroughput {
		c.throughput(t, s, cat)
	}
	return c.out
}

// catalogGPUHour is the catalog's price range of one GPU-hour of the
// self_hosted GPU under its pricing model in its region, over the instance
// types that sell it.
func catalogGPUHour(cat *modelcatalog.Catalog, sh spec.SelfHosted) (spec.Range, bool) {
	r, ok := spec.Range{Low: math.Inf(1), High: math.Inf(-1)}, false
	for _, in := range cat.InstancesFor(sh.GPU, sh.Region) {
		if p, has := in.GPUHourUSD[sh.Pricing]; has {
			r.Low, r.High, ok = math.Min(r.Low, p.Low), math.Max(r.High, p.High), true
		}
	}
	return r, ok
}

// bestQuality is the best quality score of any catalog model, managed or
// open, per complexity.
func bestQuality(cat *modelcatalog.Catalog) map[string]float64 {
	best := map[string]float64{}
	for _, m := range cat.Managed {
		for k, f := range m.Quality {
			best[k] = math.Max(best[k], f.Value)
		}
	}
	for _, m := range cat.OpenModels {
		for k, f := range m.Quality {
			best[k] = math.Max(best[k], f.Value)
		}
	}
	return best
}

// model checks a model block's quality against the best catalog model's,
// and its weights against its parameters.
func (c *figureChecker) model(m *modelcatalog.OpenModel, best map[string]float64) {
	path := "model." + m.ID
	keys := make([]string, 0, len(m.Quality))
	for k := range m.Quality {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if q := m.Quality[k].Value; q > best[k] {
			c.add(path+".quality", "a %s quality of %g is above the best catalog model's %g: no published model scores that", k, q, best[k])
		}
	}
	if bytes, ok := modelcatalog.BytesPerParam(m.WeightsDType); ok && m.ParamsB > 0 {
		c.off(path+".weights_gb", m.WeightsGB, m.ParamsB*bytes, fmt.Sprintf("%g B parameters in %s", m.ParamsB, m.WeightsDType), "the weights")
	}
}

// throughput checks a model block's throughput figure against the compute
// roofline of its replica: a token takes 2 × active parameters FLOPs, so
// tp GPUs at their peak dense rate make at most TP × peak ÷ (2 × active
// parameters) tokens a second, prefill or decode.
func (c *figureChecker) throughput(t modelcatalog.Throughput, s *spec.Spec, cat *modelcatalog.Catalog) {
	var m *modelcatalog.OpenModel
	for i := range s.Models {
		if s.Models[i].ID == t.Model {
			m = &s.Models[i]
		}
	}
	g, ok := cat.GPU(t.GPU)
	if m == nil || !ok || m.ActiveParamsB <= 0 {
		return
	}
	peak := math.Max(g.BF16TFLOPS, math.Max(g.FP8TFLOPS, g.FP4TFLOPS))
	if peak <= 0 {
		return
	}
	roof := float64(t.TensorParallel) * peak * 1e12 / (2 * m.ActiveParamsB * 1e9)
	path := fmt.Sprintf("model.%s.throughput.%s.tp%d.", t.Model, t.GPU, t.TensorParallel)
	for _, f := range []struct {
		name string
		v    float64
	}{{"decode_tok_s", t.DecodeTokS}, {"prefill_tok_s", t.PrefillTokS}} {
		if f.v > roof {
			c.add(path+f.name, "%g tokens/s is above the compute roofline of %.0f (TP %d × %g TFLOPS ÷ (2 × %g B active parameters)): no %s replica runs that fast",
				f.v, roof, t.TensorParallel, peak, m.ActiveParamsB, g.ID)
		}
	}
}

// specRange finds where the spec sets attr, else the closest block that
// holds it, else the team block.
func specRange(s *spec.Spec, attr string) hcl.Range {
	for k := attr; k != ""; {
		if r, ok := s.Ranges[k]; ok {
			return r
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	if r, ok := s.Ranges["team"]; ok {
		return r
	}
	return hcl.Range{Filename: s.Filename, Start: hcl.Pos{Line: 1, Column: 1}}
}
