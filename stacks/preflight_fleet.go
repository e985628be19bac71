package stacks

import (
	"fmt"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicequotas"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RefreshFactor is the peak capacity an instance refresh needs: it
// launches every replacement before terminating (200 % healthy maximum).
const RefreshFactor = 2

// bootLoops refuses what would start instances that can never serve, each
// one billed until its launch is abandoned and the group starts another: a
// gated model without costgate:hfToken (the secret read fails), and a
// deployment into another region than the plan priced. Checked in the
// stack configuration; no secret is read.
// A plan without a stack configuration is not checked: it configures
// nothing, and its preview knows no region.
func (pf *preflight) bootLoops(s plan.Sizing, cat *modelcatalog.Catalog) {
	if !pf.cfg.Stack {
		return
	}
	if m, ok := cat.OpenModel(s.Model); ok && m.Gated && pf.cfg.HFToken == nil {
		pf.problem("model %s (%s) is gated and costgate:hfToken is unset: every instance would fail to download it and be replaced, billed, in a loop; accept the license on Hugging Face and run `pulumi config set --secret costgate:hfToken hf_...`", s.Model, m.HFRepo)
	}
	region, err := aws.GetRegion(pf.ctx, nil)
	switch {
	case err != nil:
		pf.problem("look up the region: %v", err)
	case s.Region != "" && region.Name != s.Region:
		pf.problem("aws:region is %s but the spec's self_hosted.region is %s: the plan priced and sized the fleet there; set aws:region or the spec's region so they agree", region.Name, s.Region)
	}
}

// routerKeys refuses a router whose provider keys are not in the stack
// configuration: an empty provider secret stops its tasks. Encrypted
// providerKeys stand for every provider (AnyProvider).
func (pf *preflight) routerKeys(cat *modelcatalog.Catalog) {
	if !pf.cfg.Stack || !pf.cfg.DeployGateway || pf.opt.Architecture != architecture.Hybrid || pf.cfg.ProviderKeys[AnyProvider] != nil {
		return
	}
	providers, _, err := managedNeeds(pf.opt.Routes, cat)
	if err != nil {
		pf.problem("%v", err)
		return
	}
	for _, p := range providers {
		if pf.cfg.ProviderKeys[p] == nil {
			pf.problem("the router calls %s but costgate:providerKeys has no %q key: its tasks would not start; run `pulumi config set --secret --path 'costgate:providerKeys.%s' KEY`", p, p, p)
		}
	}
}

// quota reads the instance family's vCPU quota for the plan's pricing (the
// catalog's quota name) and compares it with the peak, and with the peak
// twice over that an instance refresh launches. A spot fleet's on-demand
// base counts against the on-demand quota, the rest against the spot one.
func (pf *preflight) quota(s plan.Sizing, cat *modelcatalog.Catalog) {
	var inst *modelcatalog.Instance
	for i := range cat.Instances {
		if in := &cat.Instances[i]; in.Type == s.InstanceType && (s.Region == "" || in.Region == s.Region) {
			inst = in
			break
		}
	}
	if inst == nil {
		pf.remind("GPU quota: the catalog has no %s in %s; check its vCPU quota in Service Quotas covers %d× the peak of %d instances", s.InstanceType, s.Region, RefreshFactor, s.PeakInstances)
		return
	}
	base := 0
	if s.Pricing == spec.Spot {
		base = min(s.OnDemandBase, s.PeakInstances)
	}
	if base > 0 {
		pf.familyQuota(inst, spec.OnDemand, base)
	}
	if base < s.PeakInstances {
		pf.familyQuota(inst, s.Pricing, s.PeakInstances-base)
	}
}

// networkQuotas reads the region's VPCs and Elastic IP addresses against
// their quotas (VPCs per Region, L-F678F1CE; EC2-VPC Elastic IPs,
// L-0263D0A3; 5 each by default, the default VPC counted) when the program
// creates the fleet's VPC, which takes one of each (the NAT's address): at
// the quota, the first pulumi up of a stack fails creating them. A stack
// whose VPC exists already is among those counted, so this is a reminder.
// It says nothing when it cannot read a count or a quota.
func (pf *preflight) networkQuotas() {
	if pf.cfg.VPCID != "" {
		return
	}
	counts := []struct {
		what, service, code string
		count               func() (int, error)
	}{
		{"VPCs", "vpc", "L-F678F1CE", func() (int, error) {
			r, err := ec2.GetVpcs(pf.ctx, &ec2.GetVpcsArgs{})
			if err != nil {
				return 0, err
			}
			return len(r.Ids), nil
		}},
		{"Elastic IP addresses", "ec2", "L-0263D0A3", func() (int, error) {
			r, err := ec2.GetEips(pf.ctx, &ec2.GetEipsArgs{})
			if err != nil {
				return 0, err
			}
			return len(r.AllocationIds), nil
		}},
	}
	for _, c := range counts {
		n, err := c.count()
		if err != nil {
			continue
		}
		q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: c.service, QuotaCode: pulumi.StringRef(c.code)})
		if err != nil || float64(n) < q.Value {
			continue
		}
		pf.remind("%s in %s: %d of the quota's %.0f are in use, and the fleet's own VPC takes one more unless this stack created it already: request more in Service Quotas (%s %s), or set costgate:vpcId and costgate:subnetIds",
			c.what, pf.opt.Sizing.Region, n, q.Value, c.service, c.code)
	}
}

// familyQuota compares the quota of inst's family for a pricing with n
// instances at peak and twice n.
func (pf *preflight) familyQuota(inst *modelcatalog.Instance, pricing string, n int) {
	name := inst.QuotaName(pricing)
	if name == "" {
		pf.remind("GPU quota: a capacity block's instances run in its reservation, outside the running-instance quotas")
		return
	}
	need := RefreshFactor * n * inst.VCPUs
	q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: "ec2", QuotaName: pulumi.StringRef(name)})
	switch {
	case err != nil:
		pf.remind("GPU quota: could not read %q (%v); %d × %s at peak, twice that during an instance refresh, needs %s vCPUs of it", name, err, n, inst.Type, vcpus(need))
	case inst.VCPUs == 0:
		pf.remind("GPU quota: %q is %.0f vCPUs; the catalog does not know %s's vCPUs to compare", name, q.Value, inst.Type)
	case q.Value < float64(need/RefreshFactor):
		pf.problem("GPU quota %q is %.0f vCPUs; %d × %s at peak needs %d and an instance refresh %d: request %d in Service Quotas before deploying", name, q.Value, n, inst.Type, need/RefreshFactor, need, need)
	case q.Value < float64(need):
		pf.remind("GPU quota %q is %.0f vCPUs: the peak fits, but an instance refresh (launch before terminate) needs %d; request it before the next AMI or image change", name, q.Value, need)
	}
}

// vcpus says a vCPU count, or that it is unknown.
func vcpus(n int) string {
	if n == 0 {
		return "an unknown number of"
	}
	return fmt.Sprint(n)
}

// capacityBlock checks a capacity_block fleet's block: its reservation and
// zone configured, the peak within a block's 64 instances, and its end
// date said (plan.CapacityBlockEndsWarning): the instances stop then.
func (pf *preflight) capacityBlock(s plan.Sizing) {
	if s.Pricing != spec.CapacityBlock || !pf.cfg.Stack {
		return
	}
	c := pf.cfg
	if c.CapacityReservationID == "" || c.CapacityBlockZone == "" {
		pf.problem("pricing = \"capacity_block\" needs the block bought for it: set costgate:capacityReservationId (cr-...) and costgate:capacityBlockZone (its Availability Zone); without them the group would launch on-demand instances the plan did not price")
	}
	if s.PeakInstances > modelcatalog.MaxCapacityBlockInstances {
		pf.problem("%d × %s at peak exceed the %d instances of one capacity block", s.PeakInstances, s.InstanceType, modelcatalog.MaxCapacityBlockInstances)
	}
	switch {
	case c.CapacityBlockEnd == "":
		pf.remind("%s: costgate:capacityBlockEnd is unset: a capacity block's instances stop when it ends; set its end date and buy the next block before it", plan.CapacityBlockEndsWarning)
	default:
		pf.remind("%s: capacity block %s ends on %s: its instances stop then; buy the next block and set costgate:capacityReservationId before that day", plan.CapacityBlockEndsWarning, c.CapacityReservationID, c.CapacityBlockEnd)
	}
}

// DefaultSecurityGroupRules is Amazon VPC's default quota of inbound (and
// of outbound) rules per security group, "Inbound or outbound rules per
// security group"; each CIDR block and each referenced group of a rule
// counts as one.
const DefaultSecurityGroupRules = 60

// securityGroupRuleQuotaName is that quota's name in Service Quotas.
const securityGroupRuleQuotaName = "Inbound or outbound rules per security group"

// securityGroupRules counts the load balancer group's inbound rules: each
// costgate:allowedCidrs entry (the VPC's range without one) on the
// endpoint's listener and, with the router, on its listener too (and its
// tasks' group on the endpoint's), and with PrivateLink one rule per
// published port for its front's group. EC2
// refuses the rule beyond the account's quota, and pulumi up stops with
// the group half made; beyond the default, the quota is read.
func (pf *preflight) securityGroupRules() {
	c := pf.cfg
	router := c.DeployGateway && pf.opt.Architecture == architecture.Hybrid
	cidrs := max(len(uniqueCIDRs(c.AllowedCIDRs)), 1)
	listeners := 1
	if router {
		listeners = 2
	}
	rules := cidrs * listeners
	if router {
		rules++ // the router's tasks on the endpoint's listener
	}
	if len(c.EndpointServicePrincipals) > 0 {
		rules += listeners
	}
	if rules <= DefaultSecurityGroupRules {
		return
	}
	why := fmt.Sprintf("%d costgate:allowedCidrs × %d listeners", cidrs, listeners)
	if router {
		why += ", the router's tasks"
	}
	if len(c.EndpointServicePrincipals) > 0 {
		why += ", and PrivateLink's front on each"
	}
	q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: "vpc", QuotaName: pulumi.StringRef(securityGroupRuleQuotaName)})
	switch {
	case err != nil:
		pf.remind("the load balancer's security group needs %d inbound rules (%s); the quota %q is %d unless raised, and could not be read (%v): check it in Service Quotas before deploying",
			rules, why, securityGroupRuleQuotaName, DefaultSecurityGroupRules, err)
	case float64(rules) > q.Value:
		pf.problem("the load balancer's security group needs %d inbound rules (%s), and the quota %q is %.0f: merge costgate:allowedCidrs into fewer, wider ranges, or request %d in Service Quotas (vpc)",
			rules, why, securityGroupRuleQuotaName, q.Value, rules)
	}
}

// MaxTaskDefinitionBytes is Amazon ECS's limit on a task definition's
// size ("Task definition size", 64 KiB, not adjustable).
const MaxTaskDefinitionBytes = 64 << 10

// routerTaskSize renders the router's container definitions as the
// program will, with the longest values AWS gives the names it does not
// know yet (the load balancer's DNS name, Bedrock profile and secret
// ARNs), and refuses them above ECS's limit: the LiteLLM config they carry
// grows with every workload, and RegisterTaskDefinition would refuse it
// halfway through the first pulumi up.
func (pf *preflight) routerTaskSize(cat *modelcatalog.Catalog) {
	if !pf.cfg.DeployGateway || pf.opt.Architecture != architecture.Hybrid {
		return
	}
	region := "us-east-1"
	if s := pf.opt.Sizing; s != nil && s.Region != "" {
		region = s.Region
	}
	endpoint := "http://internal-" + strings.Repeat("x", MaxLoadBalancerName) + "-1234567890." + region + ".elb.amazonaws.com/v1"
	if pf.cfg.DNSName != "" {
		endpoint = "https://" + pf.cfg.DNSName + "/v1"
	}
	arn := func(kind string) string {
		return "arn:aws:" + kind + ":" + region + ":123456789012:" + strings.Repeat("x", 80)
	}
	profiles := map[string]string{}
	for _, r := range pf.opt.Routes {
		if r.ServedBy != architecture.Managed {
			continue
		}
		if m, ok := cat.ManagedModel(r.Model); ok {
			if p, err := cat.RouteProvider(m, r.Provider); err == nil && !p.KeyedByAPIKey() {
				profiles[p.ModelID(m)] = arn("bedrock")
			}
		}
	}
	list, err := LiteLLMModelList(pf.opt.Routes, endpoint, cat, profiles)
	if err != nil {
		return // the program reports it
	}
	config, err := routerConfig(list)
	if err != nil {
		return
	}
	secrets := map[string]string{"LITELLM_MASTER_KEY": arn("secretsmanager"), "LITELLM_SALT_KEY": arn("secretsmanager"),
		"DATABASE_URL": arn("secretsmanager"), "VLLM_API_KEY": arn("secretsmanager")}
	providers, _, _ := managedNeeds(pf.opt.Routes, cat)
	for _, p := range providers {
		secrets[strings.ToUpper(p)+"_API_KEY"] = arn("secretsmanager")
	}
	defs, err := routerContainers(config, secrets, "/costgate/"+strings.Repeat("x", 40)+"/"+strings.Repeat("x", 100)+"/litellm", region)
	if err != nil || len(defs) <= MaxTaskDefinitionBytes {
		return
	}
	pf.problem("the router's task definition would be about %d KiB with the LiteLLM config of %d workloads, and ECS takes %d KiB: route fewer workloads through the router (merge workloads that share a model), or unset costgate:deployGateway and run LiteLLM with the exported gateway role",
		(len(defs)+1023)>>10, len(pf.opt.Routes), MaxTaskDefinitionBytes>>10)
}

// DefaultALBTargets is Elastic Load Balancing's default quota of targets
// per Application Load Balancer, and of targets per target group
// ("Targets per Application Load Balancer", "Targets per Target Group per
// Region (instances or IP addresses)": 1,000 each, adjustable;
// docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html,
// read 2026-12-06). Every instance of the fleet is a target of the load
// balancer's one target group.
const DefaultALBTargets = 1000

// albTargetsQuotaName is that quota's name in Service Quotas.
const albTargetsQuotaName = "Targets per Application Load Balancer"

// loadBalancerTargets compares the fleet's instances at peak, and twice
// that during an instance refresh (launch before terminate), with the
// load balancer's targets quota: past it, Elastic Load Balancing refuses
// to register the rest, and the group's instances beyond it serve nothing
// (and fail their health checks). Nothing to say within the default.
func (pf *preflight) loadBalancerTargets(s plan.Sizing) {
	peak := s.PeakInstances
	if RefreshFactor*peak <= DefaultALBTargets {
		return
	}
	q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: "elasticloadbalancing", QuotaName: pulumi.StringRef(albTargetsQuotaName)})
	switch {
	case err != nil && peak > DefaultALBTargets:
		pf.remind("load balancer targets: could not read %q (%v); its default is %d, and the fleet's %d × %s at peak are each a target (%d during an instance refresh): request %d in Service Quotas (and as many \"Targets per Target Group per Region\") before deploying", albTargetsQuotaName, err, DefaultALBTargets, peak, s.InstanceType, RefreshFactor*peak, RefreshFactor*peak)
	case err != nil:
		pf.remind("load balancer targets: could not read %q (%v); its default %d holds the peak's %d × %s, but an instance refresh registers %d: request that many (and as many \"Targets per Target Group per Region\") before the next AMI or image change", albTargetsQuotaName, err, DefaultALBTargets, peak, s.InstanceType, RefreshFactor*peak)
	case q.Value < float64(peak):
		pf.problem("load balancer targets: %q is %.0f; the fleet's %d × %s at peak are each a target of its target group, and an instance refresh registers %d: request %d in Service Quotas (and as many \"Targets per Target Group per Region\") before deploying", albTargetsQuotaName, q.Value, peak, s.InstanceType, RefreshFactor*peak, RefreshFactor*peak)
	case q.Value < float64(RefreshFactor*peak):
		pf.remind("load balancer targets: %q is %.0f: the peak's %d × %s fit, but an instance refresh registers %d; request it (and as many \"Targets per Target Group per Region\") before the next AMI or image change", albTargetsQuotaName, q.Value, peak, s.InstanceType, RefreshFactor*peak)
	}
}

// awsManagedEBSKey ends the ARN GetEbsDefaultKmsKeyId answers while the
// region's default EBS key is the AWS managed one.
const awsManagedEBSKey = "alias/aws/ebs"

// ebsKey reminds, when the region's default EBS encryption key is a
// customer managed key, that Auto Scaling launches the fleet's encrypted
// volumes (encrypted, no key named: the default key) only if that key's
// policy lets its service-linked role use it and create grants; without
// it every launch fails ("Client.InternalError: Client error on launch",
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html)
// and the group retries, serving nothing. The key policy itself is not
// read. Nothing is said when the key cannot be read.
func (pf *preflight) ebsKey() {
	k, err := ebs.LookupDefaultKmsKey(pf.ctx)
	if err != nil || k.KeyArn == "" || strings.HasSuffix(k.KeyArn, awsManagedEBSKey) {
		return
	}
	pf.remind("EBS encryption: the region's default EBS key is the customer managed key %s, which the instances' encrypted volumes use: its key policy must let Auto Scaling's service-linked role (arn:aws:iam::ACCOUNT:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling) use the key and create grants, or every launch fails with Client.InternalError (docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html)", k.KeyArn)
}
