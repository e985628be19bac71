package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/units"
)

// TestStackSpecPricesTheStacksDeployment: the pull request's gate
// (--stack-spec) prices a stack's spec with the line items its deployment
// turns on (the router and its database), as the deploy job's gate
// (--stack-config) and pulumi up do; without them a spec just under its
// budget would pass the pull request and be blocked after the merge.
func TestStackSpecPricesTheStacksDeployment(t *testing.T) {
	specPath, err := filepath.Abs("../../examples/enterprise-hybrid.hcl")
	if err != nil {
		t.Fatal(err)
	}
	stack := filepath.Join(t.TempDir(), "Pulumi.gw.yaml")
	cfg := "config:\n  aws:region: us-east-1\n  costgate:spec: " + specPath + "\n  costgate:deployGateway: true\n  costgate:providerKeys:\n    secure: v1:c2VudGluZWw=:AAAASENTINEL\n"
	if err := os.WriteFile(stack, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	headline := func(args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(append([]string{"check", "--as-of", "2026-11-26"}, args...)...)
		if code != 0 {
			t.Fatalf("check %v: exit %d: %s", args, code, stderr)
		}
		line, _, _ := strings.Cut(out, "\n")
		return line
	}
	deployed := headline("--stack-config", stack)
	gated := headline("--stack-spec", stack)
	alone := headline(specPath)
	if gated != deployed {
		t.Errorf("--stack-spec prices %q, the deploy gate %q", gated, deployed)
	}
	if alone == deployed {
		t.Errorf("the router is not priced on the stack at all: %q", deployed)
	}
	// diff prices both sides for the stack's deployment too: the decided
	// cost it reports is the one check gates.
	for _, flag := range []string{"--stack-config", "--stack-spec"} {
		code, out, stderr := runCLI("diff", specPath, specPath, flag, stack, "--as-of", "2026-11-26", "--format", "json")
		if code != 0 {
			t.Fatalf("diff %s: exit %d: %s", flag, code, stderr)
		}
		var d struct {
			Decision struct {
				BaseUSD float64 `json:"base_usd"`
				HeadUSD float64 `json:"head_usd"`
			} `json:"decision"`
		}
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		want := units.USD(d.Decision.HeadUSD).Whole()
		if !strings.Contains(deployed, want) || d.Decision.BaseUSD != d.Decision.HeadUSD {
			t.Errorf("diff %s: base %v, head %v (%s); check prices the stack at %q", flag, d.Decision.BaseUSD, d.Decision.HeadUSD, want, deployed)
		}
	}
}

// TestStackSpecGatesTheStacksResources: the pull request's gate previews a
// --stack-spec stack's resources with that stack's own configuration, as
// the deploy job's gate does. A pull request that only opened the load
// balancer to the world (costgate:allowedCidrs: 0.0.0.0/0) passed it (the
// resources were previewed with the default configuration) and was blocked
// only after the merge, by resources.public_ingress.
func TestStackSpecGatesTheStacksResources(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "research.hcl")
	// testdata/blocked.hcl without its budget: code stays in the network,
	// so only the fleet is allowed, and its resources decide.
	raw, err := os.ReadFile("testdata/blocked.hcl")
	if err != nil {
		t.Fatal(err)
	}
	sp, _, _ := strings.Cut(string(raw), "budget {")
	if err := os.WriteFile(specPath, []byte(sp), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cidrs string
		code  int
	}{
		{"", 0},
		{"  costgate:allowedCidrs: [\"10.0.0.0/8\"]\n", 0},
		{"  costgate:allowedCidrs: [\"0.0.0.0/0\"]\n", 1},
		// Sixty public /8s, within the group's rule quota, each no wider
		// than 10.0.0.0/8: judged one by one they had passed.
		{"  costgate:allowedCidrs: [" + slash8s(1, 60) + "]\n", 1},
		// The same list as /9s, each half as wide: still 2^29 public
		// addresses. And one no CIDR parser reads: refused by the stack's
		// own check (exit 2) before a policy sums anything.
		{"  costgate:allowedCidrs: [" + strings.ReplaceAll(slash8s(1, 60), "/8", "/9") + "]\n", 1},
		{"  costgate:allowedCidrs: [" + slash8s(1, 59) + ", \"61.0.0.0/08\"]\n", 2},
	} {
		stack := filepath.Join(dir, "Pulumi.prod.yaml")
		if err := os.WriteFile(stack, []byte("config:\n  costgate:spec: "+specPath+"\n"+tc.cidrs), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, flag := range []string{"--stack-spec", "--stack-config"} {
			code, out, stderr := runCLI("check", flag, stack, "--as-of", "2026-11-26")
			if code != tc.code {
				t.Errorf("%q: check %s: exit %d, want %d\n%s%s", tc.cidrs, flag, code, tc.code, out, stderr)
			}
			if tc.code == 1 && !strings.Contains(out, "resources.public_ingress") {
				t.Errorf("%q: check %s: no resources.public_ingress:\n%s", tc.cidrs, flag, out)
			}
		}
	}
}

// slash8s lists the IPv4 /8s from.0.0.0/8 to to.0.0.0/8, quoted, for a
// YAML flow sequence.
func slash8s(from, to int) string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%q", fmt.Sprintf("%d.0.0.0/8", i)))
	}
	return strings.Join(out, ", ")
}
