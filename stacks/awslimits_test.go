package stacks

import (
	"strings"
	"testing"
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
			if len(groups) != 5 {
				t.Fatalf("%d security groups, want the load balancer's, the instances', PrivateLink's, the router's and its database's", len(groups))
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
