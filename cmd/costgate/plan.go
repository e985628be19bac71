package main

import (
	"errors"
	"strings"

	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/stacks"
	"github.com/spf13/cobra"
)

func newPlanCmd() *cobra.Command {
	var f planFlags
	var stackConfig string
	cmd := &cobra.Command{
		Use:   "plan [SPEC...]",
		Short: "Price every architecture, run the policies and show the decision",
		Long: `plan prices managed, self-hosted and hybrid inference for each spec, sizes the
self-hosted fleet, runs the policy gate and shows the decision, the breakeven
team size, the article's checklist and the resources pulumi up would create.

It needs no cloud account and prints the same bytes for the same spec and date.
With --stack-config it previews and prices what pulumi up creates for that
stack (its VPC, certificate, keys; encrypted values shown as [secret], never
decrypted), for the stack's costgate:spec when no SPEC is given.
Exit code 1 when a plan is blocked, 2 when a spec or policy is invalid.`,
		Example: `  costgate plan examples/enterprise-hybrid.hcl
  costgate plan examples/seed/*.hcl --format json
  costgate plan teams/acme.hcl --policy-dir policies/acme --as-of 2026-12-01
  costgate plan --stack-config Pulumi.acme-platform.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, report.FormatsOf[report.PlanOutputter]()); err != nil {
				return err
			}
			if stackConfig != "" {
				cfg, err := stacks.ReadStackConfig(stackConfig)
				if err != nil {
					return invalid(err)
				}
				f.stack = cfg
				f.policyDirs = append(f.policyDirs, cfg.PolicyDirs...)
				if len(args) == 0 {
					args = []string{cfg.SpecPath}
				}
			}
			if len(args) == 0 {
				return invalid(errors.New("plan requires at least 1 arg(s), a SPEC, or --stack-config"))
			}
			ps, err := buildPlans(cmd.Context(), &f, args, "", cmd.ErrOrStderr())
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
	cmd.Flags().StringVar(&stackConfig, "stack-config", "", "a stack's Pulumi.<stack>.yaml: preview and price what pulumi up creates with its configuration")
	return cmd
}
