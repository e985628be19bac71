package costgate.resources

sg(ingress) := {
	"__type": "aws:ec2/securityGroup:SecurityGroup", "__name": "acme-alb",
	"properties": {"ingress": ingress, "tags": {"cost_center": "platform"}},
}

ids(findings) := {f.policy | some f in findings}

test_public_ingress_denies_inference_port_open_to_world if {
	"resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "cidrBlocks": ["0.0.0.0/0"]}])
}

test_public_ingress_denies_any_port_open_to_ipv6_world if {
	"resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 443, "toPort": 443, "ipv6CidrBlocks": ["::/0"]}])
}

test_public_ingress_denies_standalone_rule if {
	"resources.public_ingress" in ids(deny) with input as {
		"__type": "aws:ec2/securityGroupRule:SecurityGroupRule", "__name": "r",
		"properties": {"type": "ingress", "fromPort": 8000, "toPort": 8000, "cidrBlocks": ["0.0.0.0/0"]},
	}
}

test_public_ingress_denies_vpc_ingress_rule if {
	"resources.public_ingress" in ids(deny) with input as {
		"__type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "__name": "r",
		"properties": {"fromPort": 8000, "toPort": 8000, "cidrIpv4": "0.0.0.0/0"},
	}
}

test_public_ingress_allows_vpc_cidr if {
	not "resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.42.0.0/16"]}])
}

test_public_ingress_allows_security_group_source if {
	not "resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "securityGroups": ["sg-1"]}])
}

test_public_ingress_allows_open_egress if {
	not "resources.public_ingress" in ids(deny) with input as {
		"__type": "aws:ec2/securityGroupRule:SecurityGroupRule", "__name": "r",
		"properties": {"type": "egress", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
	}
}

test_public_ingress_denies_split_halves_of_the_internet if {
	"resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "cidrBlocks": ["0.0.0.0/1", "128.0.0.0/1"]}])
}

test_public_ingress_allows_a_private_network if {
	not "resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "cidrBlocks": ["10.0.0.0/8"]}])
}

test_public_ingress_denies_public_database if {
	"resources.public_ingress" in ids(deny) with input as {"__type": "aws:rds/instance:Instance", "__name": "db", "properties": {"publiclyAccessible": true}}
}

test_public_ingress_allows_private_database if {
	not "resources.public_ingress" in ids(deny) with input as {"__type": "aws:rds/instance:Instance", "__name": "db", "properties": {"publiclyAccessible": false}}
}

slash8s(from, to) := [sprintf("%d.0.0.0/8", [i]) | some i in numbers.range(from, to)]

test_public_ingress_denies_every_slash8 if {
	"resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": slash8s(0, 255)}])
}

test_public_ingress_denies_sixty_public_slash8s_over_rules if {
	"resources.public_ingress" in ids(deny) with input as sg([
		{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": slash8s(1, 9)},
		{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": slash8s(11, 61)},
	])
}

test_public_ingress_denies_two_apart_public_slash8s if {
	"resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["1.0.0.0/8", "3.0.0.0/8"]}])
}

test_public_ingress_allows_one_public_slash8 if {
	not "resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["1.0.0.0/8", "1.2.0.0/16"]}])
}

test_public_ingress_allows_every_private_network if {
	not "resources.public_ingress" in ids(deny) with input as sg([{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]}])
}
