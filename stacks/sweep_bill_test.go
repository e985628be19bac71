package stacks

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// freeTypes are the resource types the program registers that AWS bills
// nothing for (docs/DEPLOY.md, "What each resource costs"), or whose cost
// a line item of another resource carries (a launch template's instances
// are the group's; a task definition's tasks are the service's; a
// secret's version is the secret's).
var freeTypes = map[string]bool{
	"aws:ec2/vpc:Vpc": true, "aws:ec2/subnet:Subnet": true, "aws:ec2/routeTable:RouteTable": true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation": true, "aws:ec2/internetGateway:InternetGateway": true,
	"aws:ec2/securityGroup:SecurityGroup": true, "aws:ec2/launchTemplate:LaunchTemplate": true,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": true,
	"aws:iam/role:Role": true, "aws:iam/rolePolicy:RolePolicy": true, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": true,
	"aws:iam/instanceProfile:InstanceProfile":     true,
	"aws:autoscaling/lifecycleHook:LifecycleHook": true, "aws:autoscaling/schedule:Schedule": true,
	"aws:lb/targetGroup:TargetGroup": true, "aws:lb/listener:Listener": true, "aws:lb/targetGroupAttachment:TargetGroupAttachment": true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:secretsmanager/secretVersion:SecretVersion":                                             true,
	"aws:cloudwatch/eventRule:EventRule":                                                         true, "aws:cloudwatch/eventTarget:EventTarget": true,
	"aws:sns/topic:Topic": true, "aws:sns/topicPolicy:TopicPolicy": true, "aws:sns/topicSubscription:TopicSubscription": true,
	"aws:budgets/budget:Budget": true, "aws:bedrock/inferenceProfile:InferenceProfile": true,
	"aws:route53/record:Record": true, "aws:route53/zoneAssociation:ZoneAssociation": true,
	"aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization": true,
	"aws:ecs/cluster:Cluster": true, "aws:ecs/taskDefinition:TaskDefinition": true, "aws:rds/subnetGroup:SubnetGroup": true,
	// The router's log group bills only the logs written to it, per GB
	// (a few hundred MB a month of LiteLLM's request lines): usage the
	// router's line does not count, as the fleet's NAT lines count only
	// the weights and the image.
	"aws:cloudwatch/logGroup:LogGroup": true,
}

// billedTypes are the resource types AWS bills that the sweep prices
// from the registered resources (sweepBill's sections).
var billedTypes = map[string]bool{
	"aws:autoscaling/group:Group": true, "aws:s3/bucketV2:BucketV2": true, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": true,
	"aws:secretsmanager/secret:Secret": true, "aws:cloudwatch/metricAlarm:MetricAlarm": true,
	"aws:ec2/natGateway:NatGateway": true, "aws:ec2/eip:Eip": true, "aws:lb/loadBalancer:LoadBalancer": true,
	"aws:ec2/vpcEndpoint:VpcEndpoint": true, "aws:ec2/vpcEndpointService:VpcEndpointService": true,
	"aws:ecs/service:Service": true, "aws:rds/instance:Instance": true, "aws:ssm/parameter:Parameter": true,
}

// lineOf is the catalog's line item of a unit (Per) and kind (When), the
// first whose name starts with prefix.
func lineOf(t *testing.T, cat *modelcatalog.Catalog, per, when, prefix string) modelcatalog.FixedCost {
	t.Helper()
	for _, li := range cat.FixedCosts {
		if li.Per == per && li.When == when && strings.HasPrefix(li.Name, prefix) {
			return li
		}
	}
	t.Fatalf("the catalog has no line item per %q when %q named %q…", per, when, prefix)
	return modelcatalog.FixedCost{}
}

// sweepBill is the monthly bill, by the catalog's line item names, of the
// resources p's preview registered: what AWS would send for them at the
// catalog's prices, counted from their properties. A registered type the
// sweep does not know is an error: it may be billed and unpriced.
func sweepBill(t *testing.T, p *plan.Plan, sp *spec.Spec, cfg Config) map[string]float64 {
	t.Helper()
	cat, err := cfg.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	rs := p.Resources
	for _, r := range rs {
		if !freeTypes[r.Type] && !billedTypes[r.Type] && !strings.HasPrefix(r.Type, "costgate:") {
			t.Errorf("registered %s %s: the sweep does not know what AWS bills for it", r.Type, r.Name)
		}
	}
	bill := map[string]float64{}
	if len(ofType(rs, "aws:autoscaling/group:Group")) > 0 {
		fleetBill(t, bill, rs, cat, sp, p.Chosen().Sizing)
	}
	secretsAndAlarms(t, bill, rs, cat)
	networkBill(t, bill, rs, cat)
	routerBill(t, bill, rs, cat)
	return bill
}

// fleetBill adds the fleet's lines: its GPUs for the hours they are
// billed (the group's peak of the launch template's type; a spot group's
// on-demand base at the on-demand price), each instance's volume for the
// hours it runs, the weights mirror, the image's pulls at each start and
// the pull-through cache.
func fleetBill(t *testing.T, bill map[string]float64, rs []plan.Resource, cat *modelcatalog.Catalog, sp *spec.Spec, s *plan.Sizing) {
	t.Helper()
	lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate").Properties
	asg := one(t, rs, "aws:autoscaling/group:Group").Properties
	sh := sp.SelfHosted
	inst, ok := catalogInstance(cat, fmt.Sprint(lt["instanceType"]), sh.Region)
	if !ok {
		t.Fatalf("launch template type %v is not in the catalog in %s", lt["instanceType"], sh.Region)
	}
	peak := asg["maxSize"].(float64)
	running, starts := scheduledHours(t, rs, sh)
	hours := running
	if spec.Commitment(sh.Pricing) {
		hours = units.HoursPerMonth
	}
	base := 0.0
	if mip, ok := asg["mixedInstancesPolicy"].(map[string]any); ok {
		base = mip["instancesDistribution"].(map[string]any)["onDemandBaseCapacity"].(float64)
	} else if sh.Pricing == spec.Spot && lt["instanceMarketOptions"] == nil {
		// A spot fleet's group launched from its template alone, with no
		// spot market option: every instance on demand.
		base = peak
	}
	rate := mid(inst.GPUHourUSD[sh.Pricing])
	if sh.GPUHourUSD != nil && sh.GPU == inst.GPU {
		rate = (sh.GPUHourUSD.Low + sh.GPUHourUSD.High) / 2
	}
	gpus := float64(inst.GPUs)
	if peak > base {
		bill["GPU instances"] = (peak - base) * gpus * rate * hours
	}
	if base > 0 {
		bill["GPU instances (on-demand base)"] = base * gpus * mid(inst.GPUHourUSD[spec.OnDemand]) * hours
	}
	ebs := lt["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
	if ebs["volumeType"] != "gp3" || ebs["volumeSize"] != float64(inference.VolumeFor(s.CheckpointGB).GB) {
		t.Errorf("volume %v, want gp3 of the %g GB checkpoint's size", ebs, s.CheckpointGB)
	}
	months := peak * running / units.HoursPerMonth // instance-months of volume
	for _, v := range []struct {
		per   string
		units float64
	}{
		{modelcatalog.PerVolumeGB, ebs["volumeSize"].(float64)},
		{modelcatalog.PerVolumeMiBps, ebs["throughput"].(float64) - inference.GP3BaselineMiBps},
		{modelcatalog.PerVolumeIOPS, ebs["iops"].(float64) - inference.GP3BaselineIOPS},
	} {
		li := lineOf(t, cat, v.per, "", "")
		bill[li.Name] = months * v.units * li.MonthlyUSD
	}
	imageBill(t, bill, rs, cat, sh.Region, starts, s.CheckpointGB)
}

// imageBill adds the weights mirror (its checkpoint kept, and downloaded
// once through the NAT gateway), the image's pulls through the NAT
// gateway at each start unless the instances pull it from ECR in their
// Region, and the pull-through cache's credentials and image.
func imageBill(t *testing.T, bill map[string]float64, rs []plan.Resource, cat *modelcatalog.Catalog, region string, starts, ckptGB float64) {
	t.Helper()
	if len(ofType(rs, "aws:s3/bucketV2:BucketV2")) == 1 {
		for _, per := range []string{modelcatalog.PerMirrorGB, modelcatalog.PerMirrorFillGB} {
			li := lineOf(t, cat, per, "", "")
			bill[li.Name] = ckptGB * li.MonthlyUSD
		}
	}
	if pull := lineOf(t, cat, modelcatalog.PerImagePullGB, modelcatalog.WhenImageViaNAT, ""); !pullsFromECRIn(t, rs, region) && starts > 0 {
		bill[pull.Name] = starts * inference.ImagePullGB * pull.MonthlyUSD
	}
	if n := len(ofType(rs, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")); n > 0 {
		cred := lineOf(t, cat, "", modelcatalog.WhenPullCache, "")
		kept := lineOf(t, cat, modelcatalog.PerImageGB, modelcatalog.WhenPullCache, "")
		bill[cred.Name] = float64(n) * cred.MonthlyUSD
		bill[kept.Name] = float64(n) * inference.ImagePullGB * kept.MonthlyUSD
	}
}

// pullsFromECRIn reports whether the instances pull their image from
// ECR in region (layers from S3, through the VPC's gateway endpoint).
func pullsFromECRIn(t *testing.T, rs []plan.Resource, region string) bool {
	t.Helper()
	return regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.` + regexp.QuoteMeta(region) + `\.amazonaws\.com/`).MatchString(pulledImage(t, rs))
}

// pulledImage is the image the instances' user data pulls.
func pulledImage(t *testing.T, rs []plan.Resource) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate").Properties["userData"].(string))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "docker pull ")
	if !ok {
		t.Fatal("the user data pulls no image")
	}
	image, _, _ := strings.Cut(rest, " ")
	return strings.Trim(image, `'"`)
}

// scheduledHours are the hours a month each instance runs, read from the
// group's scheduled actions (from the working day's start to its end on
// weekdays, units.WeekdaysPerMonth of them), or every hour of the
// spec's month without any, and the instance starts a month.
func scheduledHours(t *testing.T, rs []plan.Resource, sh spec.SelfHosted) (running, starts float64) {
	t.Helper()
	scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
	if len(scheds) == 0 {
		return spec.AlwaysOnHours(sh.Pricing, sh.HoursPerMonth), 0
	}
	at := map[string]float64{}
	size := map[string]float64{}
	for _, s := range scheds {
		kind := s.Name[strings.LastIndex(s.Name, "business-"):]
		var m, h int
		if _, err := fmt.Sscanf(fmt.Sprint(s.Properties["recurrence"]), "%d %d * * MON-FRI", &m, &h); err != nil {
			t.Fatalf("schedule %s recurrence %v: %v", s.Name, s.Properties["recurrence"], err)
		}
		at[kind], size[kind] = float64(h)+float64(m)/60, s.Properties["desiredCapacity"].(float64)
	}
	if len(scheds) != 2 || size["business-end"] != 0 {
		t.Fatalf("schedules %v: want a start and an end to none", size)
	}
	day := at["business-end"] - at["business-start"]
	running = math.Min(math.Round(day*units.WeekdaysPerMonth*100)/100, units.HoursPerMonth)
	return running, size["business-start"] * units.WeekdaysPerMonth
}

func mid(r modelcatalog.PriceRange) float64 { return (r.Low + r.High) / 2 }

// catalogInstance is the catalog's instance type in region.
func catalogInstance(cat *modelcatalog.Catalog, typ, region string) (modelcatalog.Instance, bool) {
	for _, in := range cat.Instances {
		if in.Type == typ && in.Region == region {
			return in, true
		}
	}
	return modelcatalog.Instance{}, false
}

// isRouters reports whether a resource is the LiteLLM router's (its
// logical names are the team's and "-router").
func isRouters(r plan.Resource) bool { return strings.Contains(r.Name, "-router-") }

// secretsAndAlarms adds the Secrets Manager secrets (the pull-through
// cache's and the router's aside, which their own lines price) and the
// fleet's CloudWatch alarms, each billed per metric it reads.
func secretsAndAlarms(t *testing.T, bill map[string]float64, rs []plan.Resource, cat *modelcatalog.Catalog) {
	t.Helper()
	secrets := 0
	for _, s := range ofType(rs, "aws:secretsmanager/secret:Secret") {
		if name, _ := s.Properties["name"].(string); !isRouters(s) && !strings.HasPrefix(name, pullCacheSecretPrefix) {
			secrets++
		}
	}
	if li := lineOf(t, cat, "secret", "", ""); secrets > 0 {
		bill[li.Name] = float64(secrets) * li.MonthlyUSD
	}
	metrics := 0
	for _, a := range ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") {
		if !isRouters(a) {
			metrics += alarmMetrics(a)
		}
	}
	if li := lineOf(t, cat, "alarm", "", ""); metrics > 0 {
		bill[li.Name] = float64(metrics) * li.MonthlyUSD
	}
}

// alarmMetrics is how many metrics CloudWatch bills an alarm for: a
// metric-math alarm is billed per metric its expression reads
// (aws.amazon.com/cloudwatch/pricing: "$0.10 per alarm metric").
func alarmMetrics(a plan.Resource) int {
	qs, _ := a.Properties["metricQueries"].([]any)
	if len(qs) == 0 {
		return 1
	}
	n := 0
	for _, q := range qs {
		if q.(map[string]any)["metric"] != nil {
			n++
		}
	}
	return n
}

// networkBill adds the NAT gateways (each with its Elastic IP), the load
// balancers by type, the PrivateLink endpoint service, and checks that
// what else the network registers is free: gateway VPC endpoints only,
// Standard-tier parameters only.
func networkBill(t *testing.T, bill map[string]float64, rs []plan.Resource, cat *modelcatalog.Catalog) {
	t.Helper()
	nats, eips := len(ofType(rs, "aws:ec2/natGateway:NatGateway")), len(ofType(rs, "aws:ec2/eip:Eip"))
	if nats != eips {
		t.Errorf("%d NAT gateways, %d Elastic IPs: the NAT line prices one address each", nats, eips)
	}
	if li := lineOf(t, cat, "", modelcatalog.WhenOwnVPC, "NAT gateway"); nats > 0 {
		bill[li.Name] = float64(nats) * li.MonthlyUSD
	}
	for typ, li := range map[string]modelcatalog.FixedCost{
		"application": lineOf(t, cat, "", "", "application load balancer"),
		"network":     lineOf(t, cat, "", modelcatalog.WhenPrivateLink, "Network Load Balancer"),
	} {
		if n := len(loadBalancers(rs, typ)); n > 0 {
			bill[li.Name] = float64(n) * li.MonthlyUSD
		}
	}
	if n := len(ofType(rs, "aws:lb/loadBalancer:LoadBalancer")); n != len(loadBalancers(rs, "application"))+len(loadBalancers(rs, "network")) {
		t.Errorf("%d load balancers of another type", n)
	}
	if li := lineOf(t, cat, "", modelcatalog.WhenPrivateLink, "PrivateLink endpoint service"); len(ofType(rs, "aws:ec2/vpcEndpointService:VpcEndpointService")) > 0 {
		bill[li.Name] = li.MonthlyUSD
	}
	for _, ep := range ofType(rs, "aws:ec2/vpcEndpoint:VpcEndpoint") {
		if ep.Properties["vpcEndpointType"] != "Gateway" {
			t.Errorf("VPC endpoint %s is %v: an interface endpoint bills every zone-hour, which no line prices", ep.Name, ep.Properties["vpcEndpointType"])
		}
	}
	for _, p := range ofType(rs, "aws:ssm/parameter:Parameter") {
		if p.Properties["tier"] != "Standard" {
			t.Errorf("parameter %s is tier %v: only Standard parameters are free", p.Name, p.Properties["tier"])
		}
	}
}

// routerBill adds the router's lines where the program runs it, after
// checking it is what they price: 2 Fargate tasks of 0.5 vCPU and 1 GB,
// its 3 secrets and 1 alarm metric; RDS's single-AZ class and gp3 volume.
func routerBill(t *testing.T, bill map[string]float64, rs []plan.Resource, cat *modelcatalog.Catalog) {
	t.Helper()
	svcs, dbs := ofType(rs, "aws:ecs/service:Service"), ofType(rs, "aws:rds/instance:Instance")
	if len(svcs) == 0 && len(dbs) == 0 {
		return
	}
	if len(svcs) != 1 || len(dbs) != 1 {
		t.Fatalf("%d router services, %d databases", len(svcs), len(dbs))
	}
	task := one(t, rs, "aws:ecs/taskDefinition:TaskDefinition").Properties
	svc, db := svcs[0].Properties, dbs[0].Properties
	if svc["desiredCount"] != float64(routerTasks) || svc["launchType"] != "FARGATE" || task["cpu"] != "512" || task["memory"] != "1024" {
		t.Errorf("router service %v of task %v/%v, want 2 Fargate tasks of 0.5 vCPU and 1 GB", svc["desiredCount"], task["cpu"], task["memory"])
	}
	secrets, metrics := 0, 0
	for _, r := range rs {
		switch {
		case !isRouters(r):
		case r.Type == "aws:secretsmanager/secret:Secret":
			secrets++
		case r.Type == "aws:cloudwatch/metricAlarm:MetricAlarm":
			metrics += alarmMetrics(r)
		}
	}
	if secrets != 3 || metrics != 1 {
		t.Errorf("router has %d secrets, %d alarm metrics; its line prices 3 and 1", secrets, metrics)
	}
	if db["instanceClass"] != RouterDBInstanceClass || db["multiAz"] != false || db["allocatedStorage"] != float64(RouterDBStorageGB) || db["storageType"] != "gp3" {
		t.Errorf("router database %v, want the priced class and storage", db)
	}
	for _, prefix := range []string{"LiteLLM router", "LiteLLM database: RDS", "LiteLLM database storage"} {
		li := lineOf(t, cat, "", modelcatalog.WhenGateway, prefix)
		bill[li.Name] = li.MonthlyUSD
	}
}

// pricedAWSLines are the option's line items AWS bills, expected: all but
// the token lines (the providers' bills), operations and the quality gap.
func pricedAWSLines(o *plan.Option) map[string]float64 {
	out := map[string]float64{}
	for _, it := range o.LineItems {
		if it.Workload != "" || it.Name == "operations (MLOps/SRE)" || it.Name == "quality gap (rework)" {
			continue
		}
		out[it.Name] += it.MonthlyUSD.Expected
	}
	return out
}

// compareBills holds the priced lines to the registered resources' bill,
// both ways, to the cent the plan rounds to.
func compareBills(t *testing.T, priced, registered map[string]float64) {
	t.Helper()
	for name, want := range registered {
		got, ok := priced[name]
		switch {
		case !ok:
			t.Errorf("registered and billed, not priced: %q at %.2f USD a month", name, want)
		case math.Abs(got-want) > 0.011+1e-9*want:
			t.Errorf("%q priced %.2f USD a month, the registered resources bill %.2f", name, got, want)
		}
	}
	for name, got := range priced {
		if _, ok := registered[name]; !ok {
			t.Errorf("priced, not registered: %q at %.2f USD a month", name, got)
		}
	}
}
