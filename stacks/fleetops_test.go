package stacks

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
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

// TestWeightsMirrorPassesPublicBucket: the mirror's S3 resources, as a
// self-hosted plan's preview records them, pass resources.public_bucket,
// and the same resources weakened one property at a time are denied: the
// policy reads the program's real types and property names.
func TestWeightsMirrorPassesPublicBucket(t *testing.T) {
	rs, err := Preview(examplePlan(t, "regulated"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		bucketType = "aws:s3/bucketV2:BucketV2"
		blockType  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
		sseType    = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	)
	en := resourceEngine(t)
	denied := func(r plan.Resource) []string {
		t.Helper()
		res, err := en.EvaluateResource(context.Background(), PolicyInput(r))
		if err != nil {
			t.Fatalf("evaluate %s %s: %v", r.Type, r.Name, err)
		}
		var msgs []string
		for _, f := range res.Deny {
			if f.Policy == "resources.public_bucket" {
				msgs = append(msgs, f.Message)
			}
		}
		return msgs
	}
	with := func(r plan.Resource, k string, v any) plan.Resource {
		props := maps.Clone(r.Properties)
		if v == nil {
			delete(props, k)
		} else {
			props[k] = v
		}
		r.Properties = props
		return r
	}
	for _, typ := range []string{bucketType, blockType, sseType} {
		if msgs := denied(one(t, rs, typ)); len(msgs) != 0 {
			t.Errorf("the program's %s denied: %q", typ, msgs)
		}
	}
	block := one(t, rs, blockType)
	weakened := []plan.Resource{
		with(one(t, rs, bucketType), "acl", "public-read"),
		with(one(t, rs, sseType), "rules", []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "none"}}}),
		// A change that opens the mirror past the earlier rules: an Allow
		// to everyone but one account (NotPrincipal), and encryption
		// switched off inline on the bucket instead of in its
		// configuration resource.
		with(one(t, rs, bucketType), "policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::costgate-weights/*"}]}`),
		with(one(t, rs, bucketType), "serverSideEncryptionConfigurations", []any{map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "none"}}}}}}),
	}
	for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		weakened = append(weakened, with(block, flag, false), with(block, flag, nil))
	}
	for _, r := range weakened {
		msgs := denied(r)
		if len(msgs) != 1 || !strings.Contains(msgs[0], r.Type+" "+r.Name+" ") {
			t.Errorf("%s %s with %v: denials %q, want one naming the resource", r.Type, r.Name, r.Properties, msgs)
		}
	}
}

// TestSpotBaseAndDrain: a spot group runs the plan's on-demand base (at
// most its peak) under capacity-optimized spot with capacity rebalancing;
// its instances may leave only their own target group, and drain into a
// termination hook that waits for the longest stream; other pricings have
// neither the base nor the drain.
func TestSpotBaseAndDrain(t *testing.T) {
	for _, tt := range []struct {
		pricing        string
		base, wantBase int
	}{
		{spec.Spot, 0, 0},
		{spec.Spot, 1, 1},
		{spec.Spot, 3, 3}, // a base that covers the peak: all on demand, from the launch template
		{spec.Spot, 5, 3},
		{spec.OnDemand, 0, -1},
	} {
		t.Run(fmt.Sprintf("%s/%d", tt.pricing, tt.base), func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.Pricing, s.PeakInstances, s.OnDemandBase = tt.pricing, 3, tt.base
			rs, _, err := run(t, p, Config{HFToken: secretInput()})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			asg := one(t, rs, "aws:autoscaling/group:Group").Properties
			mip, _ := asg["mixedInstancesPolicy"].(map[string]any)
			dist, _ := mip["instancesDistribution"].(map[string]any)
			var hooks []map[string]any
			for _, h := range ofType(rs, "aws:autoscaling/lifecycleHook:LifecycleHook") {
				if h.Properties["name"] == DrainHookName {
					hooks = append(hooks, h.Properties)
				}
			}
			ud := userData(t, rs)
			tg := one(t, rs, "aws:lb/targetGroup:TargetGroup").Properties["name"].(string)
			var leave []string
			for _, st := range instancePolicy(t, rs) {
				if slices.Contains(st.Action, "elasticloadbalancing:DeregisterTargets") {
					leave = append(leave, st.Resource...)
				}
			}
			if tt.wantBase < 0 {
				if mip != nil || len(hooks) != 0 || strings.Contains(ud, "drain.sh") || len(leave) != 0 {
					t.Errorf("%s group has a mixed policy %v, drain hooks %v or a drain", tt.pricing, mip, hooks)
				}
				return
			}
			switch {
			case tt.wantBase >= s.PeakInstances:
				// Every instance on demand, as billed: no spot pool for
				// a refresh's replacements to launch in.
				if mip != nil || asg["launchTemplate"] == nil {
					t.Errorf("a base of %d over a peak of %d: mixed policy %v, launch template %v; want the launch template alone", tt.base, s.PeakInstances, mip, asg["launchTemplate"])
				}
			case dist["onDemandBaseCapacity"] != float64(tt.wantBase) || dist["onDemandPercentageAboveBaseCapacity"] != 0.0 || asg["capacityRebalance"] != true:
				t.Errorf("distribution %v, rebalance %v; want an on-demand base of %d and spot above it", dist, asg["capacityRebalance"], tt.wantBase)
			}
			if len(hooks) != 1 || hooks[0]["lifecycleTransition"] != "autoscaling:EC2_INSTANCE_TERMINATING" ||
				hooks[0]["defaultResult"] != "CONTINUE" || hooks[0]["heartbeatTimeout"] != float64(StreamDrainSeconds(*s)+120) {
				t.Errorf("drain hooks %v, want one termination hook waiting the longest stream", hooks)
			}
			want := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/*", previewRegion, previewAccount, tg)
			if !slices.Equal(leave, []string{want}) {
				t.Errorf("instances may deregister from %v, want only %s", leave, want)
			}
			for _, w := range []string{"/opt/costgate/drain.sh", "spot/instance-action", "deregister-targets", "--lifecycle-hook-name " + DrainHookName} {
				if !strings.Contains(ud, w) {
					t.Errorf("user data lacks %q", w)
				}
			}
		})
	}
}
