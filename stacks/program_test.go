package stacks

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// setConfig sets the stack configuration the way the Pulumi engine passes
// it to a program.
func setConfig(t *testing.T, cfg map[string]string, secret ...string) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := json.Marshal(secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(b))
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", string(s))
	t.Setenv("PULUMI_ROOT_DIRECTORY", "..")
}

// fixedDatePlanner plans like BuildPlan, on the tests' fixed date.
func fixedDatePlanner(ctx context.Context, cfg Config) (*plan.Plan, error) {
	return buildPlan(ctx, cfg, planDate)
}

func runProgram(fn pulumi.RunFunc) ([]plan.Resource, error) {
	return runProgramIn("", fn)
}

// runProgramIn runs the program with a provider deploying to region
// (the mock's getRegion; us-east-1 when empty).
func runProgramIn(region string, fn pulumi.RunFunc) ([]plan.Resource, error) {
	rec := &recorder{region: region}
	err := pulumi.RunErr(fn, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	return rec.sorted(), err
}

func TestProgram(t *testing.T) {
	tests := []struct {
		name    string
		program pulumi.RunFunc
		config  map[string]string
		secret  []string
		wantErr string
		check   func(t *testing.T, rs []plan.Resource)
	}{
		{
			name:    "self-hosted spec with config",
			program: Program,
			config: map[string]string{
				"costgate:spec":         "examples/regulated.hcl",
				"costgate:vllmApiKey":   "configured-key",
				"costgate:allowedCidrs": `["10.1.0.0/16","10.2.0.0/16"]`,
				"costgate:timeZone":     "Etc/UTC", // the spec's UTC, canonical
			},
			secret: []string{"costgate:vllmApiKey"},
			check: func(t *testing.T, rs []plan.Resource) {
				for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
					if !strings.HasSuffix(sg.Name, "-alb") {
						continue
					}
					rule := sg.Properties["ingress"].([]any)[0].(map[string]any)
					if diff := cmp.Diff([]any{"10.1.0.0/16", "10.2.0.0/16"}, rule["cidrBlocks"]); diff != "" {
						t.Errorf("load balancer ingress (-want +got):\n%s", diff)
					}
				}
				for _, s := range ofType(rs, "aws:autoscaling/schedule:Schedule") {
					if s.Properties["timeZone"] != "Etc/UTC" {
						t.Errorf("schedule %s in %v", s.Name, s.Properties["timeZone"])
					}
				}
				if v := one(t, rs, "aws:secretsmanager/secretVersion:SecretVersion"); v.Properties["secretString"] != Secret {
					t.Errorf("configured key recorded as %v", v.Properties["secretString"])
				}
			},
		},
		{
			name:    "blocked spec registers nothing",
			program: NewProgram(fixedDatePlanner),
			config:  map[string]string{"costgate:spec": "stacks/testdata/blocked.hcl"},
			wantErr: "is blocked; no resource was changed",
		},
		{
			name:    "provider keys must be secret",
			program: NewProgram(fixedDatePlanner),
			config: map[string]string{
				"costgate:spec":         "examples/company-50.hcl",
				"costgate:providerKeys": `{"openai":"sk-plain"}`,
			},
			wantErr: "must be set with --secret",
		},
		{
			name:    "the vLLM key must be secret",
			program: NewProgram(fixedDatePlanner),
			config:  map[string]string{"costgate:spec": "examples/regulated.hcl", "costgate:vllmApiKey": "plain-key"},
			wantErr: "costgate:vllmApiKey must be set with --secret",
		},
		{
			name:    "the Hugging Face token must be secret",
			program: NewProgram(fixedDatePlanner),
			config:  map[string]string{"costgate:spec": "examples/regulated.hcl", "costgate:hfToken": "hf_plain"},
			wantErr: "costgate:hfToken must be set with --secret",
		},
		{
			name:    "secret provider keys",
			program: NewProgram(fixedDatePlanner),
			config: map[string]string{
				"costgate:spec":               "examples/company-50.hcl",
				"costgate:providerKeys":       `{"openai":"sk-secret"}`,
				"costgate:consumerPrincipals": `["arn:aws:iam::123456789012:role/gateway-consumer"]`,
			},
			secret: []string{"costgate:providerKeys"},
			check: func(t *testing.T, rs []plan.Resource) {
				v := one(t, rs, "aws:secretsmanager/secretVersion:SecretVersion")
				if v.Properties["secretString"] != Secret {
					t.Errorf("provider key recorded as %v", v.Properties["secretString"])
				}
			},
		},
		{
			name:    "vpc without subnets",
			program: NewProgram(fixedDatePlanner),
			config:  map[string]string{"costgate:spec": "examples/regulated.hcl", "costgate:vpcId": "vpc-1"},
			wantErr: "costgate:vpcId needs costgate:subnetIds",
		},
		{
			name:    "invalid spec",
			program: Program,
			config:  map[string]string{"costgate:spec": "stacks/testdata/missing.hcl"},
			wantErr: "invalid spec",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.config, tt.secret...)
			rs, err := runProgram(tt.program)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if len(rs) != 0 {
					t.Errorf("%d resources registered before the error, want none", len(rs))
				}
				return
			}
			if err != nil {
				t.Fatalf("program: %v", err)
			}
			if len(rs) == 0 {
				t.Fatal("no resources registered")
			}
			tt.check(t, rs)
		})
	}
}

func TestBlockedErrorNamesEveryViolation(t *testing.T) {
	p := &plan.Plan{
		Team:     "acme",
		Decision: plan.Decision{Architecture: architecture.Blocked, Reasons: []string{"no option is allowed"}},
		Options: []plan.Option{
			{Architecture: architecture.Managed, Violations: []plan.Finding{{Policy: "compliance.external_api", Option: "managed", Message: "code may not leave"}}},
			{Architecture: architecture.SelfHosted, Violations: []plan.Finding{{Policy: "spend.limit", Option: "*", Message: "over budget"}}},
		},
	}
	err := Deploy(nil, p, Config{})
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("error %v, want a BlockedError", err)
	}
	want := "costgate: plan for acme is blocked; no resource was changed\n" +
		"  reason: no option is allowed\n" +
		"  managed: compliance.external_api: code may not leave\n" +
		"  self_hosted: spend.limit: over budget"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

func TestBedrockModelARNs(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"global.anthropic.claude-sonnet-4-6", []string{
			"arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-6",
			"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6",
			"arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-6",
		}},
		{"us.anthropic.claude-haiku-5-5", []string{
			"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-5-5",
			"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-5-5",
			"arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-5-5",
		}},
		{"amazon.nova-pro-v1:0", []string{"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got := BedrockModelARNs(modelcatalog.Default(), "aws", "us-east-1", "123456789012", []string{tt.id})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ARNs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	p := examplePlan(t, "enterprise-hybrid")
	lines := Summary(p)
	if len(lines) > 25 {
		t.Errorf("summary has %d lines, want one screen", len(lines))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"decision: hybrid", "p5.48xlarge", "qwen3-coder-30b-a3b", "denied: ", p.Spec} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	for _, o := range p.Options {
		if !strings.Contains(text, string(o.Architecture)) {
			t.Errorf("summary lacks option %s", o.Architecture)
		}
	}
}

// TestProgramNeedsEvidencedOverrides: the program honours an override
// only where the deploy job's approvals file (COSTGATE_APPROVALS) names
// its approver, as the deploy gate does. Without the file nobody
// approved: the gates refused an unevidenced spend.limit override and
// passed the fleet, and the program had deployed the managed option the
// override unlocked, over the team's limit.
func TestProgramNeedsEvidencedOverrides(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join("testdata", "over-limit-override.hcl")
	decide := func(a *plan.Approvals) *plan.Plan {
		t.Helper()
		p, err := buildPlan(context.Background(), Config{SpecPath: specPath, Approvals: a}, planDate)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	unevidenced := decide(nil)
	if unevidenced.Decision.Architecture == architecture.Managed {
		t.Errorf("without approvals the program deploys managed, which spend.limit denies")
	}
	if len(unevidenced.Waivers) != 1 || unevidenced.Waivers[0].Active() {
		t.Errorf("without approvals the override is not refused: %+v", unevidenced.Waivers)
	}
	approved := decide(&plan.Approvals{ApprovedBy: []string{"@cfo"}})
	if approved.Decision.Architecture != architecture.Managed {
		t.Errorf("with @cfo's approval: %s, want managed (the override waives spend.limit)", approved.Decision.Architecture)
	}
	// A later deploy, approved by another: the deploy gate counted the
	// override as carried from the last deployed commit and wrote it to
	// the gated file, which the program counts too; changed since, it is
	// not the override the gate counted.
	gated := GatedOf(approved)
	if len(gated.Overrides) != 1 {
		t.Fatalf("gated overrides %+v, want the one @cfo approved", gated.Overrides)
	}
	for _, tt := range []struct {
		name   string
		edit   func(*GatedOverride)
		wanted architecture.Name
	}{
		{"the override the gate counted", func(*GatedOverride) {}, architecture.Managed},
		{"another expiry", func(o *GatedOverride) { o.Expires = "2099-01-01" }, unevidenced.Decision.Architecture},
	} {
		g := gated
		g.Overrides = slices.Clone(gated.Overrides)
		tt.edit(&g.Overrides[0])
		p, err := buildPlan(context.Background(), Config{SpecPath: specPath, Approvals: &plan.Approvals{ApprovedBy: []string{"@dana"}}, Gated: &g}, planDate)
		if err != nil {
			t.Fatal(err)
		}
		if p.Decision.Architecture != tt.wanted {
			t.Errorf("%s, approved by @dana: %s, want %s", tt.name, p.Decision.Architecture, tt.wanted)
		}
	}

	// The program reads the file the environment names.
	approvals := filepath.Join(dir, "approvals.json")
	writeFile(t, approvals, `{"approved_by": ["@cfo"]}`)
	setConfig(t, map[string]string{"costgate:spec": specPath})
	t.Setenv("PULUMI_ROOT_DIRECTORY", "")
	t.Setenv(ApprovalsEnv, approvals)
	var got *plan.Approvals
	if _, err := runProgram(func(ctx *pulumi.Context) error {
		cfg, err := ReadConfig(ctx)
		got = cfg.Approvals
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !got.Has("@cfo") {
		t.Errorf("ReadConfig's approvals: %+v", got)
	}
	writeFile(t, approvals, `{"approved_by": "@cfo"}`)
	if _, err := runProgram(func(ctx *pulumi.Context) error { _, err := ReadConfig(ctx); return err }); err == nil || !strings.Contains(err.Error(), ApprovalsEnv) {
		t.Errorf("a malformed approvals file: %v", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestProgramRefusesAnUngatedPlan: with the deploy gate's file
// (COSTGATE_GATED), the program deploys only a plan that deploys what the
// gate passed; another decision, route or fleet is refused before any
// resource is registered, naming both.
func TestProgramRefusesAnUngatedPlan(t *testing.T) {
	cfg := map[string]string{"costgate:spec": "examples/regulated.hcl", "costgate:timeZone": "Etc/UTC"}
	p, err := buildPlan(context.Background(), Config{SpecPath: "../examples/regulated.hcl"}, planDate)
	if err != nil {
		t.Fatal(err)
	}
	same := GatedOf(p)
	if same.Fleet == nil || len(same.Routes) == 0 {
		t.Fatalf("the example deploys no fleet or route: %+v", same)
	}
	otherFleet := same
	fleet := *same.Fleet
	fleet.Instances++
	otherFleet.Fleet = &fleet
	otherRoute := same
	otherRoute.Routes = append([]GatedRoute{}, same.Routes...)
	otherRoute.Routes[0].Model = "claude-opus-4.8"
	otherDecision := same
	otherDecision.Architecture, otherDecision.Fleet = architecture.Managed, nil
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		gated Gated
		want  string
	}{
		{"the same deployment", same, ""},
		{"one instance more", otherFleet, "differs from the one the deploy gate passed"},
		{"another model on a route", otherRoute, "differs from the one the deploy gate passed"},
		{"another decision", otherDecision, `gate passed: {"team":"payments-core","architecture":"managed"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			var b strings.Builder
			if err := WriteGated(&b, tt.gated); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, b.String())
			setConfig(t, cfg)
			t.Setenv(GatedEnv, path)
			rs, err := runProgram(NewProgram(fixedDatePlanner))
			if tt.want == "" {
				if err != nil || len(rs) == 0 {
					t.Fatalf("the gated deployment: %d resources, %v", len(rs), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if len(rs) != 0 {
				t.Errorf("%d resources registered before the refusal", len(rs))
			}
		})
	}
	t.Setenv(GatedEnv, filepath.Join(dir, "missing.json"))
	setConfig(t, cfg)
	if _, err := runProgram(NewProgram(fixedDatePlanner)); err == nil || !strings.Contains(err.Error(), GatedEnv) {
		t.Errorf("a missing gated file: %v", err)
	}
}

// TestProgramPlansInTheStacksRegion: the program's plan is priced and its
// resources previewed in the stack's aws:region, as the gates read it
// from the stack file. Left empty, the program's own resource gate
// previewed in us-east-1 and its preflight refused every fleet of another
// Region. AWS_REGION alone, which the gates cannot see, plans in
// us-east-1 on both sides, and the preflight refuses the spec's
// us-west-2 fleet there.
func TestProgramPlansInTheStacksRegion(t *testing.T) {
	raw, err := os.ReadFile("../examples/regulated.hcl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	specPath := filepath.Join(dir, "west.hcl")
	writeFile(t, specPath, strings.Replace(string(raw), "self_hosted {", "self_hosted {\n  region = \"us-west-2\"", 1))
	for _, tt := range []struct {
		name   string
		config map[string]string
		env    string
	}{
		{"aws:region", map[string]string{"costgate:spec": specPath, "aws:region": "us-west-2", "costgate:timeZone": "Etc/UTC"}, ""},
		{"AWS_REGION alone", map[string]string{"costgate:spec": specPath, "costgate:timeZone": "Etc/UTC"}, "us-west-2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setConfig(t, tt.config)
			t.Setenv("PULUMI_ROOT_DIRECTORY", "")
			t.Setenv("AWS_REGION", tt.env)
			t.Setenv("AWS_DEFAULT_REGION", "")
			var region string
			rs, err := runProgramIn("us-west-2", NewProgram(func(ctx context.Context, cfg Config) (*plan.Plan, error) {
				region = cfg.Region
				return fixedDatePlanner(ctx, cfg)
			}))
			if tt.env != "" {
				if region != "" || err == nil || !strings.Contains(err.Error(), "self_hosted.region is us-west-2") || len(rs) != 0 {
					t.Errorf("region %q, %d resources, err %v", region, len(rs), err)
				}
				return
			}
			if len(rs) == 0 {
				t.Errorf("no resource registered")
			}
			if err != nil || region != "us-west-2" {
				t.Errorf("region %q, err %v", region, err)
			}
		})
	}
}

// TestProgramRecordsTheDeployedCommit: the commit being deployed
// (COSTGATE_COMMIT) is read with the stack's configuration, and anything
// but a commit id is refused before a resource is registered; the
// program deploys with it. (Its export as deployedCommit is a stack
// output, which Pulumi's mocks do not show; ci/workflow_test.go checks
// the deploy job reads it.)
func TestProgramRecordsTheDeployedCommit(t *testing.T) {
	cfg := map[string]string{"costgate:spec": "examples/regulated.hcl", "costgate:timeZone": "Etc/UTC"}
	for _, tt := range []struct{ commit, want string }{
		{"0123456789abcdef0123456789abcdef01234567", ""},
		{"main", "not a commit id"},
		{"0123456789ABCDEF0123456789abcdef01234567", "not a commit id"},
	} {
		setConfig(t, cfg)
		t.Setenv(CommitEnv, tt.commit)
		var got string
		rs, err := runProgram(NewProgram(func(ctx context.Context, c Config) (*plan.Plan, error) {
			got = c.Commit
			return fixedDatePlanner(ctx, c)
		}))
		if tt.want == "" {
			if err != nil || got != tt.commit || len(rs) == 0 {
				t.Errorf("%s: commit %q, %d resources, %v", tt.commit, got, len(rs), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) || len(rs) != 0 {
			t.Errorf("%s: %d resources, %v", tt.commit, len(rs), err)
		}
	}
}
