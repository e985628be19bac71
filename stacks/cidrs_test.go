package stacks

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// TestAllowedCIDRsAreIPv4Networks: each costgate:allowedCidrs entry is a
// cidrBlocks entry of the load balancer's security group, and the
// provider takes only an IPv4 network address there (a host address
// with its prefix, a bare address or an IPv6 range fails the group, and
// pulumi up with it). The preflight names each before anything is
// created, and what the group gets is always a network.
func TestAllowedCIDRsAreIPv4Networks(t *testing.T) {
	for _, tt := range []struct {
		cidrs []string
		want  string // "" : deployed
	}{
		{[]string{"10.1.0.0/16", " 192.168.4.0/22 "}, ""},
		{[]string{"10.1.2.3/16"}, "write its network, 10.1.0.0/16"},
		{[]string{"10.1.2.3"}, `"10.1.2.3" is not an IPv4 range`},
		{[]string{"2001:db8::/32"}, `"2001:db8::/32" is not an IPv4 range`},
		{[]string{"10.1.0.0/16", "vpn"}, `"vpn" is not an IPv4 range`},
	} {
		t.Run(strings.Join(tt.cidrs, ","), func(t *testing.T) {
			rs, _, err := run(t, examplePlan(t, "regulated"), Config{AllowedCIDRs: tt.cidrs})
			var pe *PreflightError
			switch {
			case tt.want != "" && (!errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want a preflight problem saying %q", err, tt.want)
			case tt.want != "":
				if len(rs) != 0 {
					t.Errorf("%d resources registered before the refusal", len(rs))
				}
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
				for _, raw := range sg.Properties["ingress"].([]any) {
					cidrs, _ := raw.(map[string]any)["cidrBlocks"].([]any)
					for _, c := range cidrs {
						p, err := netip.ParsePrefix(c.(string))
						if err != nil || !p.Addr().Is4() || p.Masked() != p {
							t.Errorf("%s ingress names %v, not an IPv4 network", sg.Name, c)
						}
					}
				}
			}
		})
	}
}
