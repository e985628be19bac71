package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/stacks"
	"github.com/spf13/cobra"
)

var checkFormats = report.FormatsOf[report.GateOutputter]()

// checkLong is check's --help: what the gate denies and how a spec finds
// its base.
const checkLong = `check plans each spec and reports only the gate: the decision, every denial
and waiver, and the warnings of the plan and of the decided option (what
the change would deploy). Use it as the pull-request gate.

Formats: text; json (an array, one object per spec); github (workflow
commands "::error file=…,line=…::…" that annotate the spec line behind each
denial).

Overrides waive only what the waiver rules allow (policy data: which ids,
which approvers, how many days). With --approvals, an override counts only
when its approver approved the change; without it, overrides count but are
reported as unverified. With --base-ref, a change that loosens a spec's
compliance block, raises its budget, lowers a cost through a figure the
spec writes (gpu_hour_usd, hours_per_month, ops_usd_per_month,
target_utilization, a model block), relaxes min_quality or max_ttft_ms,
or moves Bedrock from a regional to the global inference profile is
denied as spec.loosened unless --approvals names an allowed approver; so
is a change of the team's load (its figures, time zone, cache lifetime,
workloads, the figures that price the quality gap) that clears a denial
the base's load had.

A spec's base is found by team, not by path: --spec-dir DIR (repeatable,
with --base-ref) gates every spec in DIR (.hcl in any letter case) and
compares each with the same team's spec in those folders at REF, else with
the file at the same path. Two specs of one team, at REF or in the change,
are invalid (with or without --base-ref: each would be gated as the team's
whole load); a file named twice is gated once. A spec the change deletes,
and a new team while a team of the base is gone, are spec.loosened
(attribute team). Without --spec-dir the folders are those of the specs
given, and deletions are not seen.

Exit codes: 0 allowed, 1 blocked by a policy, 2 invalid spec or policy
(including a policy that does not finish within --policy-timeout).`

func newCheckCmd() *cobra.Command {
	var f planFlags
	var baseRef string
	cmd := &cobra.Command{
		Use:   "check SPEC...",
		Short: "The CI gate: exit 0 when every spec's plan is allowed, 1 when one is blocked",
		Long:  checkLong,
		Example: `  costgate check examples/*.hcl
  costgate check teams/*.hcl
  costgate check teams/acme.hcl --format github --policy-dir policies/acme
  costgate check --base-ref origin/main --approvals approvals.json -- teams/*.hcl
  costgate check --base-ref origin/main --spec-dir teams --approvals approvals.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(f.specDirs) == 0 && len(f.stackSpecs) == 0 && f.stackConfig == "" {
				return invalid(fmt.Errorf("check takes one or more SPEC paths, --spec-dir, --stack-spec or --stack-config"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, checkFormats); err != nil {
				return err
			}
			out, err := report.Lookup[report.GateOutputter](f.format)
			if err != nil {
				return invalid(err)
			}
			enc, encodes := lookupEncoder[report.GateEncoder](f.format)
			if encodes {
				f.render = func(s *spec.Spec, p *plan.Plan, _ int) ([]byte, error) {
					return enc.EncodeGate(report.Gated{Spec: s, Plan: p})
				}
			}
			if f.gatedOut != "" && f.stackConfig == "" {
				return invalid(fmt.Errorf("--gated-out writes the deployment of --stack-config's spec: give --stack-config"))
			}
			defer func() { f.spool.close() }()
			ps, err := buildPlans(cmd.Context(), &f, args, baseRef, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := writeGated(f.gatedOut, ps); err != nil {
				return err
			}
			if encodes {
				var rendered [][]byte
				if rendered, err = renderedOf(ps); err == nil {
					err = enc.WriteEncodedGates(cmd.OutOrStdout(), rendered)
				}
			} else {
				err = out.Gate(cmd.OutOrStdout(), gated(ps))
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
	f.register(cmd, strings.Join(checkFormats, "|"))
	cmd.Flags().StringVar(&baseRef, "base-ref", "", "git revision the change is reviewed against: loosening a spec's compliance or budget since then needs an approval")
	f.registerSpecDirs(cmd)
	f.drift.register(cmd)
	cmd.Flags().StringVar(&f.gatedOut, "gated-out", "", "with --stack-config: write the deployment the gate passes (decision, routes, fleet) to FILE; pulumi up's program, given it in "+stacks.GatedEnv+", deploys only the same")
	return cmd
}

// writeGated writes the gated deployment of --stack-config's spec to
// path; nothing when path is empty.
func writeGated(path string, ps []planned) error {
	if path == "" {
		return nil
	}
	for _, p := range ps {
		if p.gated == nil {
			continue
		}
		var b bytes.Buffer
		if err := stacks.WriteGated(&b, *p.gated); err != nil {
			return err
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--gated-out: %w", err)
		}
		return nil
	}
	return invalid(fmt.Errorf("--gated-out: no plan of --stack-config's spec was built"))
}

func checkFormat(format string, allowed []string) error {
	if !slices.Contains(allowed, format) {
		return invalid(fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(allowed, ", ")))
	}
	return nil
}

// gated pairs each spec with its plan for the gate's outputs.
func gated(ps []planned) []report.Gated {
	out := make([]report.Gated, len(ps))
	for i, p := range ps {
		out[i] = report.Gated{Spec: p.spec, Plan: p.plan}
	}
	return out
}
