package stacks

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// DefaultVPCCIDR is the range of the VPC the program creates without
// costgate:vpcCidr.
const DefaultVPCCIDR = "10.42.0.0/16"

// The VPC ranges costgate:vpcCidr admits: a private range (RFC 1918) of
// /16 (AWS's largest VPC) to /24, so that its four subnets keep room for
// the load balancers, the router's tasks and its database.
const (
	MinVPCPrefix = 16
	MaxVPCPrefix = 24
)

// rfc1918 are the private address ranges.
var rfc1918 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// ValidateAllowedCIDRs checks costgate:allowedCidrs: each entry (spaces
// trimmed) becomes a cidrBlocks entry of the load balancer's security
// group, which pulumi-aws's provider admits only as an IPv4 network
// address: no host bits, no bare address, no IPv6 range (the ingress
// block's cidr_blocks validator, ValidIPv4CIDRNetworkAddress,
// https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/vpc_security_group.go),
// so a stack naming 10.1.2.3/16 failed its first pulumi up at the group.
func ValidateAllowedCIDRs(cidrs []string) error {
	var bad []string
	for _, c := range uniqueCIDRs(cidrs) {
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !p.Addr().Is4():
			bad = append(bad, fmt.Sprintf("%q is not an IPv4 range (a.b.c.d/n)", c))
		case p.Masked() != p:
			bad = append(bad, fmt.Sprintf("%q has host bits set: write its network, %s", c, p.Masked()))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("costgate:allowedCidrs become the load balancer's inbound rules, which take IPv4 network ranges only: %s", strings.Join(bad, "; "))
	}
	return nil
}

// ValidateVPCCIDR checks a costgate:vpcCidr value: a network address
// (no host bits) in an RFC 1918 range, /16 to /24. Whether it overlaps a
// consumer's network cannot be seen from here: docs/DEPLOY.md says how to
// choose it.
func ValidateVPCCIDR(cidr string) error {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return fmt.Errorf("costgate:vpcCidr %q is not an IPv4 CIDR block such as %s", cidr, DefaultVPCCIDR)
	}
	if p.Masked() != p {
		return fmt.Errorf("costgate:vpcCidr %q has host bits set: the network is %s", cidr, p.Masked())
	}
	if p.Bits() < MinVPCPrefix || p.Bits() > MaxVPCPrefix {
		return fmt.Errorf("costgate:vpcCidr %q is a /%d: a VPC of the program's is /%d to /%d", cidr, p.Bits(), MinVPCPrefix, MaxVPCPrefix)
	}
	for _, r := range rfc1918 {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return nil
		}
	}
	return fmt.Errorf("costgate:vpcCidr %q is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, RFC 1918)", cidr)
}

// subnetCIDRs splits a valid VPC range into two private subnets of a
// sixteenth of it each (at most /26), from its start, and two public ones
// of a 256th (at most /28, AWS's smallest), from its middle: for
// 10.42.0.0/16, 10.42.0.0/20 and 10.42.16.0/20, 10.42.128.0/24 and
// 10.42.129.0/24, the subnets of every stack created before the range
// could be chosen.
func subnetCIDRs(cidr string) (private, public []string, err error) {
	if err := ValidateVPCCIDR(cidr); err != nil {
		return nil, nil, err
	}
	p := netip.MustParsePrefix(cidr)
	base := p.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	block := func(offset uint32, bits int) string {
		a := start + offset
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits).String()
	}
	privBits, pubBits := min(p.Bits()+4, 26), min(p.Bits()+8, 28)
	privSize, pubSize, half := uint32(1)<<(32-privBits), uint32(1)<<(32-pubBits), uint32(1)<<(31-p.Bits())
	private = []string{block(0, privBits), block(privSize, privBits)}
	public = []string{block(half, pubBits), block(half+pubSize, pubBits)}
	return private, public, nil
}

// consumerVPC is one costgate:consumerVpcIds entry.
type consumerVPC struct {
	// account is the VPC's account when it is another's: the zone's
	// account authorizes the association, the VPC's account makes it.
	account string
	id      string
	// region is the VPC's region when it is not the stack's.
	region string
}

// consumerVPCRe is an entry's syntax: [ACCOUNT/]vpc-ID[@REGION].
var consumerVPCRe = regexp.MustCompile(`^(?:([0-9]{12})/)?(vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?)(?:@([a-z]{2}(?:-[a-z]+)+-[0-9]))?\z`)

// parseConsumerVPC reads one costgate:consumerVpcIds entry.
func parseConsumerVPC(s string) (consumerVPC, error) {
	m := consumerVPCRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return consumerVPC{}, fmt.Errorf("costgate:consumerVpcIds entry %q is not [ACCOUNT/]vpc-ID[@REGION] (e.g. vpc-0a1b2c3d, 210987654321/vpc-0a1b2c3d@us-west-2)", s)
	}
	return consumerVPC{account: m[1], id: m[2], region: m[3]}, nil
}

// ValidateEndpointPrincipals checks costgate:endpointServicePrincipals: IAM
// ARNs (an account as arn:aws:iam::ACCOUNT:root), never "*", which would
// let any AWS account connect an endpoint to the fleet.
func ValidateEndpointPrincipals(principals []string) error {
	var bad []string
	for _, p := range principals {
		if strings.Contains(p, "*") || !strings.HasPrefix(p, "arn:") {
			bad = append(bad, fmt.Sprintf("%q", p))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("costgate:endpointServicePrincipals %s: name IAM principals by ARN (an account as arn:aws:iam::ACCOUNT:root), never *, which would let any AWS account reach the fleet", strings.Join(bad, ", "))
	}
	return nil
}

// uniqueCIDRs is costgate:allowedCidrs as the load balancer's rules name
// it: each range once, without surrounding spaces, in the order given.
// EC2 refuses a rule that names one range twice ("The same permission must
// not appear multiple times") once the group exists.
func uniqueCIDRs(cidrs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}
