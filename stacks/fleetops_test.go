package stacks

import (
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
)

// TestWeightsMirror: the fleet has a private, encrypted S3 mirror of its
// weights; in the program's own VPC an S3 gateway endpoint routes the
// instances' subnets to it (no NAT processing), in a given VPC the preview
// says to add one; the instance role reads and fills only its model's
// prefix; the user data fills the mirror from Hugging Face once and copies
// from it afterwards, and vLLM serves the local copy under the catalog's
// name.
func TestWeightsMirror(t *testing.T) {
	for _, tt := range []struct {
		name     string
		cfg      Config
		endpoint bool
	}{
		{"own VPC", Config{HFToken: secretInput()}, true},
		{"given VPC", Config{HFToken: secretInput(), VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			rs, logs, err := runPreflight(t, p, tt.cfg, nil)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			bucket := one(t, rs, "aws:s3/bucketV2:BucketV2").Properties
			pab := one(t, rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Properties
			sse := one(t, rs, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2").Properties
			if bucket["bucketPrefix"] != MirrorBucketPrefix || pab["blockPublicPolicy"] != true || pab["restrictPublicBuckets"] != true || sse["rules"] == nil {
				t.Errorf("mirror %v, access %v, encryption %v: want a private, encrypted bucket", bucket, pab, sse)
			}
			eps := ofType(rs, "aws:ec2/vpcEndpoint:VpcEndpoint")
			if tt.endpoint {
				if len(eps) != 1 {
					t.Fatalf("%d VPC endpoints, want the S3 gateway", len(eps))
				}
				ep := eps[0].Properties
				rts, _ := ep["routeTableIds"].([]any)
				if ep["serviceName"] != "com.amazonaws."+previewRegion+".s3" || ep["vpcEndpointType"] != "Gateway" ||
					len(rts) != 1 || !strings.HasSuffix(rts[0].(string), "-private-id") {
					t.Errorf("endpoint %v, want an S3 gateway on the private route table", ep)
				}
			} else if len(eps) != 0 || !strings.Contains(logs.text(), "add an S3 gateway endpoint") {
				t.Errorf("given VPC: %d endpoints, logs %q; want none and a reminder", len(eps), logs.text())
			}
			prefix := "models/" + s.VLLMArgs[0]
			arn := "arn:aws:s3:::" + MirrorBucketPrefix + "0123456789abcdef"
			var got []string
			for _, rp := range ofType(rs, "aws:iam/rolePolicy:RolePolicy") {
				if strings.HasSuffix(rp.Name, "-weights-mirror") {
					for _, st := range statements(t, rp) {
						got = append(got, st.Resource...)
						if slices.Contains(st.Action, "s3:ListBucket") && !slices.Contains(st.Condition["StringLike"]["s3:prefix"], prefix+"/*") {
							t.Errorf("listing not limited to %s: %+v", prefix, st)
						}
					}
				}
			}
			if want := []string{arn, arn + "/" + prefix + "/*"}; !slices.Equal(got, want) {
				t.Errorf("mirror policy on %v, want only %v", got, want)
			}
			ud := userData(t, rs)
			for _, want := range []string{
				"ExecStartPre=/opt/costgate/weights.sh",
				"mirror=s3://" + MirrorBucketPrefix + "0123456789abcdef/" + prefix,
				`aws s3 sync "$mirror/" "$dir/"`, `aws s3 sync "$dir/" "$mirror/"`, "snapshot_download",
				"-v /opt/costgate/weights:/models:ro", "  /models \\\n", "--served-model-name " + s.Model,
			} {
				if !strings.Contains(ud, want) {
					t.Errorf("user data lacks %q", want)
				}
			}
			if v := inference.VolumeFor(s.WeightsGB); v.MiBps <= inference.GP3BaselineMiBps {
				t.Errorf("volume %+v not provisioned above gp3's baseline for %.0f GB of weights", v, s.WeightsGB)
			}
		})
	}
}
