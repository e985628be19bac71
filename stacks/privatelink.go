package stacks

import (
	"fmt"

	"github.com/costgate/costgate/inference"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EndpointServiceType is the PrivateLink front's component type token.
const EndpointServiceType = "costgate:stacks:EndpointService"

// EndpointServiceArgs configure the PrivateLink front of a fleet.
type EndpointServiceArgs struct {
	Team, CostCenter string
	Fleet            *SelfHostedInference
	// Router, when set, publishes its listener too.
	Router *Router
	// Principals may connect interface endpoints (IAM ARNs).
	Principals []string
	// DNSName, when set, is the service's private DNS name: once its
	// domain is verified, consumers' endpoints resolve it to themselves.
	DNSName string
}

// EndpointService is a PrivateLink endpoint service in front of the
// fleet's internal application load balancer. PrivateLink serves only a
// Network Load Balancer, so an internal one forwards each published port
// (the vLLM endpoint's, the router's) to the application load balancer
// through a target group of type alb; consumers in other VPCs and accounts
// reach both with an interface endpoint, whatever their address ranges.
type EndpointService struct {
	pulumi.ResourceState
	// ServiceName is what consumers name in their interface endpoint
	// (com.amazonaws.vpce.<region>.vpce-svc-…).
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// DNSVerification is the TXT record proving DNSName's domain; empty
	// without DNSName.
	DNSVerification pulumi.AnyOutput `pulumi:"dnsVerification"`
}

// NewEndpointService registers the Network Load Balancer (internal, in
// the fleet's subnets, with the security group the fleet's load balancer
// admits), a TCP listener and an alb target group per published port, and
// the endpoint service open to the principals, without manual acceptance
// (the principals are the allow list).
func NewEndpointService(ctx *pulumi.Context, name string, a *EndpointServiceArgs, opts ...pulumi.ResourceOption) (*EndpointService, error) {
	fl := a.Fleet
	if fl == nil || fl.nlbSG == nil {
		return nil, fmt.Errorf("create endpoint service %s: the fleet was created without its PrivateLink security group", name)
	}
	es := &EndpointService{}
	if err := ctx.RegisterComponentResource(EndpointServiceType, name, es, opts...); err != nil {
		return nil, fmt.Errorf("register %s: %w", name, err)
	}
	parent, tags, res := pulumi.Parent(es), Tags(a.Team, a.CostCenter), name+"-privatelink"
	// A Network Load Balancer cannot leave a subnet: a subnet set that
	// swaps or drops one replaces it, and the replacement, created before
	// the old one goes, needs a name of its own (so do its target groups:
	// one is forwarded to by one load balancer only). The given network is
	// in the names; the program's own VPC keeps its subnets.
	nlb, err := lb.NewLoadBalancer(ctx, res, &lb.LoadBalancerArgs{
		Name:             pulumi.String(physicalName(ctx.Stack(), a.Team, "pl", fl.net.placement, MaxLoadBalancerName)),
		Internal:         pulumi.Bool(true),
		LoadBalancerType: pulumi.String("network"),
		Subnets:          fl.net.lbSubnets,
		SecurityGroups:   pulumi.StringArray{fl.nlbSG.ID()},
		// Cross-zone balancing stays off (it bills inter-zone transfer):
		// each zone's node forwards to the application load balancer's
		// node in its own zone.
		EnableCrossZoneLoadBalancing: pulumi.Bool(false),
		// Consumers are admitted by the service's principals; the
		// security group governs the balancer's own traffic.
		EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: pulumi.String("off"),
		Tags: stringMap(tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create PrivateLink load balancer: %w", err)
	}
	targets := []publishedPort{{fl.listener, fl.lbs.listener, "/v1/models", "200-499"}}
	if a.Router != nil {
		targets = append(targets, publishedPort{RouterListenerPort, a.Router.listener, "/health/liveliness", "200"})
	}
	for _, t := range targets {
		if err := publish(ctx, res, a.Team, nlb, fl, t, tags, parent); err != nil {
			return nil, err
		}
	}
	svc, err := endpointService(ctx, res, a, nlb, tags, parent)
	if err != nil {
		return nil, err
	}
	es.ServiceName = svc.ServiceName
	es.DNSVerification = svc.PrivateDnsNameConfigurations.ToVpcEndpointServicePrivateDnsNameConfigurationArrayOutput().ApplyT(func(c []ec2.VpcEndpointServicePrivateDnsNameConfiguration) any {
		if len(c) == 0 {
			return ""
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		return map[string]string{"type": str(c[0].Type), "name": str(c[0].Name), "value": str(c[0].Value), "state": str(c[0].State)}
	}).(pulumi.AnyOutput)
	if err := ctx.RegisterResourceOutputs(es, pulumi.Map{"serviceName": es.ServiceName, "dnsVerification": es.DNSVerification}); err != nil {
		return nil, fmt.Errorf("register outputs of %s: %w", name, err)
	}
	return es, nil
}

// publishedPort is one listener of the application load balancer the
// Network Load Balancer forwards to, and how to check it.
type publishedPort struct {
	port     int
	listener *lb.Listener
	path     string
	matcher  string
}

// publish registers a port's alb target group (the application load
// balancer registered on the listener's port, after the listener exists, as
// AWS requires) and the Network Load Balancer's TCP listener to it.
func publish(ctx *pulumi.Context, res, team string, nlb *lb.LoadBalancer, fl *SelfHostedInference, t publishedPort, tags map[string]string, parent pulumi.ResourceOption) error {
	name := fmt.Sprintf("%s-%d", res, t.port)
	check := "HTTP"
	if fl.listener == 443 {
		check = "HTTPS" // both listeners speak TLS with a certificate
	}
	tg, err := lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
		Name:       pulumi.String(physicalName(ctx.Stack(), team, fmt.Sprintf("pl%d", t.port), fl.net.placement, MaxTargetGroupName)),
		TargetType: pulumi.String("alb"),
		Protocol:   pulumi.String("TCP"),
		Port:       pulumi.Int(t.port),
		VpcId:      fl.net.vpcID,
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Protocol: pulumi.String(check), Path: pulumi.String(t.path), Matcher: pulumi.String(t.matcher),
			Interval: pulumi.Int(30), HealthyThreshold: pulumi.Int(3), UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: stringMap(tags),
	}, parent)
	if err != nil {
		return fmt.Errorf("create PrivateLink target group for port %d: %w", t.port, err)
	}
	if _, err := lb.NewTargetGroupAttachment(ctx, name, &lb.TargetGroupAttachmentArgs{
		TargetGroupArn: tg.Arn, TargetId: fl.lbs.alb.Arn, Port: pulumi.Int(t.port),
	}, parent, pulumi.DependsOn([]pulumi.Resource{t.listener})); err != nil {
		return fmt.Errorf("register the load balancer for port %d: %w", t.port, err)
	}
	if _, err := lb.NewListener(ctx, name, &lb.ListenerArgs{
		LoadBalancerArn: nlb.Arn,
		Port:            pulumi.Int(t.port),
		Protocol:        pulumi.String("TCP"),
		DefaultActions:  lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}},
		// A request queued for its first token sends no byte: the flow
		// stays open as long as the application load balancer's
		// connection (the default closes it after 350 s).
		TcpIdleTimeoutSeconds: pulumi.Int(inference.IdleTimeoutSeconds),
		Tags:                  stringMap(tags),
	}, parent); err != nil {
		return fmt.Errorf("create PrivateLink listener on port %d: %w", t.port, err)
	}
	return nil
}

// endpointService registers the service itself.
func endpointService(ctx *pulumi.Context, res string, a *EndpointServiceArgs, nlb *lb.LoadBalancer, tags map[string]string, parent pulumi.ResourceOption) (*ec2.VpcEndpointService, error) {
	args := &ec2.VpcEndpointServiceArgs{
		AcceptanceRequired:      pulumi.Bool(false),
		AllowedPrincipals:       pulumi.ToStringArray(a.Principals),
		NetworkLoadBalancerArns: pulumi.StringArray{nlb.Arn},
		SupportedIpAddressTypes: pulumi.StringArray{pulumi.String("ipv4")},
		Tags:                    withName(tags, res),
	}
	if a.DNSName != "" {
		args.PrivateDnsName = pulumi.String(a.DNSName)
	}
	svc, err := ec2.NewVpcEndpointService(ctx, res, args, parent)
	if err != nil {
		return nil, fmt.Errorf("create endpoint service: %w", err)
	}
	return svc, nil
}

// endpointSecurityGroup registers the PrivateLink front's security group:
// nothing in (PrivateLink traffic is admitted by the service's principals),
// out to the fleet's load balancer on the published ports.
func (f *fleet) endpointSecurityGroup(net network) (*ec2.SecurityGroup, error) {
	var egress ec2.SecurityGroupEgressArray
	for _, port := range f.a.publishedPorts() {
		egress = append(egress, ec2.SecurityGroupEgressArgs{
			Description: pulumi.String(fmt.Sprintf("port %d of the load balancer", port)), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(port), ToPort: pulumi.Int(port), CidrBlocks: net.cidrs,
		})
	}
	desc := "costgate " + f.a.Team + ": PrivateLink front of the inference endpoint"
	sg, err := ec2.NewSecurityGroup(f.ctx, f.name+"-privatelink", &ec2.SecurityGroupArgs{
		Name:        securityGroupName(f.ctx.Stack(), f.name+"-privatelink", desc),
		Description: pulumi.String(desc),
		VpcId:       net.vpcID,
		Egress:      egress,
		Tags:        withName(f.tags, f.name+"-privatelink"),
	}, f.parent)
	if err != nil {
		return nil, fmt.Errorf("create PrivateLink security group: %w", err)
	}
	f.c.nlbSG = sg
	return sg, nil
}

// routerTasksSecurityGroup registers the group that marks the router's
// tasks, without rules of its own: the load balancer admits it on the vLLM
// endpoint's listener, whatever costgate:allowedCidrs lists, since the
// router calls the fleet through that listener. The router's own group
// cannot be named there: it admits the load balancer's, which would have
// to exist first, and a rule added to a group beside its inline rules is
// removed by the group's next update.
func (f *fleet) routerTasksSecurityGroup(net network) (*ec2.SecurityGroup, error) {
	desc := "costgate " + f.a.Team + ": tasks of the LiteLLM router, admitted by the load balancer on the vLLM endpoint"
	sg, err := ec2.NewSecurityGroup(f.ctx, f.name+"-router-tasks", &ec2.SecurityGroupArgs{
		Name:        securityGroupName(f.ctx.Stack(), f.name+"-router-tasks", desc),
		Description: pulumi.String(desc),
		VpcId:       net.vpcID,
		Tags:        withName(f.tags, f.name+"-router-tasks"),
	}, f.parent)
	if err != nil {
		return nil, fmt.Errorf("create router tasks security group: %w", err)
	}
	f.c.routerTasksSG = sg
	return sg, nil
}

// zoneAssociations associates the private hosted zone of costgate:dnsName
// with the fleet's own VPC (so the router and clients there resolve the
// name) and with each consumer VPC: one of this account directly, one of
// another account by an authorization, after which that account associates
// it (aws route53 associate-vpc-with-hosted-zone). A public zone needs none.
func (f *fleet) zoneAssociations(net network) error {
	a := f.a
	if a.HostedZoneID == "" {
		return nil
	}
	zone, err := route53.LookupZone(f.ctx, &route53.LookupZoneArgs{ZoneId: pulumi.StringRef(a.HostedZoneID)})
	if err != nil {
		return fmt.Errorf("look up hosted zone %s: %w", a.HostedZoneID, err)
	}
	if zone.PrivateZone == nil || !*zone.PrivateZone {
		return nil
	}
	if a.VPCID == "" {
		if _, err := route53.NewZoneAssociation(f.ctx, f.name+"-zone", &route53.ZoneAssociationArgs{
			ZoneId: pulumi.String(a.HostedZoneID), VpcId: net.vpcID,
		}, f.parent); err != nil {
			return fmt.Errorf("associate the hosted zone with the fleet's VPC: %w", err)
		}
	}
	// A VPC written twice (bare, and with its account or region) is
	// associated once: a second resource of one name is refused, and so
	// is a second association of the VPC with the zone.
	seen := map[string]bool{}
	for _, entry := range a.ConsumerVPCs {
		v, err := parseConsumerVPC(entry)
		if err != nil {
			return err
		}
		if seen[v.id] {
			continue
		}
		seen[v.id] = true
		var region pulumi.StringPtrInput
		if v.region != "" {
			region = pulumi.String(v.region)
		}
		res := f.name + "-zone-" + v.id
		if v.account != "" && v.account != f.account {
			_, err = route53.NewVpcAssociationAuthorization(f.ctx, res, &route53.VpcAssociationAuthorizationArgs{
				ZoneId: pulumi.String(a.HostedZoneID), VpcId: pulumi.String(v.id), VpcRegion: region,
			}, f.parent)
		} else {
			_, err = route53.NewZoneAssociation(f.ctx, res, &route53.ZoneAssociationArgs{
				ZoneId: pulumi.String(a.HostedZoneID), VpcId: pulumi.String(v.id), VpcRegion: region,
			}, f.parent)
		}
		if err != nil {
			return fmt.Errorf("associate the hosted zone with %s: %w", entry, err)
		}
	}
	return nil
}

// routerAndEndpointRules are the load balancer's inbound rules beyond the
// vLLM endpoint's: the router's listener for the allowed CIDRs and the
// router's tasks on the endpoint's listener; with PrivateLink, every published port for the Network Load
// Balancer's security group (registered here, before the load balancer's).
func (f *fleet) routerAndEndpointRules(net network, allowed pulumi.StringArrayInput) (ec2.SecurityGroupIngressArray, error) {
	var ingress ec2.SecurityGroupIngressArray
	if f.a.Router {
		tasks, err := f.routerTasksSecurityGroup(net)
		if err != nil {
			return nil, err
		}
		listenerPort := f.a.listenerPort()
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("clients of the LiteLLM router"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(RouterListenerPort), ToPort: pulumi.Int(RouterListenerPort), CidrBlocks: allowed,
		}, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("tasks of the LiteLLM router, which call the vLLM endpoint"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(listenerPort), ToPort: pulumi.Int(listenerPort), SecurityGroups: pulumi.StringArray{tasks.ID()},
		})
	}
	if !f.a.PrivateLink {
		return ingress, nil
	}
	nlbSG, err := f.endpointSecurityGroup(net)
	if err != nil {
		return nil, err
	}
	for _, port := range f.a.publishedPorts() {
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String(fmt.Sprintf("PrivateLink consumers on port %d, through the Network Load Balancer", port)), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(port), ToPort: pulumi.Int(port), SecurityGroups: pulumi.StringArray{nlbSG.ID()},
		})
	}
	return ingress, nil
}
