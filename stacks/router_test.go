package stacks

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
)

func TestRouterOnFargateWithKeysFromSecretsManager(t *testing.T) {
	p := examplePlan(t, "enterprise-hybrid")
	cfg := Config{DeployGateway: true, ProviderKeys: nil, AlarmTopicARN: "arn:aws:sns:us-east-1:123456789012:ops"}
	rs, outs, err := run(t, p, cfg)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	got := countTypes(rs)
	for typ, n := range map[string]int{
		RouterType:                               1,
		"aws:ecs/cluster:Cluster":                1,
		"aws:ecs/service:Service":                1,
		"aws:ecs/taskDefinition:TaskDefinition":  1,
		"aws:cloudwatch/logGroup:LogGroup":       1,
		"aws:lb/listener:Listener":               2,
		"aws:lb/targetGroup:TargetGroup":         2,
		"aws:cloudwatch/metricAlarm:MetricAlarm": 5,
	} {
		if got[typ] != n {
			t.Errorf("%d × %s, want %d", got[typ], typ, n)
		}
	}
	var defs []struct {
		Environment []struct{ Name, Value string }
		Secrets     []struct{ Name, ValueFrom string }
	}
	td := one(t, rs, "aws:ecs/taskDefinition:TaskDefinition")
	if err := json.Unmarshal([]byte(td.Properties["containerDefinitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || len(defs[0].Environment) != 1 || defs[0].Environment[0].Name != "LITELLM_CONFIG" {
		t.Fatalf("container environment %+v, want only the config", defs)
	}
	fromSecrets := map[string]bool{}
	for _, s := range defs[0].Secrets {
		if !strings.HasPrefix(s.ValueFrom, "arn:aws:secretsmanager:") {
			t.Errorf("%s comes from %q, want a Secrets Manager ARN", s.Name, s.ValueFrom)
		}
		fromSecrets[s.Name] = true
	}
	config := defs[0].Environment[0].Value
	for _, m := range regexp.MustCompile(`os\.environ/([A-Z0-9_]+)`).FindAllStringSubmatch(config, -1) {
		if !fromSecrets[m[1]] {
			t.Errorf("the model list reads %s, which the task definition does not inject", m[1])
		}
	}
	if !fromSecrets["LITELLM_MASTER_KEY"] || strings.Contains(config, "vllm-key") || strings.Contains(config, "generated-at-deploy") {
		t.Errorf("master key not injected, or a key in the config:\n%s", config)
	}
	if url, _ := outs["routerUrl"].(string); !strings.HasSuffix(url, ":4000/v1") {
		t.Errorf("routerUrl = %q", outs["routerUrl"])
	}
	opened := false
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if !strings.HasSuffix(sg.Name, "-alb") {
			continue
		}
		for _, in := range sg.Properties["ingress"].([]any) {
			if in.(map[string]any)["fromPort"] == float64(RouterListenerPort) {
				opened = true
			}
		}
	}
	if !opened {
		t.Error("the load balancer does not accept the router's listener port")
	}
	checkSecretsHidden(t, rs)
	checkTags(t, rs, p.Inputs.CostCenter)
	checkResourcePolicies(t, rs)
}

func TestRouterPricedOnlyWhenDeployed(t *testing.T) {
	spec := filepath.Join("..", "examples", "enterprise-hybrid.hcl")
	routerItem := func(cfg Config) (bool, float64) {
		cfg.SpecPath = spec
		p, err := buildPlan(context.Background(), cfg, planDate)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Options {
			if o.Architecture != architecture.Hybrid {
				continue
			}
			for _, it := range o.LineItems {
				if strings.HasPrefix(it.Name, "LiteLLM router") {
					return true, o.MonthlyUSD.Expected
				}
			}
			return false, o.MonthlyUSD.Expected
		}
		t.Fatal("no hybrid option")
		return false, 0
	}
	on, usdOn := routerItem(Config{DeployGateway: true})
	off, usdOff := routerItem(Config{})
	if !on || off {
		t.Errorf("router line item with deployGateway %v, without %v", on, off)
	}
	if d := usdOn - usdOff; d < 36.5 || d > 36.6 {
		t.Errorf("the router adds $%.2f a month, want $36.54", d)
	}
}

func TestDeployGatewayNeedsAFleet(t *testing.T) {
	_, _, err := run(t, examplePlan(t, "company-50"), Config{DeployGateway: true})
	if err == nil || !strings.Contains(err.Error(), "deployGateway") {
		t.Errorf("managed decision with deployGateway: %v", err)
	}
}

func TestStackFileDeployGateway(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  bool
		err   bool
	}{{"true", true, false}, {"false", false, false}, {"yes", false, true}} {
		path := filepath.Join(t.TempDir(), "Pulumi.s.yaml")
		text := "config:\n  costgate:spec: s.hcl\n  costgate:deployGateway: " + tt.value + "\n"
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		if (err != nil) != tt.err || cfg.DeployGateway != tt.want {
			t.Errorf("deployGateway: %s gives %v, %v", tt.value, cfg.DeployGateway, err)
		}
	}
}
