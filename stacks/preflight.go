package stacks

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrock"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrockfoundation"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicequotas"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PreflightError lists every problem the preflight found; nothing was
// registered.
type PreflightError struct {
	Team     string
	Problems []string
}

func (e *PreflightError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "costgate: preflight for %s found %d problem(s); no resource was changed", e.Team, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - " + p)
	}
	return b.String()
}

// preflight is the check of one chosen option's deployment.
type preflight struct {
	ctx       *pulumi.Context
	cfg       Config
	opt       *plan.Option
	problems  []string
	reminders []string
}

func (pf *preflight) problem(format string, a ...any) {
	pf.problems = append(pf.problems, fmt.Sprintf(format, a...))
}

func (pf *preflight) remind(format string, a ...any) {
	pf.reminders = append(pf.reminders, fmt.Sprintf(format, a...))
}

// Preflight checks, before anything is registered and through read-only
// look-ups, what would make `pulumi up` fail or misbehave: the instance
// type is offered in the region's zones (and the given subnets' zones), the
// AMI exists, the Bedrock models exist in the region, the certificate
// covers costgate:dnsName, the configuration is consistent. Every problem
// comes back in one *PreflightError. What the provider cannot check (model
// access, quotas, tag activation, capacity) comes back as reminders.
func Preflight(ctx *pulumi.Context, p *plan.Plan, cfg Config) (reminders []string, err error) {
	opt := p.Chosen()
	if opt == nil {
		return nil, nil
	}
	pf := &preflight{ctx: ctx, cfg: cfg, opt: opt}
	pf.config()
	cat, err := callCatalog(ctx, cfg, p)
	if err != nil {
		pf.problems = append(pf.problems, err.Error())
	}
	if cat != nil && opt.Sizing != nil && (opt.Architecture == architecture.SelfHosted || opt.Architecture == architecture.Hybrid) {
		pf.fleet(*opt.Sizing)
		pf.ebsKey()
		pf.bootLoops(*opt.Sizing, cat)
		pf.quota(*opt.Sizing, cat)
		pf.loadBalancerTargets(*opt.Sizing)
		pf.networkQuotas()
		pf.securityGroupRules()
		pf.capacityBlock(*opt.Sizing)
		pf.scheduleZone(*opt.Sizing, p.Inputs.Timezone)
		pf.certificate()
		pf.zone()
	}
	if cat != nil && (opt.Architecture == architecture.Managed || opt.Architecture == architecture.Hybrid) {
		pf.bedrock(cat)
		pf.bedrockTags(p, cat)
		pf.bedrockQuotas(cat)
		pf.routerKeys(cat)
		pf.trustPolicyLength()
		pf.routerTaskSize(cat)
	}
	pf.budget(p)
	if len(pf.problems) > 0 {
		return pf.reminders, &PreflightError{Team: p.Team, Problems: pf.problems}
	}
	return pf.reminders, nil
}

// config checks the configuration keys against each other.
func (pf *preflight) config() {
	c := pf.cfg
	if c.CertificateARN != "" && c.DNSName == "" {
		pf.problem("costgate:certificateArn needs costgate:dnsName: no certificate covers the load balancer's own DNS name, so TLS clients would fail hostname verification")
	}
	if c.HostedZoneID != "" && c.DNSName == "" {
		pf.problem("costgate:hostedZoneId needs costgate:dnsName, the record to create")
	}
	if c.DNSName != "" && c.CertificateARN == "" {
		pf.remind("costgate:dnsName without costgate:certificateArn: the endpoint is plain HTTP at that name")
	}
	if err := ValidatePrincipals(c.ConsumerPrincipals); err != nil {
		pf.problem("%v", err)
	}
	pf.reach()
	if err := ValidateAllowedCIDRs(c.AllowedCIDRs); err != nil {
		pf.problem("%v", err)
	}
	pf.alarmTopic()
	switch {
	case c.DeployGateway && pf.opt.Architecture == architecture.Managed:
		pf.problem("costgate:deployGateway runs the router behind the fleet's load balancer; the managed decision has no fleet: unset it, and run LiteLLM with the exported gateway role")
	case c.DeployGateway && pf.opt.Architecture == architecture.SelfHosted:
		pf.remind("costgate:deployGateway is set but the decision is self_hosted: clients call the vLLM endpoint directly, no router is deployed")
	}
}

// reach checks how consumers reach the fleet: the VPC's range, the
// endpoint service's principals, the consumer VPCs and their zone.
func (pf *preflight) reach() {
	c := pf.cfg
	switch {
	case c.VPCCIDR != "" && c.VPCID != "":
		pf.problem("costgate:vpcCidr is the range of the VPC the program creates; with costgate:vpcId the fleet uses that VPC's own range: unset one")
	case c.VPCCIDR != "":
		if err := ValidateVPCCIDR(c.VPCCIDR); err != nil {
			pf.problem("%v", err)
		}
	}
	if err := ValidateEndpointPrincipals(c.EndpointServicePrincipals); err != nil {
		pf.problem("%v", err)
	}
	if len(c.EndpointServicePrincipals) > 0 && pf.opt.Architecture == architecture.Managed {
		pf.problem("costgate:endpointServicePrincipals publishes the fleet through PrivateLink; the managed decision has no fleet: unset it")
	}
	for _, v := range c.ConsumerVPCs {
		if _, err := parseConsumerVPC(v); err != nil {
			pf.problem("%v", err)
		}
	}
	if len(c.ConsumerVPCs) > 0 && c.HostedZoneID == "" {
		pf.problem("costgate:consumerVpcIds are associated with the private hosted zone of costgate:hostedZoneId, which is not set")
	}
	if len(c.EndpointServicePrincipals) > 0 && c.DNSName != "" {
		pf.remind("PrivateLink: prove %s for the endpoint service's private DNS name with the TXT record of the output endpointServiceDnsVerification (in the domain's public zone); until then consumers call the endpoint's own name", c.DNSName)
	}
	if c.DeployGateway && (c.RouterDBDeletionProtection == nil || *c.RouterDBDeletionProtection) {
		pf.remind("the router's database has deletion protection: before pulumi destroy, set costgate:routerDbDeletionProtection false and pulumi up")
	}
}

// zone checks costgate:hostedZoneId: costgate:dnsName is within it (Route
// 53 refuses a record outside its zone, "not permitted in zone", and the
// record comes after the load balancer and the group), and a zone
// consumer VPCs are associated with is private (a public zone resolves
// everywhere and takes no association).
func (pf *preflight) zone() {
	c := pf.cfg
	if c.HostedZoneID == "" || (c.DNSName == "" && len(c.ConsumerVPCs) == 0) {
		return
	}
	zone, err := route53.LookupZone(pf.ctx, &route53.LookupZoneArgs{ZoneId: pulumi.StringRef(c.HostedZoneID)})
	if err != nil {
		pf.problem("costgate:hostedZoneId %s: %v", c.HostedZoneID, err)
		return
	}
	if c.DNSName != "" && !inZone(c.DNSName, zone.Name) {
		pf.problem("costgate:dnsName %s is not within %s, the zone of costgate:hostedZoneId %s: Route 53 refuses its record; give a name in that zone, or the ID of the zone the name is in",
			c.DNSName, strings.TrimSuffix(zone.Name, "."), c.HostedZoneID)
	}
	if len(c.ConsumerVPCs) > 0 && (zone.PrivateZone == nil || !*zone.PrivateZone) {
		pf.problem("costgate:hostedZoneId %s is a public zone: its names resolve in every VPC already, so costgate:consumerVpcIds has nothing to associate; unset it", c.HostedZoneID)
	}
}

// inZone says whether a DNS name is the zone's apex or a name under it,
// label by label (llm.notacme.example is not in acme.example), in any
// case, with or without the final dot.
func inZone(name, zone string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// fleet checks where the instances can run and what they boot.
func (pf *preflight) fleet(s plan.Sizing) {
	offered, err := OfferedZones(pf.ctx, s.InstanceType)
	switch {
	case err != nil:
		pf.problem("%v", err)
	case len(offered) == 0:
		pf.problem("%s is offered in no availability zone of the region: choose another region (self_hosted.region) or GPU", s.InstanceType)
	case pf.cfg.CapacityBlockZone != "" && !offered[pf.cfg.CapacityBlockZone]:
		// The instances go to the block's zone only, named as the
		// subnets' zones are (us-east-1b), not by zone ID (use1-az4).
		pf.problem("costgate:capacityBlockZone %q is not a zone of the region offering %s (offered in %s): set the Availability Zone name of the capacity block (its zone ID, such as use1-az4, is not its name)",
			pf.cfg.CapacityBlockZone, s.InstanceType, strings.Join(sortedKeys(offered), ", "))
	case pf.cfg.VPCID != "":
		pf.givenSubnets(s, offered)
	default:
		if z := pf.cfg.CapacityBlockZone; z != "" {
			// A capacity block's instances go to its zone only.
			offered = map[string]bool{z: offered[z]}
		}
		pf.subnetAddresses(s, offered)
	}
	if pf.cfg.AMIID != "" {
		ami, err := lookupAMI(pf.ctx, pf.cfg.AMIID)
		switch {
		case err != nil:
			pf.problem("costgate:amiId %s is not an AMI this account can launch in the region: %v", pf.cfg.AMIID, err)
		case ami.Architecture != FleetArchitecture:
			pf.problem("costgate:amiId %s is an %s image, and %s runs %s images only (every GPU type of the catalog is %s): every launch would fail; give an %s AMI", pf.cfg.AMIID, ami.Architecture, s.InstanceType, FleetArchitecture, FleetArchitecture, FleetArchitecture)
		}
	}
	pf.remind("capacity: %s is often scarce; a capacity reservation or an EC2 Capacity Block keeps the 09:00 scale-out from failing", s.InstanceType)
	if pf.cfg.AlarmTopicARN == "" {
		pf.remind("costgate:alarmTopicArn is unset: alarms and failed launches (insufficient capacity) reach only the fleet's own topic and the spec's alert_emails, each of which must confirm its subscription")
	}
	if img := pf.cfg.image(); pf.cfg.DockerHubCredentials == nil && pullThrough(img) {
		// Docker Hub lets an anonymous address pull 10 images an hour
		// (docs.docker.com/docker-hub/usage/, since 2025-04-01); the
		// fleet's own VPC has one NAT address.
		starts := s.PeakInstances - offHoursFloor(s)
		switch {
		case starts > dockerHubAnonymousPulls && pf.cfg.VPCID == "" && pf.cfg.Stack:
			pf.problem("the working day's scale-out starts %d instances behind the NAT gateway's one address, and Docker Hub lets an anonymous address pull %s %d times an hour: the rest would fail to start; set costgate:dockerHubCredentials (the ECR pull-through cache) or costgate:vllmImage to an image in ECR", starts, img, dockerHubAnonymousPulls)
		case starts > dockerHubAnonymousPulls:
			pf.remind("the working day's scale-out starts %d instances, and Docker Hub lets an anonymous address pull %s %d times an hour: unless the NAT gateways have enough addresses, set costgate:dockerHubCredentials (the ECR pull-through cache) or costgate:vllmImage to an image in ECR", starts, img, dockerHubAnonymousPulls)
		default:
			pf.remind("costgate:dockerHubCredentials is unset: every start pulls %s anonymously from Docker Hub (%d pulls an hour per NAT address) through the NAT gateway, which bills every GB; set it to pull through the ECR cache", img, dockerHubAnonymousPulls)
		}
	}
}

// givenSubnets checks costgate:subnetIds: in costgate:vpcId, in two zones
// or more, one of them offering the instance type, all in Availability
// Zones. Several in
// one zone (or one listed twice) are not refused: the load balancers take
// the first listed in each zone (onePerZone), and the rest serve the
// instances, the router's tasks and its database, whose subnet lists are
// sets.
func (pf *preflight) givenSubnets(s plan.Sizing, offered map[string]bool) {
	seen := map[string]bool{}
	for _, id := range pf.cfg.SubnetIDs {
		if seen[id] {
			pf.remind("costgate:subnetIds lists %s twice: it is used once; was another subnet meant?", id)
		}
		seen[id] = true
	}
	subnets, err := lookupSubnets(pf.ctx, pf.cfg.SubnetIDs)
	if err != nil {
		pf.problem("%v", err)
		return
	}
	zones := map[string]string{}
	for _, id := range sortedKeys(subnets) {
		zones[id] = subnets[id].zone
		// The security groups and target group are made in costgate:vpcId;
		// the group and the load balancer refuse a subnet of another VPC,
		// halfway through pulumi up.
		if v := subnets[id].vpcID; v != pf.cfg.VPCID {
			pf.problem("costgate:subnetIds %s is a subnet of %s, not of costgate:vpcId %s: the group and the load balancer take subnets of the security groups' VPC only; give subnets of %s, or set costgate:vpcId to %s", id, v, pf.cfg.VPCID, pf.cfg.VPCID, v)
		}
	}
	var in []string
	spanned := map[string]bool{}
	for _, id := range pf.cfg.SubnetIDs {
		spanned[zones[id]] = true
		if offered[zones[id]] {
			in = append(in, id)
		}
	}
	if len(spanned) < 2 {
		pf.problem("costgate:subnetIds span one zone (%s): the load balancer, and the router's database, need subnets in two zones or more", strings.Join(sortedKeys(spanned), ", "))
	}
	if len(in) == 0 {
		pf.problem("no subnet of costgate:subnetIds is in a zone offering %s (offered in %s)", s.InstanceType, strings.Join(sortedKeys(offered), ", "))
	}
	pf.availabilityZonesOnly(zones)
}

// dockerHubAnonymousPulls is how many pulls an hour Docker Hub allows an
// unauthenticated IPv4 address (docs.docker.com/docker-hub/usage/).
const dockerHubAnonymousPulls = 10

// certificate checks that the certificate covers the DNS name, from its
// PEM, when ACM finds it by that name (or the name's wildcard).
func (pf *preflight) certificate() {
	c := pf.cfg
	if c.CertificateARN == "" || c.DNSName == "" {
		return
	}
	candidates := []string{c.DNSName}
	if _, parent, ok := strings.Cut(c.DNSName, "."); ok {
		candidates = append(candidates, "*."+parent)
	}
	for _, domain := range candidates {
		cert, err := acm.LookupCertificate(pf.ctx, &acm.LookupCertificateArgs{Domain: pulumi.StringRef(domain), MostRecent: pulumi.BoolRef(true)})
		if err != nil || cert.Arn != c.CertificateARN {
			continue
		}
		block, _ := pem.Decode([]byte(cert.Certificate))
		if block == nil {
			break // no PEM to read: remind below
		}
		x, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			pf.problem("certificate %s: %v", c.CertificateARN, err)
			return
		}
		if err := x.VerifyHostname(c.DNSName); err != nil {
			pf.problem("certificate %s does not cover costgate:dnsName: %v", c.CertificateARN, err)
		}
		return
	}
	pf.remind("certificate %s was not found by the name %s in the region: check that it is issued, in this region, and covers the name", c.CertificateARN, c.DNSName)
}

// bedrock checks that each Bedrock model or profile of the routes exists
// in the region and reminds of model access.
func (pf *preflight) bedrock(cat *modelcatalog.Catalog) {
	_, ids, err := managedNeeds(pf.opt.Routes, cat)
	if err != nil {
		pf.problem("%v", err)
		return
	}
	for _, id := range ids {
		if prefix, _ := cat.ProfilePrefix(id); prefix != "" {
			if _, err := bedrock.LookupInferenceProfile(pf.ctx, &bedrock.LookupInferenceProfileArgs{InferenceProfileId: id}); err != nil {
				pf.problem("Bedrock inference profile %s is not available in the region: %v", id, err)
			}
		} else if _, err := bedrockfoundation.GetModel(pf.ctx, &bedrockfoundation.GetModelArgs{ModelId: id}); err != nil {
			pf.problem("Bedrock model %s is not available in the region: %v", id, err)
		}
	}
	if len(ids) > 0 {
		pf.remind("Bedrock model access: the first call to a third-party model (%s) subscribes the account through AWS Marketplace; run it once as a principal holding aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe (docs/DEPLOY.md, step 2), or the gateway's calls fail with AccessDeniedException", strings.Join(ids, ", "))
	}
}

// availabilityZonesOnly refuses given subnets in a Local or Wavelength
// Zone: the load balancer cannot enable such a zone beside an
// Availability Zone
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html),
// and its instances bill the zone's own prices, not the region's the plan
// priced.
func (pf *preflight) availabilityZonesOnly(subnetZones map[string]string) {
	azs, err := aws.GetAvailabilityZones(pf.ctx, &aws.GetAvailabilityZonesArgs{
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "zone-type", Values: []string{"availability-zone"}}},
	})
	if err != nil {
		pf.remind("the zones of costgate:subnetIds could not be checked to be Availability Zones: %v", err)
		return
	}
	regional := map[string]bool{}
	for _, z := range azs.Names {
		regional[z] = true
	}
	var outside []string
	for _, id := range sortedKeys(subnetZones) {
		if z := subnetZones[id]; !regional[z] {
			outside = append(outside, id+" ("+z+")")
		}
	}
	if len(outside) > 0 {
		pf.problem("costgate:subnetIds %s are not in Availability Zones of the region: the load balancer cannot span a Local or Wavelength Zone and an Availability Zone, and the plan priced the region's instances; give subnets of the region's Availability Zones", strings.Join(outside, ", "))
	}
}

// snsTopicARN is an SNS topic's ARN: partition, region, account, name.
var snsTopicARN = regexp.MustCompile(`^arn:(aws[a-z-]*):sns:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)\z`)

// alarmTopic checks costgate:alarmTopicArn, every alarm's action: the
// provider admits only an ARN there (alarm_actions, verify.ValidARN,
// https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/cloudwatch/metric_alarm.go),
// and CloudWatch only a topic of the alarm's own Region ("ValidationError:
// Invalid region ca-central-1 specified. Only us-west-2 is supported.",
// https://github.com/cds-snc/notification-terraform/pull/128): an ops
// topic of another Region failed pulumi up at the first alarm.
func (pf *preflight) alarmTopic() {
	arn := pf.cfg.AlarmTopicARN
	if arn == "" {
		return
	}
	m := snsTopicARN.FindStringSubmatch(arn)
	if m == nil {
		pf.problem("costgate:alarmTopicArn %q is not an SNS topic's ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", arn)
		return
	}
	region, err := aws.GetRegion(pf.ctx, nil)
	if err != nil || region.Name == m[2] {
		return
	}
	pf.problem("costgate:alarmTopicArn %s is a topic of %s, and CloudWatch alarms act only on topics of their own Region, %s: create a topic in %s with the same subscribers and name it", arn, m[2], region.Name, region.Name)
}

// bedrockTagValue is the pattern of a tag value Bedrock takes (its Tag
// type, which CreateInferenceProfile's tags are: 0 to 256 characters of
// [a-zA-Z0-9\s._:/=+@-],
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Tag.html).
// It is narrower than the spec's team.cost_center, which holds any
// Unicode letter, digit or space, as the other services' tags do.
var bedrockTagValue = regexp.MustCompile(`^[a-zA-Z0-9\s._:/=+@-]{0,256}\z`)

// bedrockTags refuses a team whose tags an application inference profile
// cannot carry: the profiles are created with the gateway, after its role
// and secrets, and Bedrock refuses the whole profile, so pulumi up would
// stop halfway. The profile cannot go untagged either: its cost_center tag
// is how Bedrock's spend reaches the team's budget.
func (pf *preflight) bedrockTags(p *plan.Plan, cat *modelcatalog.Catalog) {
	_, ids, err := managedNeeds(pf.opt.Routes, cat)
	if err != nil || len(ids) == 0 {
		return
	}
	if cc := p.Inputs.CostCenter; !bedrockTagValue.MatchString(cc) {
		pf.problem("team.cost_center %q cannot be tagged on the team's Bedrock application inference profiles (%s): Bedrock's tag values hold only ASCII letters, digits, white space and _ . : / = + - @, and the tag is how Bedrock's spend reaches the budget; write the cost center in those characters (as the cost allocation tag Billing activates)",
			cc, strings.Join(ids, ", "))
	}
}

// budget reminds of what the budget needs to see and reach anyone.
func (pf *preflight) budget(p *plan.Plan) {
	pf.remind("cost allocation tag: activate %q in Billing → Cost allocation tags once per payer account, or the budget filter sees no spend", CostCenterTag)
	if n := len(p.Inputs.Budget.AlertEmails); n > MaxBudgetEmailSubscribers {
		pf.remind("%d budget recipients exceed the %d a notification takes: they are subscribed to an SNS topic, and each must confirm the subscription email AWS sends", n, MaxBudgetEmailSubscribers)
	}
}

// IAM's quota "Role trust policy length": 2,048 characters by default, and
// at most 4,096 however far it is raised.
const (
	DefaultRoleTrustPolicyLength = 2048
	MaxRoleTrustPolicyLength     = 4096
	roleTrustPolicyQuotaName     = "Role trust policy length"
)

// trustPolicyLength measures the gateway role's trust policy, which lists
// every costgate:consumerPrincipals entry, against IAM's quota: CreateRole
// refuses a longer one, and pulumi up stops at the role. Beyond the
// default the quota is read; beyond the most IAM allows nothing helps but
// fewer principals (an account's root, or a role they all assume).
func (pf *preflight) trustPolicyLength() {
	c := pf.cfg
	if len(c.ConsumerPrincipals) == 0 {
		return
	}
	ident, err := aws.GetCallerIdentity(pf.ctx, nil)
	if err != nil {
		return
	}
	own, foreign := SplitPrincipals(c.ConsumerPrincipals, ident.AccountId)
	doc, err := trustPolicy(own, foreign, c.ConsumerExternalID)
	if err != nil || len(doc) <= DefaultRoleTrustPolicyLength {
		return
	}
	n := len(doc)
	fewer := "name fewer costgate:consumerPrincipals (an account as arn:aws:iam::ACCOUNT:root, or one role the consumers assume)"
	if n > MaxRoleTrustPolicyLength {
		pf.problem("the gateway role's trust policy is %d characters for %d costgate:consumerPrincipals, and IAM's %q is at most %d: %s",
			n, len(c.ConsumerPrincipals), roleTrustPolicyQuotaName, MaxRoleTrustPolicyLength, fewer)
		return
	}
	q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: "iam", QuotaName: pulumi.StringRef(roleTrustPolicyQuotaName)})
	switch {
	case err != nil:
		pf.remind("the gateway role's trust policy is %d characters for %d costgate:consumerPrincipals; IAM's %q is %d unless raised, and could not be read (%v): check it in Service Quotas (us-east-1) before deploying",
			n, len(c.ConsumerPrincipals), roleTrustPolicyQuotaName, DefaultRoleTrustPolicyLength, err)
	case float64(n) > q.Value:
		pf.problem("the gateway role's trust policy is %d characters for %d costgate:consumerPrincipals, and IAM's %q is %.0f: request %d in Service Quotas (up to %d), or %s",
			n, len(c.ConsumerPrincipals), roleTrustPolicyQuotaName, q.Value, n, MaxRoleTrustPolicyLength, fewer)
	}
}

// scheduleZone refuses a business_hours fleet whose costgate:timeZone
// differs from the spec's team.timezone: the plan prices the team's
// working hours, and the schedule would start the fleet in another zone's
// morning (a team in America/Los_Angeles on a UTC schedule would find it
// down from 09:00 to 17:00 its time, every day). The same instant in two
// names (UTC and Etc/UTC) is one zone.
func (pf *preflight) scheduleZone(s plan.Sizing, team string) {
	stack := pf.cfg.TimeZone
	if s.Schedule != spec.BusinessHours || stack == "" || canonicalZone(stack) == canonicalZone(team) {
		return
	}
	pf.problem("costgate:timeZone %q differs from the spec's team.timezone %q: the plan prices the team's working hours, and the business_hours schedule would start and stop the fleet in another zone's; unset costgate:timeZone (the schedule then follows the spec) or change team.timezone", stack, canonicalZone(team))
}
