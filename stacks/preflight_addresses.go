package stacks

import (
	"net/netip"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Addresses of a subnet that its own resources cannot use.
const (
	// subnetReservedAddresses: AWS keeps the first four and the last
	// address of every subnet
	// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
	subnetReservedAddresses = 5
	// albFreeAddresses: an application load balancer needs at least 8
	// free addresses in each of its subnets to scale
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
	albFreeAddresses = 8
)

// subnetAddresses compares the fleet's instances with the addresses of
// the private subnets the program's VPC gives them: a sixteenth of
// costgate:vpcCidr each, at most a /26 (59 usable addresses), of which
// only those in zones offering the instance type take instances, beside
// the load balancer's, the PrivateLink front's and the router's
// interfaces. An instance the subnets cannot address fails to launch
// (InsufficientFreeAddressesInSubnet), billed nothing but serving
// nothing: the group then runs below the peak the plan sized. Past the
// peak this is a problem; past an instance refresh's twice the peak
// (launch before terminate), a reminder. A given VPC's subnets are the
// team's, holding other resources: not counted.
func (pf *preflight) subnetAddresses(s plan.Sizing, offered map[string]bool) {
	if pf.cfg.VPCID != "" {
		return
	}
	cidr := pf.cfg.VPCCIDR
	if cidr == "" {
		cidr = DefaultVPCCIDR
	}
	private, _, err := subnetCIDRs(cidr)
	if err != nil {
		return // reach() reports the range
	}
	avail, err := aws.GetAvailabilityZones(pf.ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "zone-type", Values: []string{"availability-zone"}}},
	})
	if err != nil {
		return
	}
	zones, err := pickZones(avail.Names, offered, len(private))
	if err != nil {
		return // the network reports it
	}
	room := pf.instanceAddresses(netip.MustParsePrefix(private[0]).Bits(), zones, offered)
	peak := s.PeakInstances
	switch {
	case peak > room:
		pf.problem("costgate:vpcCidr %s gives the instances %d addresses (private subnets of /%d in %d zone(s) offering %s, beside the load balancers' and the router's), and the fleet runs %d at peak: the rest would fail to launch; choose a larger range (a /%d or wider gives each private subnet %d addresses)",
			cidr, room, netip.MustParsePrefix(private[0]).Bits(), countOffered(zones, offered), s.InstanceType, peak, MinVPCPrefix+4, 1<<(32-MinVPCPrefix-4)-subnetReservedAddresses)
	case RefreshFactor*peak > room:
		pf.remind("costgate:vpcCidr %s gives the instances %d addresses: the peak's %d × %s fit, but an instance refresh (a new AMI or image) launches %d before terminating the old ones, and the launches past %d fail until the old instances go; a larger range avoids it",
			cidr, room, peak, s.InstanceType, RefreshFactor*peak, room)
	}
}

// instanceAddresses is what the private subnets of a prefix length in
// the zones leave the instances: the usable addresses of those in zones
// offering the type, less the load balancers' interfaces there and the
// router's tasks and database, which may be in any of them.
func (pf *preflight) instanceAddresses(bits int, zones []string, offered map[string]bool) int {
	n := countOffered(zones, offered)
	perSubnet := 1<<(32-bits) - subnetReservedAddresses - albFreeAddresses
	if len(pf.cfg.EndpointServicePrincipals) > 0 {
		perSubnet-- // the Network Load Balancer's interface
	}
	room := n * perSubnet
	if pf.cfg.DeployGateway && pf.opt.Architecture == architecture.Hybrid {
		room -= routerTasks + 1 // the tasks' interfaces and the database's
	}
	return max(room, 0)
}

// countOffered counts the zones that offer the instance type.
func countOffered(zones []string, offered map[string]bool) int {
	n := 0
	for _, z := range zones {
		if offered[z] {
			n++
		}
	}
	return n
}
