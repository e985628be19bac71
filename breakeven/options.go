package breakeven

// Each option priced: the managed and self-hosted candidates, the fleet chosen among GPUs, and the latency targets.

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// evaluation is an option's cost at one scenario.
type evaluation struct {
	items      []Item // USD in Expected
	qualityGap float64
	fleet      inference.Fleet
	sized      bool // fleet is set
	gpuHourUSD float64
}

func (e evaluation) total(includeQuality bool) float64 {
	sum := 0.0
	for _, it := range e.items {
		sum += it.USD.Expected
	}
	if includeQuality {
		sum += e.qualityGap
	}
	return sum
}

// option prices one architecture; sh is the self-hosted model for
// self_hosted and hybrid.
func (m *model) option(arch string, sh *modelcatalog.OpenModel) (Option, error) {
	mid, corners := scenarios(m.axes(arch != architecture.Managed))
	exp, err := m.evaluate(arch, sh, mid, true)
	if err != nil {
		return Option{}, err
	}
	include := m.s.Quality.IncludeInDecision
	o := Option{Architecture: arch, QualityIncluded: include}
	o.Items = slices.Clone(exp.items)
	for i := range o.Items {
		v := o.Items[i].USD.Expected
		o.Items[i].USD = Money{Low: v, Expected: v, High: v}
	}
	expTotal := exp.total(include)
	o.Total = Money{Low: expTotal, Expected: expTotal, High: expTotal}
	o.QualityGap = Money{Low: exp.qualityGap, Expected: exp.qualityGap, High: exp.qualityGap}
	for _, p := range corners {
		ev, err := m.evaluate(arch, sh, p, false)
		if err != nil {
			return Option{}, err
		}
		t := ev.total(include)
		o.Total.Low, o.Total.High = math.Min(o.Total.Low, t), math.Max(o.Total.High, t)
		o.QualityGap.Low, o.QualityGap.High = math.Min(o.QualityGap.Low, ev.qualityGap), math.Max(o.QualityGap.High, ev.qualityGap)
		for _, it := range ev.items {
			for i := range o.Items {
				if o.Items[i].Name == it.Name {
					o.Items[i].USD.Low = math.Min(o.Items[i].USD.Low, it.USD.Expected)
					o.Items[i].USD.High = math.Max(o.Items[i].USD.High, it.USD.Expected)
				}
			}
		}
	}
	if include && (o.QualityGap.High > 0) {
		o.Items = append(o.Items, Item{Name: "quality gap (rework)", USD: o.QualityGap, Note: "developer time lost to weaker models' failed attempts"})
	}
	var fleet *inference.Fleet
	if exp.sized {
		fleet = &exp.fleet
	}
	o.Routes = m.routes(arch, sh, fleet)
	for _, c := range []string{spec.Simple, spec.Complex} {
		if arch == architecture.Managed || (arch == architecture.Hybrid && c == spec.Complex) {
			if m.hasComplexity(c) {
				o.Notes = append(o.Notes, m.managedRoute[c].notes...)
			}
		}
	}
	if exp.sized {
		o.Sizing = m.fleetOf(sh, exp.fleet)
		if m.s.SelfHosted.GPUs > 0 && exp.fleet.GPUs != m.s.SelfHosted.GPUs {
			o.Notes = append(o.Notes, Note{ID: "sizing.packing", Message: fmt.Sprintf(
				"the fixed fleet of %d GPUs is billed as given, but its replicas (tensor-parallel size %d) run on %d × %s, %d GPUs: AWS sells %s one per p5.4xlarge or eight per p5.48xlarge, and a replica spanning GPUs needs the eight",
				m.s.SelfHosted.GPUs, exp.fleet.TensorParallel, exp.fleet.Instances, exp.fleet.InstanceType, exp.fleet.GPUs, m.gpu)})
		}
	}
	return o, nil
}

// selfHostedOption prices self_hosted or hybrid, choosing the model when
// the spec says "auto" and the GPU when it gives a choice: the cheapest
// option whose fleet meets the served workloads' max_ttft_ms, or the
// cheapest when none does. It leaves the model sized on the chosen GPU.
func (m *model) selfHostedOption(arch string) (Option, *modelcatalog.OpenModel, error) {
	candidates, err := m.candidates(arch)
	if err != nil {
		return Option{}, nil, err
	}
	gpus := m.s.SelfHosted.GPUChoices
	if len(gpus) == 0 {
		gpus = []string{m.s.SelfHosted.GPU}
	}
	type tried struct {
		o     Option
		model *modelcatalog.OpenModel
		gpu   string
		meets bool
	}
	var all []tried
	var errs []string
	for _, g := range gpus {
		m.useGPU(g)
		for _, c := range candidates {
			o, err := m.option(arch, c)
			if err != nil {
				if len(gpus) > 1 {
					err = fmt.Errorf("%s: %w", g, err)
				}
				errs = append(errs, err.Error())
				continue
			}
			all = append(all, tried{o, c, g, m.meetsTTFT(arch, o.Sizing)})
		}
	}
	if len(all) == 0 {
		sort.Strings(errs)
		return Option{}, nil, fmt.Errorf("%s", errs[0])
	}
	better := func(a, b tried) bool {
		if a.meets != b.meets {
			return a.meets
		}
		return a.o.Total.Expected < b.o.Total.Expected
	}
	best := all[0]
	for _, t := range all[1:] {
		if better(t, best) {
			best = t
		}
	}
	m.useGPU(best.gpu)
	if best.o.Sizing != nil {
		var lead []string
		if m.s.SelfHosted.Model == "auto" {
			lead = append(lead, fmt.Sprintf("model \"auto\": %s is the cheapest of %d candidates meeting min_quality %.2f", best.model.ID, len(candidates), m.s.SelfHosted.MinQuality))
		}
		if len(gpus) > 1 {
			lead = append(lead, gpuChoiceNote(best.gpu, best.o, best.meets, func(yield func(string, Option, bool) bool) {
				for _, t := range all {
					if t.gpu != best.gpu && !yield(t.gpu, t.o, t.meets) {
						return
					}
				}
			}, len(gpus)))
		}
		best.o.Sizing.Notes = append(lead, best.o.Sizing.Notes...)
	}
	if len(gpus) == 1 && m.s.SelfHosted.GPUs == 0 {
		if n := m.cheaperGPU(arch, best.model, best.o); n != nil {
			best.o.Notes = append(best.o.Notes, *n)
		}
	}
	return best.o, best.model, nil
}

// meetsTTFT says whether a fleet's time to first token is within every
// served workload's max_ttft_ms (true when it cannot tell).
func (m *model) meetsTTFT(arch string, f *Sizing) bool {
	if f == nil {
		return true
	}
	for _, w := range m.served(arch) {
		if w.MaxTTFTMs > 0 && f.Sized.TTFTMs > w.MaxTTFTMs {
			return false
		}
	}
	return true
}

// gpuChoiceNote says which GPU won and what the runner-ups (the cheapest
// option on each other GPU) would cost.
func gpuChoiceNote(gpu string, o Option, meetsTargets bool, others func(func(string, Option, bool) bool), n int) string {
	cheapest := map[string]Option{}
	meets := map[string]bool{}
	others(func(g string, oo Option, ok bool) bool {
		if c, seen := cheapest[g]; !seen || oo.Total.Expected < c.Total.Expected {
			cheapest[g], meets[g] = oo, ok
		}
		return true
	})
	keys := make([]string, 0, len(cheapest))
	for g := range cheapest {
		keys = append(keys, g)
	}
	sort.Slice(keys, func(i, j int) bool { return cheapest[keys[i]].Total.Expected < cheapest[keys[j]].Total.Expected })
	var runners []string
	for _, g := range keys {
		r := fmt.Sprintf("%s $%s", g, usd(cheapest[g].Total.Expected))
		if !meets[g] {
			r += " (misses a TTFT target)"
		}
		runners = append(runners, r)
	}
	note := fmt.Sprintf("gpu choice: %s at $%s a month expected is the cheapest of %d GPUs meeting the load and the TTFT targets", gpu, usd(o.Total.Expected), n)
	if !meetsTargets {
		note = fmt.Sprintf("gpu choice: none of %d GPUs meets every TTFT target; %s at $%s a month expected is the cheapest", n, gpu, usd(o.Total.Expected))
	}
	if len(runners) > 0 {
		note += "; runner-ups: " + strings.Join(runners, ", ")
	}
	return note
}

// cheaperGPU warns when another GPU the catalog sells in the region would
// serve the same load within the TTFT targets for less, at the expected
// inputs; nil when none would. The spec's gpu_hour_usd prices only its own
// GPU: the others are priced from the catalog for the same pricing model,
// and a GPU without such a price is not compared.
func (m *model) cheaperGPU(arch string, sh *modelcatalog.OpenModel, chosen Option) *Note {
	own := m.gpu
	defer m.useGPU(own)
	mid, _ := scenarios(m.axes(true))
	include := m.s.Quality.IncludeInDecision
	bestGPU, bestUSD := "", chosen.Total.Expected
	for _, g := range m.cat.GPUIDs() {
		if g == own || len(m.cat.InstancesFor(g, m.s.SelfHosted.Region)) == 0 {
			continue
		}
		m.useGPU(g)
		ev, err := m.evaluate(arch, sh, mid, false)
		if err != nil || !ev.sized {
			continue
		}
		fl := &Sizing{Sized: ev.fleet}
		if !m.meetsTTFT(arch, fl) {
			continue
		}
		if t := ev.total(include); t < bestUSD-0.5 {
			bestGPU, bestUSD = g, t
		}
	}
	if bestGPU == "" {
		return nil
	}
	return &Note{ID: "sizing.gpu", Message: fmt.Sprintf(
		"%s on %s would cost $%s a month expected instead of $%s on %s, $%s less, for the same load within the workloads' TTFT targets (%s pricing from the catalog; throughput from the catalog or the performance model); self_hosted.gpu = \"auto\" would choose it",
		sh.ID, bestGPU, usd(bestUSD), usd(chosen.Total.Expected), own, usd(chosen.Total.Expected-bestUSD), m.s.SelfHosted.Pricing)}
}

// candidates lists the open models an option may use.
func (m *model) candidates(arch string) ([]*modelcatalog.OpenModel, error) {
	if id := m.s.SelfHosted.Model; id != "auto" {
		om := m.openModel(id)
		if om == nil {
			return nil, fmt.Errorf("self-hosted model %q is not in the catalog", id)
		}
		return []*modelcatalog.OpenModel{om}, nil
	}
	var out []*modelcatalog.OpenModel
	all := make([]*modelcatalog.OpenModel, 0, len(m.cat.OpenModels)+len(m.s.Models))
	for i := range m.cat.OpenModels {
		all = append(all, &m.cat.OpenModels[i])
	}
	for i := range m.s.Models {
		all = append(all, &m.s.Models[i])
	}
	for _, om := range all {
		ok := true
		for _, w := range m.served(arch) {
			if q, has := om.Quality[w.Complexity]; !has || q.Value < m.s.SelfHosted.MinQuality {
				ok = false
			}
		}
		if ok {
			out = append(out, om)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no open-weight model meets min_quality %.2f", m.s.SelfHosted.MinQuality)
	}
	return out, nil
}

func (m *model) openModel(id string) *modelcatalog.OpenModel {
	for i := range m.s.Models {
		if m.s.Models[i].ID == id {
			return &m.s.Models[i]
		}
	}
	om, _ := m.cat.OpenModel(id)
	return om
}
