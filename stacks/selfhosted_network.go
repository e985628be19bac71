package stacks

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/costgate/costgate/inference"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityGroups registers clients → load balancer → instances, nothing
// else in.
func (f *fleet) securityGroups(net network) (albSG, instSG *ec2.SecurityGroup, err error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	cidrs := uniqueCIDRs(a.AllowedCIDRs)
	allowed := pulumi.StringArrayInput(pulumi.ToStringArray(cidrs))
	if len(cidrs) == 0 {
		allowed = net.cidrs
	}
	listenerPort := a.listenerPort()
	ingress := ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
		Description: pulumi.String("clients of the inference endpoint"),
		Protocol:    pulumi.String("tcp"),
		FromPort:    pulumi.Int(listenerPort),
		ToPort:      pulumi.Int(listenerPort),
		CidrBlocks:  allowed,
	}}
	moreIn, err := f.routerAndEndpointRules(net, allowed)
	if err != nil {
		return nil, nil, err
	}
	ingress = append(ingress, moreIn...)
	albDesc := "costgate " + a.Team + ": inference endpoint, reachable from the allowed CIDRs only"
	// No inline egress: the load balancer reaches its targets by their
	// groups, created after this one (loadBalancerEgress).
	albSG, err = ec2.NewSecurityGroup(ctx, name+"-alb", &ec2.SecurityGroupArgs{
		Name:        securityGroupName(ctx.Stack(), name+"-alb", albDesc),
		Description: pulumi.String(albDesc),
		VpcId:       net.vpcID,
		Ingress:     ingress,
		Tags:        withName(tags, name+"-alb"),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create load balancer security group: %w", err)
	}
	instDesc := "costgate " + a.Team + ": vLLM instances, reachable from the load balancer only"
	instSG, err = ec2.NewSecurityGroup(ctx, name+"-instances", &ec2.SecurityGroupArgs{
		Name:        securityGroupName(ctx.Stack(), name+"-instances", instDesc),
		Description: pulumi.String(instDesc),
		VpcId:       net.vpcID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description:    pulumi.String("vLLM from the load balancer"),
			Protocol:       pulumi.String("tcp"),
			FromPort:       pulumi.Int(inference.VLLMPort),
			ToPort:         pulumi.Int(inference.VLLMPort),
			SecurityGroups: pulumi.StringArray{albSG.ID()},
		}},
		// Weights, the image, SSM and Secrets Manager are reached over HTTPS
		// through the NAT; nothing listens for them.
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("HTTPS for model weights, the image, SSM and Secrets Manager"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		}},
		Tags: withName(tags, name+"-instances"),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create instance security group: %w", err)
	}
	if err := f.loadBalancerEgress(albSG, instSG); err != nil {
		return nil, nil, err
	}
	return albSG, instSG, nil
}

// loadBalancerEgress registers the load balancer's way out: vLLM's port
// (requests and health checks) to the instances' group and, with the
// router, LiteLLM's port to its tasks' group. Groups, not the VPC's range:
// a given VPC's subnets may be cut from a block other than its primary
// one, and ELB's health checks must reach every target. Separate rules,
// since the instances' group admits the load balancer's and so is created
// after it; the load balancer's group has no inline egress for them to
// conflict with.
func (f *fleet) loadBalancerEgress(albSG, instSG *ec2.SecurityGroup) error {
	type target struct {
		res, desc string
		port      int
		group     *ec2.SecurityGroup
	}
	targets := []target{{"-alb-to-vllm", "vLLM on the fleet", inference.VLLMPort, instSG}}
	if f.c.routerTasksSG != nil {
		targets = append(targets, target{"-alb-to-router", "LiteLLM router tasks", LiteLLMPort, f.c.routerTasksSG})
	}
	for _, t := range targets {
		if _, err := vpc.NewSecurityGroupEgressRule(f.ctx, f.name+t.res, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           albSG.ID(),
			Description:               pulumi.String(t.desc),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(t.port),
			ToPort:                    pulumi.Int(t.port),
			ReferencedSecurityGroupId: t.group.ID(),
		}, f.parent); err != nil {
			return fmt.Errorf("create load balancer egress to %s: %w", t.desc, err)
		}
	}
	return nil
}

// balancer is the fleet's internal load balancer, target group and
// listener.
type balancer struct {
	alb      *lb.LoadBalancer
	tg       *lb.TargetGroup
	listener *lb.Listener
}

// loadBalancer registers the internal load balancer, its target group and
// listener, and sets the endpoint.
func (f *fleet) loadBalancer(net network, albSG *ec2.SecurityGroup) (balancer, error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	listenerPort := a.listenerPort()
	// Explicit names: autonaming adds 8 characters to the logical name and
	// AWS allows 32. The VPC is in the target group's hash because a new
	// VPC replaces it, and the replacement is created before the old one
	// goes.
	tg, err := lb.NewTargetGroup(ctx, name+"-vllm", &lb.TargetGroupArgs{
		Name:       pulumi.String(targetGroupName(ctx, a)),
		Port:       pulumi.Int(inference.VLLMPort),
		Protocol:   pulumi.String("HTTP"),
		TargetType: pulumi.String("instance"),
		VpcId:      net.vpcID,
		// A deregistered instance finishes the streams it serves.
		DeregistrationDelay: pulumi.Int(StreamDrainSeconds(a.Sizing)),
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true),
			// /v1/models answers only once the model is loaded (/health
			// answers earlier). With the API key set it answers 401 to the
			// unauthenticated probe, which still proves readiness.
			Path:               pulumi.String("/v1/models"),
			Matcher:            pulumi.String("200,401"),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String(strconv.Itoa(inference.VLLMPort)),
			Interval:           pulumi.Int(30),
			Timeout:            pulumi.Int(10),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: stringMap(tags),
	}, parent)
	if err != nil {
		return balancer{}, fmt.Errorf("create target group: %w", err)
	}
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		Name:                     pulumi.String(physicalName(ctx.Stack(), a.Team, "lb", "", MaxLoadBalancerName)),
		Internal:                 pulumi.Bool(true),
		LoadBalancerType:         pulumi.String("application"),
		SecurityGroups:           pulumi.StringArray{albSG.ID()},
		Subnets:                  net.lbSubnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(false),
		// Long generations stream for minutes; a request still queued
		// for its first token after this long fails (the sizer keeps the
		// p95 time to first token within it).
		IdleTimeout: pulumi.Int(inference.IdleTimeoutSeconds),
		Tags:        stringMap(tags),
	}, parent)
	if err != nil {
		return balancer{}, fmt.Errorf("create load balancer: %w", err)
	}
	listener := &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(listenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
		Tags: stringMap(tags),
	}
	scheme := "http"
	if a.CertificateARN != "" {
		scheme = "https"
		listener.Protocol = pulumi.String("HTTPS")
		listener.CertificateArn = pulumi.String(a.CertificateARN)
		listener.SslPolicy = pulumi.String("ELBSecurityPolicy-TLS13-1-2-2021-06")
	}
	l, err := lb.NewListener(ctx, name+"-vllm", listener, parent)
	if err != nil {
		return balancer{}, fmt.Errorf("create listener: %w", err)
	}
	if err := f.endpoint(alb, scheme); err != nil {
		return balancer{}, err
	}
	if err := f.zoneAssociations(net); err != nil {
		return balancer{}, err
	}
	return balancer{alb: alb, tg: tg, listener: l}, nil
}

// endpoint sets the fleet's endpoint: at costgate:dnsName when given (with
// its alias record in costgate:hostedZoneId), else the load balancer's name.
func (f *fleet) endpoint(alb *lb.LoadBalancer, scheme string) error {
	ctx, a, name, c, parent := f.ctx, f.a, f.name, f.c, f.parent
	host := alb.DnsName
	if a.DNSName != "" {
		// A certificate covers a name of the team's, never the load
		// balancer's own.
		host = pulumi.String(a.DNSName).ToStringOutput()
	}
	if a.HostedZoneID != "" {
		if _, err := route53.NewRecord(ctx, name+"-endpoint", &route53.RecordArgs{
			ZoneId: pulumi.String(a.HostedZoneID),
			Name:   pulumi.String(a.DNSName),
			Type:   pulumi.String("A"),
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name:                 alb.DnsName,
				ZoneId:               alb.ZoneId,
				EvaluateTargetHealth: pulumi.Bool(true),
			}},
		}, parent); err != nil {
			return fmt.Errorf("create endpoint record: %w", err)
		}
	}
	c.Endpoint = host.ApplyT(func(dns string) string {
		return fmt.Sprintf("%s://%s/v1", scheme, dns)
	}).(pulumi.StringOutput)

	return nil
}

// network returns the given network, or creates a VPC with private subnets
// in two zones whose only way out is a NAT gateway. The instances go only
// to subnets in zones that offer their type (GPU types are offered in some
// zones of a region only).
func (c *SelfHostedInference) network(ctx *pulumi.Context, name string, a *SelfHostedInferenceArgs, tags map[string]string) (network, error) {
	offered, err := OfferedZones(ctx, a.Sizing.InstanceType)
	if err != nil {
		return network{}, err
	}
	if a.CapacityBlockZone != "" {
		// A capacity block is in one zone: the instances go there only.
		offered = map[string]bool{a.CapacityBlockZone: offered[a.CapacityBlockZone]}
	}
	if a.VPCID != "" {
		given, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Id: pulumi.StringRef(a.VPCID)})
		if err != nil {
			return network{}, fmt.Errorf("look up vpc %s: %w", a.VPCID, err)
		}
		zones, err := SubnetZones(ctx, a.SubnetIDs)
		if err != nil {
			return network{}, err
		}
		var inst []string
		for _, id := range a.SubnetIDs {
			if offered[zones[id]] {
				inst = append(inst, id)
			}
		}
		if len(inst) == 0 {
			return network{}, fmt.Errorf("no subnet of costgate:subnetIds is in a zone offering %s", a.Sizing.InstanceType)
		}
		lbs := onePerZone(a.SubnetIDs, zones)
		sorted := append([]string(nil), lbs...)
		sort.Strings(sorted)
		return network{
			vpcID:           pulumi.String(a.VPCID),
			cidrs:           pulumi.ToStringArray(vpcCIDRs(given)),
			subnets:         pulumi.ToStringArray(a.SubnetIDs),
			lbSubnets:       pulumi.ToStringArray(lbs),
			instanceSubnets: pulumi.ToStringArray(inst),
			placement:       a.VPCID + "/" + strings.Join(sorted, ","),
		}, nil
	}
	// Availability Zones only: the zones of an account include the Local
	// Zones it opted in to (DescribeAvailabilityZones), where EC2 offers
	// some GPU types too, but an application load balancer cannot enable
	// an Availability Zone and a Local Zone together
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html),
	// and a Local Zone bills its own instance prices, not the region's the
	// plan priced.
	avail, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "zone-type", Values: []string{"availability-zone"}}},
	})
	if err != nil {
		return network{}, fmt.Errorf("look up availability zones: %w", err)
	}
	cidr := a.VPCCIDR
	if cidr == "" {
		cidr = DefaultVPCCIDR
	}
	private, public, err := subnetCIDRs(cidr)
	if err != nil {
		return network{}, err
	}
	zones, err := pickZones(avail.Names, offered, len(private))
	if err != nil {
		return network{}, fmt.Errorf("%s: %w", a.Sizing.InstanceType, err)
	}
	v := &vpcBuild{ctx: ctx, name: name, tags: tags, parent: pulumi.Parent(c), zones: zones, cidr: cidr, private: private, public: public}
	net, err := v.create()
	if err != nil {
		return network{}, err
	}
	net.instanceSubnets = offeredSubnets(net.subnets.(pulumi.StringArray), v.privateZones, offered, a.Sizing.InstanceType)
	return net, nil
}

// onePerZone keeps the first subnet listed in each zone, in the list's
// order: a load balancer takes one subnet a zone, and the rest still serve
// the instances, the router's tasks and its database.
func onePerZone(ids []string, zones map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if z := zones[id]; !seen[z] {
			seen[z] = true
			out = append(out, id)
		}
	}
	return out
}

// vpcCIDRs are a VPC's IPv4 blocks: its primary one and every other
// associated with it (AssociateVpcCidrBlock), where its subnets may be.
// A block being associated or removed is left out.
func vpcCIDRs(v *ec2.LookupVpcResult) []string {
	out := []string{v.CidrBlock}
	for _, b := range v.CidrBlockAssociations {
		if b.State == "associated" && !slices.Contains(out, b.CidrBlock) {
			out = append(out, b.CidrBlock)
		}
	}
	return out
}

// offeredSubnets are the subnets whose zone offers the instance type. A
// subnet keeps the zone it was created in (ignoreChanges: a new zone would
// replace it, and the replacement, with the same CIDR in the same VPC,
// fails), which an earlier instance type chose: the zones are the
// subnets' own, not those this run would pick.
func offeredSubnets(ids pulumi.StringArray, zones []pulumi.StringOutput, offered map[string]bool, instanceType string) pulumi.StringArrayOutput {
	var args []any
	for i := range ids {
		args = append(args, ids[i], zones[i])
	}
	return pulumi.All(args...).ApplyT(func(vs []any) ([]string, error) {
		var inst, in []string
		for i := 0; i < len(vs); i += 2 {
			id, zone := vs[i].(string), vs[i+1].(string)
			if offered[zone] {
				inst = append(inst, id)
			}
			in = append(in, zone)
		}
		if len(inst) == 0 {
			var where []string
			for z := range offered {
				where = append(where, z)
			}
			sort.Strings(where)
			return nil, fmt.Errorf("%s is offered in none of the zones of the fleet's subnets (%s), which keep the zones they were created in; it is offered in %s: pulumi destroy, then pulumi up creates the network in zones offering it",
				instanceType, strings.Join(in, ", "), strings.Join(where, ", "))
		}
		return inst, nil
	}).(pulumi.StringArrayOutput)
}

// pickZones chooses n available zones, those offering the instance type
// first; the load balancer needs n zones even when fewer offer the type.
func pickZones(available []string, offered map[string]bool, n int) ([]string, error) {
	var first, rest []string
	for _, z := range available {
		if offered[z] {
			first = append(first, z)
		} else {
			rest = append(rest, z)
		}
	}
	if len(first) == 0 {
		return nil, fmt.Errorf("offered in no available zone of the region")
	}
	zones := append(first, rest...)
	if len(zones) < n {
		return nil, fmt.Errorf("region has %d availability zones, need %d", len(zones), n)
	}
	return zones[:n], nil
}

// OfferedZones looks up the zones of the region that offer the instance
// type.
func OfferedZones(ctx *pulumi.Context, instanceType string) (map[string]bool, error) {
	res, err := ec2.GetInstanceTypeOfferings(ctx, &ec2.GetInstanceTypeOfferingsArgs{
		Filters:      []ec2.GetInstanceTypeOfferingsFilter{{Name: "instance-type", Values: []string{instanceType}}},
		LocationType: pulumi.StringRef("availability-zone"),
	})
	if err != nil {
		return nil, fmt.Errorf("look up the zones offering %s: %w", instanceType, err)
	}
	out := map[string]bool{}
	for _, z := range res.Locations {
		out[z] = true
	}
	return out, nil
}

// SubnetZones looks up each subnet's availability zone.
func SubnetZones(ctx *pulumi.Context, ids []string) (map[string]string, error) {
	subnets, err := lookupSubnets(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, sn := range subnets {
		out[id] = sn.zone
	}
	return out, nil
}

// givenSubnet is what the program reads of a given subnet.
type givenSubnet struct {
	zone, vpcID string
}

// lookupSubnets looks up each subnet's zone and VPC.
func lookupSubnets(ctx *pulumi.Context, ids []string) (map[string]givenSubnet, error) {
	out := map[string]givenSubnet{}
	for _, id := range ids {
		sn, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			return nil, fmt.Errorf("look up subnet %s: %w", id, err)
		}
		out[id] = givenSubnet{zone: sn.AvailabilityZone, vpcID: sn.VpcId}
	}
	return out, nil
}

// vpcBuild carries what the steps of the fleet's own VPC share.
type vpcBuild struct {
	ctx    *pulumi.Context
	name   string
	tags   map[string]string
	parent pulumi.ResourceOption
	zones  []string
	// cidr is the VPC's range, private and public its subnets'.
	cidr            string
	private, public []string
	// privateRT is the private subnets' route table, which the S3 gateway
	// endpoint routes.
	privateRT pulumi.StringOutput
	// privateZones are the private subnets' zones, as created.
	privateZones []pulumi.StringOutput
}

// create registers the VPC, its internet gateway, the public subnets with
// the NAT gateway and the private subnets routed through it.
func (v *vpcBuild) create() (network, error) {
	ctx, name, tags, parent := v.ctx, v.name, v.tags, v.parent
	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(v.cidr),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               withName(tags, name),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create vpc: %w", err)
	}
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  withName(tags, name),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create internet gateway: %w", err)
	}
	publicIDs, err := v.subnets(vpc, "public", v.public, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()})
	if err != nil {
		return network{}, err
	}
	// One NAT gateway: a zone outage stops downloads, not serving, and a
	// second NAT costs as much as the alarms and secrets together.
	eip, err := ec2.NewEip(ctx, name+"-nat", &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   withName(tags, name+"-nat"),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create NAT address: %w", err)
	}
	nat, err := ec2.NewNatGateway(ctx, name, &ec2.NatGatewayArgs{
		AllocationId: eip.ID(),
		SubnetId:     publicIDs[0],
		Tags:         withName(tags, name),
	}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
	if err != nil {
		return network{}, fmt.Errorf("create NAT gateway: %w", err)
	}
	private, err := v.subnets(vpc, "private", v.private, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID()})
	if err != nil {
		return network{}, err
	}
	// One private subnet a zone: the load balancers take them all.
	return network{vpcID: vpc.ID().ToStringOutput(), cidrs: pulumi.StringArray{vpc.CidrBlock}, subnets: private, lbSubnets: private, routeTables: pulumi.StringArray{v.privateRT}}, nil
}

// subnets registers one route table of the kind ("public" or "private")
// with its default route, and a subnet per CIDR in successive zones.
func (v *vpcBuild) subnets(vpc *ec2.Vpc, kind string, cidrs []string, route ec2.RouteTableRouteArgs) (pulumi.StringArray, error) {
	ctx, name, tags, parent := v.ctx, v.name, v.tags, v.parent
	rt, err := ec2.NewRouteTable(ctx, name+"-"+kind, &ec2.RouteTableArgs{
		VpcId:  vpc.ID(),
		Routes: ec2.RouteTableRouteArray{route},
		Tags:   withName(tags, name+"-"+kind),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create %s route table: %w", kind, err)
	}
	if kind == "private" {
		v.privateRT = rt.ID().ToStringOutput()
	}
	var ids pulumi.StringArray
	for i, cidr := range cidrs {
		sub := fmt.Sprintf("%s-%s-%d", name, kind, i+1)
		args := &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(cidr),
			AvailabilityZone: pulumi.String(v.zones[i]),
			Tags:             withName(tags, sub),
		}
		if kind == "public" {
			args.MapPublicIpOnLaunch = pulumi.Bool(false)
		}
		// The zone is the one the subnet was created in: the zones this run
		// picks follow the type's offerings, which change.
		sn, err := ec2.NewSubnet(ctx, sub, args, parent, pulumi.IgnoreChanges([]string{"availabilityZone"}))
		if err != nil {
			return nil, fmt.Errorf("create %s subnet: %w", kind, err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, sub, &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: rt.ID(),
		}, parent); err != nil {
			return nil, fmt.Errorf("associate %s subnet: %w", kind, err)
		}
		ids = append(ids, sn.ID().ToStringOutput())
		if kind == "private" {
			v.privateZones = append(v.privateZones, sn.AvailabilityZone)
		}
	}
	return ids, nil
}
