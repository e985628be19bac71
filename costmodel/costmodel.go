// Package costmodel prices the three architectures of a spec — managed APIs,
// a self-hosted fleet, and the hybrid of the two — as monthly cost ranges,
// and derives the verdict, the breakeven team size and the article's
// checklist. It follows DESIGN.md's cost model exactly. Each architecture is
// a family of assignments (which workloads the fleet serves, which managed
// candidate serves each other one, the fleet's model and GPU); a search
// (search.go) finds each family's cheapest assignment the policies allow.
package costmodel

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// SecondsPerHour converts the monthly token volume's working hours to seconds.
const SecondsPerHour = 3600

// MaxDevelopers bounds the breakeven search.
const MaxDevelopers = 100000

// AlarmsPerFleet are the CloudWatch alarm metrics a self-hosted fleet is
// billed for: the outage alarm (healthy hosts against the group's desired
// capacity, a metric-math alarm billed per metric: 2), the load balancer's
// and the targets' 5xx, and p95 latency.
const AlarmsPerFleet = 5

// Money is a monthly cost range in USD. The plan shows it rounded to
// cents; the cost model keeps every digit.
type Money struct {
	Low      float64
	Expected float64
	High     float64
}

// LineItem is one line of an option's cost.
type LineItem struct {
	Name       string
	Workload   string
	Model      string
	Note       string
	MonthlyUSD Money
}

// Route is how one workload is served under an option; the plan's JSON
// shows it as it is.
type Route struct {
	Workload   string
	Complexity string
	Share      float64
	// ServedBy is architecture.Managed or architecture.SelfHosted.
	ServedBy architecture.Name
	Model    string
	// Provider is the managed provider (the vendor, or modelcatalog.ProviderBedrock, ...); empty when self-hosted.
	Provider string
	// TTFTMs is the expected p95 time to first token; null when unknown.
	TTFTMs *float64
	// TTFTTailMs is a fleet route's p99.9 (one request in a thousand
	// waits longer), which the load balancer's idle timeout bounds; null
	// on a managed route.
	TTFTTailMs    *float64
	MaxTTFTMs     *float64
	ContextTokens int
	// MaxInputTokens is the most input a request may carry on a managed
	// route (its model's window through its provider); nil when unknown
	// or self-hosted.
	MaxInputTokens *int
	// Quality is the serving model's quality score for the workload's
	// complexity; null when unknown.
	Quality *float64
	// MinQuality is the lowest quality score the route's model may have:
	// the workload's min_quality and, on a fleet whose model sizing
	// chooses, self_hosted.min_quality; null when neither is set.
	MinQuality *float64
}

// Sizing is the self-hosted fleet of an option, sized at the expected
// inputs, as the plan shows it.
type Sizing struct {
	Model          string
	GPU            string
	Region         string
	GPUs           int
	Replicas       int
	TensorParallel int
	InstanceType   string
	Instances      int
	// ReplicasPerInstance is vLLM's data-parallel size on one instance.
	ReplicasPerInstance int
	// MaxGPUs is the cap on one fleet's GPUs (modelcatalog.MaxFleetGPUs):
	// a fleet sized above it is denied (capacity.fleet_limit), and its
	// counts stop just past the cap rather than at what the load needs.
	MaxGPUs int
	// MaxInstances is the cap on its instances where one is lower than the
	// GPU cap's (a fleet on one capacity block: at most
	// modelcatalog.MaxCapacityBlockInstances); nil when none.
	MaxInstances *int
	// Fixed is true when the spec set gpus: billed as given, not sized.
	Fixed       bool
	Pricing     string
	GPUHourUSD  spec.Range
	BilledHours float64
	Schedule    string
	MaxModelLen int
	WeightsGB   float64
	// CheckpointGB is what the checkpoint downloads, mirrors and stores:
	// the volumes and start times are sized on it.
	CheckpointGB float64
	KVCacheGB    float64
	// PeakUtilization is peak load over the fleet's capacity (0..); above
	// the target it is a capacity warning, above 1 a denial
	// (capacity.exceeded).
	PeakUtilization float64
	// RequiredGPUs and RequiredMonthlyUSD are, for a fixed fleet running
	// above its target utilization at peak, the GPUs of the fleet that
	// would carry the load at the target (sized as without gpus) and the
	// option's expected monthly cost with it; nil otherwise.
	RequiredGPUs       *int
	RequiredMonthlyUSD *float64
	TargetUtilization  float64
	// UncoveredHours are the team's working hours a month that a
	// business_hours fleet's schedule does not run, where they exceed a
	// working day (uncoveredHours); 0 otherwise.
	UncoveredHours float64
	TTFTMs         *float64
	// BaselineInstances run outside peak hours; PeakInstances at peak.
	BaselineInstances int
	PeakInstances     int
	// TargetRequestsPerMinute is one instance's request rate at the target
	// utilization (informational: the stack's schedules size the group as
	// the plan bills it, and nothing scales it on load).
	TargetRequestsPerMinute float64
	// StreamSeconds is the longest stream the fleet expects
	// (inference.StreamSeconds).
	StreamSeconds int
	// IdleTimeoutSeconds is the load balancer's idle timeout
	// (inference.IdleTimeoutSeconds).
	IdleTimeoutSeconds int
	// OnDemandBase is how many of a spot fleet's instances run on demand.
	OnDemandBase int
	VLLMArgs     []string
	Notes        []string
}

// Option is one priced architecture.
type Option struct {
	Architecture  architecture.Name
	MonthlyUSD    Money
	LineItems     []LineItem
	QualityGapUSD Money
	// CashUSD is what the option bills: MonthlyUSD without the quality
	// gap, which spend policies judge.
	CashUSD         Money
	QualityIncluded bool
	Sizing          *Sizing
	// Sized is the fleet as sizing computed it, every digit kept; nil
	// with Sizing.
	Sized  *inference.Fleet
	Routes []Route
	// Required is the cost of the fleet that would carry the load when the
	// spec's fixed fleet runs above its capacity at peak (nil otherwise):
	// the verdict and the breakeven compare it instead (capacity.go).
	Required *Money
	// assign is what serves each workload; denied is set when the gate
	// allowed none of the option's assignments; relaxed when it breaks a
	// per-route rule because no assignment the search tried keeps them.
	assign  *assignment
	denied  bool
	relaxed bool
	// Notes are warnings about how the option was priced.
	Notes []Note
}

// Note is a warning attached to an option or the result.
type Note struct {
	ID      string
	Message string
	// Option is the option the note is about, when it is about one (an
	// option that cannot be priced, UnpricedNote).
	Option architecture.Name
}

// ChecklistItem is one of the article's five checklist items.
type ChecklistItem struct {
	ID     string
	Text   string
	Met    bool
	Detail string
}

// ChecklistThreshold is how many items make self-hosting worth evaluating.
const ChecklistThreshold = 3

// ManagedSpendThreshold is the checklist's monthly managed spend, USD.
const ManagedSpendThreshold = 10000

// Result is the priced spec.
type Result struct {
	Options   []Option
	Verdict   architecture.Verdict
	Breakeven *int
	Checklist []ChecklistItem
	// Search is what the search over assignments did.
	Search *Search
	// Notes are plan-level warnings (an option that could not be priced,
	// estimated figures).
	Notes []Note
}

// Option returns the option of the architecture, or nil.
func (r *Result) Option(arch architecture.Name) *Option {
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

// Config tunes Evaluate.
type Config struct {
	// Gate, when set, runs the plan policies on the options' assignments
	// as the search finds them, cheapest first: each option is its
	// cheapest allowed assignment. Without it each is its cheapest.
	Gate Gate
	// Timings fills Search.TimeMS, the search's wall time.
	Timings bool
	// Sized, when set, counts the fleets the search sizes as it goes
	// (the sizer's runs, memo hits apart): a long plan's progress.
	Sized *atomic.Int64
}

// Evaluate prices the spec on the date (YYYY-MM-DD), ungated.
func Evaluate(s *spec.Spec, cat *modelcatalog.Catalog, date string) (*Result, error) {
	return EvaluateWith(s, cat, date, Config{})
}

// EvaluateWith prices the spec on the date (YYYY-MM-DD): it searches each
// option's cheapest (allowed, with a gate) assignment, and derives the
// verdict, the breakeven and the checklist. The verdict and the breakeven
// compare the managed and self_hosted options; they are empty when the
// spec's routes leave out either.
func EvaluateWith(s *spec.Spec, cat *modelcatalog.Catalog, date string, cfg Config) (*Result, error) {
	m, err := newModel(s, cat, date)
	if err != nil {
		return nil, err
	}
	m.progress = cfg.Sized
	res := &Result{}
	start := time.Now()
	var sr *searcher
	res.Options, res.Notes, sr, err = m.options(cfg.Gate)
	if err != nil {
		return nil, err
	}
	res.Search = m.explain(sr, res.Options)
	if cfg.Timings {
		ms := float64(time.Since(start).Microseconds()) / 1000
		res.Search.TimeMS = &ms
	}
	managed, sh := res.Option(architecture.Managed), res.Option(architecture.SelfHosted)
	if managed != nil && sh != nil {
		// A fixed fleet that cannot carry the load is compared as the
		// fleet that would.
		mt, st := managed.carrying(), sh.carrying()
		res.Verdict = architecture.Close
		switch {
		case mt.High < st.Low:
			res.Verdict = architecture.ManagedWins
		case st.High < mt.Low:
			res.Verdict = architecture.SelfHostedWins
		}
		res.Breakeven = m.breakeven(managed.assign, sh.assign)
	}
	res.Checklist = m.checklist(m.managedSpend(res))
	// Scheduled price changes and legacy models (pricing.go), for the
	// managed models the plan uses.
	notes, err := m.priceNotes(res)
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	return res, nil
}

// UnpricedNote is the id of the note that an option cannot be priced: the
// plan lacks it (a fleet no instance or window serves, no price).
const UnpricedNote = "option.unpriced"

// options searches every option the spec's routes allow. An option that
// cannot be priced is left out with a note; with none left the spec is in
// error. The searches share one searcher, so a fleet is sized once; it is
// returned for explain.
func (m *model) options(gate Gate) ([]Option, []Note, *searcher, error) {
	return m.optionsOn(m.newSearcher(), gate)
}

// optionsOn is options on searcher s (a test raises its exact limit).
func (m *model) optionsOn(s *searcher, gate Gate) ([]Option, []Note, *searcher, error) {
	var opts []Option
	var notes, errs []string
	for _, arch := range m.classes() {
		o, err := m.searchOption(s, arch, gate)
		var ge *gateError
		if errors.As(err, &ge) {
			return nil, nil, nil, ge.err
		}
		if err != nil {
			notes = append(notes, string(arch))
			errs = append(errs, err.Error())
			continue
		}
		opts = append(opts, o)
	}
	var out []Note
	for i, arch := range notes {
		out = append(out, Note{ID: UnpricedNote, Message: fmt.Sprintf("%s cannot be priced: %s", arch, errs[i]), Option: architecture.Name(arch)})
	}
	if len(opts) == 0 {
		return nil, nil, nil, fmt.Errorf("no option can be priced: %s", strings.Join(errs, "; "))
	}
	if sh := optionOf(opts, architecture.SelfHosted); sh != nil {
		// The breakeven search prices self_hosted on its own GPU.
		m.useGPU(sh.assign.gpu)
	}
	return opts, out, s, nil
}

func optionOf(opts []Option, arch architecture.Name) *Option {
	for i := range opts {
		if opts[i].Architecture == arch {
			return &opts[i]
		}
	}
	return nil
}

// model is a spec prepared for pricing: prices resolved for the date.
type model struct {
	s    *spec.Spec
	cat  *modelcatalog.Catalog
	date string
	// choices[i] are the managed models workload i may be routed to,
	// priced for it (choices.go); ref[i] its reference quality.
	choices    [][]managedChoice
	ref        []float64
	throughput []modelcatalog.Throughput
	// tokenItem names each workload's token line.
	tokenItem map[string]string
	// gpu is the GPU the fleet being priced runs on.
	gpu string
	// priced caches the priced instance list per GPU and place in the
	// price range.
	priced map[pricedKey][]inference.PricedInstance
	// memo remembers the performance model's answers across every sizing
	// of the plan (inference.Memo: its models and GPUs are the spec's and
	// the catalog's, unedited, and every request shares the throughput
	// and the catalog's GPUs).
	memo *inference.Memo
	// sized memoises fleet sizings while the search runs (cost.go, size);
	// nil, sizing is not remembered.
	sized map[sizeKey]sizedFleet
	// progress counts the fleets sized (Config.Sized); nil counts none.
	progress *atomic.Int64
	// scratch is reused for the items of evaluations without detail, which
	// their callers consume before the next evaluation.
	scratch []LineItem
	// billItems is reused by bill, which the sizer calls inside an
	// evaluation (whose items hold scratch).
	billItems []LineItem
	// onDemand prices the fleet on demand whatever the spec's pricing: a
	// commitment's alternative (idle.go).
	onDemand bool
	// unfixed sizes the fleet for the load even when the spec fixes its
	// GPUs: the fleet that would carry the load (capacity.go).
	unfixed bool
	// corner sizes a corner of an option's range: the fleet that carries
	// the corner's load, past one capacity block's instances if need be.
	// The cap judges the expected fleet, the one the stack launches; a
	// range's high end past it is what carrying that load would cost.
	corner bool
	// launched, when above 0, prices a corner of a sized fleet's range on
	// the GPUs the stack launches for the expected inputs (model.widen),
	// on launchedType's instances at launchedTP: the group keeps them
	// whatever the load, and vLLM its tensor-parallel size.
	launched     int
	launchedType string
	launchedTP   int
	// budget, when above 0, is the bill at which a fleet is of no use
	// (cheaperGPU): the sizer stops there (inference.Request.Budget).
	budget float64
	// finished memoises the options the searches finish (options.go,
	// finish).
	finished map[finishKey]finishedOption
	// priceRef[i] is the managed choice the plan-level price notes read
	// for workload i; -1 when no option routes it to a managed model.
	priceRef []int
}

func newModel(s *spec.Spec, cat *modelcatalog.Catalog, date string) (*model, error) {
	// A catalog no deployment resolved prices the default one: no router,
	// no PrivateLink front, no pull-through cache.
	cat = cat.ForDeployment(modelcatalog.Deployment{})
	m := &model{s: s, cat: cat, date: date, gpu: s.SelfHosted.GPU, priced: map[pricedKey][]inference.PricedInstance{}, memo: inference.NewMemo()}
	m.throughput = append(slices.Clone(cat.Throughput), s.ModelThroughput...)
	m.tokenItem = map[string]string{}
	m.choices = make([][]managedChoice, len(s.Workloads))
	for i, w := range s.Workloads {
		m.tokenItem[w.Name] = "tokens: " + w.Name
		c, err := m.choicesFor(w)
		if err != nil {
			return nil, err
		}
		m.choices[i] = c
	}
	m.ref = m.referenceQuality()
	return m, nil
}
