package stacks

import (
	"encoding/base64"
	"fmt"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fleetSecrets are the fleet's secrets: the vLLM API key, and the Hugging
// Face token for gated models (hfARN empty without one).
type fleetSecrets struct {
	// keyARN is the vLLM API key's secret, once stored.
	keyARN pulumi.StringOutput
	arns   pulumi.StringArray
	hfARN  pulumi.StringInput
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
	keyVersion, err := secretsmanager.NewSecretVersion(ctx, name+"-vllm-api-key", &secretsmanager.SecretVersionArgs{
		SecretId:     keySecret.ID(),
		SecretString: pulumi.ToSecret(key).(pulumi.StringOutput),
	}, keyOpts...)
	if err != nil {
		return fleetSecrets{}, fmt.Errorf("store API key: %w", err)
	}
	keyARN := storedARN(keySecret, keyVersion)
	secretARNs := pulumi.StringArray{keyARN}
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
		arn := hfSecret.Arn
		if a.HFToken != nil {
			v, err := secretsmanager.NewSecretVersion(ctx, name+"-hf-token", &secretsmanager.SecretVersionArgs{
				SecretId:     hfSecret.ID(),
				SecretString: pulumi.ToSecret(a.HFToken).(pulumi.StringOutput),
			}, parent)
			if err != nil {
				return fleetSecrets{}, fmt.Errorf("store Hugging Face token: %w", err)
			}
			arn = storedARN(hfSecret, v)
		} else {
			_ = ctx.Log.Warn("model "+a.Sizing.Model+" is gated and costgate:hfToken is unset: "+
				"put the token into the secret before the instances start", &pulumi.LogArgs{Resource: c})
		}
		secretARNs = append(secretARNs, arn)
		c.HFTokenSecretARN = arn
		hfARN = arn
	}

	c.APIKeySecretARN = keyARN
	return fleetSecrets{keyARN: keyARN, arns: secretARNs, hfARN: hfARN}, nil
}

// instanceRole registers the instance role: SSM Session Manager instead of
// SSH, and read access to exactly its own secrets.
func (f *fleet) instanceRole(sec fleetSecrets, mirror weightsMirror) (*iam.InstanceProfile, error) {
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
	readMirror := mirror.bucket.Arn.ApplyT(func(arn string) (string, error) {
		return policyDocument(f.mirrorStatements(arn, mirror.prefix)...)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-weights-mirror", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: readMirror,
	}, parent); err != nil {
		return nil, fmt.Errorf("create weights mirror policy: %w", err)
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
	if f.a.Sizing.Pricing == spec.Spot {
		// The drain takes the instance out of its target group at once.
		st = append(st, policyStatement{
			Sid:    "LeaveOwnTargetGroup",
			Effect: "Allow",
			Action: []string{"elasticloadbalancing:DeregisterTargets"},
			Resource: []string{fmt.Sprintf("arn:%s:elasticloadbalancing:%s:%s:targetgroup/%s/*",
				f.part, f.region, f.account, targetGroupName(f.ctx, f.a))},
		})
	}
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
func (f *fleet) launchTemplate(instSG *ec2.SecurityGroup, profile *iam.InstanceProfile, sec fleetSecrets, mirror weightsMirror, tg *lb.TargetGroup) (*ec2.LaunchTemplate, error) {
	ctx, a, name, parent, tags := f.ctx, f.a, f.name, f.parent, f.tags
	// The AMI is resolved once: a looked-up id is held (ignoreChanges)
	// until costgate:amiId names another, so a Deep Learning AMI release
	// never starts an instance refresh by itself.
	image := a.AMIID
	ami := pulumi.StringInput(pulumi.String(a.AMIID))
	ltOpts := []pulumi.ResourceOption{parent}
	if a.AMIID == "" {
		p, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: DeepLearningAMIParameter})
		if err != nil {
			return nil, fmt.Errorf("look up Deep Learning AMI: %w", err)
		}
		image = p.Value
		ami = pulumi.String(p.Value)
		ltOpts = append(ltOpts, pulumi.IgnoreChanges([]string{"imageId"}))
	}
	root, err := rootDevice(ctx, image)
	if err != nil {
		return nil, err
	}
	vol := inference.VolumeFor(a.Sizing.CheckpointGB)
	userData := f.userData(sec, mirror, tg)
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
			// 1 hop: the host reads the secrets and starts the container;
			// the container, one hop further behind the Docker bridge,
			// never gets the instance role's credentials.
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			// The AMI's root device: the volume the plan prices replaces
			// the image's root; under another name it would be an extra,
			// unused disk and the root keep the image's size.
			DeviceName: pulumi.String(root),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(vol.GB),
				VolumeType:          pulumi.String("gp3"),
				Throughput:          pulumi.Int(vol.MiBps),
				Iops:                pulumi.Int(vol.IOPS),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		// Basic (5-minute) EC2 metrics, which are free: detailed
		// monitoring bills each instance's metrics (about $2.10 an
		// instance-month) and nothing reads them — the alarms and the
		// scaling read the load balancer's and the group's metrics — so
		// the plan prices none.
		Monitoring: ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(false)},
		// A capacity block is launched into through its reservation.
		InstanceMarketOptions:            f.capacityBlockMarket(),
		CapacityReservationSpecification: f.capacityBlockTarget(),
		UserData:                         userData,
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

// FleetArchitecture is the architecture of every GPU instance type of the
// catalog (g5, g6, g6e, p4d, p4de, p5, p5e, p5en, p6): it has no Arm type,
// and the Deep Learning AMI parameter the fleet boots is x86_64's.
const FleetArchitecture = "x86_64"

// defaultRootDevice is the Deep Learning Base AMI's (Ubuntu) root device,
// for an AMI whose root device the look-up does not say.
const defaultRootDevice = "/dev/sda1"

// lookupAMI looks an AMI up by its id, deprecated ones included.
func lookupAMI(ctx *pulumi.Context, id string) (*ec2.LookupAmiResult, error) {
	return ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{
		Filters:           []ec2.GetAmiFilter{{Name: "image-id", Values: []string{id}}},
		IncludeDeprecated: pulumi.BoolRef(true),
	})
}

// rootDevice is the AMI's root device name (/dev/sda1 on Ubuntu, /dev/xvda
// on Amazon Linux and many custom images).
func rootDevice(ctx *pulumi.Context, id string) (string, error) {
	ami, err := lookupAMI(ctx, id)
	if err != nil {
		return "", fmt.Errorf("look up AMI %s: %w", id, err)
	}
	if ami.RootDeviceName == "" {
		return defaultRootDevice, nil
	}
	return ami.RootDeviceName, nil
}

// userData is the launch template's cloud-init, base64: the secrets'
// ARNs, the weights mirror and, on a spot fleet, what the drain needs
// (the target group to leave and the termination hook to complete).
func (f *fleet) userData(sec fleetSecrets, mirror weightsMirror, tg *lb.TargetGroup) pulumi.StringOutput {
	a := f.a
	image, registry := f.image()
	return pulumi.All(sec.keyARN, sec.hfARN, mirror.bucket.Bucket, tg.Arn).ApplyT(func(v []any) (string, error) {
		drainTG, drainHook := "", ""
		if a.Sizing.Pricing == spec.Spot {
			drainTG, drainHook = v[3].(string), DrainHookName
		}
		ud, err := inference.CloudInit(inference.CloudInitArgs{
			Image:              image,
			Region:             f.region,
			APIKeySecretARN:    v[0].(string),
			HFTokenSecretARN:   v[1].(string),
			VLLMArgs:           a.Sizing.VLLMArgs,
			RegistryLogin:      registry,
			LifecycleHook:      LifecycleHookName,
			AutoScalingGroup:   f.asgName,
			LoadTimeoutSeconds: LoadTimeoutSeconds(a.Sizing.CheckpointGB),
			StopTimeoutSeconds: StreamDrainSeconds(a.Sizing),
			MirrorBucket:       v[2].(string),
			MirrorPrefix:       mirror.prefix,
			TargetGroupARN:     drainTG,
			DrainHook:          drainHook,
		})
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString([]byte(ud)), nil
	}).(pulumi.StringOutput)
}

// capacityBlockMarket is the capacity-block market type when the plan
// prices a capacity block, else nil (on demand).
func (f *fleet) capacityBlockMarket() ec2.LaunchTemplateInstanceMarketOptionsPtrInput {
	if f.a.Sizing.Pricing != spec.CapacityBlock {
		return nil
	}
	return ec2.LaunchTemplateInstanceMarketOptionsArgs{MarketType: pulumi.String("capacity-block")}
}

// capacityBlockTarget targets the capacity block's reservation
// (costgate:capacityReservationId), else nil.
func (f *fleet) capacityBlockTarget() ec2.LaunchTemplateCapacityReservationSpecificationPtrInput {
	if f.a.Sizing.Pricing != spec.CapacityBlock {
		return nil
	}
	return ec2.LaunchTemplateCapacityReservationSpecificationArgs{
		CapacityReservationTarget: ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs{
			CapacityReservationId: pulumi.String(f.a.CapacityReservationID),
		},
	}
}
