package stacks

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// sweepCase is one plan of the sweep: a spec (an example's file, or a
// generated variant's text) deployed with a stack configuration.
type sweepCase struct {
	name, path string
	cfg        Config
}

// TestPricedIsProvisioned: for every example spec and a set of generated
// variants (each pricing and schedule, fixed and sized fleets, minimum
// replicas, a spot fleet's on-demand base, a hybrid with and without the
// router, and the stack configurations that change what is built), the
// decided option's line items are the bill AWS would send for the
// resources its preview registers, both ways: every priced line is
// recomputed from the registered resources and the catalog's prices
// (sweepBill), and every registered resource AWS bills is in a line.
// Generated variants are skipped under -short.
func TestPricedIsProvisioned(t *testing.T) {
	cases := exampleCases(t)
	if !testing.Short() {
		cases = append(cases, variantCases(t)...)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.SpecPath = c.path
			// The regulated team's override of spend.approval, approved.
			c.cfg.Approvals = &plan.Approvals{ApprovedBy: []string{"cfo@payments.example"}}
			p, err := buildPlan(context.Background(), c.cfg, planDate)
			if err != nil {
				t.Fatal(err)
			}
			o := p.Chosen()
			if o == nil {
				t.Skipf("decision %s: %v", p.Decision.Architecture, p.Decision.Reasons)
			}
			sp, diags := spec.NewParser(modelcatalog.Default()).ParseFile(c.path)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			want := sweepBill(t, p, sp, c.cfg)
			got := pricedAWSLines(o)
			compareBills(t, got, want)
			if o.Sizing != nil {
				checkBilledHours(t, o.Sizing, p.Resources, sp)
				checkGivenVPCNote(t, o, p.Resources, sp)
			}
		})
	}
}

// exampleCases are the example specs, as planned without a stack.
func exampleCases(t *testing.T) []sweepCase {
	t.Helper()
	var out []sweepCase
	for _, glob := range []string{"*.hcl", "seed/*.hcl"} {
		paths, err := filepath.Glob(filepath.Join("..", "examples", glob))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			out = append(out, sweepCase{name: strings.TrimSuffix(filepath.Base(p), ".hcl"), path: p})
		}
	}
	if len(out) < 10 {
		t.Fatalf("%d example specs", len(out))
	}
	return out
}

// selfHostedAttr matches the self_hosted attributes a variant sets.
var selfHostedAttr = regexp.MustCompile(`(?m)^\s*(pricing|schedule|gpus|gpu|min_replicas|on_demand_base|hours_per_month|region)\s*=.*\n`)

// variant writes the example's text with the self_hosted attributes set
// (any the example sets replaced) and returns its path.
func variant(t *testing.T, example string, attrs map[string]string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "examples", example+".hcl"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	text = selfHostedAttr.ReplaceAllStringFunc(text, func(line string) string {
		k := strings.TrimSpace(strings.SplitN(line, "=", 2)[0])
		if _, ok := attrs[k]; ok {
			return ""
		}
		return line
	})
	var set strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&set, "\n  %s = %s", k, attrs[k])
	}
	text = strings.Replace(text, "self_hosted {", "self_hosted {"+set.String(), 1)
	path := filepath.Join(t.TempDir(), example+".hcl")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// variantCases are the generated variants: the regulated team's
// self-hosted fleet under every pricing and schedule and with fixed or
// sized GPUs, and the enterprise's hybrid under each stack
// configuration that changes what is built.
func variantCases(t *testing.T) []sweepCase {
	t.Helper()
	var out []sweepCase
	for _, pricing := range []string{spec.OnDemand, spec.Reserved, spec.Spot, spec.CapacityBlock} {
		for _, schedule := range []string{spec.AlwaysOn, spec.BusinessHours} {
			attrs := map[string]string{"pricing": `"` + pricing + `"`, "schedule": `"` + schedule + `"`}
			if pricing == spec.Spot && schedule == spec.BusinessHours {
				attrs["on_demand_base"] = "1"
			}
			out = append(out, sweepCase{name: "regulated/" + pricing + "/" + schedule, path: variant(t, "regulated", attrs)})
		}
	}
	for name, attrs := range map[string]map[string]string{
		"gpus-4":           {"pricing": `"reserved"`, "schedule": `"always_on"`, "gpus": "4"},
		"gpus-4-spot-base": {"pricing": `"spot"`, "schedule": `"business_hours"`, "gpus": "16", "on_demand_base": "1"},
		"gpus-3-business":  {"pricing": `"reserved"`, "schedule": `"business_hours"`, "gpus": "3"},
		"min-replicas-3":   {"pricing": `"on_demand"`, "schedule": `"business_hours"`, "min_replicas": "3"},
		"gpu-auto-spot":    {"pricing": `"spot"`, "schedule": `"always_on"`, "gpu": `"auto"`, "on_demand_base": "2"},
		"hours-per-month":  {"pricing": `"on_demand"`, "schedule": `"always_on"`, "hours_per_month": "700"},
		"gpu-auto-on-days": {"pricing": `"on_demand"`, "schedule": `"business_hours"`, "gpu": `"auto"`},
	} {
		out = append(out, sweepCase{name: "regulated/" + name, path: variant(t, "regulated", attrs)})
	}
	return append(out, configCases(t)...)
}

// configCases are the stack configurations of the sweep, on the
// regulated team's fleet and the enterprise's hybrid.
func configCases(t *testing.T) []sweepCase {
	t.Helper()
	const principal = "arn:aws:iam::210987654321:root"
	given := Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}}
	docker := secretInput()
	cfgs := map[string]Config{
		"vpc":             given,
		"privatelink":     {EndpointServicePrincipals: []string{principal}},
		"docker-hub":      {DockerHubCredentials: docker},
		"ecr-image":       {VLLMImage: previewAccount + ".dkr.ecr.us-east-1.amazonaws.com/vllm/vllm-openai:v0.11.0"},
		"ecr-image-west":  {VLLMImage: previewAccount + ".dkr.ecr.us-west-2.amazonaws.com/vllm/vllm-openai:v0.11.0"},
		"hf-token":        {HFToken: secretInput()},
		"router":          {DeployGateway: true},
		"router-and-more": {DeployGateway: true, EndpointServicePrincipals: []string{principal}, DockerHubCredentials: docker, HFToken: secretInput()},
		"router-in-vpc":   {DeployGateway: true, VPCID: given.VPCID, SubnetIDs: given.SubnetIDs, EndpointServicePrincipals: []string{principal}},
		"docker-hub-vpc":  {DockerHubCredentials: docker, VPCID: given.VPCID, SubnetIDs: given.SubnetIDs},
	}
	business := variant(t, "regulated", map[string]string{"pricing": `"on_demand"`, "schedule": `"business_hours"`})
	hybridDays := variant(t, "enterprise-hybrid", map[string]string{"pricing": `"on_demand"`, "schedule": `"business_hours"`})
	// A fleet in us-west-2 pulls the us-east-1 image across Regions.
	west := variant(t, "regulated", map[string]string{"pricing": `"on_demand"`, "schedule": `"business_hours"`, "region": `"us-west-2"`})
	out := []sweepCase{
		{name: "regulated-west/ecr-image", path: west, cfg: Config{Region: "us-west-2", VLLMImage: cfgs["ecr-image"].VLLMImage}},
		{name: "regulated-west/ecr-image-west", path: west, cfg: Config{Region: "us-west-2", VLLMImage: cfgs["ecr-image-west"].VLLMImage}},
		{name: "regulated-west/docker-hub", path: west, cfg: Config{Region: "us-west-2", DockerHubCredentials: docker}},
	}
	for name, cfg := range cfgs {
		out = append(out,
			sweepCase{name: "regulated-days/" + name, path: business, cfg: cfg},
			sweepCase{name: "enterprise-hybrid/" + name, path: filepath.Join("..", "examples", "enterprise-hybrid.hcl"), cfg: cfg},
			sweepCase{name: "enterprise-hybrid-days/" + name, path: hybridDays, cfg: cfg})
	}
	return out
}

// checkBilledHours holds the fleet's sizing to what AWS bills for the
// group the program registers: the launch template's type, the GPUs
// launched at peak (every one billed), 730 hours under a commitment
// (a Savings Plan or a Capacity Block bills every hour, whatever the
// schedule), else the hours the scheduled actions run it; a
// business_hours group started at the peak and stopped to none in the
// team's zone, an always_on group kept at the peak; a spot group's
// on-demand base, a capacity block's market.
func checkBilledHours(t *testing.T, s *plan.Sizing, rs []plan.Resource, sp *spec.Spec) {
	t.Helper()
	lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate").Properties
	asg := one(t, rs, "aws:autoscaling/group:Group").Properties
	inst, _ := catalogInstance(modelcatalog.Default(), s.InstanceType, s.Region)
	peak := float64(s.PeakInstances)
	if lt["instanceType"] != s.InstanceType || asg["maxSize"] != peak || s.GPUs != s.PeakInstances*inst.GPUs {
		t.Errorf("group of %v × %v, %d GPUs billed; the plan launches %d × %s (%d GPUs each)", asg["maxSize"], lt["instanceType"], s.GPUs, s.PeakInstances, s.InstanceType, inst.GPUs)
	}
	running, _ := scheduledHours(t, rs, sp.SelfHosted)
	switch {
	case spec.Commitment(s.Pricing) && s.BilledHours != units.HoursPerMonth:
		t.Errorf("%s bills %g h, want all %d of the month", s.Pricing, s.BilledHours, units.HoursPerMonth)
	case !spec.Commitment(s.Pricing) && math.Abs(s.BilledHours-running) > 0.01:
		t.Errorf("%s bills %g h, the group runs %g h", s.Pricing, s.BilledHours, running)
	}
	scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
	if s.Schedule == spec.AlwaysOn {
		if len(scheds) != 0 || asg["minSize"] != peak || asg["desiredCapacity"] != peak {
			t.Errorf("always on: %d schedules, group %v..%v from %v; want the peak %g kept", len(scheds), asg["minSize"], asg["maxSize"], asg["desiredCapacity"], peak)
		}
	}
	zone := canonicalZone(ScheduleZone("", sp.Team.Timezone))
	for _, sc := range scheds {
		start := strings.HasSuffix(sc.Name, "business-start")
		want := map[bool]float64{true: peak, false: 0}[start]
		if sc.Properties["desiredCapacity"] != want || sc.Properties["minSize"] != want || sc.Properties["maxSize"] != peak ||
			sc.Properties["timeZone"] != zone {
			t.Errorf("schedule %s %v, want %g instances (at most %g) in %s", sc.Name, sc.Properties, want, peak, zone)
		}
	}
	checkPurchase(t, s, lt, asg, sp.SelfHosted)
}

// checkPurchase holds the group's purchase option to the pricing billed.
func checkPurchase(t *testing.T, s *plan.Sizing, lt, asg map[string]any, sh spec.SelfHosted) {
	t.Helper()
	mip, _ := asg["mixedInstancesPolicy"].(map[string]any)
	market, _ := lt["instanceMarketOptions"].(map[string]any)
	switch s.Pricing {
	case spec.Spot:
		dist, _ := mip["instancesDistribution"].(map[string]any)
		base := min(sh.OnDemandBase, s.PeakInstances)
		if base == s.PeakInstances {
			// Every instance on demand: the launch template alone.
			if mip != nil || market != nil || s.OnDemandBase != base {
				t.Errorf("spot fleet whose base %d covers its peak: mixed policy %v, market %v", base, mip, market)
			}
			return
		}
		if dist["onDemandBaseCapacity"] != float64(base) || s.OnDemandBase != base || dist["onDemandPercentageAboveBaseCapacity"] != 0.0 {
			t.Errorf("spot distribution %v, plan base %d; want the spec's base %d on demand and spot above it", dist, s.OnDemandBase, base)
		}
	case spec.CapacityBlock:
		if market["marketType"] != "capacity-block" || s.PeakInstances > modelcatalog.MaxCapacityBlockInstances {
			t.Errorf("capacity block of %d instances in market %v", s.PeakInstances, market)
		}
	default:
		if mip != nil || market != nil || s.OnDemandBase != 0 {
			t.Errorf("%s group with mixed policy %v, market %v", s.Pricing, mip, market)
		}
	}
}

// checkGivenVPCNote: a fleet in a given VPC (no VPC registered) that
// starts instances every working day is warned of what its starts copy
// through that VPC's NAT gateway without an S3 gateway endpoint, which
// the program adds only to its own VPC: the weights from the mirror, and
// the image's layers when it comes from ECR in the fleet's Region (ECR
// serves them from S3; the plan prices those pulls as free).
func checkGivenVPCNote(t *testing.T, o *plan.Option, rs []plan.Resource, sp *spec.Spec) {
	t.Helper()
	_, starts := scheduledHours(t, rs, sp.SelfHosted)
	if len(ofType(rs, "aws:ec2/vpc:Vpc")) > 0 || starts == 0 {
		return
	}
	weights := starts * o.Sizing.CheckpointGB
	want := []string{fmt.Sprintf("copy %.0f GB of weights from the mirror", weights)}
	gb := weights
	if pullsFromECRIn(t, rs, sp.SelfHosted.Region) {
		want = append(want, fmt.Sprintf("%.0f GB of the vLLM image's layers from ECR", starts*inference.ImagePullGB))
		gb += starts * inference.ImagePullGB
	}
	want = append(want, units.USD(gb*0.045).Whole()+" a month")
	for _, w := range o.Warnings {
		if w.Policy != "sizing.vpc_weights" {
			continue
		}
		for _, part := range want {
			if !strings.Contains(w.Message, part) {
				t.Errorf("sizing.vpc_weights %q does not say %q", w.Message, part)
			}
		}
		return
	}
	t.Errorf("a fleet in a given VPC starting %.0f instances a month has no sizing.vpc_weights warning", starts)
}
