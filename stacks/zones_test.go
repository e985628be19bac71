package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// localZone is a Local Zone of the preview's region: an account opted in
// to its group sees it among the region's available zones, and EC2
// offers GPU instances there (p5 and p6-b200 in Atlanta).
const localZone = previewRegion + "-atl-2a"

// zonesWithLocalZone answers DescribeAvailabilityZones as AWS does for an
// account opted in to a Local Zone group: the Local Zone with the
// region's Availability Zones (its name sorting first), unless a
// zone-type filter leaves it out.
func zonesWithLocalZone(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	names := []any{localZone, previewRegion + "a", previewRegion + "b", previewRegion + "c"}
	if f, ok := args.Args["filters"]; ok && f.IsArray() {
		for _, filter := range f.ArrayValue() {
			m := filter.ObjectValue()
			if m["name"].StringValue() != "zone-type" {
				continue
			}
			keep := map[string]bool{}
			for _, v := range m["values"].ArrayValue() {
				keep[v.StringValue()] = true
			}
			if !keep["local-zone"] {
				names = names[1:]
			}
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"names": names, "id": previewRegion}), nil
}

// TestSubnetsOnlyInAvailabilityZones: the program's VPC took the first
// available zones offering the instance type, and DescribeAvailabilityZones
// lists the Local Zones an account opted in to. A Local Zone offering the
// GPU type became a subnet's zone: the application load balancer cannot
// span an Availability Zone and a Local Zone, so pulumi up failed at it,
// and instances there bill the Local Zone's price, not the region's the
// plan priced. Only Availability Zones are picked.
func TestSubnetsOnlyInAvailabilityZones(t *testing.T) {
	offerings := func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"locations": []any{localZone, previewRegion + "b", previewRegion + "c"}, "id": previewRegion,
		}), nil
	}
	rs, _, err := runPreflight(t, examplePlan(t, "regulated"), Config{}, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
		"aws:index/getAvailabilityZones:getAvailabilityZones":       zonesWithLocalZone,
		"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": offerings,
	})
	if err != nil {
		t.Fatal(err)
	}
	subnets := ofType(rs, "aws:ec2/subnet:Subnet")
	if len(subnets) == 0 {
		t.Fatal("no subnets")
	}
	for _, sn := range subnets {
		if z, _ := sn.Properties["availabilityZone"].(string); !strings.HasPrefix(z, previewRegion) || strings.Count(z, "-") != 2 {
			t.Errorf("subnet %s is in %s, not an Availability Zone of %s", sn.Name, z, previewRegion)
		}
	}
}

// TestGivenSubnetsInAvailabilityZones: a costgate:subnetIds subnet in a
// Local Zone is refused by the preflight, before anything is created.
func TestGivenSubnetsInAvailabilityZones(t *testing.T) {
	local := func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
		id := args.Args["id"].StringValue()
		zone := previewRegion + id[len(id)-1:]
		if id == "subnet-lz" {
			zone = localZone
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "availabilityZone": zone, "vpcId": "vpc-existing", "cidrBlock": "10.0.0.0/24"}), nil
	}
	answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
		"aws:index/getAvailabilityZones:getAvailabilityZones": zonesWithLocalZone,
		"aws:ec2/getSubnet:getSubnet":                         local,
	}
	for _, tt := range []struct {
		subnets []string
		refuse  bool
	}{{[]string{"subnet-b", "subnet-c"}, false}, {[]string{"subnet-b", "subnet-lz"}, true}} {
		cfg := Config{VPCID: "vpc-existing", SubnetIDs: tt.subnets}
		rs, _, err := runPreflight(t, examplePlan(t, "regulated"), cfg, answers)
		var pe *PreflightError
		switch {
		case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "subnet-lz ("+localZone+")")):
			t.Errorf("%v: error %v, want a preflight problem naming the Local Zone's subnet", tt.subnets, err)
		case tt.refuse && len(rs) != 0:
			t.Errorf("%v: %d resources registered", tt.subnets, len(rs))
		case !tt.refuse && err != nil:
			t.Errorf("%v: %v", tt.subnets, err)
		}
	}
}

// TestVPCRangeAddressesTheFleet: a costgate:vpcCidr of /22 to /24 gives
// private subnets of /26, 59 usable addresses each (AWS keeps 5), and
// the application load balancer needs 8 of them free: a fleet past what
// the subnets of its offering zones hold failed to launch its last
// instances, and the plan had priced a peak the group never reached. The
// preflight refuses a peak past the addresses and reminds of an instance
// refresh's twice the peak.
func TestVPCRangeAddressesTheFleet(t *testing.T) {
	oneZone := func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"locations": []any{previewRegion + "b"}, "id": previewRegion}), nil
	}
	for _, tt := range []struct {
		name   string
		cidr   string
		zones  int // zones offering the type: 2 by default
		peak   int
		refuse bool
		remind bool
	}{
		{"default range", "", 2, 400, false, false},
		{"a /24, refresh fits", "10.9.0.0/24", 2, 51, false, false},
		{"a /24, refresh does not", "10.9.0.0/24", 2, 52, false, true},
		{"a /24, peak does not fit", "10.9.0.0/24", 2, 103, true, false},
		{"a /22, one zone offers", "10.9.0.0/22", 1, 52, true, false},
		{"a /20, one zone offers", "10.9.0.0/20", 1, 52, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.PeakInstances = tt.peak
			if s.BaselineInstances > 0 {
				s.BaselineInstances = tt.peak
			}
			answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){}
			if tt.zones == 1 {
				answers["aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"] = oneZone
			}
			rs, logs, err := runPreflight(t, p, Config{VPCCIDR: tt.cidr}, answers)
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "would fail to launch")):
				t.Fatalf("error %v, want a preflight problem about the subnets' addresses", err)
			case tt.refuse && len(rs) != 0:
				t.Fatalf("%d resources registered before the refusal", len(rs))
			case tt.refuse:
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			if said := strings.Contains(logs.text(), "instance refresh (a new AMI or image) launches"); said != tt.remind {
				t.Errorf("reminder of the refresh's addresses %v, want %v:\n%s", said, tt.remind, logs.text())
			}
		})
	}
}

// TestCustomerManagedEBSKeyIsRemembered: the launch template encrypts the
// root volume with the region's default EBS key, and Auto Scaling
// launches with a customer managed key only when its policy lets the
// service-linked role use it; the preflight says so when the default key
// is one.
func TestCustomerManagedEBSKeyIsRemembered(t *testing.T) {
	for _, tt := range []struct {
		key    string
		remind bool
	}{
		{"arn:aws:kms:" + previewRegion + ":123456789012:alias/aws/ebs", false},
		{"arn:aws:kms:" + previewRegion + ":123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true},
	} {
		answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
			"aws:ebs/getDefaultKmsKey:getDefaultKmsKey": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
				return resource.NewPropertyMapFromMap(map[string]any{"keyArn": tt.key, "id": previewRegion}), nil
			},
		}
		_, logs, err := runPreflight(t, examplePlan(t, "regulated"), Config{}, answers)
		if err != nil {
			t.Fatal(err)
		}
		if said := strings.Contains(logs.text(), "AWSServiceRoleForAutoScaling"); said != tt.remind {
			t.Errorf("default key %s: reminder %v, want %v:\n%s", tt.key, said, tt.remind, logs.text())
		}
	}
}
