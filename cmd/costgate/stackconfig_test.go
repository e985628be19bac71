package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

func TestPlanWithStackConfig(t *testing.T) {
	stack := filepath.Join("testdata", "stack", "Pulumi.regulated-prod.yaml")
	code, stdout, stderr := runCLI("plan", "--stack-config", stack, "--as-of", "2026-11-27", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, sentinel := range []string{"SENTINEL", "c2VudGluZWwtY2lwaGVydGV4dA"} {
		if strings.Contains(stdout+stderr, sentinel) {
			t.Fatalf("output shows the encrypted value %q", sentinel)
		}
	}
	var ps []plan.Plan
	if err := json.Unmarshal([]byte(stdout), &ps); err != nil {
		var p plan.Plan
		if err2 := json.Unmarshal([]byte(stdout), &p); err2 != nil {
			t.Fatalf("decode plan: %v", err)
		}
		ps = []plan.Plan{p}
	}
	p := ps[0]
	counts := map[string]int{}
	var listener, version map[string]any
	for _, r := range p.Resources {
		counts[r.Type]++
		switch r.Type {
		case "aws:lb/listener:Listener":
			listener = r.Properties
		case "aws:secretsmanager/secretVersion:SecretVersion":
			if strings.HasSuffix(r.Name, "-vllm-api-key") {
				version = r.Properties
			}
		}
	}
	want := map[string]int{
		"aws:ec2/vpc:Vpc":                                   0, // costgate:vpcId
		"aws:ec2/natGateway:NatGateway":                     0,
		"aws:ecr/pullThroughCacheRule:PullThroughCacheRule": 1, // costgate:dockerHubCredentials
		"aws:cloudwatch/eventRule:EventRule":                1, // costgate:alarmTopicArn
	}
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%d × %s, want %d", counts[typ], typ, n)
		}
	}
	if listener["protocol"] != "HTTPS" {
		t.Errorf("listener %v, want HTTPS from costgate:certificateArn", listener)
	}
	if version["secretString"] != "[secret]" {
		t.Errorf("configured vLLM key previewed as %v, want [secret]", version["secretString"])
	}
	for _, o := range p.Options {
		for _, it := range o.LineItems {
			if strings.HasPrefix(it.Name, "NAT gateway") {
				t.Errorf("%s prices %q, but the stack uses an existing VPC", o.Architecture, it.Name)
			}
		}
	}
}

func TestPlanStackConfigErrors(t *testing.T) {
	runCases(t, []cliCase{
		{name: "no spec", args: []string{"plan"}, want: 2, wantStderr: "a SPEC, or --stack-config"},
		{name: "missing file", args: []string{"plan", "--stack-config", "testdata/stack/none.yaml"}, want: 2, wantStderr: "none.yaml"},
		{name: "stack without a spec", args: []string{"plan", "--stack-config", "testdata/stack/Pulumi.no-spec.yaml"}, want: 2,
			wantStderr: "Pulumi.no-spec.yaml: costgate:spec is not set"},
		{name: "stack without a spec, SPEC given", args: []string{"plan", "../../examples/regulated.hcl", "--stack-config", "testdata/stack/Pulumi.no-spec.yaml", "--as-of", "2026-11-27"}, want: 0,
			wantStdout: "regulated"},
		// regulated's team works in UTC: a fleet scheduled in Berlin's
		// working day would not be the one the plan prices.
		{name: "stack zone other than the team's", args: []string{"plan", "../../examples/regulated.hcl", "--stack-config", "testdata/stack/Pulumi.berlin.yaml", "--as-of", "2026-11-27"}, want: 2,
			wantStderr: `costgate:timeZone "Europe/Berlin" differs from the spec's team.timezone "Etc/UTC"`},
		{name: "plain secret and typo", args: []string{"plan", "--stack-config", "testdata/stack/Pulumi.plain-secret.yaml"}, want: 2,
			wantStderr: "Pulumi.plain-secret.yaml:3: costgate:hfToken: must be set with --secret"},
		{name: "VPC range not private", args: []string{"plan", "--stack-config", "testdata/stack/Pulumi.bad-cidr.yaml", "--as-of", "2026-11-27"}, want: 2,
			wantStderr: `found 1 problem(s); no resource was changed
  - costgate:vpcCidr "100.64.0.0/16" is not a private range`},
	})
	_, _, stderr := runCLI("plan", "--stack-config", "testdata/stack/Pulumi.plain-secret.yaml")
	if strings.Contains(stderr, "hf_plaintext_token") {
		t.Error("error output shows the plain secret")
	}
	if !strings.Contains(stderr, "costgate:vpcIdd: unknown key") {
		t.Errorf("stderr does not name the unknown key:\n%s", stderr)
	}
}
