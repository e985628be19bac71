package stacks

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestPricedLinesMatchRegistered: for each configuration the plan prices
// the router, its database and the PrivateLink front exactly when the
// preview registers them, the database at the class and storage the
// instance has, and the option's cost moves by those lines only.
func TestPricedLinesMatchRegistered(t *testing.T) {
	spec := filepath.Join("..", "examples", "enterprise-hybrid.hcl")
	lines := []struct {
		prefix string
		// registered says whether the preview registered what the line prices.
		registered func(rs []plan.Resource) bool
	}{
		{"LiteLLM router on Fargate", func(rs []plan.Resource) bool { return countTypes(rs)[RouterType] == 1 }},
		{"LiteLLM database: RDS for PostgreSQL " + RouterDBInstanceClass + ",", func(rs []plan.Resource) bool {
			dbs := ofType(rs, "aws:rds/instance:Instance")
			return len(dbs) == 1 && dbs[0].Properties["instanceClass"] == RouterDBInstanceClass && dbs[0].Properties["multiAz"] == false
		}},
		{fmt.Sprintf("LiteLLM database storage: %d GB gp3", RouterDBStorageGB), func(rs []plan.Resource) bool {
			dbs := ofType(rs, "aws:rds/instance:Instance")
			return len(dbs) == 1 && dbs[0].Properties["allocatedStorage"] == float64(RouterDBStorageGB) && dbs[0].Properties["storageType"] == "gp3"
		}},
		{"Network Load Balancer in front of the PrivateLink endpoint service", func(rs []plan.Resource) bool {
			return len(loadBalancers(rs, "network")) == 1
		}},
		{"PrivateLink endpoint service", func(rs []plan.Resource) bool {
			return len(ofType(rs, "aws:ec2/vpcEndpointService:VpcEndpointService")) == 1
		}},
		{"application load balancer", func(rs []plan.Resource) bool { return len(loadBalancers(rs, "application")) == 1 }},
	}
	var base float64
	for i, tt := range []struct {
		name string
		cfg  Config
		// extra is the monthly cost the configuration adds to the first's.
		extra float64
	}{
		{"no router", Config{}, 0},
		{"router", Config{DeployGateway: true}, 37.34 + 11.68 + 2.30},
		{"router and PrivateLink", Config{DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}}, 37.34 + 11.68 + 2.30 + 20.81},
		{"PrivateLink", Config{EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}}, 20.81},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.SpecPath = spec
			p, err := buildPlan(context.Background(), cfg, planDate)
			if err != nil {
				t.Fatal(err)
			}
			o := p.Chosen()
			if o == nil {
				t.Fatal("no option chosen")
			}
			for _, l := range lines {
				priced := false
				for _, it := range o.LineItems {
					priced = priced || strings.HasPrefix(it.Name, l.prefix)
				}
				if reg := l.registered(p.Resources); priced != reg {
					t.Errorf("%q priced %v, its resources registered %v", l.prefix, priced, reg)
				}
			}
			if i == 0 {
				base = o.MonthlyUSD.Expected
			} else if d := o.MonthlyUSD.Expected - base; d < tt.extra-0.01 || d > tt.extra+0.01 {
				t.Errorf("the configuration adds $%.2f a month, want $%.2f", d, tt.extra)
			}
		})
	}
}

// loadBalancers are the registered load balancers of a type.
func loadBalancers(rs []plan.Resource, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range ofType(rs, "aws:lb/loadBalancer:LoadBalancer") {
		if r.Properties["loadBalancerType"] == typ {
			out = append(out, r)
		}
	}
	return out
}

// TestVPCRangeValidatedAndSplit: costgate:vpcCidr admits private /16 to
// /24 networks only, and its four subnets lie inside it, apart, each at
// least AWS's /28; the default range keeps the subnets stacks already have.
func TestVPCRangeValidatedAndSplit(t *testing.T) {
	for _, tt := range []struct {
		cidr, err       string
		private, public []string
	}{
		{cidr: DefaultVPCCIDR, private: []string{"10.42.0.0/20", "10.42.16.0/20"}, public: []string{"10.42.128.0/24", "10.42.129.0/24"}},
		{cidr: "172.20.0.0/22", private: []string{"172.20.0.0/26", "172.20.0.64/26"}, public: []string{"172.20.2.0/28", "172.20.2.16/28"}},
		{cidr: "192.168.7.0/24", private: []string{"192.168.7.0/26", "192.168.7.64/26"}, public: []string{"192.168.7.128/28", "192.168.7.144/28"}},
		{cidr: "10.0.0.0/8", err: "is a /8"},
		{cidr: "10.0.0.0/25", err: "is a /25"},
		{cidr: "172.32.0.0/16", err: "not a private range"},
		{cidr: "100.64.0.0/16", err: "not a private range"},
		{cidr: "10.42.1.0/16", err: "host bits set: the network is 10.42.0.0/16"},
		{cidr: "fd00::/48", err: "not an IPv4 CIDR"},
		{cidr: "10.42.0.0", err: "not an IPv4 CIDR"},
	} {
		private, public, err := subnetCIDRs(tt.cidr)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.cidr, err, tt.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(private) != fmt.Sprint(tt.private) || fmt.Sprint(public) != fmt.Sprint(tt.public) {
			t.Errorf("%s: private %v public %v (%v), want %v %v", tt.cidr, private, public, err, tt.private, tt.public)
		}
		vpc := netip.MustParsePrefix(tt.cidr)
		subnets := append(append([]string(nil), private...), public...)
		for i, a := range subnets {
			pa := netip.MustParsePrefix(a)
			if !vpc.Contains(pa.Addr()) || pa.Bits() < vpc.Bits() || pa.Bits() > 28 {
				t.Errorf("%s: subnet %s is outside the VPC or smaller than /28", tt.cidr, a)
			}
			for _, b := range subnets[i+1:] {
				if pa.Overlaps(netip.MustParsePrefix(b)) {
					t.Errorf("%s: subnets %s and %s overlap", tt.cidr, a, b)
				}
			}
		}
	}
}

// TestReachableFromConsumerVPCs: a VPC in the configured range; with
// endpoint principals a PrivateLink endpoint service behind an internal
// Network Load Balancer that forwards every listener port of the
// application load balancer to it (target type alb, registered after the
// listener), which admits the Network Load Balancer; the private hosted
// zone associated with the fleet's VPC and each consumer VPC (another
// account's by authorization).
func TestReachableFromConsumerVPCs(t *testing.T) {
	const principal = "arn:aws:iam::210987654321:root"
	for _, tt := range []struct {
		name, example string
		cfg           Config
		ports         []float64
		assoc, auth   []string
	}{
		{"hybrid with router", "enterprise-hybrid", Config{
			DeployGateway: true, VPCCIDR: "172.20.0.0/22", EndpointServicePrincipals: []string{principal},
			CertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc", DNSName: "llm.acme.example", HostedZoneID: "Z1",
			ConsumerVPCs: []string{"vpc-0a1b2c3d", "210987654321/vpc-0123456789abcdef0@us-west-2"},
		}, []float64{443, RouterListenerPort}, []string{"", "vpc-0a1b2c3d"}, []string{"vpc-0123456789abcdef0@us-west-2"}},
		{"self-hosted", "regulated", Config{HFToken: secretInput(), EndpointServicePrincipals: []string{principal}}, []float64{80}, nil, nil},
		{"no PrivateLink", "regulated", Config{HFToken: secretInput()}, nil, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, outs, err := run(t, examplePlan(t, tt.example), tt.cfg)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			cidr := tt.cfg.VPCCIDR
			if cidr == "" {
				cidr = DefaultVPCCIDR
			}
			if got := one(t, rs, "aws:ec2/vpc:Vpc").Properties["cidrBlock"]; got != cidr {
				t.Errorf("VPC %v, want %s", got, cidr)
			}
			checkPrivateLink(t, rs, tt.ports)
			if _, ok := outs["endpointServiceName"]; ok != (len(tt.ports) > 0) {
				t.Errorf("endpointServiceName exported %v with %d published ports", ok, len(tt.ports))
			}
			var assoc, auth []string
			own := "vpc-" + one(t, rs, "aws:ec2/vpc:Vpc").Name
			for _, r := range ofType(rs, "aws:route53/zoneAssociation:ZoneAssociation") {
				if id := r.Properties["vpcId"]; id != own {
					assoc = append(assoc, fmt.Sprint(id))
				} else {
					assoc = append(assoc, "") // the fleet's own VPC
				}
			}
			for _, r := range ofType(rs, "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization") {
				auth = append(auth, fmt.Sprintf("%v@%v", r.Properties["vpcId"], r.Properties["vpcRegion"]))
			}
			sort.Strings(assoc)
			if fmt.Sprint(assoc) != fmt.Sprint(tt.assoc) || fmt.Sprint(auth) != fmt.Sprint(tt.auth) {
				t.Errorf("zone associations %q, authorizations %q; want %q, %q", assoc, auth, tt.assoc, tt.auth)
			}
			checkResourcePolicies(t, rs)
		})
	}
}

// checkPrivateLink holds the PrivateLink front to what AWS requires: one
// internal Network Load Balancer with a security group, per published
// port a TCP listener to a target group of type alb on that port whose
// target is the application load balancer, registered once its listener
// on the port exists; the application load balancer admits the Network
// Load Balancer's security group on every port.
func checkPrivateLink(t *testing.T, rs []plan.Resource, ports []float64) {
	t.Helper()
	nlbs, services := loadBalancers(rs, "network"), ofType(rs, "aws:ec2/vpcEndpointService:VpcEndpointService")
	if len(ports) == 0 {
		if len(nlbs)+len(services) != 0 {
			t.Errorf("%d Network Load Balancers, %d endpoint services without endpointServicePrincipals", len(nlbs), len(services))
		}
		return
	}
	if len(nlbs) != 1 || len(services) != 1 {
		t.Fatalf("%d Network Load Balancers, %d endpoint services, want 1 each", len(nlbs), len(services))
	}
	albRes := loadBalancers(rs, "application")[0]
	nlb, svc, alb := nlbs[0].Properties, services[0].Properties, albRes.Properties
	albARN := fmt.Sprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/%s/0123456789abcdef", albRes.Name)
	if nlb["internal"] != true || len(nlb["securityGroups"].([]any)) != 1 || nlb["enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] != "off" {
		t.Errorf("Network Load Balancer %v, want internal with a security group", nlb)
	}
	if name, _ := nlb["name"].(string); !awsLBName.MatchString(name) || len(name) > MaxLoadBalancerName {
		t.Errorf("Network Load Balancer name %q breaks AWS's rule", name)
	}
	if fmt.Sprint(svc["allowedPrincipals"]) != "[arn:aws:iam::210987654321:root]" || svc["acceptanceRequired"] != false ||
		fmt.Sprint(svc["networkLoadBalancerArns"]) != fmt.Sprintf("[arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/%s/0123456789abcdef]", nlbs[0].Name) {
		t.Errorf("endpoint service %v, want the principals and the Network Load Balancer", svc)
	}
	albListeners := map[float64]string{}
	for _, l := range ofType(rs, "aws:lb/listener:Listener") {
		if l.Properties["loadBalancerArn"] == albARN {
			albListeners[l.Properties["port"].(float64)] = l.Name
		}
	}
	var got []float64
	for _, tg := range ofType(rs, "aws:lb/targetGroup:TargetGroup") {
		if tg.Properties["targetType"] != "alb" {
			continue
		}
		port := tg.Properties["port"].(float64)
		got = append(got, port)
		if tg.Properties["protocol"] != "TCP" || albListeners[port] == "" {
			t.Errorf("alb target group %s: %v, want TCP on a port the application load balancer listens on", tg.Name, tg.Properties)
		}
		// An alb target group checks over HTTP or HTTPS, the listener's.
		check, _ := tg.Properties["healthCheck"].(map[string]any)
		if want := map[bool]string{true: "HTTPS", false: "HTTP"}[ports[0] == 443]; check["protocol"] != want {
			t.Errorf("alb target group %s checks over %v, want %s", tg.Name, check["protocol"], want)
		}
		if name, _ := tg.Properties["name"].(string); !awsLBName.MatchString(name) || len(name) > MaxTargetGroupName {
			t.Errorf("target group name %q breaks AWS's rule", name)
		}
	}
	sort.Float64s(got)
	if fmt.Sprint(got) != fmt.Sprint(ports) {
		t.Errorf("alb target groups on ports %v, want %v", got, ports)
	}
	if n := len(ofType(rs, "aws:lb/targetGroupAttachment:TargetGroupAttachment")); n != len(ports) {
		t.Errorf("%d target group attachments, want one per published port", n)
	}
	for _, at := range ofType(rs, "aws:lb/targetGroupAttachment:TargetGroupAttachment") {
		if at.Properties["targetId"] != albARN || albListeners[at.Properties["port"].(float64)] == "" {
			t.Errorf("attachment %s targets %v on port %v, want the application load balancer on a listener's port", at.Name, at.Properties["targetId"], at.Properties["port"])
		}
	}
	admitted := map[float64]bool{}
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if fmt.Sprint(alb["securityGroups"]) != "[sg-"+sg.Name+"]" {
			continue
		}
		for _, in := range sg.Properties["ingress"].([]any) {
			rule := in.(map[string]any)
			if fmt.Sprint(rule["securityGroups"]) == fmt.Sprint(nlb["securityGroups"]) {
				admitted[rule["fromPort"].(float64)] = true
			}
		}
	}
	for _, p := range ports {
		if !admitted[p] {
			t.Errorf("the application load balancer does not admit the Network Load Balancer on port %v", p)
		}
	}
}
