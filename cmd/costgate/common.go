package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/internal/progress"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/costgate/costgate/stacks"
	"github.com/spf13/cobra"
)

// planFlags are the flags every planning command shares.
type planFlags struct {
	format        string
	catalog       string
	policyDirs    []string
	asOf          string
	approvals     string
	policyTimeout time.Duration
	// timings fills the search's time_ms (--timings).
	timings bool
	drift   driftFlags // --usage; registered by plan and check
	// specDirs are the spec folders (--spec-dir; check and diff).
	specDirs []string
	// stackSpecs are stack configurations whose spec is gated
	// (--stack-spec); stackConfig is one whose spec, price book, policy
	// folders and deployment are used (--stack-config; check and diff).
	stackSpecs  []string
	stackConfig string
	// rulesRoot is the checkout --catalog and --policy-dir come from
	// (--rules-root; "" for this one).
	rulesRoot string
	// org are --catalog and --policy-dir as given, before a
	// --stack-config's book and folders join them (stackSpecPaths).
	org orgRules
	// gatedOut is the file check --gated-out writes the stack's gated
	// deployment to (with --stack-config), for pulumi up's program.
	gatedOut string
	// stackOf maps each stack spec's path (cleaned) to every stack
	// configuration deploying it, filled by stackSpecPaths.
	stackOf map[string][]string
	// stack is the stack configuration the resources are previewed with;
	// the zero value is the program's default.
	stack stacks.Config
	// deployments are the deployments of the --stack-spec stacks, by
	// their spec's path (cleaned), filled by stackSpecPaths.
	deployments map[string]modelcatalog.Deployment
	// stacks are the configurations of the --stack-spec and --stack-config
	// stacks deploying each spec, by its path (cleaned): its resources are
	// previewed with each, as each stack's pulumi up registers them.
	stacks map[string][]stacks.Config
	// render, when set, renders each spec's plan (plan's PlanEncoder,
	// check's GateEncoder) as soon as it is built, and the bytes and the
	// decision are kept instead of the plan (planned.rendered): a thousand
	// plans' resources and line items would otherwise stay live, and be
	// marked by the collector again and again, until the last is done
	// (docs/PERFORMANCE.md). n is the number of specs.
	render func(s *spec.Spec, p *plan.Plan, n int) ([]byte, error)
	// spool keeps what render renders until the command writes it
	// (buildPlans makes it; the command closes it).
	spool *spool
}

func (f *planFlags) register(cmd *cobra.Command, formats string) {
	cmd.Flags().StringVarP(&f.format, "format", "f", "text", "output format: "+formats)
	cmd.Flags().StringVar(&f.catalog, "catalog", "", "price book (JSON) that overrides or extends the embedded catalog")
	cmd.Flags().StringArrayVar(&f.policyDirs, "policy-dir", nil, "extra folder of Rego policies loaded beside the built-in ones (repeatable)")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "date to price the plan for, YYYY-MM-DD (default today, UTC)")
	cmd.Flags().StringVar(&f.approvals, "approvals", "", `JSON file of the identities that approved the change, {"approved_by": ["cfo@acme.example", "@octocat"]}: an override counts only if its approver is listed, and a loosened spec needs one (without the flag, overrides count but are marked unverified)`)
	cmd.Flags().DurationVar(&f.policyTimeout, "policy-timeout", policies.DefaultTimeout, "deadline for evaluating the policies of one plan; a policy that runs longer is invalid input (exit 2)")
	cmd.Flags().BoolVar(&f.timings, "timings", false, "report the search's wall time (search.time_ms); off by default so that the same spec gives the same bytes")
}

// registerSpecDirs adds --spec-dir, --stack-spec and --stack-config
// (check and diff).
func (f *planFlags) registerSpecDirs(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.specDirs, "spec-dir", nil, "folder of the specs (repeatable; with --base-ref): every .hcl file in it (any letter case) is gated, each spec's base is its team's spec in these folders at REF, and a spec deleted or replaced by a new team is spec.loosened")
	cmd.Flags().StringArrayVar(&f.stackSpecs, "stack-spec", nil, "a stack's Pulumi.<stack>.yaml whose spec (costgate:spec) is gated too, wherever it lives, priced with the line items its deployment turns on and its resources previewed with its configuration (repeatable); its price book and policy folders are not used, and with --base-ref a change to them is spec.loosened")
	cmd.Flags().StringVar(&f.stackConfig, "stack-config", "", "a stack's Pulumi.<stack>.yaml: gate its spec with its price book, policy folders and deployment, as pulumi up will")
	cmd.Flags().StringVar(&f.rulesRoot, "rules-root", "", "the checkout --catalog and --policy-dir are read from, where it is not this one (CI's checkout of the default branch, rules/): a stack's price book or policy folder at the same path under it is the organisation's, not one of its own")
}

// stackSpecPaths adds to paths the spec of each --stack-spec and of
// --stack-config, whose price book, policy folders and deployment it also
// takes (a --catalog given as well is an error: which one pulumi up uses
// is the stack's).
func (f *planFlags) stackSpecPaths(paths []string) ([]string, error) {
	seen := map[string]bool{}
	for _, p := range paths {
		seen[filepath.Clean(p)] = true
	}
	f.stackOf = map[string][]string{}
	f.org = orgRules{book: f.catalog, dirs: slices.Clone(f.policyDirs), root: f.rulesRoot}
	add := func(p, file string) {
		f.stackOf[filepath.Clean(p)] = append(f.stackOf[filepath.Clean(p)], file)
		if !seen[filepath.Clean(p)] {
			seen[filepath.Clean(p)] = true
			paths = append(paths, p)
		}
	}
	f.deployments = map[string]modelcatalog.Deployment{}
	f.stacks = map[string][]stacks.Config{}
	for _, file := range f.stackSpecs {
		cfg, err := stacks.ReadStackConfig(file)
		if err != nil {
			return nil, invalid(err)
		}
		add(cfg.SpecPath, file)
		f.addDeployment(cfg.SpecPath, cfg.Deployment())
		f.stacks[filepath.Clean(cfg.SpecPath)] = append(f.stacks[filepath.Clean(cfg.SpecPath)], cfg)
	}
	if f.stackConfig != "" {
		cfg, err := stacks.ReadStackConfig(f.stackConfig)
		if err != nil {
			return nil, invalid(err)
		}
		if err := programPrices(f.catalog, cfg.CatalogPath, f.stackConfig, samePath); err != nil {
			return nil, invalid(err)
		}
		if cfg.CatalogPath != "" {
			f.catalog = cfg.CatalogPath
		}
		if err := programLoads(f.policyDirs, cfg.PolicyDirs, f.stackConfig); err != nil {
			return nil, invalid(err)
		}
		f.stack = cfg
		f.policyDirs = f.inStackOrder(cfg.PolicyDirs)
		add(cfg.SpecPath, f.stackConfig)
		f.addDeployment(cfg.SpecPath, cfg.Deployment())
		f.stacks[filepath.Clean(cfg.SpecPath)] = append(f.stacks[filepath.Clean(cfg.SpecPath)], cfg)
	}
	return paths, nil
}

// inStackOrder are the policy folders a stack's spec is judged with, in
// the order pulumi up loads the stack's (a later folder's data.json
// overrides an earlier one's): the organisation's folders the stack does
// not name first, then the stack's as it lists them, each of the
// organisation's as --policy-dir gives it: the same folder, or the same
// path in the rules checkout (policies/org at the base, given as
// rules/policies/org), the trusted copy of the one the pull request
// carries; loaded both, their defaults clashed (exit 2) and the change's
// copy of the data overrode the base's. Loaded organisation-first, a stack listing its own folder first was
// judged with the organisation's data overriding its own, where pulumi up
// judged the other way round.
func (f *planFlags) inStackOrder(stack []string) []string {
	var order []string
	for _, d := range stack {
		if i := slices.IndexFunc(f.policyDirs, func(have string) bool { return f.org.sameFolder(have, d) }); i >= 0 {
			d = f.policyDirs[i]
		}
		if !slices.ContainsFunc(order, func(o string) bool { return samePath(o, d) }) {
			order = append(order, d)
		}
	}
	var out []string
	for _, d := range f.policyDirs {
		if !slices.Contains(order, d) {
			out = append(out, d)
		}
	}
	return append(out, order...)
}

// sameRulePath reports whether given (a --policy-dir) is d, a stack's
// policy folder, as the organisation keeps it (policies or under
// policies/, where costgate.sh keeps them): d's path relative to the
// working directory, or d's path under root (--rules-root, the checkout
// the organisation's rules are read from). A stack's "org" is not the
// organisation's rules/policies/org.
func sameRulePath(root, given, d string) bool {
	return ruleCopy(root, given, d, func(rel string) bool { return rel == "policies" || strings.HasPrefix(rel, "policies/") })
}

// ruleCopy reports whether given is d's path relative to the working
// directory, or the same path under root (the rules checkout; none when
// empty), where owned says d's relative path is where the organisation
// keeps its rules. Only that path counts: a path that merely ends in d's
// (rules/finance/acme.prices.json for a stack's acme.prices.json at the
// root) is another file, and was taken for the organisation's.
func ruleCopy(root, given, d string, owned func(rel string) bool) bool {
	rel := d
	if filepath.IsAbs(d) {
		wd, err := filepath.Abs(".")
		if err != nil {
			return false
		}
		if rel, err = filepath.Rel(wd, d); err != nil || strings.HasPrefix(rel, "..") {
			return false
		}
	}
	g, r := filepath.ToSlash(filepath.Clean(given)), filepath.ToSlash(filepath.Clean(rel))
	if !owned(r) {
		return false
	}
	return g == r || root != "" && samePath(given, filepath.Join(root, filepath.FromSlash(r)))
}

// programLoads refuses a --policy-dir the stack's costgate:policyDirs does
// not list: pulumi up's program loads the stack's folders alone, so a
// deploy gate with another folder (the organisation's, from CI) judged
// with a rule the program then deploys without, and passed one option
// while the program deployed one the rule denies.
func programLoads(given, stack []string, file string) error {
	for _, d := range given {
		if !slices.ContainsFunc(stack, func(s string) bool { return samePath(s, d) }) {
			return fmt.Errorf("--policy-dir %s is not among %s's costgate:policyDirs: pulumi up loads the stack's folders alone and would deploy without its rules; add it to the stack file", specfile.Display(d), specfile.Display(file))
		}
	}
	return nil
}

// programPrices refuses a --catalog (the organisation's price book) that
// is not the stack's costgate:catalog, same says when two paths name the
// same book: pulumi up's program prices with the stack's book alone (the
// embedded catalog where it names none), so a gate priced with another
// passed one option while the program deployed one the gate's prices
// deny.
func programPrices(given, stack, file string, same func(given, stack string) bool) error {
	switch {
	case given == "":
		return nil
	case stack == "":
		return fmt.Errorf("--catalog %s is not %s's costgate:catalog: pulumi up prices with the stack's book (it names none: the embedded catalog) and would deploy at other prices than the gate's; add costgate:catalog: %s to the stack file",
			specfile.Display(given), specfile.Display(file), specfile.Display(filepath.ToSlash(filepath.Clean(given))))
	case !same(given, stack):
		return fmt.Errorf("--catalog %s and %s's costgate:catalog %s differ: pulumi up prices with the stack's", specfile.Display(given), specfile.Display(file), specfile.Display(stack))
	}
	return nil
}

// sameRuleBook reports whether given (a --catalog) is the stack's book,
// or its path under root (the rules checkout): the organisation's books
// live under prices/ or are named *.prices.json (costgate.sh), and a
// stack's own book elsewhere is never one of them.
func sameRuleBook(root, given, stack string) bool {
	return samePath(given, stack) ||
		ruleCopy(root, given, stack, func(rel string) bool {
			return strings.HasPrefix(rel, "prices/") || strings.HasSuffix(rel, ".prices.json")
		})
}

// stackCatalogs are, for each spec --stack-spec stacks price with a book
// of their own (costgate:catalog) where no --catalog is given, the
// catalog with that book, by the spec's path (cleaned): the deploy gate
// and pulumi up price the stack's spec with it, and a load cut that
// cleared a stack's cap only at its prices showed nothing in the review
// the deploy then took its approval from. With --catalog (the
// organisation's book) every stack must name it, as the deploy gate
// requires; stacks of one spec must name one book.
func (f *planFlags) stackCatalogs() (map[string]*modelcatalog.Catalog, error) {
	out := map[string]*modelcatalog.Catalog{}
	if f.stackConfig != "" {
		return out, nil // --stack-config's book is --catalog's already
	}
	byBook := map[string]*modelcatalog.Catalog{}
	for _, path := range slices.Sorted(maps.Keys(f.stacks)) {
		cfgs := f.stacks[path]
		for k, cfg := range cfgs {
			if err := programPrices(f.catalog, cfg.CatalogPath, f.stackOf[path][k], f.org.sameBook); err != nil {
				return nil, invalid(err)
			}
			if first := cfgs[0].CatalogPath; filepath.Clean(first) != filepath.Clean(cfg.CatalogPath) {
				return nil, invalid(fmt.Errorf("%s is deployed by stacks that price it with different books (%s and %s): the review cannot judge it once for both; give the stacks the same costgate:catalog, or each its own spec",
					specfile.Display(path), bookName(first), bookName(cfg.CatalogPath)))
			}
		}
		book := cfgs[0].CatalogPath
		if f.catalog != "" || book == "" {
			continue
		}
		if byBook[filepath.Clean(book)] == nil {
			cat, err := loadCatalog(book)
			if err != nil {
				return nil, fmt.Errorf("the price book of the stack deploying %s: %w", specfile.Display(path), err)
			}
			byBook[filepath.Clean(book)] = cat
		}
		out[path] = byBook[filepath.Clean(book)]
	}
	return out, nil
}

// samePath reports whether two paths name the same file once made
// absolute and clean.
func samePath(a, b string) bool {
	aa, errA := filepath.Abs(a)
	bb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == bb
}

// gate is the resource gate of the spec at path: the resources of every
// stack deploying it (--stack-spec, --stack-config), each with its own
// configuration (its allowed CIDRs, VPC, schedule zone, price book), else
// those of --stack-config's configuration or the program's default,
// previewed with cat, the catalog the plan is priced with, where no stack
// names one.
func (f *planFlags) gate(ev plan.Evaluator, cat *modelcatalog.Catalog, path string) func(context.Context, *plan.Plan) error {
	if cfgs := f.stacks[filepath.Clean(path)]; len(cfgs) > 0 {
		return stacks.GateWith(ev, cfgs[0], cfgs[1:]...)
	}
	return stacks.GateWith(ev, f.stack.PricedWith(cat))
}

// addDeployment records that a --stack-spec stack deploys the spec at
// path so; of two, the gate prices the costlier (Deployment.Costlier).
func (f *planFlags) addDeployment(path string, d modelcatalog.Deployment) {
	key := filepath.Clean(path)
	if prev, ok := f.deployments[key]; ok {
		d = prev.Costlier(d)
	}
	f.deployments[key] = d
}

// deployment is the deployment the spec at path is priced for: that of
// the stacks (--stack-spec, --stack-config) deploying it, else
// --stack-config's (the program's default without one).
func (f *planFlags) deployment(path string) modelcatalog.Deployment {
	if d, ok := f.deployments[filepath.Clean(path)]; ok {
		return d
	}
	return f.stack.Deployment()
}

// evaluator compiles the built-in policies and the --policy-dir folders.
func (f *planFlags) evaluator() (plan.Evaluator, error) {
	if f.policyTimeout <= 0 {
		return nil, invalid(fmt.Errorf("--policy-timeout %s: want a positive duration such as 10s", f.policyTimeout))
	}
	ev, err := plan.NewPoliciesWith(policies.Options{Dirs: f.policyDirs, Timeout: f.policyTimeout})
	if err != nil {
		return nil, invalid(err)
	}
	return ev, nil
}

// loadApprovals reads --approvals; nil when the flag is not given.
func (f *planFlags) loadApprovals() (*plan.Approvals, error) {
	if f.approvals == "" {
		return nil, nil
	}
	a, err := plan.LoadApprovals(f.approvals)
	if err != nil {
		return nil, invalid(err)
	}
	return a, nil
}

// catalogAndDate loads the price book over the embedded catalog (checked
// as a whole) and parses --as-of; a zero time means today.
func catalogAndDate(book, asOf string) (*modelcatalog.Catalog, time.Time, error) {
	cat, err := loadCatalog(book)
	if err != nil {
		return nil, time.Time{}, err
	}
	date, err := parseAsOf(asOf)
	if err != nil {
		return nil, time.Time{}, err
	}
	return cat, date, nil
}

// parseAsOf parses an --as-of date; empty gives the zero time.
func parseAsOf(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, invalid(fmt.Errorf("--as-of %q: want a date like 2026-11-26", s))
	}
	if t.IsZero() {
		// The zero time stands for "not given" (today): the date itself
		// would be priced as today's, silently.
		return time.Time{}, invalid(fmt.Errorf("--as-of %q: no price is dated in year 1; want a date like 2026-11-26", s))
	}
	return t, nil
}

// planned is one spec and its plan.
type planned struct {
	spec *spec.Spec
	// plan is nil when rendered holds it (planFlags.render).
	plan *plan.Plan
	// opts are the options it was built with.
	opts plan.Options
	// rendered is the plan as planFlags.render renders it, kept where
	// planFlags.spool keeps it.
	rendered piece
	// blocked is whether the plan's decision is blocked.
	blocked bool
	// gated is what the plan deploys, kept for --gated-out where the spec
	// is --stack-config's.
	gated *stacks.Gated
}

// buildPlans parses every spec, then plans each; invalid input writes
// diagnostics to stderr and returns errReported. With baseRef, each spec
// is compared with its version at that revision, so that a loosened
// compliance or budget block is denied unless approved.
func buildPlans(ctx context.Context, f *planFlags, paths []string, baseRef string, stderr io.Writer) ([]planned, error) {
	paths, err := gatedPaths(f, distinct(paths), baseRef)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, invalid(fmt.Errorf("no spec to check: give SPEC paths, or a --spec-dir with specs"))
	}
	cat, asOf, err := catalogAndDate(f.catalog, f.asOf)
	if err != nil {
		return nil, err
	}
	approvals, err := f.loadApprovals()
	if err != nil {
		return nil, err
	}
	// Compiling the policies takes longer than reading the specs: start it
	// first.
	type compiled struct {
		ev  plan.Evaluator
		err error
	}
	policiesReady := make(chan compiled, 1)
	go func() {
		ev, err := f.evaluator()
		policiesReady <- compiled{ev, err}
	}()
	parser := spec.NewParser(cat)
	specs, err := parseSpecs(parser, paths, stderr)
	if err != nil {
		return nil, err
	}
	if err := oneSpecATeam(paths, specs); err != nil {
		return nil, invalid(err)
	}
	rv, err := baseSpecs(parser, baseRef, f.specDirs, f.stackOf, f.org, paths, specs, stderr)
	if err != nil {
		return nil, err
	}
	c := <-policiesReady
	if c.err != nil {
		return nil, c.err
	}
	measured, err := f.drift.measuredFor(specs, cat, stderr)
	if err != nil {
		return nil, err
	}
	stackEvs, err := f.stackEvaluators()
	if err != nil {
		return nil, err
	}
	stackCats, err := f.stackCatalogs()
	if err != nil {
		return nil, err
	}
	heads := len(specs)
	specs, measured = rv.withDeleted(specs, measured)
	if f.render != nil {
		f.spool = newSpool(len(specs))
	}
	defer manySpecsGC(len(specs))()
	run := planRun{f: f, cat: cat, asOf: asOf, ev: c.ev, stackEvs: stackEvs, stackCats: stackCats, approvals: approvals, rv: rv, measured: measured, paths: paths, heads: heads}
	return run.planAll(ctx, specs, stderr)
}

// stackEvaluators are, for each spec a --stack-spec stack deploys with
// policy folders of its own (costgate:policyDirs) that --policy-dir does
// not name, the policies with those folders too, by the spec's path
// (cleaned): the deploy gate judges the stack's spec with them, and a
// change only they deny (a load cut clearing the stack's own cap) was
// approved at the deploy by a review whose pull-request gate had shown
// nothing.
func (f *planFlags) stackEvaluators() (map[string]plan.Evaluator, error) {
	out := map[string]plan.Evaluator{}
	if f.stackConfig != "" {
		return out, nil // --stack-config's folders are --policy-dir's already
	}
	byDirs := map[string]plan.Evaluator{}
	for _, path := range slices.Sorted(maps.Keys(f.stacks)) {
		var dirs, extra []string
		for _, cfg := range f.stacks[path] {
			order := f.inStackOrder(cfg.PolicyDirs)
			if slices.Equal(order, f.policyDirs) {
				continue // the organisation's folders alone, in its order
			}
			if dirs != nil && !slices.Equal(order, dirs) {
				// Judged with both stacks' folders merged, one stack's
				// data.json overrode the other's threshold and the review
				// showed neither stack's verdict.
				return nil, invalid(fmt.Errorf("%s is deployed by stacks with policy folders of their own, or in an order of their own, that differ (%s and %s): the review cannot judge it once for both; give the stacks the same costgate:policyDirs, or each its own spec",
					specfile.Display(path), strings.Join(extra, ", "), strings.Join(cfg.PolicyDirs, ", ")))
			}
			dirs, extra = order, cfg.PolicyDirs
		}
		if dirs == nil {
			continue
		}
		key := strings.Join(dirs, "\x00")
		if byDirs[key] == nil {
			ev, err := plan.NewPoliciesWith(policies.Options{Dirs: dirs, Timeout: f.policyTimeout})
			if err != nil {
				return nil, invalid(fmt.Errorf("the policy folders of the stack deploying %s: %w", specfile.Display(path), err))
			}
			byDirs[key] = ev
		}
		out[path] = byDirs[key]
	}
	return out, nil
}

// planRun is what one command plans every spec with.
type planRun struct {
	f    *planFlags
	cat  *modelcatalog.Catalog
	asOf time.Time
	ev   plan.Evaluator
	// stackEvs are the policies of specs whose stacks bring folders of
	// their own (planFlags.stackEvaluators), by path (cleaned).
	stackEvs map[string]plan.Evaluator
	// stackCats are the catalogs of specs whose stacks price them with a
	// book of their own (planFlags.stackCatalogs), by path (cleaned).
	stackCats map[string]*modelcatalog.Catalog
	approvals *plan.Approvals
	rv        reviewed
	measured  []*plan.Measured
	// paths are the head specs' paths; specs past heads are the base's
	// deleted ones, gated on their deletion alone.
	paths []string
	heads int
	// sized counts the fleets sized as the specs are planned, for the
	// progress line (planAll sets it).
	sized *atomic.Int64
}

// planAll plans the specs on one worker a CPU, results in input order,
// with a progress line on a terminal.
func (r planRun) planAll(ctx context.Context, specs []*spec.Spec, stderr io.Writer) ([]planned, error) {
	out := make([]planned, len(specs))
	var done, sized atomic.Int64
	r.sized = &sized
	name := ""
	if len(specs) == 1 {
		name = specs[0].Filename
	}
	line := progress.Start(progressWriter(stderr), func(time.Duration) string {
		return planProgress(name, int(done.Load()), len(specs), sized.Load())
	})
	defer line.Stop()
	// A worker a processor takes the specs in turn: its stack, grown deep
	// by the sizer, the policies and the Pulumi program, serves the next
	// spec instead of a fresh goroutine's growing again for each.
	errs := make([]error, len(specs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(specs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(specs); i = int(next.Add(1) - 1) {
				out[i], errs[i] = r.plan(ctx, i, specs[i], len(specs))
				done.Add(1)
			}
		})
	}
	wg.Wait()
	// The first spec's error in the order given, whichever failed first.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// planProgress is the progress line of planning n specs (one named
// name), done of them planned, sized fleets sized so far: a plan whose
// search sizes thousands of fleets (many workloads, "auto" models and
// GPUs) runs for seconds.
// A file name with a control or formatting character (an escape that
// would rewrite the terminal) is shown quoted, escaped.
func planProgress(name string, done, n int, sized int64) string {
	if n == 1 {
		if strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
			name = strconv.Quote(name)
		}
		return fmt.Sprintf("planning %s: %d fleets sized", name, sized)
	}
	return fmt.Sprintf("planning: %d of %d specs, %d fleets sized", done, n, sized)
}

// plan plans spec i of n, rendered at once when the command renders plans
// as they are built (planFlags.render).
func (r planRun) plan(ctx context.Context, i int, s *spec.Spec, n int) (planned, error) {
	f, ev, cat := r.f, r.ev, r.cat
	if i < r.heads {
		if own := r.stackEvs[filepath.Clean(r.paths[i])]; own != nil {
			ev = own
		}
		if own := r.stackCats[filepath.Clean(r.paths[i])]; own != nil {
			cat = own
		}
		ev = r.rv.withinBase(i, ev)
	}
	opts := plan.Options{Catalog: cat, AsOf: r.asOf, Policies: ev, Approvals: r.approvals, Base: r.rv.bases[i], BaseUngated: r.rv.ungated(i), NewSpec: r.rv.isNew(i), Loosened: r.rv.extra[i],
		Deployment: f.stack.Deployment(), Usage: r.measured[i], Timings: f.timings, Sized: r.sized}
	if i >= r.heads {
		opts.Policies = deletionOnly{ev}
	} else {
		opts.Deployment, opts.BaseDeployment = f.deployment(r.paths[i]), r.rv.baseDeployment(i)
		opts.Gate = f.gate(ev, cat, r.paths[i])
	}
	p, err := plan.Build(ctx, s, opts)
	if err != nil {
		return planned{}, invalid(err)
	}
	out := planned{spec: s, plan: p, opts: opts, blocked: p.Decision.Architecture == architecture.Blocked}
	if f.gatedOut != "" && i < r.heads && samePath(r.paths[i], f.stack.SpecPath) {
		g := stacks.GatedOf(p)
		out.gated = &g
	}
	if f.render != nil {
		b, err := f.render(s, p, n)
		if err != nil {
			return planned{}, err
		}
		out.rendered = f.spool.put(b)
		out.plan = nil
	}
	return out, nil
}

// parseSpecs parses every spec, a worker a CPU, writing each file's
// diagnostics to stderr in the order given; if any has errors it returns
// errReported, after all were reported.
func parseSpecs(parser *spec.Parser, paths []string, stderr io.Writer) ([]*spec.Spec, error) {
	specs := make([]*spec.Spec, 0, len(paths))
	failed := false
	parsed, diagsOf := parser.ParseFiles(paths, runtime.GOMAXPROCS(0))
	for i, s := range parsed {
		diags := diagsOf[i]
		if len(diags) > 0 {
			if err := parser.WriteDiagnostics(stderr, diags); err != nil {
				return nil, err
			}
		}
		if diags.HasErrors() {
			failed = true
			continue
		}
		specs = append(specs, s)
	}
	if failed {
		return nil, errReported
	}
	return specs, nil
}

// baseSpecs pairs each spec with its base at baseRef (baseIndex.review):
// with no baseRef, every base is nil and nothing is deleted.
func baseSpecs(parser *spec.Parser, baseRef string, specDirs []string, stackOf map[string][]string, org orgRules, paths []string, specs []*spec.Spec, stderr io.Writer) (reviewed, error) {
	if baseRef == "" {
		return reviewed{bases: make([]*spec.Spec, len(specs)), extra: make([][]plan.Loosening, len(specs))}, nil
	}
	if err := gitVerify(baseRef); err != nil {
		return reviewed{}, invalid(err)
	}
	dirs, explicit := specDirs, len(specDirs) > 0
	if !explicit {
		dirs = headDirs(paths)
	}
	idx, err := newBaseIndex(parser, baseRef, dirs, explicit)
	if err != nil {
		return reviewed{}, invalid(err)
	}
	idx.org = org
	rv, diags, err := idx.review(paths, specs, stackOf)
	if len(diags) > 0 {
		if werr := parser.WriteDiagnostics(stderr, diags); werr != nil {
			return reviewed{}, werr
		}
	}
	if err != nil {
		return reviewed{}, invalid(err)
	}
	if diags.HasErrors() {
		return reviewed{}, errReported
	}
	return rv, nil
}

func plansOf(ps []planned) []*plan.Plan {
	out := make([]*plan.Plan, len(ps))
	for i, p := range ps {
		out[i] = p.plan
	}
	return out
}

// lookupEncoder returns the format's encoder of kind T (report.PlanEncoder,
// report.GateEncoder), if it has one.
func lookupEncoder[T report.Outputter](format string) (T, bool) {
	enc, err := report.Lookup[T](format)
	return enc, err == nil
}

// renderedOf reads every plan's rendered bytes back, in order.
func renderedOf(ps []planned) ([][]byte, error) {
	out := make([][]byte, len(ps))
	for i, p := range ps {
		b, err := p.rendered.bytes()
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func anyBlocked(ps []planned) bool {
	for _, p := range ps {
		if p.blocked {
			return true
		}
	}
	return false
}
