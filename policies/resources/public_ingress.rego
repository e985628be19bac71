package costgate.resources

# resources.public_ingress: no security group may accept traffic from the
# whole internet. The inference endpoint is private; its clients are named
# by costgate:allowedCidrs.

# public(cidr) holds for a range too wide to name clients: an IPv4 prefix
# shorter than /8 (0.0.0.0/0, or 0.0.0.0/1 with 128.0.0.0/1) or an IPv6
# prefix shorter than /16. A private network's 10.0.0.0/8 is allowed.
public(cidr) if {
	not contains(cidr, ":")
	to_number(split(cidr, "/")[1]) < 8
}

public(cidr) if {
	contains(cidr, ":")
	to_number(split(cidr, "/")[1]) < 16
}

# Ingress rules in one shape: {from, to, cidrs}.
ingress contains {"from": r.fromPort, "to": r.toPort, "cidrs": cidrs} if {
	input.__type == "aws:ec2/securityGroup:SecurityGroup"
	some r in object.get(props, "ingress", [])
	cidrs := array.concat(object.get(r, "cidrBlocks", []), object.get(r, "ipv6CidrBlocks", []))
}

ingress contains {"from": props.fromPort, "to": props.toPort, "cidrs": cidrs} if {
	input.__type == "aws:ec2/securityGroupRule:SecurityGroupRule"
	props.type == "ingress"
	cidrs := array.concat(object.get(props, "cidrBlocks", []), object.get(props, "ipv6CidrBlocks", []))
}

ingress contains {"from": object.get(props, "fromPort", -1), "to": object.get(props, "toPort", -1), "cidrs": cidrs} if {
	input.__type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	cidrs := [c | some k in ["cidrIpv4", "cidrIpv6"]; c := props[k]]
}

deny contains {"policy": "resources.public_ingress", "msg": msg} if {
	# The types ingress reads.
	input.__type in {
		"aws:ec2/securityGroup:SecurityGroup",
		"aws:ec2/securityGroupRule:SecurityGroupRule",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	}
	some rule in ingress
	some cidr in rule.cidrs
	public(cidr)
	msg := sprintf("%s %s accepts ports %v-%v from %s: allow only the clients' CIDRs (costgate:allowedCidrs)", [rtype, rname, rule.from, rule.to, cidr])
}

# Ranges judged one by one let a list of them span the internet: all 256
# IPv4 /8s, or 60 public ones within a security group's rule quota, each
# no wider than a private network's 10.0.0.0/8. A resource's ingress
# ranges outside the private networks (RFC 1918) are merged across its
# rules and ports and counted: more public addresses than a /8 holds is as
# open as a range wider than one.
private_ipv4 := ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

private(cidr) if {
	some p in private_ipv4
	net.cidr_contains(p, cidr)
}

public_ipv4_addresses := sum([bits.lsh(1, 32 - to_number(split(c, "/")[1])) |
	some c in net.cidr_merge([cidr |
		some rule in ingress
		some cidr in rule.cidrs
		not contains(cidr, ":")
		not private(cidr)
	])
])

deny contains {"policy": "resources.public_ingress", "msg": msg} if {
	input.__type in {
		"aws:ec2/securityGroup:SecurityGroup",
		"aws:ec2/securityGroupRule:SecurityGroupRule",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	}
	public_ipv4_addresses > bits.lsh(1, 24)
	msg := sprintf("%s %s accepts %v public IPv4 addresses across its ingress rules, more than a /8 holds: ranges that together span that much of the internet are as open as a wider one; allow only the clients' CIDRs (costgate:allowedCidrs)", [rtype, rname, public_ipv4_addresses])
}

# A database with a public address answers the internet as soon as a
# security group lets it: the router's stays private.
deny contains {"policy": "resources.public_ingress", "msg": msg} if {
	input.__type == "aws:rds/instance:Instance"
	object.get(props, "publiclyAccessible", false) == true
	msg := sprintf("%s %s is publicly accessible: set publiclyAccessible to false", [rtype, rname])
}
