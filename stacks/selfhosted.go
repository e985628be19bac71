package stacks

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SelfHostedInferenceType is the component's type token (contract).
const SelfHostedInferenceType = "costgate:stacks:SelfHostedInference"

// DeepLearningAMIParameter is the public SSM parameter holding the newest
// Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04), which
// carries the NVIDIA driver, Docker and the NVIDIA container runtime.
const DeepLearningAMIParameter = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"

// Root volume sizing. The AMI's own snapshot needs about 75 GB; the
// checkpoint may be downloaded at twice the resident size (a BF16 checkpoint
// served as FP8); the vLLM image unpacks to about 25 GB.
const (
	amiBaseGB      = 100
	imageGB        = 30
	volumeHeadroom = 1.2
	// Boot, image pull and model load before the health check counts:
	// a fixed part plus the download at about 100 MB/s.
	bootSeconds  = 600
	secondsPerGB = 10
	// defaultLatencyTargetMs is the p95 alarm threshold when no
	// self-hosted workload sets max_ttft_ms.
	defaultLatencyTargetMs = 2000
)

// The model loads while its instance waits in the launch lifecycle hook
// (Pending:Wait), however long the download takes; the instance enters
// service, and its health-check grace and warm-up start, only once vLLM
// answers. AWS bounds the grace period and warm-ups (0–3600 s, 7200 s for
// a heartbeat timeout), not the wait: heartbeats extend it up to 100
// heartbeat timeouts or 48 hours.
const (
	// LifecycleHookName is the launch hook the instances complete.
	LifecycleHookName = "costgate-model-loaded"
	// hookHeartbeatTimeout is the hook's timeout between heartbeats; the
	// instance sends one every inference.HookHeartbeatSeconds.
	hookHeartbeatTimeout = 900
	// ServiceWarmupSeconds is the health-check grace and every warm-up:
	// two health checks of a loaded model, with room to spare.
	ServiceWarmupSeconds = 300
	// maxLoadSeconds caps the wait for the model: AWS abandons a lifecycle
	// action after 100 heartbeat timeouts.
	maxLoadSeconds = 100*hookHeartbeatTimeout - hookHeartbeatTimeout
)

// LoadTimeoutSeconds is how long an instance may take to load its model
// before the launch is abandoned: twice the expected time, at least half
// an hour, at most what a lifecycle action can last.
func LoadTimeoutSeconds(weightsGB float64) int {
	return min(max(2*GracePeriodSeconds(weightsGB), 1800), maxLoadSeconds)
}

// Network ranges of the VPC the component creates when none is given.
const (
	vpcCIDR = "10.42.0.0/16"
)

var (
	privateCIDRs = []string{"10.42.0.0/20", "10.42.16.0/20"}
	publicCIDRs  = []string{"10.42.128.0/24", "10.42.129.0/24"}
)

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
	case s.BaselineInstances < 0 || s.BaselineInstances > s.PeakInstances:
		return fmt.Errorf("baseline instances %d outside [0, %d]", s.BaselineInstances, s.PeakInstances)
	case len(s.VLLMArgs) == 0:
		return fmt.Errorf("sizing has no vLLM arguments")
	case a.VPCID != "" && len(a.SubnetIDs) == 0:
		return fmt.Errorf("vpc %s given without subnets", a.VPCID)
	case a.HostedZoneID != "" && a.DNSName == "":
		return fmt.Errorf("hosted zone %s given without a DNS name", a.HostedZoneID)
	}
	return nil
}

// network is where the fleet runs.
type network struct {
	vpcID pulumi.StringInput
	cidr  pulumi.StringInput
	// subnets are the load balancer's, in two zones or more.
	subnets pulumi.StringArrayInput
	// instanceSubnets are those in zones that offer the instance type.
	instanceSubnets pulumi.StringArrayInput
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
	if err := f.pullCache(); err != nil {
		return err
	}
	profile, err := f.instanceRole(sec)
	if err != nil {
		return err
	}
	lt, err := f.launchTemplate(instSG, profile, sec)
	if err != nil {
		return err
	}
	lbs, err := f.loadBalancer(net, albSG)
	if err != nil {
		return err
	}
	c.net, c.albSG, c.lbs, c.apiKey, c.listener = net, albSG, lbs, sec.key.Arn, a.listenerPort()
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

// listenerPort is 443 with a certificate, 80 without.
func (a *SelfHostedInferenceArgs) listenerPort() int {
	if a.CertificateARN != "" {
		return 443
	}
	return 80
}

// securityGroups registers clients → load balancer → instances, nothing
// else in.
func (f *fleet) securityGroups(net network) (albSG, instSG *ec2.SecurityGroup, err error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	allowed := pulumi.StringArrayInput(pulumi.ToStringArray(a.AllowedCIDRs))
	if len(a.AllowedCIDRs) == 0 {
		allowed = pulumi.StringArray{net.cidr}
	}
	listenerPort := a.listenerPort()
	ingress := ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
		Description: pulumi.String("clients of the inference endpoint"),
		Protocol:    pulumi.String("tcp"),
		FromPort:    pulumi.Int(listenerPort),
		ToPort:      pulumi.Int(listenerPort),
		CidrBlocks:  allowed,
	}}
	egress := ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
		Description: pulumi.String("vLLM on the fleet"),
		Protocol:    pulumi.String("tcp"),
		FromPort:    pulumi.Int(inference.VLLMPort),
		ToPort:      pulumi.Int(inference.VLLMPort),
		CidrBlocks:  pulumi.StringArray{net.cidr},
	}}
	if a.Router {
		// The LiteLLM router's listener, and its tasks in the VPC.
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("clients of the LiteLLM router"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(RouterListenerPort),
			ToPort:      pulumi.Int(RouterListenerPort),
			CidrBlocks:  allowed,
		})
		egress = append(egress, ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("LiteLLM router tasks"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(LiteLLMPort),
			ToPort:      pulumi.Int(LiteLLMPort),
			CidrBlocks:  pulumi.StringArray{net.cidr},
		})
	}
	albSG, err = ec2.NewSecurityGroup(ctx, name+"-alb", &ec2.SecurityGroupArgs{
		Description: pulumi.String("costgate " + a.Team + ": inference endpoint, reachable from the allowed CIDRs only"),
		VpcId:       net.vpcID,
		Ingress:     ingress,
		Egress:      egress,
		Tags:        withName(tags, name+"-alb"),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create load balancer security group: %w", err)
	}
	instSG, err = ec2.NewSecurityGroup(ctx, name+"-instances", &ec2.SecurityGroupArgs{
		Description: pulumi.String("costgate " + a.Team + ": vLLM instances, reachable from the load balancer only"),
		VpcId:       net.vpcID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description:    pulumi.String("vLLM from the load balancer"),
			Protocol:       pulumi.String("tcp"),
			FromPort:       pulumi.Int(inference.VLLMPort),
			ToPort:         pulumi.Int(inference.VLLMPort),
			SecurityGroups: pulumi.StringArray{albSG.ID()},
		}},
		// Weights, the image, SSM and Secrets Manager are reached over HTTPS
		// through the NAT; nothing listens for them.
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("HTTPS for model weights, the image, SSM and Secrets Manager"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		}},
		Tags: withName(tags, name+"-instances"),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create instance security group: %w", err)
	}

	return albSG, instSG, nil
}

// fleetSecrets are the fleet's secrets: the vLLM API key, and the Hugging
// Face token for gated models (hfARN empty without one).
type fleetSecrets struct {
	key   *secretsmanager.Secret
	arns  pulumi.StringArray
	hfARN pulumi.StringInput
}

// secrets registers the vLLM API key and, for gated models, the Hugging
// Face token.
func (f *fleet) secrets() (fleetSecrets, error) {
	ctx, a, name, c, parent, tags := f.ctx, f.a, f.name, f.c, f.parent, f.tags
	// Secrets: the vLLM API key, and the Hugging Face token for gated models.
	keySecret, err := secretsmanager.NewSecret(ctx, name+"-vllm-api-key", &secretsmanager.SecretArgs{
		Description:          pulumi.String("costgate " + a.Team + ": API key of the vLLM endpoint"),
		RecoveryWindowInDays: pulumi.Int(7),
		Tags:                 stringMap(tags),
	}, parent)
	if err != nil {
		return fleetSecrets{}, fmt.Errorf("create API key secret: %w", err)
	}
	key := a.APIKey
	keyOpts := []pulumi.ResourceOption{parent}
	if key == nil {
		// Generated once by Secrets Manager itself (no extra provider
		// plugin); later runs draw a new password, which ignoreChanges
		// discards, so the key is stable across updates.
		pw, err := secretsmanager.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordArgs{
			PasswordLength:     pulumi.IntRef(48),
			ExcludePunctuation: pulumi.BoolRef(true),
		})
		if err != nil {
			return fleetSecrets{}, fmt.Errorf("generate API key: %w", err)
		}
		key = pulumi.String(pw.RandomPassword)
		keyOpts = append(keyOpts, pulumi.IgnoreChanges([]string{"secretString"}))
	}
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-vllm-api-key", &secretsmanager.SecretVersionArgs{
		SecretId:     keySecret.ID(),
		SecretString: pulumi.ToSecret(key).(pulumi.StringOutput),
	}, keyOpts...); err != nil {
		return fleetSecrets{}, fmt.Errorf("store API key: %w", err)
	}
	secretARNs := pulumi.StringArray{keySecret.Arn}
	c.HFTokenSecretARN = pulumi.String("").ToStringOutput()
	var hfARN pulumi.StringInput = pulumi.String("")
	if a.Gated || a.HFToken != nil {
		hfSecret, err := secretsmanager.NewSecret(ctx, name+"-hf-token", &secretsmanager.SecretArgs{
			Description:          pulumi.String("costgate " + a.Team + ": Hugging Face token for gated model downloads"),
			RecoveryWindowInDays: pulumi.Int(7),
			Tags:                 stringMap(tags),
		}, parent)
		if err != nil {
			return fleetSecrets{}, fmt.Errorf("create Hugging Face token secret: %w", err)
		}
		if a.HFToken != nil {
			if _, err := secretsmanager.NewSecretVersion(ctx, name+"-hf-token", &secretsmanager.SecretVersionArgs{
				SecretId:     hfSecret.ID(),
				SecretString: pulumi.ToSecret(a.HFToken).(pulumi.StringOutput),
			}, parent); err != nil {
				return fleetSecrets{}, fmt.Errorf("store Hugging Face token: %w", err)
			}
		} else {
			_ = ctx.Log.Warn("model "+a.Sizing.Model+" is gated and costgate:hfToken is unset: "+
				"put the token into the secret before the instances start", &pulumi.LogArgs{Resource: c})
		}
		secretARNs = append(secretARNs, hfSecret.Arn)
		c.HFTokenSecretARN = hfSecret.Arn
		hfARN = hfSecret.Arn
	}

	c.APIKeySecretARN = keySecret.Arn
	return fleetSecrets{key: keySecret, arns: secretARNs, hfARN: hfARN}, nil
}

// instanceRole registers the instance role: SSM Session Manager instead of
// SSH, and read access to exactly its own secrets.
func (f *fleet) instanceRole(sec fleetSecrets) (*iam.InstanceProfile, error) {
	ctx, a, name, c, parent, tags := f.ctx, f.a, f.name, f.c, f.parent, f.tags
	secretARNs := sec.arns
	assume, err := policyDocument(policyStatement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "ec2.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
	})
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-instance", &iam.RoleArgs{
		Description:      pulumi.String("costgate " + a.Team + ": vLLM instances"),
		AssumeRolePolicy: pulumi.String(assume),
		Tags:             stringMap(tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create instance role: %w", err)
	}
	c.RoleARN = role.Arn
	if _, err := iam.NewRolePolicyAttachment(ctx, name+"-ssm", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String("arn:" + f.part + ":iam::aws:policy/AmazonSSMManagedInstanceCore"),
	}, parent); err != nil {
		return nil, fmt.Errorf("attach SSM policy: %w", err)
	}
	readSecrets := secretARNs.ToStringArrayOutput().ApplyT(func(arns []string) (string, error) {
		return policyDocument(policyStatement{
			Sid:      "ReadOwnSecrets",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:GetSecretValue"},
			Resource: arns,
		})
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-read-secrets", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: readSecrets,
	}, parent); err != nil {
		return nil, fmt.Errorf("create secrets policy: %w", err)
	}
	if err := f.instancePolicy(role); err != nil {
		return nil, err
	}
	profile, err := iam.NewInstanceProfile(ctx, name+"-instance", &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: stringMap(tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create instance profile: %w", err)
	}

	return profile, nil
}

// instancePolicy lets an instance complete its own group's launch
// lifecycle action, and pull the image through the ECR pull-through cache
// when there is one.
func (f *fleet) instancePolicy(role *iam.Role) error {
	st := []policyStatement{{
		Sid:    "CompleteOwnLaunch",
		Effect: "Allow",
		Action: []string{"autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"},
		Resource: []string{fmt.Sprintf("arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%s",
			f.part, f.region, f.account, f.asgName)},
	}}
	st = append(st, f.pullStatements()...)
	doc, err := policyDocument(st...)
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(f.ctx, f.name+"-instance", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(doc),
	}, f.parent); err != nil {
		return fmt.Errorf("create instance policy: %w", err)
	}
	return nil
}

// launchTemplate registers the instances' template: AMI, type, role,
// IMDSv2, encrypted root volume and the cloud-init that starts vLLM.
func (f *fleet) launchTemplate(instSG *ec2.SecurityGroup, profile *iam.InstanceProfile, sec fleetSecrets) (*ec2.LaunchTemplate, error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	keySecret, hfARN := sec.key, sec.hfARN
	// The AMI is resolved once: a looked-up id is held (ignoreChanges)
	// until costgate:amiId names another, so a Deep Learning AMI release
	// never starts an instance refresh by itself.
	ami := pulumi.StringInput(pulumi.String(a.AMIID))
	ltOpts := []pulumi.ResourceOption{parent}
	if a.AMIID == "" {
		p, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: DeepLearningAMIParameter})
		if err != nil {
			return nil, fmt.Errorf("look up Deep Learning AMI: %w", err)
		}
		ami = pulumi.String(p.Value)
		ltOpts = append(ltOpts, pulumi.IgnoreChanges([]string{"imageId"}))
	}
	image, registry := f.image()
	userData := pulumi.All(keySecret.Arn, hfARN).ApplyT(func(v []any) (string, error) {
		ud, err := inference.CloudInit(inference.CloudInitArgs{
			Image:              image,
			Region:             f.region,
			APIKeySecretARN:    v[0].(string),
			HFTokenSecretARN:   v[1].(string),
			VLLMArgs:           a.Sizing.VLLMArgs,
			RegistryLogin:      registry,
			LifecycleHook:      LifecycleHookName,
			AutoScalingGroup:   f.asgName,
			LoadTimeoutSeconds: LoadTimeoutSeconds(a.Sizing.WeightsGB),
		})
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString([]byte(ud)), nil
	}).(pulumi.StringOutput)
	lt, err := ec2.NewLaunchTemplate(ctx, name+"-vllm", &ec2.LaunchTemplateArgs{
		Description:          pulumi.String("costgate " + a.Team + ": " + a.Sizing.Model + " on " + a.Sizing.InstanceType),
		ImageId:              ami,
		InstanceType:         pulumi.String(a.Sizing.InstanceType),
		UpdateDefaultVersion: pulumi.Bool(true),
		IamInstanceProfile:   ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		VpcSecurityGroupIds:  pulumi.StringArray{instSG.ID()},
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"),
			// 2 hops: the container reaches IMDS through the Docker bridge.
			HttpPutResponseHopLimit: pulumi.Int(2),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/sda1"),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(RootVolumeGB(a.Sizing.WeightsGB)),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Monitoring: ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		UserData:   userData,
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: withName(tags, name+"-vllm")},
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: withName(tags, name+"-vllm")},
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("network-interface"), Tags: withName(tags, name+"-vllm")},
		},
		Tags: stringMap(tags),
	}, ltOpts...)
	if err != nil {
		return nil, fmt.Errorf("create launch template: %w", err)
	}

	return lt, nil
}

// balancer is the fleet's internal load balancer and target group.
type balancer struct {
	alb *lb.LoadBalancer
	tg  *lb.TargetGroup
}

// loadBalancer registers the internal load balancer, its target group and
// listener, and sets the endpoint.
func (f *fleet) loadBalancer(net network, albSG *ec2.SecurityGroup) (balancer, error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	listenerPort := a.listenerPort()
	// Explicit names: autonaming adds 8 characters to the logical name and
	// AWS allows 32. The VPC is in the target group's hash because a new
	// VPC replaces it, and the replacement is created before the old one
	// goes.
	tg, err := lb.NewTargetGroup(ctx, name+"-vllm", &lb.TargetGroupArgs{
		Name:                pulumi.String(physicalName(ctx.Stack(), a.Team, "vllm", a.VPCID, MaxTargetGroupName)),
		Port:                pulumi.Int(inference.VLLMPort),
		Protocol:            pulumi.String("HTTP"),
		TargetType:          pulumi.String("instance"),
		VpcId:               net.vpcID,
		DeregistrationDelay: pulumi.Int(60),
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true),
			// /v1/models answers only once the model is loaded (/health
			// answers earlier). With the API key set it answers 401 to the
			// unauthenticated probe, which still proves readiness.
			Path:               pulumi.String("/v1/models"),
			Matcher:            pulumi.String("200,401"),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String(strconv.Itoa(inference.VLLMPort)),
			Interval:           pulumi.Int(30),
			Timeout:            pulumi.Int(10),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: stringMap(tags),
	}, parent)
	if err != nil {
		return balancer{}, fmt.Errorf("create target group: %w", err)
	}
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		Name:                     pulumi.String(physicalName(ctx.Stack(), a.Team, "lb", "", MaxLoadBalancerName)),
		Internal:                 pulumi.Bool(true),
		LoadBalancerType:         pulumi.String("application"),
		SecurityGroups:           pulumi.StringArray{albSG.ID()},
		Subnets:                  net.subnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(false),
		// Long generations stream for minutes.
		IdleTimeout: pulumi.Int(600),
		Tags:        stringMap(tags),
	}, parent)
	if err != nil {
		return balancer{}, fmt.Errorf("create load balancer: %w", err)
	}
	listener := &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(listenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
		Tags: stringMap(tags),
	}
	scheme := "http"
	if a.CertificateARN != "" {
		scheme = "https"
		listener.Protocol = pulumi.String("HTTPS")
		listener.CertificateArn = pulumi.String(a.CertificateARN)
		listener.SslPolicy = pulumi.String("ELBSecurityPolicy-TLS13-1-2-2021-06")
	}
	if _, err := lb.NewListener(ctx, name+"-vllm", listener, parent); err != nil {
		return balancer{}, fmt.Errorf("create listener: %w", err)
	}
	if err := f.endpoint(alb, scheme); err != nil {
		return balancer{}, err
	}
	return balancer{alb: alb, tg: tg}, nil
}

// endpoint sets the fleet's endpoint: at costgate:dnsName when given (with
// its alias record in costgate:hostedZoneId), else the load balancer's name.
func (f *fleet) endpoint(alb *lb.LoadBalancer, scheme string) error {
	ctx, a, name, c, parent := f.ctx, f.a, f.name, f.c, f.parent
	host := alb.DnsName
	if a.DNSName != "" {
		// A certificate covers a name of the team's, never the load
		// balancer's own.
		host = pulumi.String(a.DNSName).ToStringOutput()
	}
	if a.HostedZoneID != "" {
		if _, err := route53.NewRecord(ctx, name+"-endpoint", &route53.RecordArgs{
			ZoneId: pulumi.String(a.HostedZoneID),
			Name:   pulumi.String(a.DNSName),
			Type:   pulumi.String("A"),
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name:                 alb.DnsName,
				ZoneId:               alb.ZoneId,
				EvaluateTargetHealth: pulumi.Bool(true),
			}},
		}, parent); err != nil {
			return fmt.Errorf("create endpoint record: %w", err)
		}
	}
	c.Endpoint = host.ApplyT(func(dns string) string {
		return fmt.Sprintf("%s://%s/v1", scheme, dns)
	}).(pulumi.StringOutput)

	return nil
}

// scaling registers the auto scaling group, its business-hours schedules
// and the target-tracking policy.
func (f *fleet) scaling(net network, lt *ec2.LaunchTemplate, lbs balancer) error {
	ctx, a, name, c, parent, tags := f.ctx, f.a, f.name, f.c, f.parent, f.tags
	tg := lbs.tg
	s := a.Sizing
	floor := offHoursFloor(s)
	asgTags := autoscaling.GroupTagArray{autoscaling.GroupTagArgs{
		Key: pulumi.String("Name"), Value: pulumi.String(name + "-vllm"), PropagateAtLaunch: pulumi.Bool(true),
	}}
	for _, k := range sortedKeys(tags) {
		asgTags = append(asgTags, autoscaling.GroupTagArgs{
			Key: pulumi.String(k), Value: pulumi.String(tags[k]), PropagateAtLaunch: pulumi.Bool(true),
		})
	}
	asg, err := autoscaling.NewGroup(ctx, name+"-vllm", &autoscaling.GroupArgs{
		Name:            pulumi.String(f.asgName),
		MinSize:         pulumi.Int(floor),
		MaxSize:         pulumi.Int(s.PeakInstances),
		DesiredCapacity: pulumi.Int(s.PeakInstances),
		LaunchTemplate: autoscaling.GroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		VpcZoneIdentifiers: net.instanceSubnets,
		TargetGroupArns:    pulumi.StringArray{tg.Arn},
		// Every launch, the first included, waits in the hook until its
		// model serves.
		InitialLifecycleHooks: autoscaling.GroupInitialLifecycleHookArray{autoscaling.GroupInitialLifecycleHookArgs{
			Name:                pulumi.String(LifecycleHookName),
			LifecycleTransition: pulumi.String("autoscaling:EC2_INSTANCE_LAUNCHING"),
			HeartbeatTimeout:    pulumi.Int(hookHeartbeatTimeout),
			DefaultResult:       pulumi.String("ABANDON"),
		}},
		HealthCheckType:        pulumi.String("ELB"),
		HealthCheckGracePeriod: pulumi.Int(ServiceWarmupSeconds),
		DefaultInstanceWarmup:  pulumi.Int(ServiceWarmupSeconds),
		// The group may start with no capacity (business hours at night, or
		// GPUs the region lacks now): do not block the deployment on it;
		// a failed launch is reported through costgate:alarmTopicArn.
		WaitForCapacityTimeout: pulumi.String("0"),
		// A new launch template version replaces instances launch before
		// terminate: the old instance serves until its successor has loaded.
		InstanceRefresh: autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(100),
				MaxHealthyPercentage: pulumi.Int(200),
				InstanceWarmup:       pulumi.String(strconv.Itoa(ServiceWarmupSeconds)),
				SkipMatching:         pulumi.Bool(true),
			},
		},
		EnabledMetrics: pulumi.ToStringArray([]string{"GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances"}),
		Tags:           asgTags,
	}, parent, pulumi.IgnoreChanges([]string{"desiredCapacity"}))
	if err != nil {
		return fmt.Errorf("create auto scaling group: %w", err)
	}
	c.AutoScalingGroupName = asg.Name
	if err := f.launchFailures(); err != nil {
		return err
	}
	if err := schedules(ctx, name, asg, s, floor, a.TimeZone, parent); err != nil {
		return err
	}
	return f.targetTracking(asg, lbs, floor)
}

// targetTracking registers, between the schedule's floor and the peak, the
// policy that tracks the load balancer's requests per instance at the rate
// sizing found for the target utilization.
func (f *fleet) targetTracking(asg *autoscaling.Group, lbs balancer, floor int) error {
	ctx, s, name, parent := f.ctx, f.a.Sizing, f.name, f.parent
	alb, tg := lbs.alb, lbs.tg
	// Between the schedule's floor and the peak, the group tracks the load
	// balancer's requests per instance at the rate sizing found for the
	// target utilization.
	if s.TargetRequestsPerMinute > 0 && floor < s.PeakInstances {
		if _, err := autoscaling.NewPolicy(ctx, name+"-requests", &autoscaling.PolicyArgs{
			AutoscalingGroupName:    asg.Name,
			PolicyType:              pulumi.String("TargetTrackingScaling"),
			EstimatedInstanceWarmup: pulumi.Int(ServiceWarmupSeconds),
			TargetTrackingConfiguration: autoscaling.PolicyTargetTrackingConfigurationArgs{
				PredefinedMetricSpecification: autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
					ResourceLabel:        pulumi.Sprintf("%s/%s", alb.ArnSuffix, tg.ArnSuffix),
				},
				TargetValue: pulumi.Float64(s.TargetRequestsPerMinute),
			},
		}, parent); err != nil {
			return fmt.Errorf("create target tracking policy: %w", err)
		}
	}

	return nil
}

// launchFailures sends the group's failed launches (insufficient capacity
// of a GPU type above all) to the alarm topic: with WaitForCapacityTimeout
// "0" nothing else reports them. EventBridge rules on AWS service events
// cost nothing. Without costgate:alarmTopicArn there is nowhere to send
// them; the program's preflight says so.
func (f *fleet) launchFailures() error {
	if f.a.AlarmTopicARN == "" {
		return nil
	}
	pattern, err := json.Marshal(map[string]any{
		"source":      []string{"aws.autoscaling"},
		"detail-type": []string{"EC2 Instance Launch Unsuccessful"},
		"detail":      map[string]any{"AutoScalingGroupName": []string{f.asgName}},
	})
	if err != nil {
		return fmt.Errorf("encode launch failure pattern: %w", err)
	}
	rule, err := cloudwatch.NewEventRule(f.ctx, f.name+"-launch-failed", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("costgate " + f.a.Team + ": an instance of the fleet failed to launch (capacity, quota)"),
		EventPattern: pulumi.String(string(pattern)),
		Tags:         stringMap(f.tags),
	}, f.parent)
	if err != nil {
		return fmt.Errorf("create launch failure rule: %w", err)
	}
	if _, err := cloudwatch.NewEventTarget(f.ctx, f.name+"-launch-failed", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  pulumi.String(f.a.AlarmTopicARN),
	}, f.parent); err != nil {
		return fmt.Errorf("create launch failure target: %w", err)
	}
	return nil
}

// alarms registers the unhealthy-host, 5xx and p95-latency alarms.
func (f *fleet) alarms(lbs balancer) error {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	alb, tg := lbs.alb, lbs.tg
	// Alarms.
	latency := a.LatencyTargetMs
	if latency <= 0 {
		latency = defaultLatencyTargetMs
	}
	var actions pulumi.Array
	if a.AlarmTopicARN != "" {
		actions = pulumi.Array{pulumi.String(a.AlarmTopicARN)}
	}
	dims := pulumi.StringMap{"TargetGroup": tg.ArnSuffix, "LoadBalancer": alb.ArnSuffix}
	alarms := []struct {
		suffix, metric, stat, ext, desc string
		threshold                       float64
	}{
		{"unhealthy-hosts", "UnHealthyHostCount", "Maximum", "", "a vLLM instance fails its readiness check", 0},
		{"target-5xx", "HTTPCode_Target_5XX_Count", "Sum", "", "vLLM answers with server errors", 10},
		{"p95-latency", "TargetResponseTime", "", "p95", fmt.Sprintf("p95 time to response headers above %.0f ms", latency), latency / 1000},
	}
	for _, al := range alarms {
		args := &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String("costgate " + a.Team + ": " + al.desc),
			Namespace:          pulumi.String("AWS/ApplicationELB"),
			MetricName:         pulumi.String(al.metric),
			Dimensions:         dims,
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(2),
			ComparisonOperator: pulumi.String("GreaterThanThreshold"),
			Threshold:          pulumi.Float64(al.threshold),
			TreatMissingData:   pulumi.String("notBreaching"),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               stringMap(tags),
		}
		if al.ext != "" {
			args.ExtendedStatistic = pulumi.String(al.ext)
		} else {
			args.Statistic = pulumi.String(al.stat)
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+al.suffix, args, parent); err != nil {
			return fmt.Errorf("create alarm %s: %w", al.suffix, err)
		}
	}

	return nil
}

// network returns the given network, or creates a VPC with private subnets
// in two zones whose only way out is a NAT gateway. The instances go only
// to subnets in zones that offer their type (GPU types are offered in some
// zones of a region only).
func (c *SelfHostedInference) network(ctx *pulumi.Context, name string, a *SelfHostedInferenceArgs, tags map[string]string) (network, error) {
	offered, err := OfferedZones(ctx, a.Sizing.InstanceType)
	if err != nil {
		return network{}, err
	}
	if a.VPCID != "" {
		vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Id: pulumi.StringRef(a.VPCID)})
		if err != nil {
			return network{}, fmt.Errorf("look up vpc %s: %w", a.VPCID, err)
		}
		zones, err := SubnetZones(ctx, a.SubnetIDs)
		if err != nil {
			return network{}, err
		}
		var inst []string
		for _, id := range a.SubnetIDs {
			if offered[zones[id]] {
				inst = append(inst, id)
			}
		}
		if len(inst) == 0 {
			return network{}, fmt.Errorf("no subnet of costgate:subnetIds is in a zone offering %s", a.Sizing.InstanceType)
		}
		return network{
			vpcID:           pulumi.String(a.VPCID),
			cidr:            pulumi.String(vpc.CidrBlock),
			subnets:         pulumi.ToStringArray(a.SubnetIDs),
			instanceSubnets: pulumi.ToStringArray(inst),
		}, nil
	}
	avail, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")})
	if err != nil {
		return network{}, fmt.Errorf("look up availability zones: %w", err)
	}
	zones, err := pickZones(avail.Names, offered, len(privateCIDRs))
	if err != nil {
		return network{}, fmt.Errorf("%s: %w", a.Sizing.InstanceType, err)
	}
	v := &vpcBuild{ctx: ctx, name: name, tags: tags, parent: pulumi.Parent(c), zones: zones}
	net, err := v.create()
	if err != nil {
		return network{}, err
	}
	var inst pulumi.StringArray
	for i, id := range net.subnets.(pulumi.StringArray) {
		if offered[zones[i]] {
			inst = append(inst, id)
		}
	}
	net.instanceSubnets = inst
	return net, nil
}

// pickZones chooses n available zones, those offering the instance type
// first; the load balancer needs n zones even when fewer offer the type.
func pickZones(available []string, offered map[string]bool, n int) ([]string, error) {
	var first, rest []string
	for _, z := range available {
		if offered[z] {
			first = append(first, z)
		} else {
			rest = append(rest, z)
		}
	}
	if len(first) == 0 {
		return nil, fmt.Errorf("offered in no available zone of the region")
	}
	zones := append(first, rest...)
	if len(zones) < n {
		return nil, fmt.Errorf("region has %d availability zones, need %d", len(zones), n)
	}
	return zones[:n], nil
}

// OfferedZones looks up the zones of the region that offer the instance
// type.
func OfferedZones(ctx *pulumi.Context, instanceType string) (map[string]bool, error) {
	res, err := ec2.GetInstanceTypeOfferings(ctx, &ec2.GetInstanceTypeOfferingsArgs{
		Filters:      []ec2.GetInstanceTypeOfferingsFilter{{Name: "instance-type", Values: []string{instanceType}}},
		LocationType: pulumi.StringRef("availability-zone"),
	})
	if err != nil {
		return nil, fmt.Errorf("look up the zones offering %s: %w", instanceType, err)
	}
	out := map[string]bool{}
	for _, z := range res.Locations {
		out[z] = true
	}
	return out, nil
}

// SubnetZones looks up each subnet's availability zone.
func SubnetZones(ctx *pulumi.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		sn, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			return nil, fmt.Errorf("look up subnet %s: %w", id, err)
		}
		out[id] = sn.AvailabilityZone
	}
	return out, nil
}

// vpcBuild carries what the steps of the fleet's own VPC share.
type vpcBuild struct {
	ctx    *pulumi.Context
	name   string
	tags   map[string]string
	parent pulumi.ResourceOption
	zones  []string
}

// create registers the VPC, its internet gateway, the public subnets with
// the NAT gateway and the private subnets routed through it.
func (v *vpcBuild) create() (network, error) {
	ctx, name, tags, parent := v.ctx, v.name, v.tags, v.parent
	vpc, err := ec2.NewVpc(ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(vpcCIDR),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               withName(tags, name),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create vpc: %w", err)
	}
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  withName(tags, name),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create internet gateway: %w", err)
	}
	publicIDs, err := v.subnets(vpc, "public", publicCIDRs, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()})
	if err != nil {
		return network{}, err
	}
	// One NAT gateway: a zone outage stops downloads, not serving, and a
	// second NAT costs as much as the alarms and secrets together.
	eip, err := ec2.NewEip(ctx, name+"-nat", &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   withName(tags, name+"-nat"),
	}, parent)
	if err != nil {
		return network{}, fmt.Errorf("create NAT address: %w", err)
	}
	nat, err := ec2.NewNatGateway(ctx, name, &ec2.NatGatewayArgs{
		AllocationId: eip.ID(),
		SubnetId:     publicIDs[0],
		Tags:         withName(tags, name),
	}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
	if err != nil {
		return network{}, fmt.Errorf("create NAT gateway: %w", err)
	}
	private, err := v.subnets(vpc, "private", privateCIDRs, ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID()})
	if err != nil {
		return network{}, err
	}
	return network{vpcID: vpc.ID().ToStringOutput(), cidr: vpc.CidrBlock, subnets: private}, nil
}

// subnets registers one route table of the kind ("public" or "private")
// with its default route, and a subnet per CIDR in successive zones.
func (v *vpcBuild) subnets(vpc *ec2.Vpc, kind string, cidrs []string, route ec2.RouteTableRouteArgs) (pulumi.StringArray, error) {
	ctx, name, tags, parent := v.ctx, v.name, v.tags, v.parent
	rt, err := ec2.NewRouteTable(ctx, name+"-"+kind, &ec2.RouteTableArgs{
		VpcId:  vpc.ID(),
		Routes: ec2.RouteTableRouteArray{route},
		Tags:   withName(tags, name+"-"+kind),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create %s route table: %w", kind, err)
	}
	var ids pulumi.StringArray
	for i, cidr := range cidrs {
		sub := fmt.Sprintf("%s-%s-%d", name, kind, i+1)
		args := &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(cidr),
			AvailabilityZone: pulumi.String(v.zones[i]),
			Tags:             withName(tags, sub),
		}
		if kind == "public" {
			args.MapPublicIpOnLaunch = pulumi.Bool(false)
		}
		sn, err := ec2.NewSubnet(ctx, sub, args, parent)
		if err != nil {
			return nil, fmt.Errorf("create %s subnet: %w", kind, err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, sub, &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: rt.ID(),
		}, parent); err != nil {
			return nil, fmt.Errorf("associate %s subnet: %w", kind, err)
		}
		ids = append(ids, sn.ID().ToStringOutput())
	}
	return ids, nil
}

// Business hours of the scheduled scaling: the article's 176 working hours
// are 22 weekdays of 8 hours.
const (
	businessStart = "0 9 * * MON-FRI"
	businessEnd   = "0 17 * * MON-FRI"
)

// offHoursFloor is the group's size outside business hours: the baseline
// (always_on) or nothing (business_hours).
func offHoursFloor(s plan.Sizing) int {
	if s.Schedule == spec.BusinessHours {
		return 0
	}
	return s.BaselineInstances
}

// schedules adds the scheduled actions: at peak during business hours,
// at floor outside them.
func schedules(ctx *pulumi.Context, name string, asg *autoscaling.Group, s plan.Sizing, floor int, tz string, opts ...pulumi.ResourceOption) error {
	if floor == s.PeakInstances {
		return nil // nothing to change during the day
	}
	if tz == "" {
		tz = "UTC"
	}
	actions := []struct {
		suffix, recurrence string
		min, desired       int
	}{
		{"business-start", businessStart, s.PeakInstances, s.PeakInstances},
		{"business-end", businessEnd, floor, floor},
	}
	for _, a := range actions {
		if _, err := autoscaling.NewSchedule(ctx, name+"-"+a.suffix, &autoscaling.ScheduleArgs{
			AutoscalingGroupName: asg.Name,
			ScheduledActionName:  pulumi.String(name + "-" + a.suffix),
			Recurrence:           pulumi.String(a.recurrence),
			TimeZone:             pulumi.String(tz),
			MinSize:              pulumi.Int(a.min),
			MaxSize:              pulumi.Int(s.PeakInstances),
			DesiredCapacity:      pulumi.Int(a.desired),
		}, opts...); err != nil {
			return fmt.Errorf("create schedule %s: %w", a.suffix, err)
		}
	}
	return nil
}

// RootVolumeGB sizes the encrypted root volume for the AMI, the checkpoint
// download, the image and headroom, rounded up to 10 GB.
func RootVolumeGB(weightsGB float64) int {
	gb := (amiBaseGB + 2*weightsGB + imageGB) * volumeHeadroom
	return int(math.Ceil(gb/10) * 10)
}

// GracePeriodSeconds is how long a new instance has to boot, pull the image
// and load the model before the load balancer's health check counts.
func GracePeriodSeconds(weightsGB float64) int {
	return bootSeconds + int(math.Ceil(2*weightsGB*secondsPerGB))
}
