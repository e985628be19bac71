package stacks

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// givenSubnetAnswer answers getSubnet as the preview does (a subnet id's last
// letter is its zone's), with the CIDR of cidrs[id] where given; a
// subnet-other… is of another VPC of the account.
func givenSubnetAnswer(cidrs map[string]string) func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
		id := args.Args["id"].StringValue()
		cidr := "10.0.0.0/24"
		if c, ok := cidrs[id]; ok {
			cidr = c
		}
		vpc := "vpc-existing"
		if strings.HasPrefix(id, "subnet-other") {
			vpc = "vpc-other"
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "availabilityZone": previewRegion + id[len(id)-1:], "vpcId": vpc, "cidrBlock": cidr}), nil
	}
}

// securityGroupNamed is the recorded group whose logical name ends so.
func securityGroupNamed(t *testing.T, rs []plan.Resource, suffix string) plan.Resource {
	t.Helper()
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if strings.HasSuffix(sg.Name, suffix) {
			return sg
		}
	}
	t.Fatalf("no security group *%s", suffix)
	return plan.Resource{}
}

// egressRules are a group's outbound rules, inline and separate, in the
// inline rules' shape.
func egressRules(rs []plan.Resource, sg plan.Resource) []map[string]any {
	var out []map[string]any
	inline, _ := sg.Properties["egress"].([]any)
	for _, raw := range inline {
		out = append(out, raw.(map[string]any))
	}
	for _, r := range ofType(rs, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		p := r.Properties
		if p["securityGroupId"] != "sg-"+sg.Name {
			continue
		}
		rule := map[string]any{"fromPort": p["fromPort"], "toPort": p["toPort"]}
		if g, ok := p["referencedSecurityGroupId"]; ok {
			rule["securityGroups"] = []any{g}
		}
		if c, ok := p["cidrIpv4"]; ok {
			rule["cidrBlocks"] = []any{c}
		}
		out = append(out, rule)
	}
	return out
}

// reaches says whether one of the rules opens port to a member of one of
// the groups or to the whole of the subnet's range.
func reaches(rules []map[string]any, port int, groups map[any]bool, subnet netip.Prefix) bool {
	for _, rule := range rules {
		from, _ := rule["fromPort"].(float64)
		to, _ := rule["toPort"].(float64)
		if int(from) > port || int(to) < port {
			continue
		}
		refs, _ := rule["securityGroups"].([]any)
		for _, g := range refs {
			if groups[g] {
				return true
			}
		}
		blocks, _ := rule["cidrBlocks"].([]any)
		for _, b := range blocks {
			p, err := netip.ParsePrefix(b.(string))
			if err == nil && p.Bits() <= subnet.Bits() && p.Contains(subnet.Addr()) {
				return true
			}
		}
	}
	return false
}

// TestSecondaryCIDRSubnetsReachTheFleet: a VPC's CidrBlock is only its
// primary block; a given VPC's subnets are often cut from a block
// associated later (AssociateVpcCidrBlock, such as 100.64.0.0/16). The
// load balancer must reach the instances there (requests, and ELB's
// health checks: else every instance is replaced, billed, in a loop), and
// the router's tasks, which must reach the load balancer and their
// database; clients in the VPC are admitted by default.
func TestSecondaryCIDRSubnetsReachTheFleet(t *testing.T) {
	cidrs := map[string]string{"subnet-b": "100.64.1.0/24", "subnet-c": "100.64.2.0/24"}
	vpc := func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "vpc-existing", "cidrBlock": "10.0.0.0/16",
			"cidrBlockAssociations": []any{
				map[string]any{"associationId": "vpc-cidr-assoc-1", "cidrBlock": "10.0.0.0/16", "state": "associated"},
				map[string]any{"associationId": "vpc-cidr-assoc-2", "cidrBlock": "100.64.0.0/16", "state": "associated"},
				map[string]any{"associationId": "vpc-cidr-assoc-3", "cidrBlock": "100.65.0.0/16", "state": "disassociated"},
			},
		}), nil
	}
	cfg := Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}, DeployGateway: true}
	for _, example := range []string{"regulated", "enterprise-hybrid"} {
		t.Run(example, func(t *testing.T) {
			rs, _, err := runPreflight(t, examplePlan(t, example), cfg, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getSubnet:getSubnet": givenSubnetAnswer(cidrs),
				"aws:ec2/getVpc:getVpc":       vpc,
			})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			alb := securityGroupNamed(t, rs, "-alb")
			inst := securityGroupNamed(t, rs, "-instances")
			ingress := []map[string]any{}
			for _, raw := range alb.Properties["ingress"].([]any) {
				ingress = append(ingress, raw.(map[string]any))
			}
			for _, subnet := range cfg.SubnetIDs {
				in := netip.MustParsePrefix(cidrs[subnet])
				if !reaches(egressRules(rs, alb), inference.VLLMPort, map[any]bool{"sg-" + inst.Name: true}, in) {
					t.Errorf("the load balancer's egress on port %d (%v) does not reach the instances in %s (%s): requests and health checks are dropped",
						inference.VLLMPort, egressRules(rs, alb), subnet, in)
				}
				if !reaches(ingress, 80, nil, in) {
					t.Errorf("the load balancer does not admit clients in %s (%s) by default: %v", subnet, in, ingress)
				}
				if example == "enterprise-hybrid" {
					checkRouterReach(t, rs, alb, in)
				}
			}
		})
	}
}

// checkRouterReach: the load balancer reaches the router's tasks, and
// they reach the load balancer's endpoint and their database, in subnet.
func checkRouterReach(t *testing.T, rs []plan.Resource, alb plan.Resource, subnet netip.Prefix) {
	t.Helper()
	router := securityGroupNamed(t, rs, "-router")
	netcfg := one(t, rs, "aws:ecs/service:Service").Properties["networkConfiguration"].(map[string]any)
	tasks := map[any]bool{}
	for _, g := range netcfg["securityGroups"].([]any) {
		tasks[g] = true
	}
	db := one(t, rs, "aws:rds/instance:Instance")
	dbGroups := map[any]bool{}
	for _, g := range db.Properties["vpcSecurityGroupIds"].([]any) {
		dbGroups[g] = true
	}
	for _, c := range []struct {
		what  string
		rules []map[string]any
		port  int
		to    map[any]bool
	}{
		{"the load balancer to the router's tasks", egressRules(rs, alb), LiteLLMPort, tasks},
		{"the router's tasks to the load balancer", egressRules(rs, router), 80, map[any]bool{"sg-" + alb.Name: true}},
		{"the router's tasks to their database", egressRules(rs, router), routerDBPort, dbGroups},
	} {
		if !reaches(c.rules, c.port, c.to, subnet) {
			t.Errorf("%s on port %d: %v reaches nothing in %s", c.what, c.port, c.rules, subnet)
		}
	}
}

// TestGivenSubnetsOnePerZoneForTheLoadBalancers: CreateLoadBalancer takes
// "only one subnet per Availability Zone" (application and network load
// balancers alike) and refuses more, after the group exists and, always
// on, is launching GPUs. costgate:subnetIds commonly lists several
// subnets of a zone (an enterprise VPC's tiers), or one twice: each load
// balancer gets the first listed in each zone, and the group, the
// router's tasks and its database keep them all.
func TestGivenSubnetsOnePerZoneForTheLoadBalancers(t *testing.T) {
	for _, tt := range []struct {
		name    string
		example string
		cfg     Config
		want    []string // the load balancers' subnets
	}{
		{"two in a zone", "regulated", Config{SubnetIDs: []string{"subnet-b", "subnet-2b", "subnet-c"}}, []string{"subnet-b", "subnet-c"}},
		{"the second of a zone first", "regulated", Config{SubnetIDs: []string{"subnet-2b", "subnet-c", "subnet-b"}}, []string{"subnet-2b", "subnet-c"}},
		{"one listed twice", "regulated", Config{SubnetIDs: []string{"subnet-b", "subnet-c", "subnet-b"}}, []string{"subnet-b", "subnet-c"}},
		{"with the router and PrivateLink", "enterprise-hybrid", Config{SubnetIDs: []string{"subnet-b", "subnet-2b", "subnet-c", "subnet-2c"},
			DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}}, []string{"subnet-b", "subnet-c"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.VPCID = "vpc-existing"
			rs, logs, err := runPreflight(t, examplePlan(t, tt.example), cfg, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getSubnet:getSubnet": givenSubnetAnswer(nil),
			})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			lbs := ofType(rs, "aws:lb/loadBalancer:LoadBalancer")
			if len(lbs) == 0 {
				t.Fatal("no load balancer")
			}
			for _, lb := range lbs {
				if got := fmt.Sprint(lb.Properties["subnets"]); got != fmt.Sprint(tt.want) {
					t.Errorf("%v load balancer %s gets subnets %s, want %v: one a zone, the first listed", lb.Properties["loadBalancerType"], lb.Name, got, tt.want)
				}
			}
			all := map[any]bool{}
			for _, id := range cfg.SubnetIDs {
				all[id] = true
			}
			got := map[any]bool{}
			for _, id := range one(t, rs, "aws:autoscaling/group:Group").Properties["vpcZoneIdentifiers"].([]any) {
				got[id] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(all) {
				t.Errorf("the group's subnets %v, want every one given %v", got, all)
			}
			for _, g := range ofType(rs, "aws:rds/subnetGroup:SubnetGroup") {
				if n := len(g.Properties["subnetIds"].([]any)); n != len(cfg.SubnetIDs) {
					t.Errorf("the database's subnet group has %d subnets, want the %d given", n, len(cfg.SubnetIDs))
				}
			}
			if twice := tt.name == "one listed twice"; twice != strings.Contains(strings.Join(logs.lines, "\n"), "lists subnet-b twice") {
				t.Errorf("reminder of subnet-b listed twice: %v, want %v, among %v", !twice, twice, logs.lines)
			}
		})
	}
}

// TestGivenSubnetsBelongToTheGivenVPC: the security groups and the target
// group are created in costgate:vpcId. A subnet of another VPC in
// costgate:subnetIds (IDs look alike) is refused by the group ("One or
// more security groups in the launch template are not linked to the VPCs
// configured in the Auto Scaling group") and by the load balancer, halfway
// through pulumi up: the preflight refuses it, naming it and its VPC.
func TestGivenSubnetsBelongToTheGivenVPC(t *testing.T) {
	cfg := Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-otherc"}}
	rs, _, err := runPreflight(t, examplePlan(t, "regulated"), cfg, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
		"aws:ec2/getSubnet:getSubnet": givenSubnetAnswer(nil),
	})
	var pe *PreflightError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "subnet-otherc is a subnet of vpc-other, not of costgate:vpcId vpc-existing") {
		t.Fatalf("error %v; want a preflight problem naming subnet-otherc and its VPC", err)
	}
	if strings.Contains(err.Error(), "subnet-b ") {
		t.Errorf("subnet-b of vpc-existing named too: %v", err)
	}
	if len(rs) != 0 {
		t.Errorf("%d resources registered", len(rs))
	}
}

// TestPreviewTakesGivenSubnetsOfTheGivenVPC: a preview (costgate plan
// --stack-config) reads no subnet; it takes the given subnets to be of the
// stack's costgate:vpcId, whatever its ID, rather than refusing them.
func TestPreviewTakesGivenSubnetsOfTheGivenVPC(t *testing.T) {
	rs, err := Preview(examplePlan(t, "regulated"), Config{VPCID: "vpc-0a1b2c3d4e5f67890", SubnetIDs: []string{"subnet-b", "subnet-c"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ofType(rs, "aws:lb/loadBalancer:LoadBalancer")); n != 1 {
		t.Errorf("%d load balancers, want the fleet's", n)
	}
}
