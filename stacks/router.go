package stacks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RouterType is the LiteLLM router component's type token.
const RouterType = "costgate:stacks:LiteLLMRouter"

// LiteLLMImage is the pinned LiteLLM proxy image: v1.104.0, released
// 2026-10-03 (ghcr.io and docker.litellm.ai carry the same digest). It is
// not on Docker Hub, so it does not come through the pull-through cache.
const LiteLLMImage = "ghcr.io/berriai/litellm:v1.104.0"

// The router's ports: LiteLLM in its task, and the load balancer's
// listener for it beside the vLLM endpoint's.
const (
	LiteLLMPort        = 4000
	RouterListenerPort = 4000
	// routerTasks run in two zones: one task lost leaves the router up.
	routerTasks = 2
)

// RouterArgs configure the LiteLLM router of a hybrid decision.
type RouterArgs struct {
	Team, CostCenter string
	Routes           []plan.Route
	// Catalog names each managed route's provider, LiteLLM model and key
	// variable: the catalog the plan was priced with (price book
	// included); nil means the embedded catalog.
	Catalog *modelcatalog.Catalog
	Fleet   *SelfHostedInference
	Gateway *ManagedGateway
	// BedrockARNs are the models the task role may invoke (with the
	// gateway's application profiles).
	BedrockARNs   []string
	AlarmTopicARN string
	// DBDeletionProtection protects the database; nil means
	// DefaultRouterDBDeletionProtection.
	DBDeletionProtection *bool
}

// Router is the LiteLLM proxy on ECS Fargate behind the fleet's internal
// load balancer: the router the hybrid plan's model list describes.
type Router struct {
	pulumi.ResourceState
	// URL is the router's OpenAI-compatible base URL.
	URL pulumi.StringOutput `pulumi:"url"`
	// MasterKeySecretARN holds the router's admin key, which creates the
	// developers' virtual keys.
	MasterKeySecretARN pulumi.StringOutput `pulumi:"masterKeySecretArn"`
	// DatabaseEndpoint is the database's host name (private).
	DatabaseEndpoint pulumi.StringOutput `pulumi:"databaseEndpoint"`

	// listener is the router's listener on the fleet's load balancer.
	listener *lb.Listener
}

// routerBuild carries what the router's sections share.
type routerBuild struct {
	ctx    *pulumi.Context
	r      *Router
	a      *RouterArgs
	name   string
	parent pulumi.ResourceOption
	tags   map[string]string
}

// NewRouter registers the router: a security group, its PostgreSQL
// database (router_db.go), a target group and listener on the fleet's load
// balancer, a log group, the master and salt keys, the execution and task
// roles, the cluster, task definition and service (its keys and
// DATABASE_URL injected from Secrets Manager by the task definition, never
// as plain environment values), and an unhealthy-task alarm.
func NewRouter(ctx *pulumi.Context, name string, a *RouterArgs, opts ...pulumi.ResourceOption) (*Router, error) {
	r := &Router{}
	if err := ctx.RegisterComponentResource(RouterType, name, r, opts...); err != nil {
		return nil, fmt.Errorf("register %s: %w", name, err)
	}
	b := &routerBuild{ctx: ctx, r: r, a: a, name: name + "-router", parent: pulumi.Parent(r), tags: Tags(a.Team, a.CostCenter)}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("create router %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"url": r.URL, "masterKeySecretArn": r.MasterKeySecretARN, "databaseEndpoint": r.DatabaseEndpoint}); err != nil {
		return nil, fmt.Errorf("register outputs of %s: %w", name, err)
	}
	return r, nil
}

// catalog is the catalog the router's model list is built from.
func (b *routerBuild) catalog() *modelcatalog.Catalog {
	if b.a.Catalog != nil {
		return b.a.Catalog
	}
	return modelcatalog.Default()
}

func (b *routerBuild) build() error {
	fl := b.a.Fleet
	if fl == nil || fl.routerTasksSG == nil {
		return fmt.Errorf("the fleet was created without Router, so its load balancer does not admit the router's tasks")
	}
	desc := "costgate " + b.a.Team + ": LiteLLM router tasks, reachable from the load balancer only"
	sg, err := ec2.NewSecurityGroup(b.ctx, b.name, &ec2.SecurityGroupArgs{
		Name:        securityGroupName(b.ctx.Stack(), b.name, desc),
		Description: pulumi.String(desc),
		VpcId:       fl.net.vpcID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("LiteLLM from the load balancer"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(LiteLLMPort), ToPort: pulumi.Int(LiteLLMPort), SecurityGroups: pulumi.StringArray{fl.albSG.ID()},
		}},
		Egress: ec2.SecurityGroupEgressArray{
			ec2.SecurityGroupEgressArgs{
				Description: pulumi.String("HTTPS to the providers, Bedrock, Secrets Manager, logs and the image registry"), Protocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			},
			ec2.SecurityGroupEgressArgs{
				Description: pulumi.String("the vLLM endpoint on the load balancer"), Protocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(fl.listener), ToPort: pulumi.Int(fl.listener), SecurityGroups: pulumi.StringArray{fl.albSG.ID()},
			},
			// The database's group admits this one, so it comes later and
			// cannot be named here: every block of the VPC, where the
			// database's subnets are.
			ec2.SecurityGroupEgressArgs{
				Description: pulumi.String("PostgreSQL database of the router"), Protocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(routerDBPort), ToPort: pulumi.Int(routerDBPort), CidrBlocks: fl.net.cidrs,
			},
		},
		Tags: withName(b.tags, b.name),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("create router security group: %w", err)
	}
	dbURL, err := b.database(sg)
	if err != nil {
		return err
	}
	tg, err := b.listener()
	if err != nil {
		return err
	}
	secrets, err := b.secrets(dbURL)
	if err != nil {
		return err
	}
	task, err := b.taskDefinition(secrets)
	if err != nil {
		return err
	}
	return b.service(task, sg, tg)
}

// listener registers the router's target group and its listener on the
// fleet's load balancer, and sets the URL.
func (b *routerBuild) listener() (*lb.TargetGroup, error) {
	fl, ctx := b.a.Fleet, b.ctx
	tg, err := lb.NewTargetGroup(ctx, b.name, &lb.TargetGroupArgs{
		Name:       pulumi.String(physicalName(ctx.Stack(), b.a.Team, "llm", "", MaxTargetGroupName)),
		Port:       pulumi.Int(LiteLLMPort),
		Protocol:   pulumi.String("HTTP"),
		TargetType: pulumi.String("ip"),
		VpcId:      fl.net.vpcID,
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Path: pulumi.String("/health/liveliness"), Matcher: pulumi.String("200"),
			Interval: pulumi.Int(30), HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create router target group: %w", err)
	}
	args := &lb.ListenerArgs{
		LoadBalancerArn: fl.lbs.alb.Arn,
		Port:            pulumi.Int(RouterListenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}},
		Tags:            stringMap(b.tags),
	}
	scheme := "http"
	if fl.listener == 443 {
		// The same certificate as the vLLM listener.
		scheme = "https"
		args.Protocol = pulumi.String("HTTPS")
		args.CertificateArn = fl.certificateARN
		args.SslPolicy = pulumi.String("ELBSecurityPolicy-TLS13-1-2-2021-06")
	}
	l, err := lb.NewListener(ctx, b.name, args, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create router listener: %w", err)
	}
	b.r.listener = l
	b.r.URL = fl.Endpoint.ApplyT(func(ep string) string {
		host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ep, "https://"), "http://"), "/v1")
		return fmt.Sprintf("%s://%s:%d/v1", scheme, host, RouterListenerPort)
	}).(pulumi.StringOutput)
	return tg, nil
}

// routerSecrets are the task's environment secrets: name → secret ARN.
type routerSecrets struct {
	env pulumi.StringMap
	// arns are every secret the execution role reads.
	arns pulumi.StringArray
}

// secrets registers the router's master key and salt key (each generated
// once) and gathers them, DATABASE_URL, the vLLM key and the provider keys
// under the names the config reads. The master key is the admin's: it
// creates the developers' virtual keys. The salt key encrypts the
// credentials LiteLLM stores in its database, so it never changes.
func (b *routerBuild) secrets(dbURL pulumi.StringOutput) (routerSecrets, error) {
	master, err := b.generatedKey("-master-key", "master key of the LiteLLM router")
	if err != nil {
		return routerSecrets{}, err
	}
	salt, err := b.generatedKey("-salt-key", "salt key of the LiteLLM router's stored credentials (never change it)")
	if err != nil {
		return routerSecrets{}, err
	}
	b.r.MasterKeySecretARN = master
	env := pulumi.StringMap{"LITELLM_MASTER_KEY": master, "LITELLM_SALT_KEY": salt, "DATABASE_URL": dbURL, "VLLM_API_KEY": b.a.Fleet.apiKey}
	arns := pulumi.StringArray{master, salt, dbURL, b.a.Fleet.apiKey}
	for _, p := range b.a.Gateway.providers {
		arn := b.a.Gateway.secretARN[p]
		env[b.a.Gateway.keyEnv[p]] = arn
		arns = append(arns, arn)
	}
	return routerSecrets{env: env, arns: arns}, nil
}

// generatedKey registers a secret holding "sk-" and 48 random
// alphanumerics, generated at the first deployment and kept (ignoreChanges),
// and returns its ARN.
func (b *routerBuild) generatedKey(suffix, desc string) (pulumi.StringOutput, error) {
	ctx := b.ctx
	secret, err := secretsmanager.NewSecret(ctx, b.name+suffix, &secretsmanager.SecretArgs{
		Description:          pulumi.String("costgate " + b.a.Team + ": " + desc),
		RecoveryWindowInDays: pulumi.Int(7),
		Tags:                 stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create router %s secret: %w", strings.TrimPrefix(suffix, "-"), err)
	}
	pw, err := secretsmanager.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordArgs{
		PasswordLength: pulumi.IntRef(48), ExcludePunctuation: pulumi.BoolRef(true),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("generate router %s: %w", strings.TrimPrefix(suffix, "-"), err)
	}
	v, err := secretsmanager.NewSecretVersion(ctx, b.name+suffix, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(pulumi.String("sk-" + pw.RandomPassword)).(pulumi.StringOutput),
	}, b.parent, pulumi.IgnoreChanges([]string{"secretString"}))
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("store router %s: %w", strings.TrimPrefix(suffix, "-"), err)
	}
	return storedARN(secret, v), nil
}

// taskDefinition registers the log group, the two roles and the Fargate
// task: LiteLLM with the plan's model list as its config file.
func (b *routerBuild) taskDefinition(sec routerSecrets) (*ecs.TaskDefinition, error) {
	ctx := b.ctx
	logs, err := cloudwatch.NewLogGroup(ctx, b.name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(RouterLogGroupName(ctx.Stack(), b.a.Team)),
		RetentionInDays: pulumi.Int(30),
		Tags:            stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create router log group: %w", err)
	}
	execRole, taskRole, err := b.roles(sec, logs)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("look up region: %w", err)
	}
	defs := pulumi.All(b.a.Fleet.Endpoint, b.a.Gateway.BedrockProfileARNs, sec.env.ToStringMapOutput()).ApplyT(func(v []any) (string, error) {
		list, err := LiteLLMModelList(b.a.Routes, v[0].(string), b.catalog(), v[1].(map[string]string))
		if err != nil {
			return "", err
		}
		config, err := routerConfig(list)
		if err != nil {
			return "", err
		}
		return routerContainers(config, v[2].(map[string]string), RouterLogGroupName(ctx.Stack(), b.a.Team), region.Name)
	}).(pulumi.StringOutput)
	task, err := ecs.NewTaskDefinition(ctx, b.name, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(physicalName(ctx.Stack(), b.a.Team, "litellm", "", 255)),
		Cpu:                     pulumi.String("512"),
		Memory:                  pulumi.String("1024"),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn:        execRole.Arn,
		TaskRoleArn:             taskRole.Arn,
		ContainerDefinitions:    defs,
		Tags:                    stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("create router task definition: %w", err)
	}
	return task, nil
}

// routerConfig is the proxy's config file: the model list, and the
// settings that make it keep state: the admin's master key and the
// database (virtual keys, budgets, spend), both read from the environment.
func routerConfig(modelList string) (string, error) {
	var config map[string]any
	if err := json.Unmarshal([]byte(modelList), &config); err != nil {
		return "", fmt.Errorf("read LiteLLM model list: %w", err)
	}
	config["general_settings"] = map[string]any{
		"master_key":   "os.environ/LITELLM_MASTER_KEY",
		"database_url": "os.environ/DATABASE_URL",
	}
	b, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode LiteLLM config: %w", err)
	}
	return string(b), nil
}

// routerContainers renders the task's container definitions: the config
// and STORE_MODEL_IN_DB as environment values (the config holds
// environment references, never keys) and every key, and DATABASE_URL, as
// a Secrets Manager reference.
func routerContainers(config string, secrets map[string]string, logGroup, region string) (string, error) {
	var refs []map[string]string
	for _, k := range sortedKeys(secrets) {
		refs = append(refs, map[string]string{"name": k, "valueFrom": secrets[k]})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i]["name"] < refs[j]["name"] })
	b, err := json.Marshal([]map[string]any{{
		"name":         "litellm",
		"image":        LiteLLMImage,
		"essential":    true,
		"entryPoint":   []string{"sh", "-c"},
		"command":      []string{fmt.Sprintf(`printf '%%s' "$LITELLM_CONFIG" > /tmp/config.yaml && exec litellm --config /tmp/config.yaml --port %d`, LiteLLMPort)},
		"portMappings": []map[string]any{{"containerPort": LiteLLMPort, "protocol": "tcp"}},
		"environment":  []map[string]string{{"name": "LITELLM_CONFIG", "value": config}, {"name": "STORE_MODEL_IN_DB", "value": "True"}},
		"secrets":      refs,
		"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]string{
			"awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": "litellm",
		}},
	}})
	if err != nil {
		return "", fmt.Errorf("encode router containers: %w", err)
	}
	return string(b), nil
}

// roles registers the execution role (reads exactly the router's secrets,
// writes its log group) and the task role (invokes exactly the chosen
// Bedrock models and the team's profiles; nothing without Bedrock).
func (b *routerBuild) roles(sec routerSecrets, logs *cloudwatch.LogGroup) (execRole, taskRole *iam.Role, err error) {
	ctx := b.ctx
	assume, err := policyDocument(policyStatement{
		Effect: "Allow", Principal: map[string]any{"Service": "ecs-tasks.amazonaws.com"}, Action: []string{"sts:AssumeRole"},
	})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range []struct {
		suffix, desc string
		dst          **iam.Role
	}{{"-exec", "start the LiteLLM router with its keys", &execRole}, {"-task", "the LiteLLM router's calls to Bedrock", &taskRole}} {
		*r.dst, err = iam.NewRole(ctx, b.name+r.suffix, &iam.RoleArgs{
			Description: pulumi.String("costgate " + b.a.Team + ": " + r.desc), AssumeRolePolicy: pulumi.String(assume), Tags: stringMap(b.tags),
		}, b.parent)
		if err != nil {
			return nil, nil, fmt.Errorf("create router role: %w", err)
		}
	}
	execDoc := pulumi.All(sec.arns.ToStringArrayOutput(), logs.Arn).ApplyT(func(v []any) (string, error) {
		return policyDocument(
			policyStatement{Sid: "ReadRouterKeys", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: v[0].([]string)},
			policyStatement{Sid: "WriteRouterLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{v[1].(string) + ":log-stream:*"}},
		)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, b.name+"-exec", &iam.RolePolicyArgs{Role: execRole.ID(), Policy: execDoc}, b.parent); err != nil {
		return nil, nil, fmt.Errorf("create router execution policy: %w", err)
	}
	if len(b.a.BedrockARNs) == 0 {
		return execRole, taskRole, nil
	}
	taskDoc := b.a.Gateway.BedrockProfileARNs.ApplyT(func(m map[string]string) (string, error) {
		profiles := make([]string, 0, len(m))
		for _, id := range sortedKeys(m) {
			profiles = append(profiles, m[id])
		}
		return policyDocument(bedrockStatements(b.a.BedrockARNs, profiles)...)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, b.name+"-task", &iam.RolePolicyArgs{Role: taskRole.ID(), Policy: taskDoc}, b.parent); err != nil {
		return nil, nil, fmt.Errorf("create router task policy: %w", err)
	}
	return execRole, taskRole, nil
}

// service registers the cluster, the Fargate service behind the target
// group (rolled back when a deployment fails its health checks) and the
// unhealthy-task alarm.
func (b *routerBuild) service(task *ecs.TaskDefinition, sg *ec2.SecurityGroup, tg *lb.TargetGroup) error {
	ctx, fl := b.ctx, b.a.Fleet
	cluster, err := ecs.NewCluster(b.ctx, b.name, &ecs.ClusterArgs{Tags: stringMap(b.tags)}, b.parent)
	if err != nil {
		return fmt.Errorf("create router cluster: %w", err)
	}
	// The service waits for its listener: ECS refuses a target group no
	// listener forwards to yet.
	if _, err := ecs.NewService(ctx, b.name, &ecs.ServiceArgs{
		Cluster:        cluster.Arn,
		TaskDefinition: task.Arn,
		DesiredCount:   pulumi.Int(routerTasks),
		LaunchType:     pulumi.String("FARGATE"),
		NetworkConfiguration: ecs.ServiceNetworkConfigurationArgs{
			Subnets: fl.net.subnets, SecurityGroups: pulumi.StringArray{sg.ID(), fl.routerTasksSG.ID()}, AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: tg.Arn, ContainerName: pulumi.String("litellm"), ContainerPort: pulumi.Int(LiteLLMPort),
		}},
		// The first start applies LiteLLM's schema to the database.
		HealthCheckGracePeriodSeconds: pulumi.Int(300),
		DeploymentCircuitBreaker:      ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		PropagateTags:                 pulumi.String("SERVICE"),
		Tags:                          stringMap(b.tags),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{b.r.listener})); err != nil {
		return fmt.Errorf("create router service: %w", err)
	}
	var actions pulumi.Array
	if b.a.AlarmTopicARN != "" {
		actions = pulumi.Array{pulumi.String(b.a.AlarmTopicARN)}
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, b.name+"-unhealthy", &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String("costgate " + b.a.Team + ": a LiteLLM router task fails its health check"),
		Namespace:          pulumi.String("AWS/ApplicationELB"),
		MetricName:         pulumi.String("UnHealthyHostCount"),
		Dimensions:         pulumi.StringMap{"TargetGroup": tg.ArnSuffix, "LoadBalancer": fl.lbs.alb.ArnSuffix},
		Statistic:          pulumi.String("Maximum"),
		Period:             pulumi.Int(300),
		EvaluationPeriods:  pulumi.Int(2),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"),
		Threshold:          pulumi.Float64(0),
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               stringMap(b.tags),
	}, b.parent); err != nil {
		return fmt.Errorf("create router alarm: %w", err)
	}
	return nil
}

// RouterLogGroupName is the LiteLLM router's log group of a team's stack.
func RouterLogGroupName(stack, team string) string {
	return "/costgate/" + team + "/" + stack + "/litellm"
}
