package stacks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// planDate fixes the plans' date so prices and overrides do not drift.
var planDate = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

var (
	plansMu sync.Mutex
	plans   = map[string]*plan.Plan{}
)

// examplePlan builds examples/NAME.hcl once per test binary.
func examplePlan(t *testing.T, name string) *plan.Plan {
	t.Helper()
	plansMu.Lock()
	defer plansMu.Unlock()
	if p, ok := plans[name]; ok {
		return clonePlan(t, p)
	}
	p, diags, err := plan.BuildFile(context.Background(), filepath.Join("..", "examples", name+".hcl"), plan.Options{AsOf: planDate})
	if err != nil || diags.HasErrors() {
		t.Fatalf("build %s: %v %v", name, err, diags)
	}
	plans[name] = p
	return clonePlan(t, p)
}

// clonePlan gives each test its own copy to change.
func clonePlan(t *testing.T, p *plan.Plan) *plan.Plan {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out plan.Plan
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// run deploys p under mocks and returns the recorded resources and the
// resolved stack outputs.
func run(t *testing.T, p *plan.Plan, cfg Config) ([]plan.Resource, map[string]any, error) {
	t.Helper()
	rec := &recorder{}
	outputs := map[string]any{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		out, err := deploy(ctx, p, cfg)
		if err != nil {
			return err
		}
		for k, v := range out {
			wg.Add(1)
			pulumi.All(v).ApplyT(func(vs []any) error {
				mu.Lock()
				outputs[k] = vs[0]
				mu.Unlock()
				wg.Done()
				return nil
			})
		}
		return nil
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	if err == nil {
		wg.Wait()
	}
	return rec.sorted(), outputs, err
}

func countTypes(rs []plan.Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Type]++
	}
	return out
}

func ofType(rs []plan.Resource, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func one(t *testing.T, rs []plan.Resource, typ string) plan.Resource {
	t.Helper()
	got := ofType(rs, typ)
	if len(got) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(got), typ)
	}
	return got[0]
}

// secretARN is the mock ARN of a recorded secret.
func secretARN(name string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", previewRegion, previewAccount, name)
}

type statement struct {
	Sid       string
	Effect    string
	Action    []string
	Resource  []string
	Condition map[string]map[string][]string `json:",omitempty"`
}

func statements(t *testing.T, r plan.Resource) []statement {
	t.Helper()
	raw, ok := r.Properties["policy"].(string)
	if !ok {
		t.Fatalf("%s has policy %v, want a JSON string", r.Name, r.Properties["policy"])
	}
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatalf("policy of %s: %v", r.Name, err)
	}
	return doc.Statement
}

func TestDeployExamples(t *testing.T) {
	keys := map[string]pulumi.StringInput{
		"openai":    pulumi.String("sk-openai"),
		"anthropic": pulumi.String("sk-ant"),
	}
	tests := []struct {
		name     string
		decision architecture.Name
		cfg      Config
		counts   map[string]int
	}{
		{
			name: "regulated", decision: architecture.SelfHosted,
			counts: map[string]int{
				SelfHostedInferenceType:                             1,
				"aws:ec2/vpc:Vpc":                                   1,
				"aws:ec2/subnet:Subnet":                             4,
				"aws:ec2/natGateway:NatGateway":                     1,
				"aws:ec2/securityGroup:SecurityGroup":               2,
				"aws:ec2/launchTemplate:LaunchTemplate":             1,
				"aws:autoscaling/group:Group":                       1,
				"aws:autoscaling/lifecycleHook:LifecycleHook":       1,
				"aws:sns/topic:Topic":                               1,
				"aws:autoscaling/schedule:Schedule":                 2,
				"aws:autoscaling/policy:Policy":                     0, // the schedules size it: the plan bills nothing else
				"aws:lb/loadBalancer:LoadBalancer":                  1,
				"aws:lb/targetGroup:TargetGroup":                    1,
				"aws:lb/listener:Listener":                          1,
				"aws:cloudwatch/metricAlarm:MetricAlarm":            4,
				"aws:secretsmanager/secret:Secret":                  1,
				"aws:secretsmanager/secretVersion:SecretVersion":    1,
				"aws:iam/role:Role":                                 1,
				"aws:iam/rolePolicy:RolePolicy":                     3, // secrets; lifecycle hook; weights mirror
				"aws:s3/bucketV2:BucketV2":                          1,
				"aws:ec2/vpcEndpoint:VpcEndpoint":                   1, // S3 gateway
				"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
				"aws:iam/instanceProfile:InstanceProfile":           1,
				"aws:budgets/budget:Budget":                         1,
			},
		},
		{
			name: "company-50", decision: architecture.Managed,
			cfg: Config{ProviderKeys: map[string]pulumi.StringInput{"openai": keys["openai"]}},
			counts: map[string]int{
				ManagedGatewayType:                               1,
				"aws:secretsmanager/secret:Secret":               1,
				"aws:secretsmanager/secretVersion:SecretVersion": 1,
				"aws:iam/role:Role":                              1,
				"aws:iam/rolePolicy:RolePolicy":                  1,
				"aws:budgets/budget:Budget":                      1,
			},
		},
		{
			name: "enterprise-hybrid", decision: architecture.Hybrid,
			cfg: Config{
				ProviderKeys:       map[string]pulumi.StringInput{"anthropic": keys["anthropic"]},
				ConsumerPrincipals: []string{"arn:aws:iam::123456789012:role/litellm"},
				VLLMAPIKey:         pulumi.String("vllm-key"),
				VPCID:              "vpc-existing",
				SubnetIDs:          []string{"subnet-a", "subnet-b"},
				CertificateARN:     "arn:aws:acm:us-east-1:123456789012:certificate/abc",
				DNSName:            "llm.acme.example",
			},
			counts: map[string]int{
				SelfHostedInferenceType:                          1,
				ManagedGatewayType:                               1,
				"aws:ec2/vpc:Vpc":                                0,
				"aws:ec2/securityGroup:SecurityGroup":            2,
				"aws:ec2/launchTemplate:LaunchTemplate":          1,
				"aws:autoscaling/schedule:Schedule":              0, // one p5.48xlarge is baseline and peak: nothing to schedule
				"aws:autoscaling/policy:Policy":                  0, // nor to scale on load
				"aws:secretsmanager/secret:Secret":               2,
				"aws:secretsmanager/secretVersion:SecretVersion": 2,
				"aws:iam/role:Role":                              2,
				"aws:iam/rolePolicy:RolePolicy":                  4,
				"aws:s3/bucketV2:BucketV2":                       1,
				"aws:ec2/vpcEndpoint:VpcEndpoint":                0, // the given VPC's to add
				"aws:budgets/budget:Budget":                      1,
				"aws:ssm/parameter:Parameter":                    1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, tt.name)
			if p.Decision.Architecture != tt.decision {
				t.Fatalf("example decides %s, want %s", p.Decision.Architecture, tt.decision)
			}
			rs, outs, err := run(t, p, tt.cfg)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			got := countTypes(rs)
			for typ, want := range tt.counts {
				if got[typ] != want {
					t.Errorf("%d resources of %s, want %d", got[typ], typ, want)
				}
			}
			opt := p.Chosen()
			checkOutputs(t, p, opt, outs)
			checkBudgetAlerts(t, p, rs)
			checkSecretsHidden(t, rs)
			checkTags(t, rs, p.Inputs.CostCenter)
			if opt.Sizing != nil {
				checkFleet(t, rs, opt, tt.cfg)
			}
			if opt.Architecture != architecture.SelfHosted {
				checkGateway(t, rs, opt, tt.cfg)
			}
			if opt.Architecture == architecture.Hybrid {
				checkRouting(t, rs, opt, outs)
			}
			checkResourcePolicies(t, rs)
		})
	}
}

func checkOutputs(t *testing.T, p *plan.Plan, opt *plan.Option, outs map[string]any) {
	t.Helper()
	want := map[string]any{
		"decision":           string(p.Decision.Architecture),
		"monthlyUsdLow":      opt.MonthlyUSD.Low,
		"monthlyUsdExpected": opt.MonthlyUSD.Expected,
		"monthlyUsdHigh":     opt.MonthlyUSD.High,
		"cashUsdLow":         opt.CashUSD.Low,
		"cashUsdExpected":    opt.CashUSD.Expected,
		"cashUsdHigh":        opt.CashUSD.High,
	}
	be := -1
	if p.Breakeven.Developers != nil {
		be = *p.Breakeven.Developers
	}
	want["breakevenDevelopers"] = be
	for k, v := range want {
		if diff := cmp.Diff(v, outs[k]); diff != "" {
			t.Errorf("output %s (-want +got):\n%s", k, diff)
		}
	}
	switch opt.Architecture {
	case architecture.SelfHosted, architecture.Hybrid:
		ep, _ := outs["endpoint"].(string)
		if !strings.HasSuffix(ep, ".elb.amazonaws.com/v1") && !strings.HasSuffix(ep, ".example/v1") {
			t.Errorf("endpoint = %q, want the load balancer's /v1 URL", ep)
		}
		if arn, _ := outs["apiKeySecretArn"].(string); !strings.HasPrefix(arn, "arn:aws:secretsmanager:") {
			t.Errorf("apiKeySecretArn = %q", arn)
		}
	}
	if opt.Architecture != architecture.SelfHosted {
		if arn, _ := outs["gatewayRoleArn"].(string); !strings.HasPrefix(arn, "arn:aws:iam::") {
			t.Errorf("gatewayRoleArn = %q", arn)
		}
	}
	if name, _ := outs["budgetName"].(string); name == "" {
		t.Errorf("budgetName is empty")
	}
	for k, v := range outs {
		if s, ok := v.(string); ok && (strings.Contains(s, "sk-") || strings.Contains(s, "vllm-key")) {
			t.Errorf("output %s holds a secret value: %q", k, s)
		}
	}
}

func checkTags(t *testing.T, rs []plan.Resource, cc string) {
	t.Helper()
	for _, r := range rs {
		tags, ok := r.Properties["tags"].(map[string]any)
		if !ok {
			continue
		}
		if tags[CostCenterTag] != cc {
			t.Errorf("%s %s has cost_center %v, want %q", r.Type, r.Name, tags[CostCenterTag], cc)
		}
	}
}

func checkFleet(t *testing.T, rs []plan.Resource, opt *plan.Option, cfg Config) {
	t.Helper()
	s := opt.Sizing
	lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate")
	if got := lt.Properties["instanceType"]; got != s.InstanceType {
		t.Errorf("launch template instance type %v, want %s", got, s.InstanceType)
	}
	if got := lt.Properties["imageId"]; got != previewAMI {
		t.Errorf("image %v, want the AMI from SSM %s", got, previewAMI)
	}
	md, _ := lt.Properties["metadataOptions"].(map[string]any)
	if md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != 1.0 {
		t.Errorf("metadata options %v, want IMDSv2 required with hop limit 1 (the host, not the container)", md)
	}
	bdm, _ := lt.Properties["blockDeviceMappings"].([]any)
	if len(bdm) != 1 {
		t.Fatalf("block device mappings %v", bdm)
	}
	ebs := bdm[0].(map[string]any)["ebs"].(map[string]any)
	vol := inference.VolumeFor(s.WeightsGB)
	if ebs["encrypted"] != "true" || ebs["volumeType"] != "gp3" || ebs["volumeSize"] != float64(vol.GB) ||
		ebs["throughput"] != float64(vol.MiBps) || ebs["iops"] != float64(vol.IOPS) {
		t.Errorf("root volume %v, want encrypted gp3 of %+v", ebs, vol)
	}
	if float64(vol.GB) < 2*s.WeightsGB+100 {
		t.Errorf("root volume %d GB cannot hold the AMI and %.0f GB of weights twice", vol.GB, s.WeightsGB)
	}
	checkVolumePriced(t, opt, vol)
	raw, err := base64.StdEncoding.DecodeString(lt.Properties["userData"].(string))
	if err != nil {
		t.Fatalf("user data is not base64: %v", err)
	}
	ud := string(raw)
	if !strings.Contains(ud, inference.VLLMImage) || !strings.Contains(ud, "--runtime nvidia") {
		t.Errorf("user data does not run %s under the NVIDIA runtime", inference.VLLMImage)
	}
	for _, arg := range s.VLLMArgs {
		if !strings.Contains(ud, arg) {
			t.Errorf("user data lacks vLLM argument %q", arg)
		}
	}
	if key := secretARN(teamOf(rs) + "-vllm-api-key"); !strings.Contains(ud, "--secret-id "+key) {
		t.Errorf("user data does not read the API key %s from Secrets Manager", key)
	}

	asg := one(t, rs, "aws:autoscaling/group:Group")
	floor := s.BaselineInstances
	if s.Schedule == "business_hours" {
		floor = 0
	}
	if asg.Properties["minSize"] != float64(floor) || asg.Properties["maxSize"] != float64(s.PeakInstances) {
		t.Errorf("group min/max %v/%v, want %d/%d", asg.Properties["minSize"], asg.Properties["maxSize"], floor, s.PeakInstances)
	}
	if asg.Properties["healthCheckType"] != "ELB" || asg.Properties["healthCheckGracePeriod"] != float64(ServiceWarmupSeconds) {
		t.Errorf("group health check %v/%v", asg.Properties["healthCheckType"], asg.Properties["healthCheckGracePeriod"])
	}
	if _, ok := asg.Properties["instanceRefresh"].(map[string]any); !ok {
		t.Errorf("group has no instance refresh")
	}
	checkStaysUp(t, rs, s, floor)
	// A scaling policy would run instances the plan does not bill: the
	// plan bills the peak for the working day and the floor outside it.
	if pols := ofType(rs, "aws:autoscaling/policy:Policy"); len(pols) != 0 {
		t.Errorf("%d scaling policies, want none: the schedules alone size the group as the plan bills it", len(pols))
	}
	for _, sch := range ofType(rs, "aws:autoscaling/schedule:Schedule") {
		want := float64(s.PeakInstances)
		if strings.HasSuffix(sch.Name, "business-end") {
			want = float64(floor)
		}
		if sch.Properties["desiredCapacity"] != want {
			t.Errorf("schedule %s desires %v, want %v", sch.Name, sch.Properties["desiredCapacity"], want)
		}
	}

	tg := one(t, rs, "aws:lb/targetGroup:TargetGroup")
	hc := tg.Properties["healthCheck"].(map[string]any)
	if tg.Properties["port"] != float64(inference.VLLMPort) || hc["path"] != "/v1/models" {
		t.Errorf("target group port %v health %v, want %d and /v1/models", tg.Properties["port"], hc["path"], inference.VLLMPort)
	}
	if alb := one(t, rs, "aws:lb/loadBalancer:LoadBalancer"); alb.Properties["internal"] != true {
		t.Errorf("load balancer is not internal")
	}
	listener := one(t, rs, "aws:lb/listener:Listener")
	wantProto, wantPort := "HTTP", 80.0
	if cfg.CertificateARN != "" {
		wantProto, wantPort = "HTTPS", 443.0
	}
	if listener.Properties["protocol"] != wantProto || listener.Properties["port"] != wantPort {
		t.Errorf("listener %v:%v, want %s:%v", listener.Properties["protocol"], listener.Properties["port"], wantProto, wantPort)
	}

	// Security groups: nothing from the internet; instances only from the ALB.
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		for _, in := range sg.Properties["ingress"].([]any) {
			rule := in.(map[string]any)
			cidrs, _ := rule["cidrBlocks"].([]any)
			for _, c := range cidrs {
				if c == "0.0.0.0/0" || c == "::/0" {
					t.Errorf("%s accepts %v", sg.Name, c)
				}
			}
			if strings.HasSuffix(sg.Name, "-instances") {
				groups, _ := rule["securityGroups"].([]any)
				if len(cidrs) != 0 || len(groups) != 1 || rule["fromPort"] != float64(inference.VLLMPort) || rule["toPort"] != float64(inference.VLLMPort) {
					t.Errorf("instance ingress %v, want port %d from the load balancer group only", rule, inference.VLLMPort)
				}
			}
			if strings.HasSuffix(sg.Name, "-alb") && cfg.VPCID != "" {
				if diff := cmp.Diff([]any{"10.0.0.0/16"}, cidrs); diff != "" {
					t.Errorf("load balancer ingress without allowedCidrs should be the VPC CIDR (-want +got):\n%s", diff)
				}
			}
		}
	}

	// The instance role reads exactly its own secrets.
	var secrets []string
	for _, sec := range ofType(rs, "aws:secretsmanager/secret:Secret") {
		if strings.HasSuffix(sec.Name, "-vllm-api-key") || strings.HasSuffix(sec.Name, "-hf-token") {
			secrets = append(secrets, secretARN(sec.Name))
		}
	}
	sort.Strings(secrets)
	for _, rp := range ofType(rs, "aws:iam/rolePolicy:RolePolicy") {
		if !strings.HasSuffix(rp.Name, "-read-secrets") {
			continue
		}
		st := statements(t, rp)
		got := append([]string(nil), st[0].Resource...)
		sort.Strings(got)
		if len(st) != 1 || st[0].Effect != "Allow" ||
			!cmp.Equal(st[0].Action, []string{"secretsmanager:GetSecretValue"}) || !cmp.Equal(got, secrets) {
			t.Errorf("instance policy %+v, want GetSecretValue on exactly %v", st, secrets)
		}
	}
}

func checkGateway(t *testing.T, rs []plan.Resource, opt *plan.Option, cfg Config) {
	t.Helper()
	providers, bedrockIDs, err := managedNeeds(opt.Routes, modelcatalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, p := range providers {
		secrets = append(secrets, secretARN(teamOf(rs)+"-"+p+"-api-key"))
	}
	var want []statement
	if len(secrets) > 0 {
		want = append(want, statement{Sid: "ReadProviderKeys", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: secrets})
	}
	if len(bedrockIDs) > 0 {
		// The team's application inference profiles, one per model; the
		// models and system profiles only through them.
		var profiles []string
		for _, id := range bedrockIDs {
			profiles = append(profiles, fmt.Sprintf("arn:aws:bedrock:%s:%s:application-inference-profile/%s",
				previewRegion, previewAccount, InferenceProfileName(PreviewStack, teamOf(rs), id)))
		}
		want = append(want, statement{Sid: "InvokeChosenModelsThroughTeamProfiles", Effect: "Allow", Action: BedrockActions,
			Resource:  BedrockModelARNs(modelcatalog.Default(), "aws", previewRegion, previewAccount, bedrockIDs),
			Condition: map[string]map[string][]string{"StringEquals": {"bedrock:InferenceProfileArn": profiles}}})
		want = append(want, statement{Sid: "InvokeTeamProfiles", Effect: "Allow", Action: BedrockActions, Resource: profiles})
	}
	rp := ofType(rs, "aws:iam/rolePolicy:RolePolicy")
	var gw []plan.Resource
	for _, r := range rp {
		if strings.HasSuffix(r.Name, "-gateway") {
			gw = append(gw, r)
		}
	}
	if len(gw) != 1 {
		t.Fatalf("%d gateway policies, want 1", len(gw))
	}
	if diff := cmp.Diff(want, statements(t, gw[0])); diff != "" {
		t.Errorf("gateway policy (-want +got):\n%s", diff)
	}
	for _, r := range ofType(rs, "aws:iam/role:Role") {
		if !strings.HasSuffix(r.Name, "-gateway") {
			continue
		}
		var doc struct {
			Statement []struct{ Principal struct{ AWS []string } }
		}
		if err := json.Unmarshal([]byte(r.Properties["assumeRolePolicy"].(string)), &doc); err != nil {
			t.Fatal(err)
		}
		wantP := cfg.ConsumerPrincipals
		if len(wantP) == 0 {
			wantP = []string{"arn:aws:iam::" + previewAccount + ":root"}
		}
		if diff := cmp.Diff(wantP, doc.Statement[0].Principal.AWS); diff != "" {
			t.Errorf("gateway trust (-want +got):\n%s", diff)
		}
	}
	b := one(t, rs, "aws:budgets/budget:Budget")
	filters := b.Properties["costFilters"].([]any)
	wantFilter := map[string]any{"name": "TagKeyValue", "values": []any{"user:cost_center$" + teamCostCenter(rs)}}
	if diff := cmp.Diff([]any{wantFilter}, filters); diff != "" {
		t.Errorf("budget filter (-want +got):\n%s", diff)
	}
}

func checkRouting(t *testing.T, rs []plan.Resource, opt *plan.Option, outs map[string]any) {
	t.Helper()
	param := one(t, rs, "aws:ssm/parameter:Parameter")
	var rows []RouteEntry
	if err := json.Unmarshal([]byte(param.Properties["insecureValue"].(string)), &rows); err != nil {
		t.Fatalf("routing table: %v", err)
	}
	if len(rows) != len(opt.Routes) {
		t.Fatalf("routing table has %d rows, want %d", len(rows), len(opt.Routes))
	}
	for i, r := range opt.Routes {
		got := rows[i]
		if got.Workload != r.Workload || got.Model != r.Model || got.ServedBy != r.ServedBy {
			t.Errorf("route %d = %+v, want %s → %s (%s)", i, got, r.Workload, r.Model, r.ServedBy)
		}
		if (got.Endpoint != "") != (r.ServedBy == architecture.SelfHosted) {
			t.Errorf("route %s endpoint %q", r.Workload, got.Endpoint)
		}
		if !cmp.Equal(got.MaxTTFTMs, r.MaxTTFTMs) {
			t.Errorf("route %s latency target %v, want %v", r.Workload, got.MaxTTFTMs, r.MaxTTFTMs)
		}
	}
	var ml struct {
		ModelList []litellmEntry `json:"model_list"`
	}
	if err := json.Unmarshal([]byte(outs["litellmModelList"].(string)), &ml); err != nil {
		t.Fatalf("LiteLLM model list: %v", err)
	}
	if len(ml.ModelList) != len(opt.Routes) {
		t.Fatalf("model list has %d entries, want %d", len(ml.ModelList), len(opt.Routes))
	}
	for _, e := range ml.ModelList {
		if strings.HasPrefix(e.LiteLLMParams["model"], "hosted_vllm/") && e.LiteLLMParams["api_base"] != outs["endpoint"] {
			t.Errorf("self-hosted entry %s api_base %q, want the endpoint", e.ModelName, e.LiteLLMParams["api_base"])
		}
		if k := e.LiteLLMParams["api_key"]; k != "" && !strings.HasPrefix(k, "os.environ/") {
			t.Errorf("entry %s carries a key value", e.ModelName)
		}
	}
}

// checkResourcePolicies evaluates the built-in resource policies on every
// recorded resource: the program's own resources must pass them.
func checkResourcePolicies(t *testing.T, rs []plan.Resource) {
	t.Helper()
	en := resourceEngine(t)
	for _, r := range rs {
		res, err := en.EvaluateResource(context.Background(), PolicyInput(r))
		if err != nil {
			t.Fatalf("evaluate %s: %v", r.Name, err)
		}
		for _, f := range res.Deny {
			t.Errorf("%s %s denied by %s: %s", r.Type, r.Name, f.Policy, f.Message)
		}
	}
}

var (
	engineOnce sync.Once
	engine     *policies.Engine
	engineErr  error
)

var builtinEvaluator = sync.OnceValues(func() (plan.Evaluator, error) { return plan.NewPolicies() })

// evaluator is the built-in policies behind plan.Evaluator, as the CLI
// and the program use them.
func evaluator(t *testing.T) plan.Evaluator {
	t.Helper()
	ev, err := builtinEvaluator()
	if err != nil {
		t.Fatalf("load policies: %v", err)
	}
	return ev
}

func resourceEngine(t *testing.T) *policies.Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = policies.New(policies.Options{}) })
	if engineErr != nil {
		t.Fatalf("load policies: %v", engineErr)
	}
	return engine
}

func TestResourcePoliciesDenyBrokenResources(t *testing.T) {
	// The same policies the program passes must catch the mistakes they
	// exist for, in the shape PolicyInput builds.
	en := resourceEngine(t)
	tests := []struct {
		name string
		r    plan.Resource
		want string
	}{
		{"public ingress", plan.Resource{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "sg", Properties: map[string]any{
			"tags":    map[string]any{"cost_center": "x"},
			"ingress": []any{map[string]any{"fromPort": 8000.0, "toPort": 8000.0, "protocol": "tcp", "cidrBlocks": []any{"0.0.0.0/0"}}},
		}}, "resources.public_ingress"},
		{"imdsv1", plan.Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "lt", Properties: map[string]any{
			"metadataOptions": map[string]any{"httpTokens": "optional"},
		}}, "resources.imdsv2"},
		{"plain secret", plan.Resource{Type: "aws:secretsmanager/secretVersion:SecretVersion", Name: "v", Properties: map[string]any{
			"secretString": "sk-live",
		}}, "resources.plaintext_secret"},
		{"untagged", plan.Resource{Type: "aws:secretsmanager/secret:Secret", Name: "s", Properties: map[string]any{}}, "resources.cost_center_tag"},
		{"wildcard", plan.Resource{Type: "aws:iam/rolePolicy:RolePolicy", Name: "p", Properties: map[string]any{
			"policy": `{"Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}`,
		}}, "resources.iam_wildcard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := en.EvaluateResource(context.Background(), PolicyInput(tt.r))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range res.Deny {
				found = found || f.Policy == tt.want
			}
			if !found {
				t.Errorf("denies %+v, want one from %s", res.Deny, tt.want)
			}
		})
	}
}

func TestResourceRegoTests(t *testing.T) {
	results, err := policies.RunTests(context.Background())
	if err != nil {
		t.Fatalf("run Rego tests: %v", err)
	}
	n := 0
	for _, r := range results {
		if !strings.HasPrefix(r.Name, "data.costgate.resources.") {
			continue
		}
		n++
		if !r.Passed() {
			t.Error(r.String())
		}
	}
	if n < 30 {
		t.Errorf("%d resource policy tests ran, want at least 30", n)
	}
}

func TestBlockedPlanRegistersNothing(t *testing.T) {
	p, diags, err := plan.BuildFile(context.Background(), filepath.Join("testdata", "blocked.hcl"), plan.Options{AsOf: planDate})
	if err != nil || diags.HasErrors() {
		t.Fatalf("build: %v %v", err, diags)
	}
	if p.Decision.Architecture != architecture.Blocked {
		t.Fatalf("example decides %s, want blocked", p.Decision.Architecture)
	}
	rs, _, err := run(t, p, Config{})
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("deploy error %v, want a BlockedError", err)
	}
	if len(rs) != 0 {
		t.Errorf("%d resources registered, want none", len(rs))
	}
	for _, o := range p.Options {
		for _, v := range o.Violations {
			if !strings.Contains(err.Error(), v.Policy) || !strings.Contains(err.Error(), v.Message) {
				t.Errorf("error does not name %s: %s", v.Policy, v.Message)
			}
		}
	}
	got, err := Preview(p, Config{})
	if err != nil || len(got) != 0 {
		t.Errorf("Preview of a blocked plan = %d resources, %v; want none, nil", len(got), err)
	}
}

func TestPreviewDeterministicAndFast(t *testing.T) {
	for _, name := range []string{"regulated", "company-50", "enterprise-hybrid"} {
		t.Run(name, func(t *testing.T) {
			p := examplePlan(t, name)
			start := time.Now()
			first, err := Preview(p, Config{})
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d resources in %v", len(first), elapsed)
			// Generous under -race; the contract is < 50 ms in a normal build.
			if elapsed > 2*time.Second {
				t.Errorf("preview took %v", elapsed)
			}
			a, _ := json.Marshal(first)
			for i := 0; i < 3; i++ {
				again, err := Preview(p, Config{})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(again)
				if string(a) != string(b) {
					t.Fatalf("preview differs between runs:\n%s", cmp.Diff(string(a), string(b)))
				}
			}
			for i := 1; i < len(first); i++ {
				x, y := first[i-1], first[i]
				if x.Type > y.Type || (x.Type == y.Type && x.Name >= y.Name) {
					t.Errorf("resources out of order at %d: %s %s, %s %s", i, x.Type, x.Name, y.Type, y.Name)
				}
			}
			comps := 0
			for _, r := range first {
				if strings.HasPrefix(r.Type, "costgate:stacks:") {
					comps++
				}
			}
			if comps == 0 {
				t.Errorf("preview lists no component")
			}
		})
	}
}

func TestPreviewGeneratedKeyIsSecret(t *testing.T) {
	rs, err := Preview(examplePlan(t, "regulated"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	v := one(t, rs, "aws:secretsmanager/secretVersion:SecretVersion")
	if v.Properties["secretString"] != Secret {
		t.Errorf("generated key recorded as %v, want %q", v.Properties["secretString"], Secret)
	}
}

func teamOf(rs []plan.Resource) string {
	for _, r := range rs {
		if strings.HasPrefix(r.Type, "costgate:stacks:") {
			return r.Name
		}
	}
	return ""
}

func teamCostCenter(rs []plan.Resource) string {
	for _, r := range rs {
		if tags, ok := r.Properties["tags"].(map[string]any); ok {
			if cc, ok := tags[CostCenterTag].(string); ok {
				return cc
			}
		}
	}
	return ""
}

// checkBudgetAlerts: ACTUAL 80 % and 100 %, FORECASTED 100 %, and an
// ACTUAL alert at the spec's approval threshold when it sits under the limit.
func checkBudgetAlerts(t *testing.T, p *plan.Plan, rs []plan.Resource) {
	t.Helper()
	b := one(t, rs, "aws:budgets/budget:Budget")
	var got []string
	for _, n := range b.Properties["notifications"].([]any) {
		m := n.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", m["notificationType"], m["threshold"], m["thresholdType"]))
	}
	want := []string{"ACTUAL 80 PERCENTAGE", "ACTUAL 100 PERCENTAGE", "FORECASTED 100 PERCENTAGE"}
	bud := p.Inputs.Budget
	if len(bud.AlertEmails) == 0 {
		want = nil
	} else if bud.ApprovalAboveUSD != nil && (bud.MonthlyLimitUSD == nil || *bud.ApprovalAboveUSD < *bud.MonthlyLimitUSD) {
		want = append(want, fmt.Sprintf("ACTUAL %v ABSOLUTE_VALUE", *bud.ApprovalAboveUSD))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("budget notifications (-want +got):\n%s", diff)
	}
}
