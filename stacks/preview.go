package stacks

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Project and stack names of the in-process preview.
const (
	PreviewProject = "costgate"
	PreviewStack   = "preview"
)

// Values the preview's mocks answer with. They look like AWS's so that
// policy documents and user data render as they would for real.
const (
	previewAccount = "123456789012"
	previewRegion  = "us-east-1"
	previewAMI     = "ami-0123456789abcdef0"
)

// Secret is how a secret input appears in a preview.
const Secret = "[secret]"

// Unknown is how an input that only a real deployment knows appears.
const Unknown = "[unknown]"

// Preview runs Deploy in process against mocks and returns every resource
// it registers, components included, sorted by type and name, with secret
// inputs shown as "[secret]". A blocked plan registers nothing and yields
// no resources.
func Preview(p *plan.Plan, cfg Config) ([]plan.Resource, error) {
	rec := &recorder{region: cfg.Region, vpcID: cfg.VPCID}
	// The run and the program each get a stack of their own (onOwnStack):
	// the run's registers the stack resource, the program's every other.
	run := func(_ *pulumi.Context, p *plan.Plan, cfg Config) error {
		return pulumi.RunErr(func(ctx *pulumi.Context) error {
			return onOwnStack(Deploy, ctx, p, cfg)
		}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	}
	err := onOwnStack(run, nil, p, cfg)
	var be *BlockedError
	if errors.As(err, &be) {
		return []plan.Resource{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("preview resources: %w", err)
	}
	return rec.sorted(), nil
}

// onOwnStack runs run (Deploy, or the Pulumi run around it) on a
// goroutine of its own and returns its error. The SDK walks the whole
// stack of every resource it registers (its source position and stack
// trace), a walk whose cost grows with each frame and most with large
// functions: neither the caller's frames (a plan built among many, a
// gate) nor the SDK's run loop is part of the program. On fresh stacks
// the run's one registration (the stack resource) walks the run's frames
// only, and each of the program's walks the program's frames only, where
// the run loop's were a third of the walk. A panic in run is raised
// again on the caller's goroutine, where the command's guard recovers it.
func onOwnStack(run func(*pulumi.Context, *plan.Plan, Config) error, ctx *pulumi.Context, p *plan.Plan, cfg Config) error {
	type outcome struct {
		err      error
		panicked any
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if v := recover(); v != nil {
				o.panicked = v
			}
			done <- o
		}()
		o.err = run(ctx, p, cfg)
	}()
	o := <-done
	if o.panicked != nil {
		panic(o.panicked)
	}
	return o.err
}

// recorder is the mock resource monitor of a preview.
type recorder struct {
	mu        sync.Mutex
	resources []plan.Resource
	// ignored holds each resource's ignoreChanges, by type and name.
	ignored map[string][]string
	// region answers getRegion: the stack file's aws:region, else
	// previewRegion.
	region string
	// vpcID answers getSubnet's VPC: the stack file's costgate:vpcId
	// (a preview reads no subnet, and takes the given ones to be of the
	// given VPC), else vpc-existing.
	vpcID string
}

func (r *recorder) sorted() []plan.Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]plan.Resource(nil), r.resources...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// NewResource records the resource and answers with its inputs plus the
// outputs AWS would compute.
func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	res := plan.Resource{
		Type:       args.TypeToken,
		Name:       args.Name,
		Properties: PlainProperties(args.Inputs),
	}
	r.mu.Lock()
	r.resources = append(r.resources, res)
	if ig := args.RegisterRPC.GetIgnoreChanges(); len(ig) > 0 {
		if r.ignored == nil {
			r.ignored = map[string][]string{}
		}
		r.ignored[args.TypeToken+"::"+args.Name] = ig
	}
	r.mu.Unlock()

	id := args.Name + "-id"
	// The state grows from the inputs themselves: the mock monitor
	// unmarshals them afresh for each call and reads only the state
	// back, and the recorded properties share nothing with them
	// (PlainProperties builds its own maps and slices).
	state := args.Inputs
	if state == nil {
		state = resource.PropertyMap{}
	}
	set := func(k string, v any) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	svc, kind := arnParts(args.TypeToken)
	if svc != "" {
		set("arn", "arn:aws:"+svc+":"+previewRegion+":"+previewAccount+":"+kind+"/"+args.Name)
	}
	switch args.TypeToken {
	case "aws:secretsmanager/secret:Secret":
		set("arn", "arn:aws:secretsmanager:"+previewRegion+":"+previewAccount+":secret:"+args.Name+"-AbCdEf")
	case "aws:iam/role:Role":
		set("arn", "arn:aws:iam::"+previewAccount+":role/"+args.Name)
		set("name", args.Name)
		id = args.Name
	case "aws:iam/instanceProfile:InstanceProfile":
		set("arn", "arn:aws:iam::"+previewAccount+":instance-profile/"+args.Name)
	case "aws:bedrock/inferenceProfile:InferenceProfile":
		set("arn", "arn:aws:bedrock:"+previewRegion+":"+previewAccount+":application-inference-profile/"+args.Name)
	case "aws:s3/bucketV2:BucketV2":
		id = MirrorBucketPrefix + "0123456789abcdef" // S3 adds a unique suffix
		set("bucket", id)
		set("arn", "arn:aws:s3:::"+id)
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + args.Name
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + args.Name
	case "aws:ec2/securityGroup:SecurityGroup":
		id = "sg-" + args.Name
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = "lt-" + args.Name
		set("latestVersion", 1)
	case "aws:lb/loadBalancer:LoadBalancer":
		set("arn", "arn:aws:elasticloadbalancing:"+previewRegion+":"+previewAccount+":loadbalancer/app/"+args.Name+"/0123456789abcdef")
		set("arnSuffix", "app/"+args.Name+"/0123456789abcdef")
		set("dnsName", "internal-"+args.Name+"-1234567890."+previewRegion+".elb.amazonaws.com")
		set("zoneId", "Z35SXDOTRQ7X7K")
	case "aws:lb/targetGroup:TargetGroup":
		set("arn", "arn:aws:elasticloadbalancing:"+previewRegion+":"+previewAccount+":targetgroup/"+args.Name+"/0123456789abcdef")
		set("arnSuffix", "targetgroup/"+args.Name+"/0123456789abcdef")
	case "aws:rds/instance:Instance":
		ident := args.Name
		if v, ok := state["identifier"]; ok && v.IsString() {
			ident = v.StringValue()
		}
		set("address", ident+".c0abcdefghij."+previewRegion+".rds.amazonaws.com")
	case "aws:autoscaling/group:Group", "aws:budgets/budget:Budget", "aws:ssm/parameter:Parameter":
		if _, ok := state["name"]; !ok {
			set("name", args.Name)
		}
	}
	return id, state, nil
}

// arnParts returns the ARN service and resource kind of the AWS types whose
// ARN the program reads; other types need none.
func arnParts(token string) (service, kind string) {
	mod, typ, ok := strings.Cut(strings.TrimPrefix(token, "aws:"), ":")
	if !ok || !strings.HasPrefix(token, "aws:") {
		return "", ""
	}
	mod, _, _ = strings.Cut(mod, "/")
	return mod, strings.ToLower(typ)
}

// Call answers the program's invokes.
func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getRegion:getRegion":
		region := r.region
		if region == "" {
			region = previewRegion
		}
		return resource.NewPropertyMapFromMap(map[string]any{"name": region, "id": region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": previewAccount, "id": previewAccount,
			"arn": "arn:aws:iam::" + previewAccount + ":user/preview", "userId": "AIDAPREVIEW",
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		// The Availability Zones a given subnet may be in (getSubnet).
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": []any{previewRegion + "a", previewRegion + "b", previewRegion + "c", previewRegion + "d", previewRegion + "e", previewRegion + "f"},
			"id":    previewRegion,
		}), nil
	case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings":
		// GPU types are offered in some zones only: never in the first.
		return resource.NewPropertyMapFromMap(map[string]any{
			"locations": []any{previewRegion + "b", previewRegion + "c"},
			"id":        previewRegion,
		}), nil
	case "aws:ec2/getSubnet:getSubnet":
		return r.subnet(args), nil
	case "aws:ec2/getAmi:getAmi":
		return resource.NewPropertyMapFromMap(map[string]any{"id": previewAMI, "imageId": previewAMI, "architecture": "x86_64", "rootDeviceName": "/dev/sda1"}), nil
	case "aws:bedrock/getInferenceProfile:getInferenceProfile":
		id := args.Args["inferenceProfileId"].StringValue()
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "inferenceProfileId": id, "status": "ACTIVE", "type": "SYSTEM_DEFINED"}), nil
	case "aws:bedrockfoundation/getModel:getModel":
		id := args.Args["modelId"].StringValue()
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "modelId": id}), nil
	case "aws:route53/getZone:getZone":
		// A private zone, as a team's internal name usually is.
		id := ""
		if v, ok := args.Args["zoneId"]; ok && v.IsString() {
			id = v.StringValue()
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "zoneId": id, "name": "acme.example.", "privateZone": true}), nil
	case "aws:ec2/getVpc:getVpc":
		out := map[string]any{"cidrBlock": "10.0.0.0/16"}
		if id, ok := args.Args["id"]; ok && id.IsString() {
			out["id"] = id.StringValue()
		}
		return resource.NewPropertyMapFromMap(out), nil
	case "aws:ssm/getParameter:getParameter":
		name := ""
		if n, ok := args.Args["name"]; ok && n.IsString() {
			name = n.StringValue()
		}
		return resource.NewPropertyMapFromMap(map[string]any{"name": name, "value": previewAMI, "type": "String", "id": name}), nil
	case "aws:servicequotas/getServiceQuota:getServiceQuota":
		// A preview does not claim an account's quotas: the preflight
		// reminds to check them.
		return nil, fmt.Errorf("quotas are read when deploying")
	case "aws:secretsmanager/getRandomPassword:getRandomPassword":
		if v, ok := args.Args["excludeUppercase"]; ok && v.IsBool() && v.BoolValue() {
			// A name's random part (the database's final snapshot), not a key.
			return resource.NewPropertyMapFromMap(map[string]any{"randomPassword": "a1b2c3d4", "id": "random"}), nil
		}
		return resource.NewPropertyMapFromMap(map[string]any{"randomPassword": "generated-at-deploy", "id": "random"}), nil
	}
	return nil, fmt.Errorf("preview: no mock for invoke %s", args.Token)
}

// subnet answers getSubnet: a subnet id's last letter is its zone's
// ("subnet-a" in us-east-1a), and its VPC the stack's.
func (r *recorder) subnet(args pulumi.MockCallArgs) resource.PropertyMap {
	id := ""
	if v, ok := args.Args["id"]; ok && v.IsString() {
		id = v.StringValue()
	}
	zone := previewRegion + "b"
	if n := len(id); n > 0 && id[n-1] >= 'a' && id[n-1] <= 'f' {
		zone = previewRegion + id[n-1:]
	}
	vpc := r.vpcID
	if vpc == "" {
		vpc = "vpc-existing"
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": id, "availabilityZone": zone, "vpcId": vpc, "cidrBlock": "10.0.0.0/24"})
}

// PlainProperties converts resource inputs to plain JSON-able values,
// showing secrets as "[secret]" and values only a deployment knows as
// "[unknown]".
func PlainProperties(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(string(k), "__") {
			continue // engine bookkeeping such as __defaults
		}
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Secret
	case v.IsComputed():
		return Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return Unknown
		}
		return plainValue(o.Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return PlainProperties(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return Unknown
}

// PolicyInput builds the input of a resource policy from a recorded
// resource, in pulumi-policy-opa's shape: the properties at the top level
// and under "properties", with the type, name and URN beside them. The
// collision-safe __type, __name and __urn are always set, and win over any
// property: the built-in resource policies lead each rule with a test of
// input.__type, which OPA's rule index uses to skip the rules of other
// types (policies/resources/README.md).
func PolicyInput(r plan.Resource) map[string]any {
	urn := "urn:pulumi:" + PreviewStack + "::" + PreviewProject + "::" + r.Type + "::" + r.Name
	in := make(map[string]any, len(r.Properties)+7)
	for k, v := range r.Properties {
		in[k] = v
	}
	props := r.Properties
	if props == nil {
		props = map[string]any{}
	}
	in["properties"] = props
	// Each value is boxed once for both of its keys.
	for _, kv := range [...]struct {
		key, meta string
		v         any
	}{{"type", "__type", r.Type}, {"name", "__name", r.Name}, {"urn", "__urn", urn}} {
		in[kv.meta] = kv.v
		// A property of the same name (a budget's or parameter's "name")
		// keeps its place; policies read the collision-safe __ keys.
		if _, taken := r.Properties[kv.key]; !taken {
			in[kv.key] = kv.v
		}
	}
	return in
}
