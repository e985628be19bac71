package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/stacks"
	"github.com/google/go-cmp/cmp"
)

// TestPlanAndProgramDecideAlike: costgate plan and the Pulumi program
// (stacks.BuildPlan, what pulumi up runs) reach the same decision and the
// same costs for every example, with the embedded catalog and with a price
// book and a policy folder given to each the way each takes them
// (--catalog/--policy-dir; costgate:catalog/costgate:policyDirs), and
// the same approvals (--approvals; COSTGATE_APPROVALS): none, then the
// examples' approvers. The program counts no override without approvals,
// as plan does with an approvals file that names nobody.
func TestPlanAndProgramDecideAlike(t *testing.T) {
	examples, err := filepath.Glob("../../examples/*.hcl")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	book := "testdata/catalog/discount_book.json"
	folder := "../../policies/testdata/finance"
	approved := &plan.Approvals{ApprovedBy: []string{"cfo@acme.example", "cfo@payments.example"}}
	nobody := filepath.Join(t.TempDir(), "nobody.json")
	all := filepath.Join(t.TempDir(), "approvers.json")
	for path, a := range map[string]*plan.Approvals{nobody: {ApprovedBy: []string{}}, all: approved} {
		raw, _ := json.Marshal(a)
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, withRules := range []bool{false, true} {
		for _, ex := range examples {
			name := filepath.Base(ex)
			if withRules {
				name += " with a price book, a policy folder and approvals"
			}
			t.Run(name, func(t *testing.T) {
				args := []string{"plan", ex, "--format", "json", "--approvals", nobody}
				cfg := stacks.Config{SpecPath: ex}
				if withRules {
					args[len(args)-1] = all
					cfg.Approvals = approved
				}
				if withRules {
					args = append(args, "--catalog", book, "--policy-dir", folder)
					cfg.CatalogPath, cfg.PolicyDirs = book, []string{folder}
				}
				code, out, stderr := runCLI(args...)
				if code == exitInvalid {
					t.Fatalf("costgate plan: exit %d: %s", code, stderr)
				}
				var cli plan.Plan
				if err := json.Unmarshal([]byte(out), &cli); err != nil {
					t.Fatal(err)
				}
				prog, err := stacks.BuildPlan(context.Background(), cfg)
				if err != nil {
					t.Fatalf("program: %v", err)
				}
				if cli.Decision.Architecture != prog.Decision.Architecture {
					t.Errorf("costgate plan decides %s, the program %s", cli.Decision.Architecture, prog.Decision.Architecture)
				}
				costs := func(p *plan.Plan) map[string]plan.Money {
					out := map[string]plan.Money{}
					for _, o := range p.Options {
						out[string(o.Architecture)] = o.MonthlyUSD
					}
					return out
				}
				if diff := cmp.Diff(costs(&cli), costs(prog)); diff != "" {
					t.Errorf("option costs differ (-plan +program):\n%s", diff)
				}
			})
		}
	}
}
