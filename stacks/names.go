package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AWS name limits of the resources costgate names itself (pulumi-aws's
// autonaming would add 8 characters to the logical name and overflow
// them for long team labels).
const (
	// MaxLoadBalancerName and MaxTargetGroupName: 32 alphanumerics or
	// hyphens, not beginning or ending with a hyphen; a load balancer's may
	// not begin with "internal-".
	MaxLoadBalancerName = 32
	MaxTargetGroupName  = 32
	// MaxInferenceProfileName: Bedrock application inference profiles.
	MaxInferenceProfileName = 64
	// MaxAutoScalingGroupName: auto scaling groups.
	MaxAutoScalingGroupName = 255
	// MaxECRPrefix: an ECR pull-through cache rule's repository prefix.
	MaxECRPrefix = 30
	// MaxSNSTopicName: SNS topics.
	MaxSNSTopicName = 256
)

// nameHashLen is the length of the hash that ends every derived name.
const nameHashLen = 8

// physicalName derives an AWS name of at most max characters for one kind
// of a team's resource in one stack: "team-kind" cut to fit, then a hash of
// the stack, the whole team label, the kind and salt (what forces the
// resource's replacement, so that a replacement gets a new name). Two labels that share a
// long prefix, and two stacks of one team in one account, never collide;
// the name never begins or ends with a hyphen, nor with "internal-".
func physicalName(stack, team, kind, salt string, max int) string {
	h := nameHash(stack, team, kind, salt)
	base := strings.Trim(team, "-")
	if strings.HasPrefix(base, "internal-") || base == "internal" {
		base = "int" + strings.TrimPrefix(base, "internal")
	}
	if base == "" {
		base = "costgate"
	}
	if kind != "" {
		base += "-" + kind
	}
	if room := max - 1 - nameHashLen; len(base) > room {
		base = base[:room]
	}
	base = strings.TrimRight(base, "-")
	return base + "-" + h
}

// nameHash is the hash part of physicalName.
func nameHash(stack, team, kind, salt string) string {
	sum := sha256.Sum256([]byte(stack + "\x00" + team + "\x00" + kind + "\x00" + salt))
	return hex.EncodeToString(sum[:])[:nameHashLen]
}

// securityGroupName names a security group whose autoname (the logical
// name, a hyphen and seven random characters) would begin with "sg-",
// which CreateSecurityGroup refuses: a team label such as "sg-platform",
// or "sg" itself ("sg-alb"). Every other group keeps its autoname (nil),
// so that no deployed group is replaced. The description is in the hash:
// a new description replaces the group, and the replacement, created
// before the old one goes, needs a name of its own in the VPC.
func securityGroupName(stack, logical, description string) pulumi.StringPtrInput {
	if !strings.HasPrefix(strings.ToLower(logical), "sg-") {
		return nil
	}
	return pulumi.String("cg-" + logical + "-" + nameHash(stack, logical, "sg", description))
}
