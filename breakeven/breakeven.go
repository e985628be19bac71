// Package breakeven prices the three architectures of a spec — managed APIs,
// a self-hosted fleet, and the hybrid of the two — as monthly cost ranges,
// and derives the verdict, the breakeven team size and the article's
// checklist. It follows DESIGN.md's cost model exactly.
package breakeven

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

// Verdicts.
const (
	ManagedWins    = "managed_wins"
	SelfHostedWins = "self_hosted_wins"
	Close          = "close"
)

// SecondsPerHour converts the monthly token volume's working hours to seconds.
const SecondsPerHour = 3600

// MaxDevelopers bounds the breakeven search.
const MaxDevelopers = 100000

// AlarmsPerFleet are the CloudWatch alarms a self-hosted fleet carries
// (unhealthy hosts, 5xx, p95 latency).
const AlarmsPerFleet = 3

// Money is a monthly cost range in USD. The plan shows it rounded to
// cents; the cost model keeps every digit.
type Money struct {
	Low      float64 `json:"low"`
	Expected float64 `json:"expected"`
	High     float64 `json:"high"`
}

// Item is one line of an option's cost.
type Item struct {
	Name     string
	Workload string
	Model    string
	Note     string
	USD      Money
}

// Route is how one workload is served under an option; the plan's JSON
// shows it as it is.
type Route struct {
	Workload   string  `json:"workload"`
	Complexity string  `json:"complexity"`
	Share      float64 `json:"share"`
	// ServedBy is architecture.Managed or architecture.SelfHosted.
	ServedBy string `json:"served_by"`
	Model    string `json:"model"`
	// Provider is the managed provider ("anthropic", "bedrock", ...); empty when self-hosted.
	Provider string `json:"provider,omitempty"`
	// TTFTMs is the expected p95 time to first token; null when unknown.
	TTFTMs        *float64 `json:"ttft_ms"`
	MaxTTFTMs     *float64 `json:"max_ttft_ms"`
	ContextTokens int      `json:"context_tokens"`
}

// Fleet is the self-hosted part of an option, sized at the expected inputs.
type Fleet struct {
	Model    *modelcatalog.OpenModel
	GPU      string
	Region   string
	Pricing  string
	Schedule string
	// GPUHourUSD is the price range per GPU-hour the option is billed at.
	GPUHourUSD        spec.Range
	BilledHours       float64
	TargetUtilization float64
	Fixed             bool
	Sized             inference.Fleet
	VLLMArgs          []string
	// Notes explain choices and estimates.
	Notes []string
}

// Option is one priced architecture.
type Option struct {
	Architecture    string
	Total           Money
	Items           []Item
	QualityGap      Money
	QualityIncluded bool
	Fleet           *Fleet
	Routes          []Route
	// Notes are warnings about how the option was priced.
	Notes []Note
}

// Note is a warning attached to an option or the result.
type Note struct {
	ID      string
	Message string
}

// ChecklistItem is one of the article's five checklist items.
type ChecklistItem struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Met    bool   `json:"met"`
	Detail string `json:"detail"`
}

// ChecklistThreshold is how many items make self-hosting worth evaluating.
const ChecklistThreshold = 3

// ManagedSpendThreshold is the checklist's monthly managed spend, USD.
const ManagedSpendThreshold = 10000

// Result is the priced spec.
type Result struct {
	Options   []Option
	Verdict   string
	Breakeven *int
	Checklist []ChecklistItem
	// Notes are plan-level warnings (an option that could not be priced,
	// estimated figures).
	Notes []Note
}

// Option returns the option of the architecture, or nil.
func (r *Result) Option(arch string) *Option {
	for i := range r.Options {
		if r.Options[i].Architecture == arch {
			return &r.Options[i]
		}
	}
	return nil
}

// ChecklistMet counts the met checklist items.
func (r *Result) ChecklistMet() int {
	n := 0
	for _, c := range r.Checklist {
		if c.Met {
			n++
		}
	}
	return n
}

// params fixes every (range) input to one value.
type params struct {
	developers, tokens, inputShare, cachedShare, peakToAverage float64
	cacheWriteShare                                            float64
	hourlyUSD, opsUSD                                          float64
	// reworkPos places every rework_hours in its range: 0 low, 1 high.
	// The workloads' rework times move together: they share one cause,
	// how long a failed attempt takes to notice and redo.
	reworkPos float64
	// gpuPricePos places the GPU-hour price in its range: 0 low, 1 high.
	gpuPricePos float64
}

// axis is one (range) input and where it goes in params.
type axis struct {
	r   spec.Range
	set func(*params, float64)
}

// Evaluate prices the spec on the date (YYYY-MM-DD).
func Evaluate(s *spec.Spec, cat *modelcatalog.Catalog, date string) (*Result, error) {
	m, err := newModel(s, cat, date)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var shModel *modelcatalog.OpenModel
	res.Options, shModel, res.Notes, err = m.options()
	if err != nil {
		return nil, err
	}
	managed := res.Options[0]

	res.Verdict = Close
	if sh := res.Option(architecture.SelfHosted); sh != nil {
		switch {
		case managed.Total.High < sh.Total.Low:
			res.Verdict = ManagedWins
		case sh.Total.High < managed.Total.Low:
			res.Verdict = SelfHostedWins
		}
		res.Breakeven = m.breakeven(shModel)
	} else {
		res.Verdict = ManagedWins
	}
	res.Checklist = m.checklist(managed.Total.Expected)
	// Scheduled price changes and legacy models (pricing.go).
	res.Notes = append(res.Notes, m.notes...)
	return res, nil
}

// options prices managed, self-hosted and, when the spec has both kinds of
// workload, hybrid. An option that cannot be priced is left out with a
// note; managed always can be, or the spec is in error. It returns the
// self-hosted option's model for the breakeven search.
func (m *model) options() ([]Option, *modelcatalog.OpenModel, []Note, error) {
	managed, err := m.option(architecture.Managed, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := []Option{managed}
	var notes []Note
	var shModel *modelcatalog.OpenModel
	if sh, model, err := m.selfHostedOption(architecture.SelfHosted); err != nil {
		notes = append(notes, Note{ID: "option.unpriced", Message: fmt.Sprintf("self_hosted cannot be priced: %v", err)})
	} else {
		opts = append(opts, sh)
		shModel = model
	}
	shGPU := m.gpu
	if m.hasComplexity(spec.Simple) && m.hasComplexity(spec.Complex) {
		if hy, _, err := m.selfHostedOption(architecture.Hybrid); err != nil {
			notes = append(notes, Note{ID: "option.unpriced", Message: fmt.Sprintf("hybrid cannot be priced: %v", err)})
		} else {
			opts = append(opts, hy)
		}
	}
	// The breakeven search prices self_hosted on its own choice of GPU.
	m.useGPU(shGPU)
	return opts, shModel, notes, nil
}

// model is a spec prepared for pricing: prices resolved for the date.
type model struct {
	s    *spec.Spec
	cat  *modelcatalog.Catalog
	date string
	// managedRoute holds the managed model, provider and price per complexity.
	managedRoute map[string]managedChoice
	throughput   []modelcatalog.Throughput
	// servedBy caches served.
	servedBy map[string][]spec.Workload
	// tokenItem names each workload's token line.
	tokenItem map[string]string
	// gpu is the GPU the self-hosted options are sized on: the spec's, or
	// the one being tried when the spec lets sizing choose.
	gpu string
	// priced caches the priced instance list of gpu per place in the
	// price range.
	priced map[float64][]inference.PricedInstance
	// scratch is reused for the items of evaluations without detail, which
	// their callers consume before the next evaluation.
	scratch []Item
	// rates are the managed rates of each workload, by its index in
	// s.Workloads (pricing.go).
	rates []modelcatalog.Rates
	// notes are plan-level warnings about the managed prices: scheduled
	// changes and legacy models.
	notes []Note
}

// managedChoice is the managed model serving one complexity. Its rates
// depend on each workload's context (prompt-length tiers), so they live in
// model.rates; price is the list price in effect on the plan's date.
type managedChoice struct {
	model    *modelcatalog.ManagedModel
	provider string
	price    modelcatalog.Price
	// notes are the option warnings about how the model was priced.
	notes []Note
}

func newModel(s *spec.Spec, cat *modelcatalog.Catalog, date string) (*model, error) {
	m := &model{s: s, cat: cat, date: date, gpu: s.SelfHosted.GPU, managedRoute: map[string]managedChoice{}, priced: map[float64][]inference.PricedInstance{}, servedBy: map[string][]spec.Workload{}}
	m.throughput = append(slices.Clone(cat.Throughput), s.ModelThroughput...)
	m.tokenItem = map[string]string{}
	for _, w := range s.Workloads {
		m.tokenItem[w.Name] = "tokens: " + w.Name
	}
	for complexity, id := range map[string]string{spec.Simple: s.Managed.SimpleModel, spec.Complex: s.Managed.ComplexModel} {
		mm, ok := cat.ManagedModel(id)
		if !ok {
			return nil, fmt.Errorf("price managed: %q is not in the catalog", id)
		}
		price, ok := mm.PriceOn(date)
		if !ok {
			return nil, fmt.Errorf("price managed: %s has no price in effect on %s", id, date)
		}
		c := managedChoice{model: mm, provider: mm.Vendor, price: price}
		if p := s.Managed.Provider; p != "" {
			if slices.Contains(mm.Providers, p) {
				c.provider = p
			} else {
				c.notes = append(c.notes, Note{ID: "managed.provider", Message: fmt.Sprintf("%s is not sold through %s; it is priced and routed through %s", id, p, mm.Vendor)})
			}
		}
		m.managedRoute[complexity] = c
	}
	if err := m.resolveManagedPrices(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *model) hasComplexity(c string) bool {
	for _, w := range m.s.Workloads {
		if w.Complexity == c {
			return true
		}
	}
	return false
}

// axes lists the (range) inputs that bear on the option.
func (m *model) axes(selfHosted bool) []axis {
	t := m.s.Team
	a := []axis{
		{t.Developers, func(p *params, v float64) { p.developers = v }},
		{t.TokensPerDeveloper, func(p *params, v float64) { p.tokens = v }},
		{t.InputShare, func(p *params, v float64) { p.inputShare = v }},
		{t.CachedInputShare, func(p *params, v float64) { p.cachedShare = v }},
		{t.CacheWriteShare, func(p *params, v float64) { p.cacheWriteShare = v }},
	}
	if selfHosted {
		a = append(a,
			axis{t.PeakToAverage, func(p *params, v float64) { p.peakToAverage = v }},
			axis{m.s.SelfHosted.OpsUSDPerMonth, func(p *params, v float64) { p.opsUSD = v }},
			axis{m.gpuPriceAxis(), func(p *params, v float64) { p.gpuPricePos = v }},
		)
		// The quality gap is reported even when the decision leaves it out.
		a = append(a,
			axis{t.DeveloperHourlyUSD, func(p *params, v float64) { p.hourlyUSD = v }},
			axis{m.reworkAxis(), func(p *params, v float64) { p.reworkPos = v }},
		)
	}
	return a
}

// gpuPriceAxis is the range of the GPU-price position: [0, 1] when the
// price is a range, a single point otherwise (no corners to spend).
func (m *model) gpuPriceAxis() spec.Range {
	sh := m.s.SelfHosted
	if r := m.gpuHourOverride(); r != nil {
		if r.IsScalar() {
			return spec.Range{}
		}
		return spec.Range{Low: 0, High: 1}
	}
	for _, in := range m.cat.InstancesFor(m.gpu, sh.Region) {
		if pr, ok := in.GPUHourUSD[sh.Pricing]; ok && pr.Low != pr.High {
			return spec.Range{Low: 0, High: 1}
		}
	}
	return spec.Range{}
}

// reworkAxis is the range of the rework position: [0, 1] when any
// rework_hours is a range, a single point otherwise.
func (m *model) reworkAxis() spec.Range {
	ranged := !m.s.Quality.ReworkHours.IsScalar()
	for _, w := range m.s.Workloads {
		ranged = ranged || (w.ReworkHours != nil && !w.ReworkHours.IsScalar())
	}
	if ranged {
		return spec.Range{Low: 0, High: 1}
	}
	return spec.Range{}
}

// scenarios returns the expected scenario (every range at its midpoint)
// and every corner of the ranges.
func scenarios(axes []axis) (params, []params) {
	var mid params
	for _, a := range axes {
		a.set(&mid, a.r.Mid())
	}
	var varying []axis
	for _, a := range axes {
		if !a.r.IsScalar() {
			varying = append(varying, a)
		}
	}
	corners := make([]params, 0, 1<<len(varying))
	for mask := 0; mask < 1<<len(varying); mask++ {
		p := mid
		for i, a := range varying {
			if mask&(1<<i) != 0 {
				a.set(&p, a.r.High)
			} else {
				a.set(&p, a.r.Low)
			}
		}
		corners = append(corners, p)
	}
	return mid, corners
}

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
		o.Fleet = m.fleetOf(arch, sh, exp.fleet, exp.gpuHourUSD)
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
			all = append(all, tried{o, c, g, m.meetsTTFT(arch, o.Fleet)})
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
	if best.o.Fleet != nil {
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
		best.o.Fleet.Notes = append(lead, best.o.Fleet.Notes...)
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
func (m *model) meetsTTFT(arch string, f *Fleet) bool {
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
		fl := &Fleet{Sized: ev.fleet}
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

// onFleet is the one rule of which workloads the self-hosted fleet
// serves: every workload of the self-hosted option, the simple ones of the
// hybrid; the rest go to managed APIs.
func onFleet(arch string, w spec.Workload) bool {
	return arch == architecture.SelfHosted || (arch == architecture.Hybrid && w.Complexity == spec.Simple)
}

// served lists the workloads the self-hosted fleet serves under arch.
func (m *model) served(arch string) []spec.Workload {
	if out, ok := m.servedBy[arch]; ok {
		return out
	}
	var out []spec.Workload
	for _, w := range m.s.Workloads {
		if onFleet(arch, w) {
			out = append(out, w)
		}
	}
	m.servedBy[arch] = out
	return out
}

// evaluate computes an option's cost at one scenario.
func (m *model) evaluate(arch string, sh *modelcatalog.OpenModel, p params, detail bool) (evaluation, error) {
	var ev evaluation
	if !detail {
		ev.items = m.scratch[:0]
		defer func() { m.scratch = ev.items[:0] }()
	}
	monthly := p.developers * p.tokens
	for i, w := range m.s.Workloads {
		if onFleet(arch, w) {
			continue
		}
		c := m.managedRoute[w.Complexity]
		r := &m.rates[i]
		// D × T × s_w × (i × ((1−c−w) × P_in + c × P_cache + w × P_write) + (1−i) × P_out) / 1e6
		usd := monthly * w.Share * r.PerM(p.inputShare, p.cachedShare, p.cacheWriteShare) / 1e6
		it := Item{Name: m.tokenItem[w.Name], Workload: w.Name, Model: c.model.ID, USD: Money{Expected: usd}}
		if detail {
			it.Note = tokenNote(c, *r)
		}
		ev.items = append(ev.items, it)
	}
	secrets := 0
	if arch != architecture.SelfHosted {
		providers := map[string]bool{}
		for _, w := range m.s.Workloads {
			if !onFleet(arch, w) {
				providers[m.managedRoute[w.Complexity].provider] = true
			}
		}
		secrets += len(providers)
	}
	if arch == architecture.Managed {
		ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)
		return ev, nil
	}

	served := m.served(arch)
	share, maxCtx, meanCtx, turns := 0.0, 0, 0.0, 0.0
	for _, w := range served {
		share += w.Share
		maxCtx = max(maxCtx, w.ContextTokens)
		meanCtx += w.Share * float64(w.ContextTokens)
		// A task's tokens over one request's context: the requests an
		// agent session makes.
		if per := m.cat.TokensPerTask[w.Complexity].Value; per > 0 && w.ContextTokens > 0 {
			turns += w.Share * per / float64(w.ContextTokens)
		}
	}
	if share > 0 {
		meanCtx /= share
		turns /= share
	}
	priced, err := m.pricedInstances(p.gpuPricePos)
	if err != nil {
		return ev, err
	}
	gpu, _ := m.cat.GPU(m.gpu)
	rate := monthly * share / (m.s.Team.WorkingHoursPerMonth * SecondsPerHour) * p.peakToAverage
	f, err := inference.Size(inference.Request{
		Model: sh, GPU: gpu, Throughput: m.throughput, Instances: priced,
		PeakInputTokS: rate * p.inputShare, PeakOutputTokS: rate * (1 - p.inputShare), PeakToAverage: p.peakToAverage,
		MaxContextTokens: maxCtx, MeanContextTokens: meanCtx,
		TargetUtilization: m.s.SelfHosted.TargetUtilization, MinReplicas: m.s.SelfHosted.MinReplicas,
		FixedGPUs: m.s.SelfHosted.GPUs, Explain: detail,
		CachedInputShare: p.cachedShare, TurnsPerSession: turns,
	})
	if err != nil {
		return ev, err
	}
	ev.fleet, ev.sized = f, true
	for _, in := range priced {
		if in.Type == f.InstanceType {
			ev.gpuHourUSD = in.GPUHourUSD
		}
	}
	hours := m.billedHours()
	gpus := Item{Name: "GPU instances", Model: sh.ID, USD: Money{Expected: float64(f.BilledGPUs) * ev.gpuHourUSD * hours}}
	if detail {
		gpus.Note = fmt.Sprintf("%d × %s at $%.2f/GPU-h × %g h", f.BilledGPUs, m.gpu, ev.gpuHourUSD, hours)
	}
	ev.items = append(ev.items, gpus,
		Item{Name: "operations (MLOps/SRE)", USD: Money{Expected: p.opsUSD}, Note: "monitoring, scaling, model updates, on-call"},
	)
	secrets++ // the vLLM API key
	if sh.Gated {
		secrets++ // the Hugging Face token
	}
	ev.items = m.appendLineItems(ev.items, arch, "", 1, detail)
	ev.items = m.appendLineItems(ev.items, arch, "instance", f.Instances, detail)
	ev.items = m.appendLineItems(ev.items, arch, "alarm", AlarmsPerFleet, detail)
	ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)

	tpt := m.cat.TokensPerTask
	for _, w := range served {
		ref := m.managedRoute[w.Complexity].model.Quality[w.Complexity].Value
		q, ok := sh.Quality[w.Complexity]
		per := tpt[w.Complexity].Value
		if !ok || per <= 0 {
			continue
		}
		gap := math.Max(0, ref-q.Value)
		tasks := monthly * w.Share / per
		r := m.s.Quality.ReworkHours
		if w.ReworkHours != nil {
			r = *w.ReworkHours
		}
		ev.qualityGap += tasks * gap * (r.Low + p.reworkPos*(r.High-r.Low)) * p.hourlyUSD
	}
	return ev, nil
}

// appendLineItems appends the catalog's line items for the architecture
// counted per the unit, count times.
func (m *model) appendLineItems(out []Item, arch, per string, count int, detail bool) []Item {
	for _, li := range m.cat.LineItems {
		if li.Per != per || !slices.Contains(li.Applies, arch) {
			continue
		}
		note := li.Source.Source
		if detail && (count != 1 || per != "") {
			note = fmt.Sprintf("%d × $%.2f", count, li.MonthlyUSD)
		}
		out = append(out, Item{Name: li.Name, Note: note, USD: Money{Expected: float64(count) * li.MonthlyUSD}})
	}
	return out
}

func (m *model) billedHours() float64 {
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return m.s.Team.WorkingHoursPerMonth
	}
	return m.s.SelfHosted.HoursPerMonth
}

// pricedInstances lists the instance types selling the GPU in the region
// with a GPU-hour price for the pricing model, placed at pos in its range.
func (m *model) pricedInstances(pos float64) ([]inference.PricedInstance, error) {
	if out, ok := m.priced[pos]; ok {
		return out, nil
	}
	sh := m.s.SelfHosted
	override := m.gpuHourOverride()
	var out []inference.PricedInstance
	for _, in := range m.cat.InstancesFor(m.gpu, sh.Region) {
		var lo, hi float64
		if override != nil {
			lo, hi = override.Low, override.High
		} else if pr, ok := in.GPUHourUSD[sh.Pricing]; ok {
			lo, hi = pr.Low, pr.High
		} else {
			continue
		}
		out = append(out, inference.PricedInstance{Type: in.Type, GPUs: in.GPUs, GPUHourUSD: lo + pos*(hi-lo)})
	}
	if len(out) == 0 {
		if len(m.cat.InstancesFor(m.gpu, sh.Region)) == 0 {
			return nil, fmt.Errorf("the catalog has no instance type with %s GPUs in %s (a price book can add one)", m.gpu, sh.Region)
		}
		return nil, fmt.Errorf("the catalog has no %s price for %s instances in %s (set self_hosted.gpu_hour_usd)", sh.Pricing, m.gpu, sh.Region)
	}
	m.priced[pos] = out
	return out, nil
}

// gpuHourOverride is the spec's gpu_hour_usd when it prices the GPU being
// sized: it names the price of the spec's own GPU, not of the others sizing
// may try.
func (m *model) gpuHourOverride() *spec.Range {
	if m.gpu == m.s.SelfHosted.GPU {
		return m.s.SelfHosted.GPUHourUSD
	}
	return nil
}

// useGPU sizes the self-hosted options on gpu from now on.
func (m *model) useGPU(gpu string) {
	if gpu != m.gpu {
		m.gpu = gpu
		m.priced = map[float64][]inference.PricedInstance{}
	}
}

func (m *model) fleetOf(arch string, sh *modelcatalog.OpenModel, f inference.Fleet, gpuHour float64) *Fleet {
	s := m.s.SelfHosted
	fl := &Fleet{Model: sh, GPU: m.gpu, Region: s.Region, Pricing: s.Pricing, Schedule: s.Schedule, BilledHours: m.billedHours(), Fixed: s.GPUs > 0, Sized: f, TargetUtilization: s.TargetUtilization}
	if r := m.gpuHourOverride(); r != nil {
		fl.GPUHourUSD = *r
	} else {
		for _, in := range m.cat.InstancesFor(m.gpu, s.Region) {
			if in.Type == f.InstanceType {
				pr := in.GPUHourUSD[s.Pricing]
				fl.GPUHourUSD = spec.Range{Low: pr.Low, High: pr.High}
				if pr.Estimate {
					fl.Notes = append(fl.Notes, fmt.Sprintf("the %s price of %s is an estimate: %s", s.Pricing, in.Type, pr.Source.Source))
				}
			}
		}
	}
	fl.VLLMArgs = inference.VLLMArgs(sh, f)
	fl.Notes = append(fl.Notes, f.Notes...)
	return fl
}

// routes says which model serves each workload.
func (m *model) routes(arch string, sh *modelcatalog.OpenModel, f *inference.Fleet) []Route {
	var out []Route
	for _, w := range m.s.Workloads {
		r := Route{Workload: w.Name, Complexity: w.Complexity, Share: w.Share, ContextTokens: w.ContextTokens}
		if w.MaxTTFTMs > 0 {
			v := w.MaxTTFTMs
			r.MaxTTFTMs = &v
		}
		if onFleet(arch, w) {
			r.ServedBy, r.Model = architecture.SelfHosted, sh.ID
			if f != nil && f.TTFTMs > 0 {
				v := f.TTFTMs
				r.TTFTMs = &v
			}
		} else {
			c := m.managedRoute[w.Complexity]
			r.ServedBy, r.Model, r.Provider = architecture.Managed, c.model.ID, c.provider
			if c.model.TTFTMs != nil {
				v := c.model.TTFTMs.Value
				r.TTFTMs = &v
			}
		}
		out = append(out, r)
	}
	return out
}

// breakeven returns the smallest team in [1, MaxDevelopers] at which the
// self-hosted expected cost is no more than the managed one, re-sizing the
// fleet at each count, or nil.
//
// With model "auto" each team size gets the cheapest candidate: a minimum of
// costs that never fall as the team grows never falls either, so the
// search's jumps stay exact.
func (m *model) breakeven(sh *modelcatalog.OpenModel) *int {
	if sh == nil {
		return nil
	}
	models := []*modelcatalog.OpenModel{sh}
	if m.s.SelfHosted.Model == "auto" {
		if c, err := m.candidates(architecture.SelfHosted); err == nil {
			models = c
		}
	}
	mgdMid, _ := scenarios(m.axes(false))
	shMid, _ := scenarios(m.axes(true))
	include := m.s.Quality.IncludeInDecision
	managed := func(d int) float64 {
		mgdMid.developers = float64(d)
		ev, err := m.evaluate(architecture.Managed, nil, mgdMid, false)
		if err != nil {
			return math.NaN()
		}
		return ev.total(include)
	}
	selfHosted := func(d int) (float64, bool) {
		shMid.developers = float64(d)
		best, ok := math.Inf(1), false
		for _, om := range models {
			if ev, err := m.evaluate(architecture.SelfHosted, om, shMid, false); err == nil {
				best, ok = math.Min(best, ev.total(include)), true
			}
		}
		return best, ok
	}
	// Managed cost is linear in developers, a + b·d, and self-hosted cost
	// never falls as the team grows. So when the fleet for d developers
	// costs more than managed, no team below the one whose managed cost
	// reaches that fleet's cost can break even: jump straight to it. Where
	// self-hosting grows faster than managed the jumps grow geometrically,
	// so a search that finds nothing still takes few steps.
	a := managed(0)
	b := managed(1) - a
	for d := 1; d <= MaxDevelopers; {
		cost, ok := selfHosted(d)
		if ok && cost <= a+b*float64(d) {
			return &d
		}
		next := d + 1
		if ok && b > 0 {
			if j := math.Ceil((cost-a)/b - 1e-9); j > float64(next) {
				if j > MaxDevelopers {
					break
				}
				next = int(j)
			}
		}
		d = next
	}
	return nil
}

// checklist evaluates the article's five items.
func (m *model) checklist(managedExpected float64) []ChecklistItem {
	s := m.s
	simpleShare, fastest := 0.0, 0.0
	for _, w := range s.Workloads {
		if w.Complexity == spec.Simple {
			simpleShare += w.Share
		}
		if w.MaxTTFTMs > 0 && (fastest == 0 || w.MaxTTFTMs < fastest) {
			fastest = w.MaxTTFTMs
		}
	}
	latency := s.Organization.LatencyOverQuality || (fastest > 0 && fastest <= 200)
	latencyDetail := "latency_over_quality is false and no workload targets a TTFT of 200 ms or less"
	switch {
	case s.Organization.LatencyOverQuality:
		latencyDetail = "organization.latency_over_quality is true"
	case latency:
		latencyDetail = fmt.Sprintf("a workload targets a TTFT of %g ms", fastest)
	}
	return []ChecklistItem{
		{ID: "managed_spend", Text: "Monthly managed API spend exceeds $10,000", Met: managedExpected > ManagedSpendThreshold,
			Detail: fmt.Sprintf("managed expected $%.0f/month", managedExpected)},
		{ID: "gpu_expertise", Text: "GPU infrastructure expertise in-house (MLOps/SRE team)", Met: s.Organization.GPUExpertise,
			Detail: fmt.Sprintf("organization.gpu_expertise is %t", s.Organization.GPUExpertise)},
		{ID: "compliance", Text: "Compliance prohibits sending code to external APIs", Met: !s.Compliance.CodeMayLeaveNetwork,
			Detail: fmt.Sprintf("compliance.code_may_leave_network is %t", s.Compliance.CodeMayLeaveNetwork)},
		{ID: "latency", Text: "Latency consistency matters more than peak model quality", Met: latency, Detail: latencyDetail},
		{ID: "simple_majority", Text: "Most usage is high-volume, lower-complexity tasks", Met: simpleShare > 0.5,
			Detail: fmt.Sprintf("simple workloads carry %.0f%% of tokens", simpleShare*100)},
	}
}
