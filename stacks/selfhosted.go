package stacks

import (
	"fmt"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SelfHostedInferenceType is the component's type token (contract).
const SelfHostedInferenceType = "costgate:stacks:SelfHostedInference"

// DeepLearningAMIParameter is the public SSM parameter holding the newest
// Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04), which
// carries the NVIDIA driver, Docker and the NVIDIA container runtime.
const DeepLearningAMIParameter = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"

// defaultLatencyTargetMs is the p95 alarm threshold when no self-hosted
// workload sets max_ttft_ms.
const defaultLatencyTargetMs = 2000

// The model loads while its instance waits in the launch lifecycle hook
// (Pending:Wait), however long the download takes; the instance enters
// service, and its health-check grace and warm-up start, only once vLLM
// answers. AWS bounds the grace period and warm-ups (0–3600 s), a hook's
// heartbeat timeout (30–7200 s) and the wait: heartbeats extend it up to
// 100 heartbeat timeouts or 48 hours, whichever is less.
const (
	// LifecycleHookName is the launch hook the instances complete.
	LifecycleHookName = "costgate-model-loaded"
	// MinHookTimeoutSeconds is the shortest heartbeat timeout of the hook:
	// a cold start (image pull and model load) without one heartbeat
	// getting through (the instance role still propagating) survives it.
	MinHookTimeoutSeconds = 1800
	// maxHookTimeoutSeconds is AWS's limit of a heartbeat timeout.
	maxHookTimeoutSeconds = 7200
	// ServiceWarmupSeconds is the health-check grace and every warm-up:
	// two health checks of a loaded model, with room to spare.
	ServiceWarmupSeconds = 300
	// maxLoadSeconds caps the wait for the model: AWS abandons a lifecycle
	// action after 48 hours (100 heartbeat timeouts of at least 1,800 s
	// last longer), less one timeout of margin.
	maxLoadSeconds = 48*3600 - maxHookTimeoutSeconds
	// DrainHookName is the termination hook a spot fleet's instances
	// complete once drained (inference's drain script).
	DrainHookName = "costgate-drained"
)

// StreamDrainSeconds is the longest stream the plan's fleet expects
// (plan.Sizing.StreamSeconds, inference.StreamSeconds: its context at one
// sequence's decode rate, 300 to 3,600 s): the target group's
// deregistration delay and the container's stop timeout both. A plan
// without it (written before it existed) drains for
// inference.DefaultStopTimeoutSeconds.
func StreamDrainSeconds(s plan.Sizing) int {
	if s.StreamSeconds > 0 {
		return s.StreamSeconds
	}
	return inference.DefaultStopTimeoutSeconds
}

// HookTimeoutSeconds is the launch hook's heartbeat timeout: the expected
// cold start (inference.HubStartSeconds: the first instance fills the
// weights mirror from Hugging Face), at least MinHookTimeoutSeconds, at most
// what AWS allows. The instance sends a heartbeat every
// inference.HookHeartbeatSeconds from boot, before the image pull.
func HookTimeoutSeconds(checkpointGB float64) int {
	return min(max(inference.HubStartSeconds(checkpointGB), MinHookTimeoutSeconds), maxHookTimeoutSeconds)
}

// LoadTimeoutSeconds is how long an instance may take to load its model
// before the launch is abandoned: twice the expected time, at least half
// an hour, at most what a lifecycle action can last.
func LoadTimeoutSeconds(checkpointGB float64) int {
	return min(max(2*inference.HubStartSeconds(checkpointGB), 1800), maxLoadSeconds)
}

// SelfHostedInferenceArgs configure the vLLM fleet.
type SelfHostedInferenceArgs struct {
	Team       string
	CostCenter string
	// Sizing is the plan's fleet: instance type, counts, vLLM arguments.
	Sizing plan.Sizing
	// Gated models need the Hugging Face token secret.
	Gated bool
	// VPCID and SubnetIDs place the fleet in an existing network.
	VPCID     string
	SubnetIDs []string
	// AllowedCIDRs may reach the load balancer; empty means the VPC's CIDR.
	AllowedCIDRs   []string
	CertificateARN string
	// DNSName is the endpoint's host name (the certificate's); empty means
	// the load balancer's DNS name. HostedZoneID adds its alias record.
	DNSName      string
	HostedZoneID string
	AMIID        string
	// Image is the vLLM image; empty means inference.VLLMImage.
	Image string
	// DockerHubCredentials (secret JSON {"username", "accessToken"}) turn
	// on the ECR pull-through cache for a Docker Hub image.
	DockerHubCredentials pulumi.StringInput
	AlarmTopicARN        string
	// AlertEmails are subscribed to the fleet's own alert topic, which
	// the alarms and EventBridge's failed-launch events publish to.
	AlertEmails []string
	// LatencyTargetMs is the p95 response-time alarm threshold; 0 means
	// defaultLatencyTargetMs.
	LatencyTargetMs float64
	// APIKey is the vLLM API key; nil means generate one once.
	APIKey pulumi.StringInput
	// HFToken is the Hugging Face token; nil leaves the secret for an
	// operator to fill.
	HFToken pulumi.StringInput
	// TimeZone of the business-hours schedule; empty means UTC.
	TimeZone string
	// Budget, when set, adds the monthly AWS Budget.
	Budget *BudgetArgs
	// Router opens the load balancer to the LiteLLM router (NewRouter).
	Router bool
	// CapacityReservationID and CapacityBlockZone are the capacity block
	// the fleet launches into when the plan prices one.
	CapacityReservationID string
	CapacityBlockZone     string
	// VPCCIDR is the range of the VPC the fleet creates; empty means
	// DefaultVPCCIDR.
	VPCCIDR string
	// PrivateLink admits the PrivateLink front's Network Load Balancer
	// (NewEndpointService) to the load balancer.
	PrivateLink bool
	// ConsumerVPCs are associated with the private hosted zone
	// HostedZoneID (costgate:consumerVpcIds).
	ConsumerVPCs []string
}

// SelfHostedInference is a private, load-balanced vLLM fleet on GPU instances.
type SelfHostedInference struct {
	pulumi.ResourceState

	// Endpoint is the OpenAI-compatible base URL (".../v1").
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// APIKeySecretARN names the secret holding the vLLM API key.
	APIKeySecretARN pulumi.StringOutput `pulumi:"apiKeySecretArn"`
	// HFTokenSecretARN names the Hugging Face token secret; empty when the
	// model is not gated.
	HFTokenSecretARN pulumi.StringOutput `pulumi:"hfTokenSecretArn"`
	// RoleARN is the instance role.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`
	// AutoScalingGroupName is the fleet's group.
	AutoScalingGroupName pulumi.StringOutput `pulumi:"autoScalingGroupName"`
	// BudgetName is the AWS Budget's name; empty without a budget.
	BudgetName pulumi.StringOutput `pulumi:"budgetName"`

	// What a router beside the fleet builds on.
	net            network
	albSG          *ec2.SecurityGroup
	lbs            balancer
	apiKey         pulumi.StringOutput
	listener       int
	certificateARN pulumi.StringPtrInput
	// nlbSG is the PrivateLink front's security group; nil without one.
	nlbSG *ec2.SecurityGroup
	// routerTasksSG marks the router's tasks for the load balancer, which
	// admits them on the vLLM endpoint; nil without the router.
	routerTasksSG *ec2.SecurityGroup
}

// NewSelfHostedInference registers the fleet: network (or the given one),
// security groups, instance role, secrets, launch template, auto scaling
// group with schedules, internal load balancer and alarms.
func NewSelfHostedInference(ctx *pulumi.Context, name string, args *SelfHostedInferenceArgs, opts ...pulumi.ResourceOption) (*SelfHostedInference, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("create self-hosted inference %s: %w", name, err)
	}
	c := &SelfHostedInference{}
	if err := ctx.RegisterComponentResource(SelfHostedInferenceType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("register %s: %w", name, err)
	}
	if err := c.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("create self-hosted inference %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"endpoint":             c.Endpoint,
		"apiKeySecretArn":      c.APIKeySecretARN,
		"hfTokenSecretArn":     c.HFTokenSecretARN,
		"roleArn":              c.RoleARN,
		"autoScalingGroupName": c.AutoScalingGroupName,
		"budgetName":           c.BudgetName,
	}); err != nil {
		return nil, fmt.Errorf("register outputs of %s: %w", name, err)
	}
	return c, nil
}

func (a *SelfHostedInferenceArgs) validate() error {
	s := a.Sizing
	switch {
	case a.Team == "" || a.CostCenter == "":
		return fmt.Errorf("team and cost center are required")
	case s.InstanceType == "":
		return fmt.Errorf("sizing has no instance type")
	case s.PeakInstances < 1:
		return fmt.Errorf("sizing has %d peak instances", s.PeakInstances)
	case s.Schedule == spec.BusinessHours && s.BaselineInstances != 0:
		return fmt.Errorf("baseline instances %d on business_hours: the plan bills none outside the working day", s.BaselineInstances)
	case s.Schedule != spec.BusinessHours && s.BaselineInstances != s.PeakInstances:
		return fmt.Errorf("baseline instances %d of %d always on: the plan bills every instance all month", s.BaselineInstances, s.PeakInstances)
	case len(s.VLLMArgs) == 0:
		return fmt.Errorf("sizing has no vLLM arguments")
	case a.VPCID != "" && len(a.SubnetIDs) == 0:
		return fmt.Errorf("vpc %s given without subnets", a.VPCID)
	case a.HostedZoneID != "" && a.DNSName == "":
		return fmt.Errorf("hosted zone %s given without a DNS name", a.HostedZoneID)
	case s.Pricing == spec.CapacityBlock && a.CapacityReservationID == "":
		return fmt.Errorf("capacity block pricing needs the block's reservation id")
	case s.Pricing == spec.CapacityBlock && s.PeakInstances > modelcatalog.MaxCapacityBlockInstances:
		return fmt.Errorf("%d instances exceed a capacity block's %d", s.PeakInstances, modelcatalog.MaxCapacityBlockInstances)
	}
	return nil
}

// network is where the fleet runs.
type network struct {
	vpcID pulumi.StringInput
	// cidrs are the VPC's IPv4 ranges: a given VPC's subnets may be cut
	// from any block associated with it, not only its primary one.
	cidrs pulumi.StringArrayInput
	// subnets are the router's tasks' and its database's, in two zones or
	// more, several in a zone where given so.
	subnets pulumi.StringArrayInput
	// lbSubnets are the load balancers', one a zone: CreateLoadBalancer
	// takes "only one subnet per Availability Zone".
	lbSubnets pulumi.StringArrayInput
	// instanceSubnets are those in zones that offer the instance type.
	instanceSubnets pulumi.StringArrayInput
	// routeTables are the instance subnets' route tables when the program
	// creates the VPC (the S3 gateway endpoint's); nil in a given VPC.
	routeTables pulumi.StringArrayInput
	// placement names a given network, its VPC and lbSubnets (sorted), in
	// the names of what a new subnet set replaces; "" in the program's own
	// VPC, whose subnets stay.
	placement string
}

// fleet carries what the sections of SelfHostedInference.build share.
type fleet struct {
	ctx     *pulumi.Context
	c       *SelfHostedInference
	name    string
	a       *SelfHostedInferenceArgs
	parent  pulumi.ResourceOption
	tags    map[string]string
	region  string
	part    string
	account string
	// asgName is the group's name, known before the group exists: the
	// instance role and the user data name it.
	asgName string
	// cachePrefix is the ECR pull-through cache's repository prefix; empty
	// without one.
	cachePrefix string
	// topic is the fleet's alert topic.
	topic *sns.Topic
}

// build registers the fleet section by section; each section's resources
// feed the next.
func (c *SelfHostedInference) build(ctx *pulumi.Context, name string, a *SelfHostedInferenceArgs) error {
	f := &fleet{ctx: ctx, c: c, name: name, a: a, parent: pulumi.Parent(c), tags: Tags(a.Team, a.CostCenter)}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up region: %w", err)
	}
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up partition: %w", err)
	}
	ident, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up account: %w", err)
	}
	f.region, f.part, f.account = region.Name, part.Partition, ident.AccountId
	f.asgName = physicalName(ctx.Stack(), a.Team, "vllm", "", MaxAutoScalingGroupName)

	net, err := c.network(ctx, name, a, f.tags)
	if err != nil {
		return err
	}
	albSG, instSG, err := f.securityGroups(net)
	if err != nil {
		return err
	}
	sec, err := f.secrets()
	if err != nil {
		return err
	}
	mirror, err := f.weightsMirror(net)
	if err != nil {
		return err
	}
	if err := f.pullCache(); err != nil {
		return err
	}
	profile, err := f.instanceRole(sec, mirror)
	if err != nil {
		return err
	}
	lbs, err := f.loadBalancer(net, albSG)
	if err != nil {
		return err
	}
	lt, err := f.launchTemplate(instSG, profile, sec, mirror, lbs.tg)
	if err != nil {
		return err
	}
	c.net, c.albSG, c.lbs, c.apiKey, c.listener = net, albSG, lbs, sec.keyARN, a.listenerPort()
	if a.CertificateARN != "" {
		c.certificateARN = pulumi.String(a.CertificateARN)
	}
	if err := f.scaling(net, lt, lbs); err != nil {
		return err
	}
	if err := f.alarms(lbs); err != nil {
		return err
	}
	c.BudgetName = pulumi.String("").ToStringOutput()
	if a.Budget != nil {
		b, err := newBudget(ctx, name+"-budget", *a.Budget, f.tags, f.parent)
		if err != nil {
			return err
		}
		c.BudgetName = b.Name
	}
	return nil
}

// publishedPorts are the load balancer's listener ports: the vLLM
// endpoint's, and the router's with one.
func (a *SelfHostedInferenceArgs) publishedPorts() []int {
	if a.Router {
		return []int{a.listenerPort(), RouterListenerPort}
	}
	return []int{a.listenerPort()}
}

// listenerPort is 443 with a certificate, 80 without.
func (a *SelfHostedInferenceArgs) listenerPort() int {
	if a.CertificateARN != "" {
		return 443
	}
	return 80
}
