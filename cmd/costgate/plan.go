package main

import (
	"strings"

	"github.com/costgate/costgate/report"
	"github.com/spf13/cobra"
)

func newPlanCmd() *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan SPEC...",
		Short: "Price every architecture, run the policies and show the decision",
		Long: `plan prices managed, self-hosted and hybrid inference for each spec, sizes the
self-hosted fleet, runs the policy gate and shows the decision, the breakeven
team size, the article's checklist and the resources pulumi up would create.

It needs no cloud account and prints the same bytes for the same spec and date.
Exit code 1 when a plan is blocked, 2 when a spec or policy is invalid.`,
		Example: `  costgate plan examples/enterprise-hybrid.hcl
  costgate plan examples/seed/*.hcl --format json
  costgate plan teams/acme.hcl --policy-dir policies/acme --as-of 2026-12-01`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, report.FormatsOf[report.PlanOutputter]()); err != nil {
				return err
			}
			ps, err := buildPlans(&f, args, "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := report.Write(cmd.OutOrStdout(), f.format, plansOf(ps)); err != nil {
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
	return cmd
}
