package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestEverySecretIsPriced: each Secrets Manager secret the program
// registers for the decision is one the plan bills ($0.40 a month each),
// with and without a Hugging Face token in the stack (its secret exists
// for an open model too), and a fleet in a given VPC warns of the weights
// its starts would copy through that VPC's NAT gateway.
func TestEverySecretIsPriced(t *testing.T) {
	configs := map[string]string{
		"none":     "config:\n  aws:region: us-east-1\n",
		"hf token": "config:\n  aws:region: us-east-1\n  costgate:hfToken:\n    secure: v1:c2VudGluZWw=:AAAA\n",
		"given vpc": "config:\n  aws:region: us-east-1\n  costgate:vpcId: vpc-0123456789abcdef0\n" +
			"  costgate:subnetIds:\n    - subnet-0b\n    - subnet-0c\n",
	}
	for _, spec := range []string{"enterprise-hybrid", "regulated", "startup-10"} {
		for name, cfg := range configs {
			t.Run(spec+"/"+name, func(t *testing.T) {
				stack := filepath.Join(t.TempDir(), "Pulumi.test.yaml")
				if err := os.WriteFile(stack, []byte(cfg), 0o644); err != nil {
					t.Fatal(err)
				}
				code, stdout, stderr := runCLI("plan", "../../examples/"+spec+".hcl", "--stack-config", stack, "--format", "json", "--as-of", "2026-12-06")
				if code > 1 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var p struct {
					Decision struct{ Architecture string }
					Options  []struct {
						Architecture string
						LineItems    []struct {
							Name       string
							MonthlyUSD struct{ Expected float64 } `json:"monthly_usd"`
						} `json:"line_items"`
						Warnings []struct{ Policy string }
					}
					Resources []struct{ Type string }
				}
				if err := json.Unmarshal([]byte(stdout), &p); err != nil {
					t.Fatal(err)
				}
				registered := 0
				for _, r := range p.Resources {
					if r.Type == "aws:secretsmanager/secret:Secret" {
						registered++
					}
				}
				for _, o := range p.Options {
					if o.Architecture != p.Decision.Architecture {
						continue
					}
					priced := 0.0
					for _, it := range o.LineItems {
						if it.Name == "Secrets Manager secret" || it.Name == "Docker Hub credentials for the ECR pull-through cache" {
							priced += it.MonthlyUSD.Expected / 0.40
						}
					}
					if int(math.Round(priced)) != registered {
						t.Errorf("%s: %d secrets registered, %g priced", o.Architecture, registered, priced)
					}
					warned := false
					for _, w := range o.Warnings {
						warned = warned || w.Policy == "sizing.vpc_weights"
					}
					if fleet := o.Architecture != "managed"; warned != (name == "given vpc" && fleet && spec == "regulated") {
						t.Errorf("%s: sizing.vpc_weights %v", o.Architecture, warned)
					}
				}
			})
		}
	}
}
