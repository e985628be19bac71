// Package breakeven prices the three architectures of a spec — managed APIs,
// a self-hosted fleet, and the hybrid of the two — as monthly cost ranges,
// and derives the verdict, the breakeven team size and the article's
// checklist. It follows DESIGN.md's cost model exactly.
package breakeven

import (
	"fmt"
	"slices"

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

// Sizing is the self-hosted fleet of an option, sized at the expected
// inputs, as the plan shows it.
type Sizing struct {
	Model          string `json:"model"`
	GPU            string `json:"gpu"`
	Region         string `json:"region"`
	GPUs           int    `json:"gpus"`
	Replicas       int    `json:"replicas"`
	TensorParallel int    `json:"tensor_parallel"`
	InstanceType   string `json:"instance_type"`
	Instances      int    `json:"instances"`
	// ReplicasPerInstance is vLLM's data-parallel size on one instance.
	ReplicasPerInstance int `json:"replicas_per_instance"`
	// Fixed is true when the spec set gpus: billed as given, not sized.
	Fixed       bool       `json:"fixed"`
	Pricing     string     `json:"pricing"`
	GPUHourUSD  spec.Range `json:"gpu_hour_usd"`
	BilledHours float64    `json:"billed_hours"`
	Schedule    string     `json:"schedule"`
	MaxModelLen int        `json:"max_model_len"`
	WeightsGB   float64    `json:"weights_gb"`
	KVCacheGB   float64    `json:"kv_cache_gb"`
	// PeakUtilization is peak load over the fleet's capacity (0..); above
	// the target it is a capacity warning.
	PeakUtilization   float64  `json:"peak_utilization"`
	TargetUtilization float64  `json:"target_utilization"`
	TTFTMs            *float64 `json:"ttft_ms"`
	// BaselineInstances run outside peak hours; PeakInstances at peak.
	BaselineInstances int `json:"baseline_instances"`
	PeakInstances     int `json:"peak_instances"`
	// TargetRequestsPerMinute is one instance's request rate at the target
	// utilization, the auto scaling group's target-tracking value.
	TargetRequestsPerMinute float64  `json:"target_requests_per_minute"`
	VLLMArgs                []string `json:"vllm_args"`
	Notes                   []string `json:"notes"`
	// Sized is the fleet as sizing computed it, every digit kept.
	Sized inference.Fleet `json:"-"`
}

// Option is one priced architecture.
type Option struct {
	Architecture    string
	Total           Money
	Items           []Item
	QualityGap      Money
	QualityIncluded bool
	Sizing          *Sizing
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
