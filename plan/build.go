package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// Evaluator runs the policies: the plan policies over the plan as JSON,
// the resource policies over one planned resource (pulumi-policy-opa's
// input shape; findings carry no option). An error blocks the plan, except
// a *policies.LimitError (a policy that cannot finish), which is invalid
// input. WaiverRules says which denials overrides may waive; CanEmit
// whether a loaded policy can report an id.
type Evaluator interface {
	EvaluatePlan(ctx context.Context, input any) (deny, warn []Finding, err error)
	EvaluateResource(ctx context.Context, input map[string]any) (deny, warn []Finding, err error)
	WaiverRules() policies.WaiverRules
	CanEmit(id string) bool
}

// SuspiciousPricePolicy is the id of a plan warning about a price book's
// figure that would make something free, or is ten times off the catalog's
// (modelcatalog.CheckBook).
const SuspiciousPricePolicy = "catalog.suspicious_price"

// Options configure Build.
type Options struct {
	// Catalog prices the plan; nil means the embedded catalog.
	Catalog *modelcatalog.Catalog
	// AsOf is the date the plan is computed for; zero means today (UTC).
	AsOf time.Time
	// Policies evaluates the plan policies; nil means the built-in
	// policies plus PolicyDirs, compiled for this call. Callers that build
	// many plans compile once with NewPolicies and pass it here.
	Policies Evaluator
	// PolicyDirs are extra policy folders loaded beside the built-in ones
	// when Policies is nil.
	PolicyDirs []string
	// Approvals are the identities that approved the change
	// (--approvals). With them an override counts only when its approver
	// is among them; without them (nil) overrides count, marked unverified,
	// and a loosened spec stays blocked.
	Approvals *Approvals
	// Base is the spec before the change under review, when known: a
	// change that loosens its compliance or budget, lowers a cost through
	// a figure the spec writes, relaxes a threshold, or changes the team's
	// load so that a denial the base's load had is cleared
	// (loadLoosenings), is denied as spec.loosened unless an allowed
	// approver approved it.
	Base *spec.Spec
	// BaseUngated marks a Base no gate judged when it was merged (a file
	// outside the spec folders that no stack deployed): its overrides were
	// never shown to need their approver's approval, so none is carried.
	BaseUngated bool
	// Evidenced are overrides another decider of the same deployment
	// verified (the deploy gate, through its gated file): pulumi up's
	// program has no base to find a carried override in, and counts these
	// as approved where they are unchanged.
	Evidenced []Waiver
	// NewSpec marks a spec new in the change under review (a review, and
	// no base): its figures that set a price or a capacity are compared
	// with what the default branch's rules would use without them — the
	// catalog's GPU-hour price, AWS's month, the default operations cost
	// and utilization target, no model block (figureBase) — since no
	// reviewer has seen them: a new team's gpu_hour_usd of $0.90 for an
	// H100 on demand ($6.88) would otherwise price its fleet unchecked.
	NewSpec bool
	// Loosened are loosenings found outside the two specs (a deleted
	// spec, a team that disappears while another appears: TeamLoosening),
	// denied as spec.loosened like the spec's own.
	Loosened []Loosening
	// Deployment says which resources the stack's configuration creates
	// (an existing VPC has no NAT gateway of the fleet's); the zero value
	// is the program's default configuration.
	Deployment modelcatalog.Deployment
	// BaseDeployment is the deployment the base was gated with, when a
	// review knows it (the stacks deploying the spec, as configured at
	// the base revision; the program's default where none did); nil means
	// Deployment. The base is planned with it wherever the head is
	// compared with the base's bill: a stack that turns on the router or
	// the PrivateLink front raises the bill an override carried from the
	// base waives, which its approver approved without them.
	BaseDeployment *modelcatalog.Deployment
	// Gate, when set, runs after the decision: it fills Resources with what
	// `pulumi up` would register and applies the resource policies, which
	// may deny the decided option and move the decision (stacks.Gate). It
	// lives outside this package so that planning needs no cloud SDK.
	Gate func(context.Context, *Plan) error
	// Usage, when set, is the team's measured usage: the plan gets a usage
	// section and the drift, breakeven and measured-capacity warnings.
	Usage *Measured
	// Timings fills the search's time_ms; off, a plan is the same bytes
	// from run to run.
	Timings bool
	// Sized, when set, counts the fleets the cost model sizes as it
	// searches (costmodel.Config.Sized): a long plan's progress.
	Sized *atomic.Int64
	// beyond names the base's overrides that waive more than they waived
	// at the base (beyondBase), with what: none of them is carried.
	beyond map[string]string
	// base is the base's plan, built once a Build (basePlan) for the plan
	// checks and the carry ceiling alike.
	base *baseMemo
}

// baseMemo holds the base's plan once built.
type baseMemo struct {
	once sync.Once
	plan *Plan
	err  error
}

// basePlan is the base spec's plan under baseOptions, built once a Build
// (the plan checks, the carry ceiling and a second planning without the
// carried overrides all ask it).
func (o Options) basePlan(ctx context.Context) (*Plan, error) {
	if o.base == nil {
		return Build(ctx, o.Base, o.baseOptions())
	}
	o.base.once.Do(func() { o.base.plan, o.base.err = Build(ctx, o.Base, o.baseOptions()) })
	return o.base.plan, o.base.err
}

func (o Options) catalog() *modelcatalog.Catalog {
	if o.Catalog != nil {
		return o.Catalog
	}
	return modelcatalog.Default()
}

// baseOptions are the options the base is planned with: the head's
// catalog, date and policies (a change of the rules is a loosening of its
// own), and the base's deployment.
func (o Options) baseOptions() Options {
	dep := o.Deployment
	if o.BaseDeployment != nil {
		dep = *o.BaseDeployment
	}
	return Options{Catalog: o.Catalog, AsOf: o.date(), Policies: o.Policies, Deployment: dep}
}

func (o Options) date() time.Time {
	if o.AsOf.IsZero() {
		return time.Now().UTC().Truncate(24 * time.Hour)
	}
	return o.AsOf
}

// evidence is the overrides evidenced outside this change's approvals
// for team: the base's (carried unchanged) and another decider's
// (Evidenced). A base of another team (the spec at the same path, whose
// team the change replaced) evidences nothing: its approver approved
// waiving that team's denials, and a change that renames the team,
// approved as a loosening by any reviewer, carried the override to a
// team whose denials the approver never saw.
//
// Nor does a base whose load the change moves (movedSinceBase): the approver
// approved waiving at the base's load, and a spend.limit override
// approved at 9,000 dollars a month waived at 90,000 after a change that
// raised the team tenfold, approved as a loosening by any writer.
func (o Options) evidence(head *spec.Spec) []Waiver {
	out := slices.Clone(o.Evidenced)
	if o.Base == nil || o.BaseUngated || o.Base.Team.Name != head.Team.Name || len(o.movedSinceBase(head)) > 0 {
		return out
	}
	for _, w := range inputs(o.Base, o.date().Format(time.DateOnly)).Overrides {
		if _, beyond := o.beyond[w.Name]; !beyond {
			out = append(out, w)
		}
	}
	return out
}

// movedSinceBase is what the change moves since the base of what a carried
// override was approved at: the team's load and the stack's rules. Its load:
// each changed team or workload load figure, said as "team.developers
// rises from 100 to 1000". The team's claims (claimChanges) are no load:
// one that makes a carried override waive another option, or at a
// higher bill, is beyond the base (beyondBase), and a renamed cost centre
// otherwise held every override until its approver approved again.
//
// A loosening found outside the two specs (Options.Loosened: the rules a
// stack deploys with change, a team disappears) moves what the base was
// approved at too: the base is re-planned with the head's rules
// (beyondBase), so a price book that doubled Opus's price had a carried
// spend.limit override approved at 8,550 dollars a month waive 17,100,
// approved as a loosening by any writer.
func (o Options) movedSinceBase(head *spec.Spec) []string {
	if o.Base == nil || head == nil {
		return nil
	}
	claims := map[string]bool{}
	for _, c := range claimChanges(o.Base, head) {
		claims[c.attr] = true
	}
	var out []string
	for _, c := range append(teamLoadChanges(o.Base, head), workloadLoadChanges(o.Base, head)...) {
		if !claims[c.attr] {
			out = append(out, c.attr+" "+c.moved)
		}
	}
	for _, l := range o.Loosened {
		rule, _, _ := strings.Cut(l.Message, ":")
		out = append(out, rule)
	}
	return out
}

// Build prices the spec, runs the policies and decides. Where an
// override carried from the base waives more than it waived there
// (beyondBase), the spec is planned again without carrying it.
func Build(ctx context.Context, s *spec.Spec, opts Options) (*Plan, error) {
	if opts.Policies == nil {
		ev, err := NewPolicies(opts.PolicyDirs...)
		if err != nil {
			return nil, fmt.Errorf("build plan: %w", err)
		}
		opts.Policies = ev
	}
	if opts.Base != nil && opts.base == nil {
		opts.base = &baseMemo{}
	}
	p, err := build(ctx, s, opts)
	if err != nil {
		return nil, err
	}
	beyond, err := opts.beyondBase(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("plan the base of %s: %w", s.Filename, err)
	}
	if len(beyond) == 0 {
		return p, nil
	}
	opts.beyond = beyond
	return build(ctx, s, opts)
}

// build is Build with its policies compiled.
func build(ctx context.Context, s *spec.Spec, opts Options) (*Plan, error) {
	cat := opts.catalog().ForDeployment(opts.Deployment.In(s.SelfHosted.Region))
	date := opts.date().Format(time.DateOnly)
	p := &Plan{
		Spec:        s.Filename,
		Team:        s.Team.Name,
		CatalogAsOf: cat.AsOf,
		AsOf:        date,
		Inputs:      inputs(s, date),
		Waivers:     []Waiver{},
		Warnings:    []Finding{},
		Resources:   []Resource{},
	}
	p.Waivers = append(p.Waivers, p.Inputs.Overrides...)
	rules := opts.Policies.WaiverRules()
	authorize(p, rules, opts.Approvals, opts.Policies.CanEmit, opts.date(), opts.evidence(s))
	res, err := costmodel.EvaluateWith(s, cat, date, costmodel.Config{Gate: gate(ctx, opts.Policies, p), Timings: opts.Timings, Sized: opts.Sized})
	if IsLimit(err) {
		return nil, fmt.Errorf("evaluate policies for %s: %w", s.Filename, err)
	}
	if err != nil {
		// A policy that fails fails again on the whole plan below, which
		// then blocks every option; price them ungated meanwhile.
		res, err = costmodel.Evaluate(s, cat, date)
	}
	if err != nil {
		return nil, fmt.Errorf("build plan for %s: %w", s.Filename, err)
	}
	p.Verdict, p.Breakeven, p.Checklist, p.Search = res.Verdict, Breakeven{Developers: res.Breakeven}, checklist(res), search(res.Search)
	for _, o := range res.Options {
		p.Options = append(p.Options, option(o))
	}
	for _, n := range res.Notes {
		if n.ID == costmodel.UnpricedNote {
			p.unpriced = append(p.unpriced, n.Option)
		}
	}
	if err := finiteCosts(p); err != nil {
		return nil, fmt.Errorf("build plan for %s: %w", s.Filename, err)
	}
	planWarnings(p, s, res, cat, opts.date())
	figures := opts.Base
	if figures == nil && opts.NewSpec {
		figures = figureBase(s)
	}
	p.Loosened = append(append(Loosenings(opts.Base, s), figureLoosenings(figures, s)...), opts.Loosened...)
	if len(p.Loosened) > 0 {
		approveLoosening(p, rules, opts.Approvals)
	}
	if err := addUsage(p, s, res, cat, date, opts.Usage); err != nil {
		return nil, fmt.Errorf("build plan for %s: %w", s.Filename, err)
	}

	deny, warn, err := judge(ctx, s, p, rules, opts)
	if IsLimit(err) {
		return nil, fmt.Errorf("evaluate policies for %s: %w", s.Filename, err)
	}
	if err != nil {
		p.BlockAll("policy evaluation failed", err)
		return p, nil
	}
	deny = append(deny, loosenedDenials(p.Loosened)...)
	p.Apply(append(deny, unapprovedDenials(p, opts.Approvals, opts.Base != nil || opts.NewSpec, opts.movedSinceBase(s), opts.beyond)...), warn)
	warnExpired(p)
	Decide(p)
	if opts.Gate != nil {
		if err := opts.Gate(ctx, p); err != nil {
			return nil, fmt.Errorf("gate resources of %s: %w", s.Filename, err)
		}
	}
	warnBreakeven(p)
	return p, nil
}

// planWarnings adds the plan's warnings that no policy computes: the cost
// model's notes, a stale catalog, a suspicious price book or spec figure,
// and the purchase, spot and rate-limit warnings of each option.
func planWarnings(p *Plan, s *spec.Spec, res *costmodel.Result, cat *modelcatalog.Catalog, day time.Time) {
	for _, n := range res.Notes {
		p.Warnings = append(p.Warnings, Finding{Policy: n.ID, Message: n.Message})
	}
	if cat.Stale(day) {
		p.Warnings = append(p.Warnings, Finding{Policy: "catalog.stale", Message: fmt.Sprintf("the catalog is %d days old (as of %s); prices may have moved", cat.AgeDays(day), cat.AsOf)})
	}
	for _, w := range cat.BookWarnings {
		p.Warnings = append(p.Warnings, Finding{Policy: SuspiciousPricePolicy, Message: w.String()})
	}
	p.Warnings = append(p.Warnings, figureWarnings(s, cat)...)
	purchaseWarnings(p)
	spotWarnings(p)
	rateLimitWarnings(p, s, cat)
}

// judge evaluates the plan policies on p. A change of the team's load is
// judged by what it clears, which takes the head's own denials: found,
// its loosenings join the plan, which the policies then see whole.
func judge(ctx context.Context, s *spec.Spec, p *Plan, rules policies.WaiverRules, opts Options) (deny, warn []Finding, err error) {
	deny, warn, err = evaluate(ctx, opts.Policies, p)
	if err != nil {
		return deny, warn, err
	}
	load := append(loadLoosenings(ctx, s, p, deny, opts), newPlanChecks(ctx, s, p, deny, rules, opts.catalog(), opts).loosenings()...)
	if len(load) == 0 {
		return deny, warn, nil
	}
	if len(p.Loosened) == 0 {
		approveLoosening(p, rules, opts.Approvals)
	}
	p.Loosened = append(p.Loosened, load...)
	return evaluate(ctx, opts.Policies, p)
}

// gate runs the plan policies on one option the search found, in a plan
// that holds only it and the spec's authorized overrides, and returns the
// ids of the policies that deny it after waivers. The checklist is not
// known yet; its policy only warns.
//
// Each call's plan differs from the first's in its option alone, so the
// rest is converted for the policies once (policies.Shared, made on the
// first call): the waivers are copied with the same empty Waived lists
// and the checklist is a constant, and p itself does not change while
// the gate lives. The gate is handed to one synchronous costmodel call
// (EvaluateWith in build, ParetoWith in Pareto) that has no access to p,
// and build sets p's fields only after EvaluateWith returns; a gate call
// changes only its own copy (Apply writes its option and its waivers).
// TestGateSharesPlan holds each call's input to its whole plan's.
func gate(ctx context.Context, ev Evaluator, p *Plan) costmodel.Gate {
	var shared *policies.Shared
	return func(o costmodel.Option) (costmodel.Verdict, error) {
		one := *p
		one.Options = []Option{option(o)}
		one.Waivers = make([]Waiver, len(p.Waivers))
		for i, w := range p.Waivers {
			w.Waived = []string{}
			one.Waivers[i] = w
		}
		one.Checklist = Checklist{Threshold: costmodel.ChecklistThreshold, Items: []ChecklistItem{}}
		if shared == nil {
			shared = policies.NewShared(&one, "options")
		}
		deny, err := evaluateDeny(ctx, ev, &one, shared)
		if err != nil {
			return costmodel.Verdict{}, err
		}
		one.Apply(deny, nil)
		v := costmodel.Verdict{CashDenied: true}
		for _, f := range one.Options[0].Violations {
			v.Denied = AppendUnique(v.Denied, f.Policy)
			v.CashDenied = v.CashDenied && costThresholds[f.Policy]
		}
		v.CashDenied = v.CashDenied && len(v.Denied) > 0
		// The thresholds judge cash; the search orders by the total,
		// which is the cash only when the quality gap is left out.
		v.CostlierDenied = v.CashDenied && !o.QualityIncluded
		return v, nil
	}
}

// costThresholds are the sealed built-in policies that deny an option
// for its expected cost above a threshold, which a folder cannot change:
// an assignment they deny, unwaived, has every costlier one denied too.
var costThresholds = map[string]bool{"spend.limit": true, "spend.approval": true}

// BlockAll denies every option with a policy.error finding: a policy that
// could not be evaluated leaves nothing checked, so nothing is allowed.
func (p *Plan) BlockAll(what string, err error) {
	p.Decision = Decision{Architecture: architecture.Blocked, Reasons: []string{fmt.Sprintf("%s, so nothing is allowed: %v", what, err)}}
	for i := range p.Options {
		p.Options[i].Allowed = false
		p.Options[i].Violations = append(p.Options[i].Violations, Finding{Policy: PolicyError, Option: "*", Message: err.Error()})
	}
}

// IsLimit reports whether err is a policy that did not finish within its
// deadline or heap bound: invalid input, not a policy result.
func IsLimit(err error) bool {
	var limit *policies.LimitError
	return errors.As(err, &limit)
}

// evaluate runs the policies on the plan as its JSON form reads, before
// any policy result is in it. The engine converts the struct by its json
// tags, so no JSON round trip is needed.
func evaluate(ctx context.Context, ev Evaluator, p *Plan) (deny, warn []Finding, err error) {
	return ev.EvaluatePlan(ctx, p)
}

// denyEvaluator is an Evaluator that can run the plan policies' denials
// alone (policies.Engine.EvaluatePlanDeny): the gate reads no warning. Its
// input is a policies.SharedInput.
type denyEvaluator interface {
	EvaluatePlanDeny(ctx context.Context, input any) ([]Finding, error)
}

// evaluateDeny is evaluate's denials, without the built-in warn rules'
// work where ev can leave it out; such an evaluator (the policy engine)
// is given p with the fields shared converts once.
func evaluateDeny(ctx context.Context, ev Evaluator, p *Plan, shared *policies.Shared) ([]Finding, error) {
	if d, ok := ev.(denyEvaluator); ok {
		return d.EvaluatePlanDeny(ctx, shared.With(p))
	}
	deny, _, err := evaluate(ctx, ev, p)
	return deny, err
}

// Apply attaches policy findings to the options they name ("*": every
// option), lifts each denial an unexpired override waives (recording it on
// the override), and marks every option allowed or not. Build applies the
// plan policies with it; the resource gate, the resource policies.
func (p *Plan) Apply(deny, warn []Finding) {
	for i := range p.Options {
		o := &p.Options[i]
		o.Violations = p.attach(o, deny, o.Violations)
		// An advisory warning an override acknowledges moves to waived too.
		o.Warnings = p.attach(o, warn, o.Warnings)
		o.Allowed = len(o.Violations) == 0
	}
}

// attach appends the findings that name option o ("*": every option) to
// list, moving those an active waiver lifts to o.Waived instead.
func (p *Plan) attach(o *Option, findings, list []Finding) []Finding {
	for _, d := range findings {
		if d.Option != o.Architecture && d.Option != "*" {
			continue
		}
		f := Finding{Policy: d.Policy, Option: o.Architecture, Message: d.Message, Attribute: d.Attribute}
		if w := waiverFor(p, d.Policy); w != nil {
			w.Waived = AppendUnique(w.Waived, string(o.Architecture))
			f.Message += w.waivedBy()
			o.Waived = append(o.Waived, f)
			continue
		}
		list = append(list, f)
	}
	return list
}

// warnExpired reports every expired override.
func warnExpired(p *Plan) {
	for _, w := range p.Waivers {
		if w.Expired {
			p.Warnings = append(p.Warnings, Finding{Policy: PolicyOverrideExpired, Message: fmt.Sprintf("override %q for %s expired on %s and waives nothing (approved by %s: %s)", w.Name, w.Policy, w.Expires, w.Approver, w.Reason)})
		}
	}
}

// waivedBy is the note a waived finding carries.
func (w *Waiver) waivedBy() string {
	if w.Review {
		return fmt.Sprintf(" (approved in review by %s)", w.Approver)
	}
	note := ""
	if !w.Verified {
		note = ", unverified: no --approvals evidences it"
	}
	return fmt.Sprintf(" (waived by override %q: approved by %s until %s%s: %s)", w.Name, w.Approver, w.Expires, note, w.Reason)
}

func waiverFor(p *Plan, policy string) *Waiver {
	for i := range p.Waivers {
		if w := &p.Waivers[i]; w.Policy == policy && w.Active() {
			return w
		}
	}
	return nil
}

// AppendUnique appends v to list unless list already holds it.
func AppendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// Decide picks the cheapest allowed option by expected cost; ties go to
// the option listed first (managed, self_hosted, hybrid). Callers that deny
// an option after Build (resource policies) decide again with it.
func Decide(p *Plan) {
	var best *Option
	for i := range p.Options {
		o := &p.Options[i]
		if o.Allowed && (best == nil || o.MonthlyUSD.Expected < best.MonthlyUSD.Expected) {
			best = o
		}
	}
	if best == nil {
		var reasons []string
		for _, o := range p.Options {
			for _, v := range o.Violations {
				reasons = append(reasons, fmt.Sprintf("%s denied by %s: %s", o.Architecture, v.Policy, v.Message))
			}
		}
		p.Decision = Decision{Architecture: architecture.Blocked, Reasons: append(reasons, unpriced(p)...)}
		return
	}
	reasons := []string{fmt.Sprintf("%s is the cheapest allowed option at %s/month expected (range %s–%s)",
		best.Architecture, units.USD(best.MonthlyUSD.Expected).Whole(), units.USD(best.MonthlyUSD.Low).Whole(), units.USD(best.MonthlyUSD.High).Whole())}
	for _, o := range p.Options {
		if o.Architecture == best.Architecture {
			continue
		}
		if !o.Allowed {
			var ids []string
			for _, v := range o.Violations {
				ids = AppendUnique(ids, v.Policy)
			}
			reasons = append(reasons, fmt.Sprintf("%s is denied by %s", o.Architecture, strings.Join(ids, ", ")))
			continue
		}
		reasons = append(reasons, fmt.Sprintf("%s would cost %s/month expected", o.Architecture, units.USD(o.MonthlyUSD.Expected).Whole()))
	}
	p.Decision = Decision{Architecture: best.Architecture, Reasons: append(append(reasons, unpriced(p)...), verdictReasons(p)...)}
}

// unpriced says which options the plan lacks because they cannot be
// priced (the cost model's option.unpriced notes), so that a decision's
// reasons account for every option.
func unpriced(p *Plan) []string {
	var out []string
	for _, w := range p.Warnings {
		if w.Policy == costmodel.UnpricedNote {
			out = append(out, w.Message)
		}
	}
	return out
}

// verdictReasons say in words what the verdict compared when it is not
// the options as priced: a fixed fleet that cannot carry the load is
// compared as the fleet that would, and a verdict that favours a denied
// option says it is denied.
func verdictReasons(p *Plan) []string {
	var out []string
	for _, o := range p.Options {
		s := o.Sizing
		if s == nil || !s.Fixed || s.PeakUtilization <= 1 || s.RequiredGPUs == nil || s.RequiredMonthlyUSD == nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s's fixed fleet of %d × %s runs at %.0f%% of its capacity at peak and cannot carry the load: the verdict and the breakeven compare the fleet that would, %d × %s at %s/month expected",
			o.Architecture, s.GPUs, s.GPU, 100*s.PeakUtilization, *s.RequiredGPUs, s.GPU, units.USD(*s.RequiredMonthlyUSD).Whole()))
	}
	winner := p.Verdict.Winner()
	for _, o := range p.Options {
		if winner == "" || o.Architecture != winner || o.Allowed {
			continue
		}
		var ids []string
		for _, v := range o.Violations {
			ids = AppendUnique(ids, v.Policy)
		}
		out = append(out, fmt.Sprintf("the verdict (%s) compares cost only: %s is denied by %s", p.Verdict.Text(), o.Architecture, strings.Join(ids, ", ")))
	}
	return out
}

// Chosen returns the decided option, or nil when the plan is blocked.
func (p *Plan) Chosen() *Option {
	for i := range p.Options {
		if p.Options[i].Architecture == p.Decision.Architecture {
			return &p.Options[i]
		}
	}
	return nil
}

func inputs(s *spec.Spec, date string) Inputs {
	in := Inputs{
		Team: s.Team.Name, CostCenter: s.Team.CostCenter,
		Developers: s.Team.Developers, TokensPerDeveloper: s.Team.TokensPerDeveloper,
		CachedInputShare: s.Team.CachedInputShare, CacheWriteShare: s.Team.CacheWriteShare, Timezone: s.Team.Timezone,
		ManagedProvider: s.Managed.Provider, BedrockProfile: s.Managed.BedrockProfile,
		Compliance:   ComplianceInput{CodeMayLeaveNetwork: s.Compliance.CodeMayLeaveNetwork, AllowedProviders: s.Compliance.AllowedProviders},
		Organization: OrgInput{GPUExpertise: s.Organization.GPUExpertise, LatencyOverQuality: s.Organization.LatencyOverQuality},
		Budget:       BudgetInput{MonthlyLimitUSD: s.Budget.MonthlyLimitUSD, ApprovalAboveUSD: s.Budget.ApprovalAboveUSD, AlertEmails: s.Budget.AlertEmails},
		Overrides:    []Waiver{},
	}
	if in.Budget.AlertEmails == nil {
		in.Budget.AlertEmails = []string{}
	}
	for _, w := range s.Workloads {
		wi := WorkloadInput{Name: w.Name, Share: w.Share, Complexity: w.Complexity, ContextTokens: w.ContextTokens}
		if w.MaxTTFTMs > 0 {
			v := w.MaxTTFTMs
			wi.MaxTTFTMs = &v
		}
		in.Workloads = append(in.Workloads, wi)
	}
	for _, o := range s.Overrides {
		exp := o.Expires.Format(time.DateOnly)
		in.Overrides = append(in.Overrides, Waiver{Name: o.Name, Policy: o.Policy, Approver: o.Approver, Reason: o.Reason,
			Expires: exp, Expired: exp < date, Waived: []string{}})
	}
	sort.SliceStable(in.Overrides, func(i, j int) bool { return in.Overrides[i].Name < in.Overrides[j].Name })
	return in
}

// finiteCosts refuses a plan whose costs overflowed: a price book may hold
// any finite price, and 1e300 per million tokens times a large team is
// +Inf, which no policy, JSON document or comparison can handle; nor any
// other figure of an option that is not finite.
func finiteCosts(p *Plan) error {
	for _, o := range p.Options {
		for _, m := range []Money{o.MonthlyUSD, o.QualityGapUSD} {
			for _, v := range []float64{m.Low, m.Expected, m.High} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("the %s option's monthly cost is %v, not a finite number: a price in the catalog or price book is too large for this team's usage", o.Architecture, v)
				}
			}
		}
		// Any other figure: one NaN in a sizing (a model the performance
		// model cannot predict) failed the JSON encoder after the plan was
		// judged, and printed "NaN%" in the text.
		if v := reflect.ValueOf(o); !finite(v) {
			at, v := nonFinite(v, "")
			return fmt.Errorf("the %s option's %s is %v, not a finite number: costgate cannot size this input (a bug; please report it with the spec)", o.Architecture, strings.TrimPrefix(at, "."), v)
		}
	}
	return nil
}
