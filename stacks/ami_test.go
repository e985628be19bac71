package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestAMIFitsTheLaunchTemplate: the launch template's gp3 volume (the
// size, throughput and IOPS the plan prices as the root volume) replaces
// the AMI's root only under the AMI's root device name; under another it
// is an extra, unused disk, the root keeps the image's size, and the
// checkpoint does not fit on it, so every start fails, billed. The name
// is read from the AMI, costgate:amiId's or the Deep Learning AMI the
// program looks up. An image of another architecture than the catalog's
// GPU types (all x86_64) never launches: the preflight refuses it.
func TestAMIFitsTheLaunchTemplate(t *testing.T) {
	for _, tt := range []struct {
		name, amiID, arch, root string
		refuse                  bool
	}{
		{"costgate:amiId with root /dev/xvda", "ami-0custom0000000000", "x86_64", "/dev/xvda", false},
		{"costgate:amiId with root /dev/sda1", "ami-0custom0000000000", "x86_64", "/dev/sda1", false},
		{"costgate:amiId of arm64", "ami-0custom0000000000", "arm64", "/dev/sda1", true},
		{"the Deep Learning AMI", "", "x86_64", "/dev/xvda", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ami := func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
				return resource.NewPropertyMapFromMap(map[string]any{"id": "ami-0custom0000000000", "imageId": "ami-0custom0000000000",
					"architecture": tt.arch, "rootDeviceName": tt.root, "rootDeviceType": "ebs"}), nil
			}
			rs, _, err := runPreflight(t, examplePlan(t, "regulated"), Config{AMIID: tt.amiID}, map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getAmi:getAmi": ami,
			})
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "costgate:amiId ami-0custom0000000000 is an arm64 image")):
				t.Fatalf("error %v; want a preflight problem naming the AMI and its architecture", err)
			case tt.refuse:
				if len(rs) != 0 {
					t.Errorf("%d resources registered", len(rs))
				}
				return
			case err != nil:
				t.Fatalf("deploy: %v", err)
			}
			lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate")
			maps, _ := lt.Properties["blockDeviceMappings"].([]any)
			if len(maps) != 1 {
				t.Fatalf("block device mappings %v, want the root volume only", maps)
			}
			if device := maps[0].(map[string]any)["deviceName"]; device != tt.root {
				t.Errorf("the launch template maps the priced volume to %v, but the AMI's root device is %s: it becomes an extra disk and the root keeps the image's size", device, tt.root)
			}
		})
	}
}
