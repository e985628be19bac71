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

// TestAlarmTopicInTheStacksRegion: costgate:alarmTopicArn is every
// alarm's action; the provider takes only an ARN there and CloudWatch
// only a topic of the alarm's Region. The preflight refuses the others
// before anything is created.
func TestAlarmTopicInTheStacksRegion(t *testing.T) {
	for _, tt := range []struct {
		topic, want string
	}{
		{"arn:aws:sns:" + previewRegion + ":123456789012:ops", ""},
		{"arn:aws:sns:eu-west-1:123456789012:ops", "a topic of eu-west-1"},
		{"ops-alerts", "is not an SNS topic's ARN"},
		{"arn:aws:sqs:" + previewRegion + ":123456789012:ops", "is not an SNS topic's ARN"},
	} {
		t.Run(tt.topic, func(t *testing.T) {
			rs, _, err := run(t, examplePlan(t, "enterprise-hybrid"), Config{AlarmTopicARN: tt.topic, DeployGateway: true})
			var pe *PreflightError
			switch {
			case tt.want != "" && (!errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want a preflight problem saying %q", err, tt.want)
			case tt.want != "" && len(rs) != 0:
				t.Errorf("%d resources registered before the refusal", len(rs))
			case tt.want == "" && err != nil:
				t.Fatalf("deploy: %v", err)
			}
			for _, al := range ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") {
				for _, a := range al.Properties["alarmActions"].([]any) {
					if s := a.(string); !strings.HasPrefix(s, "arn:aws:sns:"+previewRegion+":") {
						t.Errorf("alarm %s acts on %s, not a topic of %s", al.Name, s, previewRegion)
					}
				}
			}
		})
	}
}
