package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/costgate/costgate/plan"

	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/stacks"
	"github.com/costgate/costgate/units"
	"github.com/spf13/cobra"
)

// planLong is plan's --help text.
const planLong = `plan prices managed, self-hosted and hybrid inference for each spec, sizes the
self-hosted fleet, runs the policy gate and shows the decision, the breakeven
team size, the article's checklist and the resources pulumi up would create.

Each option is a search: every workload goes to the fleet or to one of its
managed candidates (workload route, model and min_quality; managed.candidates),
and the option is its cheapest assignment the policies allow. The plan names
the runner-ups, the assignments the policies rejected and, per workload, why
every other backend does not serve it.

It needs no cloud account and prints the same bytes for the same spec and date
(--timings adds the search's wall time, which does not repeat).
With --stack-config it previews and prices what pulumi up creates for that
stack (its VPC, certificate, keys; encrypted values shown as [secret], never
decrypted), for the stack's costgate:spec when no SPEC is given; a SPEC given
wins, and then the stack file needs no costgate:spec.

With --pareto it lists, instead of the plan, the assignments the policies
allow that no other allowed one beats on both expected monthly cost and
token-weighted quality (each workload's share times its model's quality
score), cheapest first, marking the decided one, and the denied assignments
that would beat them, with the policies that deny them; --plot
FILE.svg|.png draws them.
A team has one spec: two specs of one team are invalid, and a file named
twice is planned once.
Exit code 1 when a plan is blocked, 2 when a spec or policy is invalid.`

func newPlanCmd() *cobra.Command {
	var f planFlags
	var stackConfig, plotPath string
	var pareto bool
	cmd := &cobra.Command{
		Use:   "plan [SPEC...]",
		Short: "Price every architecture, run the policies and show the decision",
		Long:  planLong,
		Example: `  costgate plan examples/enterprise-hybrid.hcl
  costgate plan examples/seed/*.hcl --format json
  costgate plan teams/acme.hcl --policy-dir policies/acme --as-of 2026-12-01
  costgate plan --stack-config Pulumi.acme-platform.yaml
  costgate plan examples/routed-team.hcl --pareto --plot frontier.svg`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, report.FormatsOf[report.PlanOutputter]()); err != nil {
				return err
			}
			chart, err := paretoChartFormat(pareto, plotPath, f.format)
			if err != nil {
				return err
			}
			if stackConfig != "" {
				cfg, err := stacks.ReadStackConfig(stackConfig)
				if err != nil && !(errors.Is(err, stacks.ErrNoSpec) && len(args) > 0) {
					return invalid(err)
				}
				f.stack = cfg
				f.policyDirs = f.inStackOrder(cfg.PolicyDirs)
				if len(args) == 0 {
					args = []string{cfg.SpecPath}
				}
			}
			if len(args) == 0 {
				return invalid(errors.New("plan requires at least 1 arg(s), a SPEC, or --stack-config"))
			}
			enc, encodes := lookupEncoder[report.PlanEncoder](f.format)
			if encodes = encodes && !pareto; encodes {
				f.render = func(_ *spec.Spec, p *plan.Plan, n int) ([]byte, error) { return enc.EncodePlan(p, n) }
			}
			defer func() { f.spool.close() }()
			ps, err := buildPlans(cmd.Context(), &f, args, "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			switch {
			case encodes:
				var rendered [][]byte
				if rendered, err = renderedOf(ps); err == nil {
					err = enc.WriteEncodedPlans(cmd.OutOrStdout(), rendered)
				}
			case pareto:
				err = writePareto(cmd, ps, f.format, plotPath, chart)
			default:
				err = report.Write(cmd.OutOrStdout(), f.format, plansOf(ps))
			}
			if err != nil {
				return err
			}
			if anyBlocked(ps) {
				return errBlocked
			}
			return nil
		},
	}
	f.register(cmd, strings.Join(report.FormatsOf[report.PlanOutputter](), "|"))
	f.drift.register(cmd)
	cmd.Flags().BoolVar(&pareto, "pareto", false, "list the cost–quality frontier of the assignments instead of the plan (text or json)")
	cmd.Flags().StringVar(&plotPath, "plot", "", "with --pareto, also draw the frontier to this file (.svg or .png)")
	cmd.Flags().StringVar(&stackConfig, "stack-config", "", "a stack's Pulumi.<stack>.yaml: preview and price what pulumi up creates with its configuration")
	return cmd
}

// paretoChartFormat checks --pareto, --plot and --format together and
// returns the chart's format ("" without --plot).
func paretoChartFormat(pareto bool, plotPath, format string) (string, error) {
	if !pareto {
		if plotPath != "" {
			return "", invalid(errors.New("--plot draws the cost–quality frontier: it needs --pareto (costgate breakeven --plot draws the breakeven chart)"))
		}
		return "", nil
	}
	if _, err := report.Lookup[report.ParetoOutputter](format); err != nil {
		return "", invalid(fmt.Errorf("--pareto: %w", err))
	}
	return chartFormatOf(plotPath)
}

// writePareto computes each plan's frontier, writes them, and draws the
// first with --plot (one spec per chart).
func writePareto(cmd *cobra.Command, ps []planned, format, plotPath, chart string) error {
	fs := make([]*plan.Frontier, len(ps))
	for i, p := range ps {
		f, err := plan.Pareto(cmd.Context(), p.plan, p.spec, p.opts)
		if err != nil {
			return invalid(err)
		}
		fs[i] = f
	}
	if chart != "" {
		if len(fs) != 1 {
			return invalid(fmt.Errorf("--plot draws one spec's frontier; got %d specs", len(fs)))
		}
		if err := writeOutputFile(plotPath, func(w io.Writer) error { return report.ParetoChart(w, chart, fs[0]) }); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %s\n", plotPath, units.Plural(fs[0].Allowed(), "allowed non-dominated assignment"))
	}
	o, err := report.Lookup[report.ParetoOutputter](format)
	if err != nil {
		return invalid(err)
	}
	return o.Pareto(cmd.OutOrStdout(), fs)
}
