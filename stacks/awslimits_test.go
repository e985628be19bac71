package stacks

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityGroupPhysicalName is the name EC2 gets for a recorded security
// group: its name, else Pulumi's autoname (the logical name, a hyphen and
// seven random characters).
func securityGroupPhysicalName(props map[string]any, logical string) string {
	if n, ok := props["name"].(string); ok && n != "" {
		return n
	}
	return logical + "-0a1b2c3"
}

// TestSecurityGroupNamesNeverBeginWithSG: CreateSecurityGroup refuses a
// group name beginning with "sg-" (the prefix of group ids), and a team
// label such as "sg-platform", or "sg" itself ("sg-alb"), put it at the
// front of every autonamed group. Other labels keep their autonames, so
// that no deployed group is replaced.
func TestSecurityGroupNamesNeverBeginWithSG(t *testing.T) {
	cfg := Config{DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}}
	for _, tt := range []struct {
		team      string
		autonamed bool
	}{
		{"sg-platform", false},
		{"sg", false},
		{"sg-", false},
		{"sg-" + strings.Repeat("x", 37), false},
		{"sgx", true},
		{"platform-sg-", true},
		{"enterprise-platform", true},
	} {
		t.Run(tt.team, func(t *testing.T) {
			p := examplePlan(t, "enterprise-hybrid")
			p.Team = tt.team
			rs, _, err := run(t, p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			groups := ofType(rs, "aws:ec2/securityGroup:SecurityGroup")
			if len(groups) != 6 {
				t.Fatalf("%d security groups, want the load balancer's, the instances', PrivateLink's, the router's, its tasks' mark and its database's", len(groups))
			}
			seen := map[string]bool{}
			for _, sg := range groups {
				name := securityGroupPhysicalName(sg.Properties, sg.Name)
				if strings.HasPrefix(strings.ToLower(name), "sg-") || len(name) > 255 || !awsSGText.MatchString(name) {
					t.Errorf("security group %s is named %q; EC2 takes up to 255 characters of its set, not beginning with sg-", sg.Name, name)
				}
				if seen[name] {
					t.Errorf("two security groups named %q", name)
				}
				seen[name] = true
				if _, named := sg.Properties["name"]; named == tt.autonamed {
					t.Errorf("security group %s has name %v; want the autoname %v", sg.Name, sg.Properties["name"], tt.autonamed)
				}
			}
		})
	}
}

// albInboundRules counts the load balancer group's inbound rules as EC2
// does: one per CIDR block and one per group referenced.
func albInboundRules(t *testing.T, rs []plan.Resource) int {
	t.Helper()
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if !strings.HasSuffix(sg.Name, "-alb") {
			continue
		}
		n := 0
		for _, raw := range sg.Properties["ingress"].([]any) {
			rule := raw.(map[string]any)
			cidrs, _ := rule["cidrBlocks"].([]any)
			groups, _ := rule["securityGroups"].([]any)
			n += len(cidrs) + len(groups)
		}
		return n
	}
	t.Fatal("no load balancer security group")
	return 0
}

// TestAllowedCIDRsFitTheSecurityGroupRulesQuota: every costgate:allowedCidrs
// entry is an inbound rule of the load balancer's group for each listener
// (the router's too, beside one for the router's tasks), and EC2 refuses a group's 61st inbound rule unless
// the account's quota ("Inbound or outbound rules per security group", 60
// by default) was raised. The preflight counts them against the quota, so
// that pulumi up never stops with the load balancer's group half made.
func TestAllowedCIDRsFitTheSecurityGroupRulesQuota(t *testing.T) {
	front := Config{DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}}
	tests := []struct {
		name   string
		cidrs  int
		cfg    Config
		quota  float64 // 0: the quota cannot be read
		rules  int
		refuse bool
	}{
		{"60 CIDRs, one listener", 60, Config{}, 60, 60, false},
		{"61 CIDRs, one listener", 61, Config{}, 60, 61, true},
		{"28 CIDRs, router and PrivateLink", 28, front, 60, 59, false},
		{"29 CIDRs, router and PrivateLink", 29, front, 60, 61, true},
		{"29 CIDRs, a raised quota", 29, front, 100, 61, false},
		{"61 CIDRs, quota unread", 61, Config{}, 0, 61, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "enterprise-hybrid")
			cfg := tt.cfg
			for i := range tt.cidrs {
				cfg.AllowedCIDRs = append(cfg.AllowedCIDRs, fmt.Sprintf("10.%d.0.0/16", 100+i))
			}
			answer := quotaAnswer("vpc", tt.quota, "AccessDeniedException")
			rs, logs, err := runPreflight(t, p, cfg, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:servicequotas/getServiceQuota:getServiceQuota": answer,
			})
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), fmt.Sprintf("%d inbound rules", tt.rules))):
				t.Fatalf("error %v, want a preflight problem naming %d inbound rules", err, tt.rules)
			case tt.refuse:
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			if got := albInboundRules(t, rs); got != tt.rules {
				t.Errorf("the load balancer's group has %d inbound rules, want %d", got, tt.rules)
			}
			if tt.quota == 0 && tt.rules > DefaultSecurityGroupRules && !strings.Contains(strings.Join(logs.lines, "\n"), fmt.Sprintf("%d inbound rules", tt.rules)) {
				t.Errorf("no reminder of the %d inbound rules among %v", tt.rules, logs.lines)
			}
		})
	}
}

// TestGatewayTrustPolicyFitsIAMsQuota: IAM refuses a role whose trust
// policy is longer than the account's quota "Role trust policy length"
// (2,048 characters by default, 4,096 at most), and every
// costgate:consumerPrincipals entry adds its ARN to the gateway role's.
// The preflight measures the policy the program writes against the quota.
func TestGatewayTrustPolicyFitsIAMsQuota(t *testing.T) {
	tests := []struct {
		name       string
		principals int
		quota      float64 // 0: the quota cannot be read
		refuse     bool
	}{
		{"10 principals", 10, 2048, false},
		{"40 principals, default quota", 40, 2048, true},
		{"40 principals, raised quota", 40, 4096, false},
		{"40 principals, quota unread", 40, 0, false},
		{"90 principals, beyond the most IAM allows", 90, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "company-50")
			cfg := Config{ConsumerExternalID: "agreed-external-id"}
			for i := range tt.principals {
				acct := "210987654321"
				if i%2 == 0 {
					acct = previewAccount
				}
				cfg.ConsumerPrincipals = append(cfg.ConsumerPrincipals, fmt.Sprintf("arn:aws:iam::%s:role/litellm-consumer-%03d", acct, i))
			}
			answer := quotaAnswer("iam", tt.quota, "NoSuchResourceException")
			rs, logs, err := runPreflight(t, p, cfg, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:servicequotas/getServiceQuota:getServiceQuota": answer,
			})
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "trust policy")):
				t.Fatalf("error %v, want a preflight problem about the trust policy's length", err)
			case tt.refuse:
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			var doc string
			for _, r := range ofType(rs, "aws:iam/role:Role") {
				if strings.HasSuffix(r.Name, "-gateway") {
					doc, _ = r.Properties["assumeRolePolicy"].(string)
				}
			}
			limit := tt.quota
			if limit == 0 {
				limit = MaxRoleTrustPolicyLength
			}
			if doc == "" || float64(len(doc)) > limit {
				t.Errorf("gateway trust policy of %d characters, quota %.0f", len(doc), limit)
			}
			if tt.quota == 0 && len(doc) > DefaultRoleTrustPolicyLength && !strings.Contains(strings.Join(logs.lines, "\n"), "trust policy") {
				t.Errorf("no reminder of the trust policy's %d characters among %v", len(doc), logs.lines)
			}
		})
	}
}

// TestRouterTaskDefinitionFitsECS: the router's task definition carries
// the LiteLLM config, one entry per workload, and ECS refuses a task
// definition above its size limit (RegisterTaskDefinition). A spec with
// hundreds of workloads is refused by the preflight, before anything is
// created, rather than by ECS halfway through the first pulumi up.
func TestRouterTaskDefinitionFitsECS(t *testing.T) {
	for _, tt := range []struct {
		workloads int
		refuse    bool
	}{{3, false}, {100, false}, {300, true}} {
		t.Run(fmt.Sprint(tt.workloads), func(t *testing.T) {
			p := examplePlan(t, "enterprise-hybrid")
			opt := p.Chosen()
			base := opt.Routes
			var routes []plan.Route
			for i := range tt.workloads {
				r := base[i%len(base)]
				r.Workload = fmt.Sprintf("%s-%03d-%s", r.Workload, i, strings.Repeat("w", 24))
				routes = append(routes, r)
			}
			opt.Routes = routes
			cfg := Config{DeployGateway: true, ProviderKeys: map[string]pulumi.StringInput{"anthropic": pulumi.String("sk-ant")}}
			rs, _, err := run(t, p, cfg)
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "task definition")):
				t.Fatalf("error %v, want a preflight problem about the router's task definition", err)
			case tt.refuse:
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			td := one(t, rs, "aws:ecs/taskDefinition:TaskDefinition")
			if n := len(td.Properties["containerDefinitions"].(string)); n > MaxTaskDefinitionBytes {
				t.Errorf("container definitions of %d bytes; ECS takes %d", n, MaxTaskDefinitionBytes)
			}
		})
	}
}

// TestAllowedCIDRsListedTwiceMakeOneRule: EC2 refuses a rule naming one
// CIDR block twice ("The same permission must not appear multiple
// times"), after the load balancer's group exists; a range repeated in
// costgate:allowedCidrs (two teams' lists joined) is one rule per listener.
func TestAllowedCIDRsListedTwiceMakeOneRule(t *testing.T) {
	cfg := Config{DeployGateway: true, AllowedCIDRs: []string{"10.1.0.0/16", "10.2.0.0/16", "10.1.0.0/16", " 10.2.0.0/16"}}
	rs, _, err := run(t, examplePlan(t, "enterprise-hybrid"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if !strings.HasSuffix(sg.Name, "-alb") {
			continue
		}
		for _, raw := range sg.Properties["ingress"].([]any) {
			cidrs, _ := raw.(map[string]any)["cidrBlocks"].([]any)
			if len(cidrs) == 0 {
				continue
			}
			got := fmt.Sprint(cidrs)
			if got != "[10.1.0.0/16 10.2.0.0/16]" {
				t.Errorf("rule on port %v names %s, want each range once", raw.(map[string]any)["fromPort"], got)
			}
		}
	}
	if got := albInboundRules(t, rs); got != 5 {
		t.Errorf("%d inbound rules, want 2 ranges on 2 listeners and the router's tasks", got)
	}
}

// TestConsumerVPCListedTwiceIsAssociatedOnce: one VPC written twice in
// costgate:consumerVpcIds (bare, and with this account or region) was two
// associations of one name: Pulumi refuses the second resource of one URN,
// and Route 53 the second association of the VPC with the zone.
func TestConsumerVPCListedTwiceIsAssociatedOnce(t *testing.T) {
	cfg := Config{HostedZoneID: "Z0123456789ABC", DNSName: "llm.acme.example",
		ConsumerVPCs: []string{"vpc-0a1b2c3d", previewAccount + "/vpc-0a1b2c3d", "vpc-0a1b2c3d@" + previewRegion, "vpc-0e1f2a3b"}}
	rs, _, err := run(t, examplePlan(t, "regulated"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	vpcs := map[string]int{}
	for _, r := range ofType(rs, "aws:route53/zoneAssociation:ZoneAssociation") {
		names[r.Name]++
		if v, _ := r.Properties["vpcId"].(string); v != "" && v != Unknown {
			vpcs[v]++
		}
	}
	for n, c := range names {
		if c > 1 {
			t.Errorf("%d zone associations named %s", c, n)
		}
	}
	if vpcs["vpc-0a1b2c3d"] != 1 || vpcs["vpc-0e1f2a3b"] != 1 {
		t.Errorf("associations by VPC %v, want each consumer VPC once", vpcs)
	}
}

// quotaAnswer answers getServiceQuota with value for the service's
// quotas (an error for another service's), or, when value is 0, fails
// with code: the quota cannot be read.
func quotaAnswer(service string, value float64, code string) func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if value <= 0 {
		return fails(code)
	}
	return func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
		if args.Args["serviceCode"].StringValue() != service {
			return nil, errors.New("not this quota")
		}
		return resource.NewPropertyMapFromMap(map[string]any{"value": value, "id": "q"}), nil
	}
}

// TestLoadBalancerTargetsQuota: every instance of the fleet is a target of
// the load balancer's target group, and Elastic Load Balancing registers
// at most "Targets per Application Load Balancer" (1,000 by default) of
// them; an instance refresh registers twice the peak. The preflight
// refuses a peak past the quota and reminds of a refresh past it.
func TestLoadBalancerTargetsQuota(t *testing.T) {
	tests := []struct {
		name   string
		peak   int
		quota  float64 // 0: the quota cannot be read
		refuse bool
		remind string // "" : no reminder about targets
	}{
		{"a refresh within the default", 500, 0, false, ""},
		{"a refresh past the default", 600, 1000, false, "an instance refresh registers 1200"},
		{"a peak past the quota", 1200, 1000, true, ""},
		{"a raised quota", 1200, 3000, false, ""},
		{"a peak past the default, quota unread", 1200, 0, false, "request 2400 in Service Quotas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.PeakInstances = tt.peak
			if s.BaselineInstances > 0 {
				s.BaselineInstances = tt.peak
			}
			answer := quotaAnswer("elasticloadbalancing", tt.quota, "NoSuchResourceException")
			_, logs, err := runPreflight(t, p, Config{}, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:servicequotas/getServiceQuota:getServiceQuota": answer,
			})
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "load balancer targets")):
				t.Fatalf("error %v, want a preflight problem about the load balancer's targets", err)
			case tt.refuse:
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			said := strings.Contains(logs.text(), "load balancer targets")
			switch {
			case tt.remind == "" && said:
				t.Errorf("an unneeded reminder:\n%s", logs.text())
			case tt.remind != "" && !strings.Contains(logs.text(), tt.remind):
				t.Errorf("no reminder saying %q:\n%s", tt.remind, logs.text())
			}
		})
	}
}
