package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/stacks"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
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
	// stack is the stack configuration the resources are previewed with;
	// the zero value is the program's default.
	stack stacks.Config
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
	return t, nil
}

// planned is one spec and its plan.
type planned struct {
	spec *spec.Spec
	plan *plan.Plan
	// opts are the options it was built with.
	opts plan.Options
}

// buildPlans parses every spec, then plans each; invalid input writes
// diagnostics to stderr and returns errReported. With baseRef, each spec
// is compared with its version at that revision, so that a loosened
// compliance or budget block is denied unless approved.
func buildPlans(ctx context.Context, f *planFlags, paths []string, baseRef string, stderr io.Writer) ([]planned, error) {
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
	bases, err := baseSpecs(parser, baseRef, paths, specs, stderr)
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
	ev := c.ev
	// Specs plan independently: one worker a CPU, results in input order.
	out := make([]planned, len(specs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range specs {
		g.Go(func() error {
			opts := plan.Options{Catalog: cat, AsOf: asOf, Policies: ev, Approvals: approvals, Base: bases[i],
				Deployment: f.stack.Deployment(), Gate: stacks.GateWith(ev, f.stack), Usage: measured[i], Timings: f.timings}
			p, err := plan.Build(ctx, s, opts)
			if err != nil {
				return invalid(err)
			}
			out[i] = planned{spec: s, plan: p, opts: opts}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseSpecs parses every spec, writing each file's diagnostics to stderr;
// if any has errors it returns errReported, after all were reported.
func parseSpecs(parser *spec.Parser, paths []string, stderr io.Writer) ([]*spec.Spec, error) {
	specs := make([]*spec.Spec, 0, len(paths))
	failed := false
	for _, path := range paths {
		s, diags := parser.ParseFile(path)
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

// baseSpecs reads each spec's version at baseRef (nil where it had none),
// or only nils without a baseRef.
func baseSpecs(parser *spec.Parser, baseRef string, paths []string, specs []*spec.Spec, stderr io.Writer) ([]*spec.Spec, error) {
	bases := make([]*spec.Spec, len(specs))
	if baseRef == "" {
		return bases, nil
	}
	if err := gitVerify(baseRef); err != nil {
		return nil, invalid(err)
	}
	reader := newBaseReader(parser, baseRef)
	for i, s := range specs {
		base, diags, err := reader.base(paths[i], s)
		if err != nil {
			return nil, invalid(err)
		}
		if len(diags) > 0 {
			if err := parser.WriteDiagnostics(stderr, diags); err != nil {
				return nil, err
			}
		}
		if diags.HasErrors() {
			return nil, errReported
		}
		bases[i] = base
	}
	return bases, nil
}

func plansOf(ps []planned) []*plan.Plan {
	out := make([]*plan.Plan, len(ps))
	for i, p := range ps {
		out[i] = p.plan
	}
	return out
}

func anyBlocked(ps []planned) bool {
	for _, p := range ps {
		if p.plan.Decision.Architecture == architecture.Blocked {
			return true
		}
	}
	return false
}
