package stacks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tests of what a first `pulumi up` on a real account needs, each against
// an AWS limit or behaviour the mocks cannot enforce.

// awsLBName is AWS's rule for load balancer and target group names.
var awsLBName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)

func TestNamesHoldAWSLimitsForEveryLabel(t *testing.T) {
	long := strings.Repeat("a", 39)
	labels := []string{long + "1", long + "2", "internal-tools", "-", "-edge-", strings.Repeat("-", 40), "x"}
	seen := map[string]string{}
	for _, team := range labels {
		t.Run(team, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			p.Team = team
			rs, _, err := run(t, p, Config{})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			for _, typ := range []string{"aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"} {
				name, _ := one(t, rs, typ).Properties["name"].(string)
				if !awsLBName.MatchString(name) || len(name) > 32 {
					t.Errorf("%s name %q breaks AWS's 32-character rule", typ, name)
				}
				if strings.HasPrefix(name, "internal-") {
					t.Errorf("%s name %q begins with internal-", typ, name)
				}
				if other, ok := seen[typ+name]; ok {
					t.Errorf("%s name %q of team %q collides with team %q", typ, name, team, other)
				}
				seen[typ+name] = team
			}
		})
	}
}

func TestPhysicalNameSaltAndStack(t *testing.T) {
	a := physicalName("prod", "team", "vllm", "vpc-1", 32)
	for _, other := range []string{
		physicalName("dev", "team", "vllm", "vpc-1", 32),
		physicalName("prod", "team", "vllm", "vpc-2", 32),
		physicalName("prod", "team", "lb", "vpc-1", 32),
	} {
		if other == a {
			t.Errorf("%q: stack, kind and salt must each change the name", a)
		}
	}
	if got := physicalName("prod", "team", "vllm", "vpc-1", 32); got != a {
		t.Errorf("not deterministic: %q then %q", a, got)
	}
}

func TestLiteLLMNamesGoogleGemini(t *testing.T) {
	routes := []plan.Route{{Workload: "chat", Complexity: "complex", ServedBy: architecture.Managed, Model: "gemini-4-carbon"}}
	got, err := LiteLLMModelList(routes, "", modelcatalog.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		ModelList []litellmEntry `json:"model_list"`
	}
	if err := json.Unmarshal([]byte(got), &list); err != nil {
		t.Fatal(err)
	}
	params := list.ModelList[0].LiteLLMParams
	if params["model"] != "gemini/gemini-4-carbon" || params["api_key"] != "os.environ/GEMINI_API_KEY" {
		t.Errorf("Google route = %v, want LiteLLM's gemini/ provider and GEMINI_API_KEY", params)
	}
}

func TestBudgetAlertsThroughSNSBeyondTenRecipients(t *testing.T) {
	for _, n := range []int{MaxBudgetEmailSubscribers, MaxBudgetEmailSubscribers + 1, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p := examplePlan(t, "regulated")
			p.Inputs.Budget.AlertEmails = nil
			for i := range n {
				p.Inputs.Budget.AlertEmails = append(p.Inputs.Budget.AlertEmails, fmt.Sprintf("r%d@example.com", i))
			}
			rs, _, err := run(t, p, Config{})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			// The fleet's own alert topic has its subscriptions too.
			topics := budgetOnly(ofType(rs, "aws:sns/topic:Topic"))
			subs := budgetOnly(ofType(rs, "aws:sns/topicSubscription:TopicSubscription"))
			budget := one(t, rs, "aws:budgets/budget:Budget")
			notes, _ := budget.Properties["notifications"].([]any)
			if len(notes) == 0 {
				t.Fatal("budget has no notifications")
			}
			for _, raw := range notes {
				note := raw.(map[string]any)
				emails, _ := note["subscriberEmailAddresses"].([]any)
				if len(emails) > MaxBudgetEmailSubscribers {
					t.Errorf("a notification has %d email subscribers; AWS allows %d", len(emails), MaxBudgetEmailSubscribers)
				}
				topicsOf, _ := note["subscriberSnsTopicArns"].([]any)
				if n > MaxBudgetEmailSubscribers && len(topicsOf) != 1 {
					t.Errorf("notification subscribes topics %v, want the budget topic", topicsOf)
				}
			}
			switch {
			case n <= MaxBudgetEmailSubscribers && (len(topics) != 0 || len(subs) != 0):
				t.Errorf("%d recipients: %d topics, %d subscriptions; want email subscribers only", n, len(topics), len(subs))
			case n > MaxBudgetEmailSubscribers && (len(topics) != 1 || len(subs) != n):
				t.Errorf("%d recipients: %d topics, %d subscriptions; want 1 and %d", n, len(topics), len(subs), n)
			}
			if n > MaxBudgetEmailSubscribers {
				pol := one(t, budgetOnly(rs), "aws:sns/topicPolicy:TopicPolicy")
				if !strings.Contains(pol.Properties["policy"].(string), "budgets.amazonaws.com") {
					t.Errorf("topic policy %v does not let AWS Budgets publish", pol.Properties["policy"])
				}
			}
		})
	}
}

func TestRoutingTableFitsSSMForAnyNumberOfRoutes(t *testing.T) {
	for _, n := range []int{2, 20, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p := examplePlan(t, "enterprise-hybrid")
			opt := p.Chosen()
			base := opt.Routes
			var routes []plan.Route
			for i := range n {
				r := base[i%len(base)]
				r.Workload = fmt.Sprintf("%s-%03d-%s", r.Workload, i, strings.Repeat("w", 24))
				routes = append(routes, r)
			}
			opt.Routes = routes
			rs, _, err := run(t, p, Config{CertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc", DNSName: "inference." + strings.Repeat("long-", 40) + "example.com"})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			params := ofType(rs, "aws:ssm/parameter:Parameter")
			var rows []RouteEntry
			for _, prm := range params {
				v, _ := prm.Properties["insecureValue"].(string)
				if len(v) > MaxStandardParameterBytes || prm.Properties["tier"] != "Standard" {
					t.Errorf("parameter %v holds %d bytes at tier %v; Standard holds %d", prm.Properties["name"], len(v), prm.Properties["tier"], MaxStandardParameterBytes)
				}
				if strings.HasPrefix(v, "[") {
					var page []RouteEntry
					if err := json.Unmarshal([]byte(v), &page); err != nil {
						t.Fatal(err)
					}
					rows = append(rows, page...)
				}
			}
			if len(rows) != n {
				t.Errorf("the parameters hold %d rows, want %d", len(rows), n)
			}
			if n > 20 && len(params) < 2 {
				t.Errorf("%d routes in %d parameter", n, len(params))
			}
		})
	}
}

func TestTLSEndpointIsTheCertificatesName(t *testing.T) {
	p := examplePlan(t, "regulated")
	cfg := Config{
		CertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
		DNSName:        "llm.acme.example",
		HostedZoneID:   "Z0123456789ABC",
	}
	rs, outs, err := run(t, p, cfg)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if got := outs["endpoint"]; got != "https://llm.acme.example/v1" {
		t.Errorf("endpoint = %v, want the certificate's name", got)
	}
	rec := one(t, rs, "aws:route53/record:Record")
	alias := rec.Properties["aliases"].([]any)[0].(map[string]any)
	if rec.Properties["name"] != cfg.DNSName || rec.Properties["zoneId"] != cfg.HostedZoneID ||
		!strings.HasPrefix(alias["name"].(string), "internal-") || alias["zoneId"] == "" {
		t.Errorf("record %v does not alias %s to the load balancer", rec.Properties, cfg.DNSName)
	}
}

// runRecorder deploys p under mocks and returns the recorder itself.
func runRecorder(t *testing.T, p *plan.Plan, cfg Config) *recorder {
	t.Helper()
	rec := &recorder{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx, p, cfg)
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return rec
}

func userData(t *testing.T, rs []plan.Resource) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate").Properties["userData"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func instancePolicy(t *testing.T, rs []plan.Resource) []statement {
	t.Helper()
	for _, rp := range ofType(rs, "aws:iam/rolePolicy:RolePolicy") {
		if strings.HasSuffix(rp.Name, "-instance") {
			return statements(t, rp)
		}
	}
	t.Fatal("no instance policy")
	return nil
}

func TestModelLongerThanWarmupLimitComesUpHealthy(t *testing.T) {
	for _, gb := range []float64{20, 480, 1200} {
		t.Run(fmt.Sprint(gb), func(t *testing.T) {
			p := examplePlan(t, "regulated")
			p.Chosen().Sizing.WeightsGB = gb
			rs, _, err := run(t, p, Config{})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			asg := one(t, rs, "aws:autoscaling/group:Group")
			warmups := map[string]any{
				"healthCheckGracePeriod": asg.Properties["healthCheckGracePeriod"],
				"defaultInstanceWarmup":  asg.Properties["defaultInstanceWarmup"],
			}
			if ir, ok := asg.Properties["instanceRefresh"].(map[string]any); ok {
				warmups["instanceRefresh.instanceWarmup"] = ir["preferences"].(map[string]any)["instanceWarmup"]
			}
			for k, v := range warmups {
				n, ok := v.(float64)
				if str, isStr := v.(string); isStr {
					fmt.Sscan(str, &n)
					ok = true
				}
				if !ok || n < 0 || n > 3600 {
					t.Errorf("%s = %v; AWS allows 0–3600 s", k, v)
				}
			}
			hooks, _ := asg.Properties["initialLifecycleHooks"].([]any)
			if len(hooks) != 1 {
				t.Fatalf("group has %d launch hooks, want the model-loaded hook", len(hooks))
			}
			hook := hooks[0].(map[string]any)
			if hook["lifecycleTransition"] != "autoscaling:EC2_INSTANCE_LAUNCHING" || hook["defaultResult"] != "ABANDON" ||
				hook["heartbeatTimeout"].(float64) > 7200 || hook["heartbeatTimeout"].(float64) <= inference.HookHeartbeatSeconds {
				t.Errorf("launch hook %v", hook)
			}
			// The wait the hook allows covers the load.
			if limit := 100 * hook["heartbeatTimeout"].(float64); float64(LoadTimeoutSeconds(gb)) > limit || LoadTimeoutSeconds(gb) < inference.HubStartSeconds(gb) && inference.HubStartSeconds(gb) < int(limit) {
				t.Errorf("load timeout %d s for %.0f GB (expected load %d s, hook limit %.0f s)", LoadTimeoutSeconds(gb), gb, inference.HubStartSeconds(gb), limit)
			}
			asgName := asg.Properties["name"].(string)
			ud := userData(t, rs)
			for _, want := range []string{"complete-lifecycle-action", "--auto-scaling-group-name " + asgName, "--lifecycle-hook-name " + LifecycleHookName, "record-lifecycle-action-heartbeat"} {
				if !strings.Contains(ud, want) {
					t.Errorf("user data lacks %q", want)
				}
			}
			st := instancePolicy(t, rs)
			if !slices.Contains(st[0].Action, "autoscaling:CompleteLifecycleAction") ||
				!strings.HasSuffix(st[0].Resource[0], ":autoScalingGroupName/"+asgName) {
				t.Errorf("instance policy %+v does not let the instance complete its own group's hook", st)
			}
		})
	}
}

func TestAMIHeldAndRefreshLaunchesBeforeTerminating(t *testing.T) {
	for _, ami := range []string{"", "ami-0fedcba9876543210"} {
		t.Run("ami="+ami, func(t *testing.T) {
			rec := runRecorder(t, examplePlan(t, "regulated"), Config{AMIID: ami})
			rs := rec.sorted()
			lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate")
			held := slices.Contains(rec.ignored[lt.Type+"::"+lt.Name], "imageId")
			if held != (ami == "") {
				t.Errorf("looked-up AMI held = %v (ignoreChanges %v); want it held only when costgate:amiId is unset", held, rec.ignored[lt.Type+"::"+lt.Name])
			}
			if ami != "" && lt.Properties["imageId"] != ami {
				t.Errorf("image %v, want %s", lt.Properties["imageId"], ami)
			}
			prefs := one(t, rs, "aws:autoscaling/group:Group").Properties["instanceRefresh"].(map[string]any)["preferences"].(map[string]any)
			if prefs["minHealthyPercentage"] != 100.0 || prefs["maxHealthyPercentage"].(float64) <= 100 {
				t.Errorf("refresh preferences %v: a one-instance fleet must launch its replacement first", prefs)
			}
		})
	}
}

func TestInstancesOnlyInZonesOfferingTheType(t *testing.T) {
	offered := func(z string) bool { return z == previewRegion+"b" || z == previewRegion+"c" }
	t.Run("own vpc", func(t *testing.T) {
		rs, _, err := run(t, examplePlan(t, "regulated"), Config{})
		if err != nil {
			t.Fatal(err)
		}
		zoneOf := map[string]string{}
		for _, sn := range ofType(rs, "aws:ec2/subnet:Subnet") {
			zoneOf["subnet-"+sn.Name] = sn.Properties["availabilityZone"].(string)
		}
		ids := one(t, rs, "aws:autoscaling/group:Group").Properties["vpcZoneIdentifiers"].([]any)
		if len(ids) == 0 {
			t.Fatal("group has no subnets")
		}
		for _, id := range ids {
			if !offered(zoneOf[id.(string)]) {
				t.Errorf("instance subnet %v is in %s, which does not offer the type", id, zoneOf[id.(string)])
			}
		}
	})
	t.Run("existing vpc", func(t *testing.T) {
		rs, _, err := run(t, examplePlan(t, "regulated"), Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-a", "subnet-b"}})
		if err != nil {
			t.Fatal(err)
		}
		ids := one(t, rs, "aws:autoscaling/group:Group").Properties["vpcZoneIdentifiers"].([]any)
		if !cmp.Equal(ids, []any{"subnet-b"}) {
			t.Errorf("instance subnets %v, want only subnet-b (subnet-a's zone lacks the type)", ids)
		}
		if lbs := one(t, rs, "aws:lb/loadBalancer:LoadBalancer").Properties["subnets"].([]any); len(lbs) != 2 {
			t.Errorf("load balancer subnets %v, want both", lbs)
		}
	})
	t.Run("offered nowhere", func(t *testing.T) {
		_, _, err := run(t, examplePlan(t, "regulated"), Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-a"}})
		if err == nil || !strings.Contains(err.Error(), "offering") {
			t.Errorf("deploy error %v, want the type's zones named", err)
		}
	})
}

// budgetOnly leaves out the fleet's alert topic and its subscriptions.
func budgetOnly(rs []plan.Resource) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if !strings.Contains(r.Name, "-fleet-alerts") {
			out = append(out, r)
		}
	}
	return out
}

// TestLaunchFailuresReachTheAlarmTopic: EventBridge publishes failed
// launches to a topic the program owns, whose policy grants
// events.amazonaws.com for that rule only, with the spec's alert emails
// subscribed; the alarms publish there and to costgate:alarmTopicArn.
func TestLaunchFailuresReachTheAlarmTopic(t *testing.T) {
	topic := "arn:aws:sns:us-east-1:123456789012:ops"
	rs, _, err := run(t, examplePlan(t, "regulated"), Config{AlarmTopicARN: topic})
	if err != nil {
		t.Fatal(err)
	}
	rule := one(t, rs, "aws:cloudwatch/eventRule:EventRule")
	var pattern struct {
		DetailType []string `json:"detail-type"`
		Detail     struct {
			AutoScalingGroupName []string
		}
	}
	if err := json.Unmarshal([]byte(rule.Properties["eventPattern"].(string)), &pattern); err != nil {
		t.Fatal(err)
	}
	asg := one(t, rs, "aws:autoscaling/group:Group").Properties["name"]
	if !cmp.Equal(pattern.DetailType, []string{"EC2 Instance Launch Unsuccessful"}) || !cmp.Equal(pattern.Detail.AutoScalingGroupName, []string{asg.(string)}) {
		t.Errorf("rule pattern %+v, want failed launches of %v", pattern, asg)
	}
	own := "arn:aws:sns:us-east-1:123456789012:topic/payments-core-fleet-alerts"
	if got := one(t, rs, "aws:cloudwatch/eventTarget:EventTarget").Properties["arn"]; got != own {
		t.Errorf("launch failures go to %v, want the fleet's topic %s", got, own)
	}
	var doc struct {
		Statement []struct {
			Principal map[string]string
			Action    []string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	pol := one(t, fleetAlerts(rs), "aws:sns/topicPolicy:TopicPolicy")
	if err := json.Unmarshal([]byte(pol.Properties["policy"].(string)), &doc); err != nil {
		t.Fatal(err)
	}
	granted := false
	for _, st := range doc.Statement {
		if st.Principal["Service"] == "events.amazonaws.com" && cmp.Equal(st.Action, []string{"sns:Publish"}) &&
			cmp.Equal(st.Resource, []string{own}) && st.Condition["ArnEquals"]["aws:SourceArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:eventrule/payments-core-launch-failed" {
			granted = true
		}
	}
	if !granted {
		t.Errorf("the fleet's topic policy does not let this rule publish: %s", pol.Properties["policy"])
	}
	p := examplePlan(t, "regulated")
	emails := fleetAlerts(ofType(rs, "aws:sns/topicSubscription:TopicSubscription"))
	if len(emails) != len(p.Inputs.Budget.AlertEmails) || len(emails) == 0 {
		t.Errorf("%d subscriptions of the fleet's topic, want the spec's %d alert emails", len(emails), len(p.Inputs.Budget.AlertEmails))
	}
	for _, al := range ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") {
		if !cmp.Equal(al.Properties["alarmActions"], []any{own, topic}) {
			t.Errorf("alarm %s notifies %v, want the fleet's topic and %s", al.Name, al.Properties["alarmActions"], topic)
		}
	}
}

// fleetAlerts keeps only the fleet's alert topic and its subscriptions.
func fleetAlerts(rs []plan.Resource) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if strings.Contains(r.Name, "-fleet-alerts") {
			out = append(out, r)
		}
	}
	return out
}

// ecrPrefix is the syntax of an ECR repository prefix.
var ecrPrefix = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

func TestImageThroughECRPullThroughCache(t *testing.T) {
	p := examplePlan(t, "regulated")
	p.Team = strings.Repeat("t", 40)
	rs, _, err := run(t, p, Config{DockerHubCredentials: pulumi.ToSecret(pulumi.String(`{"username":"u","accessToken":"dckr_pat_x"}`)).(pulumi.StringOutput)})
	if err != nil {
		t.Fatal(err)
	}
	rule := one(t, rs, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
	prefix := rule.Properties["ecrRepositoryPrefix"].(string)
	if len(prefix) < 2 || len(prefix) > MaxECRPrefix || !ecrPrefix.MatchString(prefix) || rule.Properties["upstreamRegistryUrl"] != DockerHubRegistry {
		t.Errorf("pull-through rule %v", rule.Properties)
	}
	var credName string
	for _, sec := range ofType(rs, "aws:secretsmanager/secret:Secret") {
		if n, _ := sec.Properties["name"].(string); strings.HasPrefix(n, "ecr-pullthroughcache/") {
			credName = n
		}
	}
	if credName == "" {
		t.Error("no credentials secret under ecr-pullthroughcache/")
	}
	ud := userData(t, rs)
	want := previewAccount + ".dkr.ecr." + previewRegion + ".amazonaws.com/" + prefix + "/" + inference.VLLMImage
	if !strings.Contains(ud, "docker pull "+want) || !strings.Contains(ud, "docker login") {
		t.Errorf("user data does not pull %s from ECR", want)
	}
	st := instancePolicy(t, rs)
	if len(st) < 3 || !slices.Contains(st[2].Action, "ecr:BatchImportUpstreamImage") || !strings.Contains(st[2].Resource[0], "repository/"+prefix+"/") {
		t.Errorf("instance policy %+v does not allow pulls through the cache", st)
	}
	checkSecretsHidden(t, rs)
	checkResourcePolicies(t, rs)
}

func TestConsumerPrincipalsValidated(t *testing.T) {
	gateway := func(principals []string, externalID string) (*secretRun, error) {
		p := examplePlan(t, "company-50")
		return runCapturing(t, func(ctx *pulumi.Context) (pulumi.Map, error) {
			return deploy(ctx, p, Config{ConsumerPrincipals: principals, ConsumerExternalID: externalID})
		})
	}
	for _, bad := range [][]string{{"*"}, {"arn:aws:iam::*:root"}, {"arn:aws:iam::123456789012:role/ok", "*"}} {
		if _, err := gateway(bad, ""); err == nil || !strings.Contains(err.Error(), "consumerPrincipals") {
			t.Errorf("principals %q: error %v, want the wildcard refused", bad, err)
		}
	}
	foreign := []string{"arn:aws:iam::123456789012:role/litellm", "arn:aws:iam::210987654321:role/ci"}
	for _, ext := range []string{"", "acme-2026"} {
		r, err := gateway(foreign, ext)
		if err != nil {
			t.Fatal(err)
		}
		warned := strings.Contains(r.log.text(), "210987654321")
		if warned != (ext == "") {
			t.Errorf("external id %q: warned about the foreign account = %v", ext, warned)
		}
		var doc struct {
			Statement []struct {
				Principal map[string][]string
				Condition map[string]map[string]string
			}
		}
		role := one(t, r.resources, "aws:iam/role:Role")
		if err := json.Unmarshal([]byte(role.Properties["assumeRolePolicy"].(string)), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Statement) != 2 || !cmp.Equal(doc.Statement[1].Principal["AWS"], foreign[1:]) {
			t.Fatalf("trust policy %+v, want own and foreign principals apart", doc)
		}
		if got := doc.Statement[1].Condition["StringEquals"]["sts:ExternalId"]; got != ext {
			t.Errorf("foreign principals' external id %q, want %q", got, ext)
		}
		if doc.Statement[0].Condition != nil {
			t.Errorf("own-account principals need no external id: %+v", doc.Statement[0])
		}
	}
	// The resource policy catches a wildcard however the role was made.
	role := plan.Resource{Type: "aws:iam/role:Role", Name: "x-gateway", Properties: map[string]any{
		"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
		"tags":             map[string]any{"cost_center": "cc"},
	}}
	deny, _, err := checkResources(context.Background(), evaluator(t), architecture.Managed, []plan.Resource{role})
	if err != nil || len(deny) == 0 || deny[0].Policy != "resources.wildcard_principal" {
		t.Errorf("wildcard trust: deny %v, err %v", deny, err)
	}
}

// awsProfileName is Bedrock's rule for inference profile names.
var awsProfileName = regexp.MustCompile(`^([0-9a-zA-Z][ _-]?)+$`)

func TestBedrockSpendCarriesTheTeamsTags(t *testing.T) {
	p := examplePlan(t, "company-50")
	_, bedrockIDs, err := managedNeeds(p.Chosen().Routes, modelcatalog.Default())
	if err != nil || len(bedrockIDs) == 0 {
		t.Fatalf("company-50 routes no Bedrock model (%v)", err)
	}
	for _, team := range []string{p.Team, strings.Repeat("x-", 20), "--a--b--"} {
		p.Team = team
		rs, outs, err := run(t, p, Config{})
		if err != nil {
			t.Fatal(err)
		}
		profiles := ofType(rs, "aws:bedrock/inferenceProfile:InferenceProfile")
		if len(profiles) != len(bedrockIDs) {
			t.Fatalf("%d application inference profiles, want one per Bedrock model %v", len(profiles), bedrockIDs)
		}
		for _, pr := range profiles {
			name := pr.Properties["name"].(string)
			if len(name) > MaxInferenceProfileName || !awsProfileName.MatchString(name) {
				t.Errorf("profile name %q breaks Bedrock's rule", name)
			}
			if tags, _ := pr.Properties["tags"].(map[string]any); tags[CostCenterTag] != p.Inputs.CostCenter {
				t.Errorf("profile %s tags %v, want cost_center %s", name, tags, p.Inputs.CostCenter)
			}
			src := pr.Properties["modelSource"].(map[string]any)["copyFrom"].(string)
			if !strings.Contains(src, ":inference-profile/") && !strings.Contains(src, ":foundation-model/") {
				t.Errorf("profile copies %s", src)
			}
		}
		arns, _ := outs["bedrockProfileArns"].(map[string]string)
		if len(arns) != len(bedrockIDs) {
			t.Errorf("bedrockProfileArns output %v", outs["bedrockProfileArns"])
		}
	}
	routes := []plan.Route{{Workload: "review", Complexity: "complex", ServedBy: architecture.Managed, Model: "claude-sonnet-4.6", Provider: modelcatalog.ProviderBedrock}}
	m, _ := modelcatalog.Default().ManagedModel("claude-sonnet-4.6")
	arn := "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"
	got, err := LiteLLMModelList(routes, "", modelcatalog.Default(), map[string]string{m.BedrockID: arn})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `"model_id": "`+arn+`"`) || !strings.Contains(got, `"model": "bedrock/`+m.BedrockID+`"`) {
		t.Errorf("LiteLLM entry does not invoke the application profile:\n%s", got)
	}
}

func TestNATPricedOnlyWhenTheProgramCreatesTheVPC(t *testing.T) {
	spec := filepath.Join("..", "examples", "regulated.hcl")
	natOf := func(p *plan.Plan) (bool, float64) {
		o := p.Chosen()
		for _, it := range o.LineItems {
			if strings.HasPrefix(it.Name, "NAT gateway") {
				return true, o.MonthlyUSD.Expected
			}
		}
		return false, o.MonthlyUSD.Expected
	}
	own, err := buildPlan(context.Background(), Config{SpecPath: spec}, planDate)
	if err != nil {
		t.Fatal(err)
	}
	given, err := buildPlan(context.Background(), Config{SpecPath: spec, VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}}, planDate)
	if err != nil {
		t.Fatal(err)
	}
	hasOwn, usdOwn := natOf(own)
	hasGiven, usdGiven := natOf(given)
	if !hasOwn || hasGiven {
		t.Errorf("NAT line item: own VPC %v, existing VPC %v; want it only with the program's own VPC", hasOwn, hasGiven)
	}
	if d := usdOwn - usdGiven; d < 36.49 || d > 36.51 {
		t.Errorf("existing VPC saves $%.2f a month, want the NAT's $36.50", d)
	}
	if got := countTypes(given.Resources)["aws:ec2/natGateway:NatGateway"]; got != 0 {
		t.Errorf("existing VPC previews %d NAT gateways", got)
	}
}

// TestTwoStacksOfOneTeamShareNoName: every name the program fixes itself
// (SSM parameters, log groups, secrets, ECR prefixes, target groups, load
// balancers with PrivateLink's, groups, task families, the database and its
// subnet group, Bedrock's inference profiles) differs between two stacks of
// one team in one account. Names scoped to a parent (a group's lifecycle
// hook) are left out.
func TestTwoStacksOfOneTeamShareNoName(t *testing.T) {
	names := func(stack string) map[string]string {
		out := map[string]string{}
		for ex, cfg := range map[string]Config{
			"enterprise-hybrid": {DeployGateway: true, DockerHubCredentials: pulumi.String(`{"username":"u","accessToken":"t"}`),
				EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}},
			"company-50": {}, // Bedrock's inference profiles
		} {
			p := examplePlan(t, ex)
			rec := &recorder{}
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := deploy(ctx, p, cfg)
				return err
			}, pulumi.WithMocks(PreviewProject, stack, rec))
			if err != nil {
				t.Fatalf("deploy %s: %v", stack, err)
			}
			namesOf(t, rec, out)
		}
		return out
	}
	prod, dev := names("prod"), names("dev")
	if len(prod) < 12 {
		t.Fatalf("only %d fixed names found: %v", len(prod), prod)
	}
	for k, r := range prod {
		if _, ok := dev[k]; ok {
			t.Errorf("%s (%s) is the same in stacks prod and dev", k, r)
		}
	}
}

// namesOf adds the names a run fixed itself to out, and checks that a
// secret it names is deleted at once.
func namesOf(t *testing.T, rec *recorder, out map[string]string) {
	t.Helper()
	for _, r := range rec.sorted() {
		if r.Type == "aws:autoscaling/lifecycleHook:LifecycleHook" {
			continue
		}
		// A named secret is deleted at once, so destroy then up works;
		// autonamed ones get a new random suffix.
		if _, named := r.Properties["name"].(string); named && r.Type == "aws:secretsmanager/secret:Secret" && r.Properties["recoveryWindowInDays"] != 0.0 {
			t.Errorf("secret %s has a fixed name and a %v-day recovery window: up after destroy fails", r.Name, r.Properties["recoveryWindowInDays"])
		}
		for _, k := range []string{"name", "ecrRepositoryPrefix", "family", "identifier"} {
			if v, ok := r.Properties[k].(string); ok && v != "" {
				out[r.Type+" "+k+" "+v] = r.Name
			}
		}
	}
}

// TestScheduledSizesBelongToTheSchedules: a scheduled action sets the
// group's minimum, maximum and desired capacity when it runs ("the new
// desired capacity, and optionally a new minimum capacity and a new
// maximum capacity", docs.aws.amazon.com/autoscaling/ec2/userguide/
// schedule_time.html). During the working day the group's minimum is the
// peak, not the program's floor: a `pulumi refresh` reads it, and the next
// `pulumi up` would put the floor back mid-day (letting target tracking
// take the fleet below the peak the plan bills), or fail on a lowered peak
// (a maximum below the minimum the schedule set). Where schedules exist
// they own the sizes they set, which carry the plan's; the group holds
// them from its creation. Without schedules the program owns them.
func TestScheduledSizesBelongToTheSchedules(t *testing.T) {
	for _, ex := range []string{"regulated", "enterprise-hybrid"} {
		t.Run(ex, func(t *testing.T) {
			p := examplePlan(t, ex)
			s := p.Chosen().Sizing
			rec := runRecorder(t, p, Config{})
			rs := rec.sorted()
			asg := one(t, rs, "aws:autoscaling/group:Group")
			ignored := rec.ignored[asg.Type+"::"+asg.Name]
			scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
			set := map[string]bool{"desiredCapacity": true}
			for _, sch := range scheds {
				for _, k := range []string{"minSize", "maxSize", "desiredCapacity"} {
					if _, ok := sch.Properties[k]; ok {
						set[k] = true
					}
				}
				if sch.Properties["maxSize"] != float64(s.PeakInstances) {
					t.Errorf("schedule %s sets maximum %v, want the plan's peak %d", sch.Name, sch.Properties["maxSize"], s.PeakInstances)
				}
			}
			for _, k := range []string{"minSize", "maxSize", "desiredCapacity"} {
				if held := slices.Contains(ignored, k); held != set[k] {
					t.Errorf("%d schedules: group's %s held by ignoreChanges = %v, want %v (ignoreChanges %v)", len(scheds), k, held, set[k], ignored)
				}
			}
			if asg.Properties["minSize"] != float64(offHoursFloor(*s)) || asg.Properties["maxSize"] != float64(s.PeakInstances) {
				t.Errorf("group created with sizes %v-%v, want %d-%d", asg.Properties["minSize"], asg.Properties["maxSize"], offHoursFloor(*s), s.PeakInstances)
			}
		})
	}
}

// groupReplacedOn are the group's properties whose change replaces it
// (pulumi-aws's Group, from the Terraform provider's aws_autoscaling_group:
// name and namePrefix, and every field of initialLifecycleHooks since
// hashicorp/terraform-provider-aws#34260). The group's name is fixed, so a
// replacement, created before the old group is deleted, fails on it
// (AlreadyExists); it would also relaunch the whole fleet.
var groupReplacedOn = []string{"name", "namePrefix", "initialLifecycleHooks"}

// TestNewPlanKeepsTheGroup: another model (its load time sets the launch
// hook's heartbeat timeout), another pricing or another peak updates the
// group in place; what would replace it is unchanged or held by
// ignoreChanges. The hook's resource of its own carries the new timeout
// (PutLifecycleHook updates the hook of that name).
func TestNewPlanKeepsTheGroup(t *testing.T) {
	group := func(t *testing.T, edit func(*plan.Sizing)) (plan.Resource, []string, plan.Resource) {
		t.Helper()
		p := examplePlan(t, "regulated")
		edit(p.Chosen().Sizing)
		rec := runRecorder(t, p, Config{})
		rs := rec.sorted()
		asg := one(t, rs, "aws:autoscaling/group:Group")
		var launch plan.Resource
		for _, h := range ofType(rs, "aws:autoscaling/lifecycleHook:LifecycleHook") {
			if h.Properties["lifecycleTransition"] == "autoscaling:EC2_INSTANCE_LAUNCHING" {
				launch = h
			}
		}
		return asg, rec.ignored[asg.Type+"::"+asg.Name], launch
	}
	before, _, _ := group(t, func(s *plan.Sizing) {})
	for name, edit := range map[string]func(*plan.Sizing){
		"larger model": func(s *plan.Sizing) { s.WeightsGB *= 8 },
		"spot":         func(s *plan.Sizing) { s.Pricing = spec.Spot },
		"higher peak":  func(s *plan.Sizing) { s.PeakInstances++ },
	} {
		t.Run(name, func(t *testing.T) {
			after, ignored, hook := group(t, edit)
			for _, k := range groupReplacedOn {
				if !cmp.Equal(before.Properties[k], after.Properties[k]) && !slices.Contains(ignored, k) {
					t.Errorf("%s changes from %v to %v: the group would be replaced (ignoreChanges %v)", k, before.Properties[k], after.Properties[k], ignored)
				}
			}
			initial := after.Properties["initialLifecycleHooks"].([]any)[0].(map[string]any)
			if hook.Properties["heartbeatTimeout"] != initial["heartbeatTimeout"] {
				t.Errorf("hook resource's timeout %v, want the plan's %v", hook.Properties["heartbeatTimeout"], initial["heartbeatTimeout"])
			}
		})
	}
}

// awsSGText is EC2's character set of a security group's description and
// of its rules' descriptions ("a-z, A-Z, 0-9, spaces, and
// ._-:/()#,@[]+=&;{}!$*", CreateSecurityGroup's Description; a rule with
// another character is refused: "Invalid rule description").
var awsSGText = regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{0,255}$`)

// TestSecurityGroupTextInEC2sCharacterSet: every security group the program
// creates, in every configuration (router, PrivateLink, an existing VPC,
// TLS), and any team label, describes itself and its rules in EC2's
// character set: an apostrophe makes CreateSecurityGroup or its rules fail
// at the first pulumi up.
func TestSecurityGroupTextInEC2sCharacterSet(t *testing.T) {
	cfgs := map[string]Config{
		"router and PrivateLink": {DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}},
		"existing VPC and TLS": {VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}, CertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
			DNSName: "llm.acme.example", EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}},
	}
	for name, cfg := range cfgs {
		for _, team := range []string{"", strings.Repeat("z", 40), "a--b"} {
			t.Run(name+"/"+team, func(t *testing.T) {
				p := examplePlan(t, "enterprise-hybrid")
				if team != "" {
					p.Team = team
				}
				rs, _, err := run(t, p, cfg)
				if err != nil {
					t.Fatal(err)
				}
				groups := ofType(rs, "aws:ec2/securityGroup:SecurityGroup")
				if len(groups) < 3 {
					t.Fatalf("%d security groups", len(groups))
				}
				for _, sg := range groups {
					if d, _ := sg.Properties["description"].(string); !awsSGText.MatchString(d) {
						t.Errorf("security group %s description %q is outside EC2's character set", sg.Name, d)
					}
					for _, dir := range []string{"ingress", "egress"} {
						rules, _ := sg.Properties[dir].([]any)
						for _, r := range rules {
							if d, _ := r.(map[string]any)["description"].(string); !awsSGText.MatchString(d) {
								t.Errorf("security group %s %s rule description %q is outside EC2's character set", sg.Name, dir, d)
							}
						}
					}
				}
			})
		}
	}
}

// awsProfileDescription is Bedrock's rule for an inference profile's
// description (CreateInferenceProfile: 1 to 200 characters,
// ^([0-9a-zA-Z:.][ _-]?)+$).
var awsProfileDescription = regexp.MustCompile(`^([0-9a-zA-Z:.][ _-]?)+$`)

// TestInferenceProfileDescriptionFitsBedrock: CreateInferenceProfile
// refuses a description with a comma, an apostrophe or two separators in a
// row, for any team label and model.
func TestInferenceProfileDescriptionFitsBedrock(t *testing.T) {
	for _, team := range []string{"", strings.Repeat("x-", 20), "--a--b--", strings.Repeat("q", 40)} {
		p := examplePlan(t, "company-50")
		if team != "" {
			p.Team = team
		}
		rs, _, err := run(t, p, Config{})
		if err != nil {
			t.Fatal(err)
		}
		profiles := ofType(rs, "aws:bedrock/inferenceProfile:InferenceProfile")
		if len(profiles) == 0 {
			t.Fatal("no inference profile")
		}
		for _, pr := range profiles {
			d, _ := pr.Properties["description"].(string)
			if len(d) > 200 || !awsProfileDescription.MatchString(d) {
				t.Errorf("team %q: profile %s description %q breaks Bedrock's rule", p.Team, pr.Name, d)
			}
		}
	}
}

// heldZones answers for the program's subnets with the zones a stack's
// state holds (where they were created), whatever zone the run asks for.
type heldZones struct {
	*recorder
	zone map[string]string
}

func (h heldZones) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := h.recorder.NewResource(args)
	if z, ok := h.zone[args.Name]; ok && args.TypeToken == "aws:ec2/subnet:Subnet" {
		state["availabilityZone"] = resource.NewStringProperty(z)
	}
	return id, state, err
}

// TestSubnetsStayInTheirZones: a subnet's zone cannot change (a new zone
// replaces the subnet, and the replacement, created first with the same
// CIDR in the same VPC, fails: InvalidSubnet.Conflict). The zones the
// program picks follow the instance type's offerings, which another model
// or AWS's new capacity move, so the subnets keep the zones they were
// created in, and the instances go to those of them whose zone offers the
// type now.
func TestSubnetsStayInTheirZones(t *testing.T) {
	deploy := func(t *testing.T, zone map[string]string) (*recorder, error) {
		rec := &recorder{}
		p := examplePlan(t, "regulated")
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := deploy(ctx, p, Config{})
			return err
		}, pulumi.WithMocks(PreviewProject, PreviewStack, heldZones{rec, zone}))
		return rec, err
	}
	rec, err := deploy(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	subnets := ofType(rec.sorted(), "aws:ec2/subnet:Subnet")
	if len(subnets) < 4 {
		t.Fatalf("%d subnets", len(subnets))
	}
	for _, sn := range subnets {
		if !slices.Contains(rec.ignored[sn.Type+"::"+sn.Name], "availabilityZone") {
			t.Errorf("subnet %s does not hold its zone (ignoreChanges %v)", sn.Name, rec.ignored[sn.Type+"::"+sn.Name])
		}
	}
	// Created when another type was offered in zones a and b; this one is
	// offered in b and c.
	p := examplePlan(t, "regulated")
	name := p.Team + "-private-"
	rec, err = deploy(t, map[string]string{name + "1": previewRegion + "a", name + "2": previewRegion + "b"})
	if err != nil {
		t.Fatal(err)
	}
	ids := one(t, rec.sorted(), "aws:autoscaling/group:Group").Properties["vpcZoneIdentifiers"]
	if !cmp.Equal(ids, []any{"subnet-" + name + "2"}) {
		t.Errorf("instance subnets %v, want only %s2, in the one zone of the two that offers the type", ids, name)
	}
	// Offered in neither: the error names the zones.
	_, err = deploy(t, map[string]string{name + "1": previewRegion + "a", name + "2": previewRegion + "d"})
	if err == nil || !strings.Contains(err.Error(), previewRegion+"a") || !strings.Contains(err.Error(), "pulumi destroy") {
		t.Errorf("type offered in none of the subnets' zones: error %v, want the zones and what to do", err)
	}
}

// depsRecorder records each resource's dependencies (URNs) beside it.
type depsRecorder struct {
	*recorder
	mu   *sync.Mutex
	deps map[string][]string
}

func (d depsRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	d.mu.Lock()
	d.deps[args.TypeToken+"::"+args.Name] = args.RegisterRPC.GetDependencies()
	d.mu.Unlock()
	return d.recorder.NewResource(args)
}

// TestServiceWaitsForItsListener: ECS refuses to create a service whose
// target group no listener forwards to yet ("The target group ... does not
// have an associated load balancer", InvalidParameterException), so the
// router's service depends on the listener of its target group, which the
// load balancer's creation (minutes) delays.
func TestServiceWaitsForItsListener(t *testing.T) {
	rec := depsRecorder{&recorder{}, &sync.Mutex{}, map[string][]string{}}
	p := examplePlan(t, "enterprise-hybrid")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx, p, Config{DeployGateway: true})
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	if err != nil {
		t.Fatal(err)
	}
	rs := rec.sorted()
	svc := one(t, rs, "aws:ecs/service:Service")
	tg := svc.Properties["loadBalancers"].([]any)[0].(map[string]any)["targetGroupArn"]
	var listener string
	for _, l := range ofType(rs, "aws:lb/listener:Listener") {
		if l.Properties["defaultActions"].([]any)[0].(map[string]any)["targetGroupArn"] == tg {
			listener = l.Name
		}
	}
	if listener == "" {
		t.Fatalf("no listener forwards to the service's target group %v", tg)
	}
	deps := rec.deps[svc.Type+"::"+svc.Name]
	if !slices.ContainsFunc(deps, func(urn string) bool {
		return strings.HasSuffix(urn, "aws:lb/listener:Listener::"+listener)
	}) {
		t.Errorf("service %s does not wait for listener %s: depends on %v", svc.Name, listener, deps)
	}
}

// freshRandom answers every getRandomPassword with a value never given
// before, as each run of the program gets from AWS.
type freshRandom struct {
	*recorder
	n *atomic.Int64
}

func (f freshRandom) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	out, err := f.recorder.Call(args)
	if args.Token == "aws:secretsmanager/getRandomPassword:getRandomPassword" && err == nil {
		out["randomPassword"] = resource.NewStringProperty(fmt.Sprintf("r%07d", f.n.Add(1)))
	}
	return out, err
}

// TestSecondRunRegistersTheSameInputs: a second pulumi up with the same
// configuration registers every resource with the same inputs, however
// AWS answers getRandomPassword; a random value (a key, a password, the
// final snapshot's suffix) sits only in a property the resource holds
// (ignoreChanges), else each run would update or replace the resource.
func TestSecondRunRegistersTheSameInputs(t *testing.T) {
	n := &atomic.Int64{}
	cfg := Config{DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"},
		DockerHubCredentials: pulumi.String(`{"username":"u","accessToken":"t"}`), HFToken: pulumi.String("hf")}
	runOnce := func() *recorder {
		rec := &recorder{}
		p := examplePlan(t, "enterprise-hybrid")
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := deploy(ctx, p, cfg)
			return err
		}, pulumi.WithMocks(PreviewProject, PreviewStack, freshRandom{rec, n}))
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	first, second := runOnce(), runOnce()
	a, b := first.sorted(), second.sorted()
	if len(a) != len(b) || len(a) < 50 {
		t.Fatalf("%d then %d resources", len(a), len(b))
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Name != b[i].Name {
			t.Fatalf("resource %d: %s %s then %s %s", i, a[i].Type, a[i].Name, b[i].Type, b[i].Name)
		}
		held := second.ignored[b[i].Type+"::"+b[i].Name]
		for k, v := range b[i].Properties {
			if !slices.Contains(held, k) && !cmp.Equal(a[i].Properties[k], v) {
				t.Errorf("%s %s: %s changes between runs (%v, then %v)", b[i].Type, b[i].Name, k, a[i].Properties[k], v)
			}
		}
	}
}

// TestSchedulesInACanonicalTimeZone: a business_hours fleet starts and
// stops in the spec's team.timezone, whose working hours the plan prices,
// unless costgate:timeZone names the same zone; a stack zone that differs
// is refused before any resource. A scheduled action's zone is one of "the
// canonical names of the IANA time zones" (EC2 Auto Scaling's
// PutScheduledUpdateGroupAction): UTC's is Etc/UTC ("UTC" is a link).
func TestSchedulesInACanonicalTimeZone(t *testing.T) {
	tests := []struct {
		team, stack string
		want        string // "": refused
	}{
		{"UTC", "", "Etc/UTC"},
		{"", "", "Etc/UTC"},
		{"UTC", "Etc/UTC", "Etc/UTC"},
		{"Europe/Berlin", "", "Europe/Berlin"},
		{"America/Los_Angeles", "", "America/Los_Angeles"},
		{"Europe/Berlin", "Europe/Berlin", "Europe/Berlin"},
		{"US/Pacific", "", "America/Los_Angeles"},
		{"US/Pacific", "America/Los_Angeles", "America/Los_Angeles"},
		{"America/Los_Angeles", "Etc/UTC", ""},
		{"UTC", "Europe/Berlin", ""},
	}
	for _, tt := range tests {
		p := examplePlan(t, "regulated")
		p.Inputs.Timezone = tt.team
		rs, _, err := run(t, p, Config{TimeZone: tt.stack})
		if tt.want == "" {
			var pe *PreflightError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), "differs from the spec's team.timezone") {
				t.Errorf("team %q, costgate:timeZone %q: error %v, want a preflight problem", tt.team, tt.stack, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
		if len(scheds) != 2 {
			t.Fatalf("%d schedules", len(scheds))
		}
		for _, s := range scheds {
			if s.Properties["timeZone"] != tt.want {
				t.Errorf("team %q, costgate:timeZone %q: schedule %s in %v, want %s", tt.team, tt.stack, s.Name, s.Properties["timeZone"], tt.want)
			}
		}
	}
}

// TestPrivateLinkKeepsQueuedRequestsAsLongAsTheLoadBalancer: a Network
// Load Balancer closes a TCP flow idle for 350 s unless its listener says
// otherwise (tcp.idle_timeout.seconds, 60 to 6,000 s: docs.aws.amazon.com/
// elasticloadbalancing/latest/network/update-idle-timeout.html), and a
// request waits for its first token without a byte; the sizer holds the
// p95 wait within the application load balancer's idle timeout, so the
// PrivateLink front keeps a flow at least that long.
func TestPrivateLinkKeepsQueuedRequestsAsLongAsTheLoadBalancer(t *testing.T) {
	rs, _, err := run(t, examplePlan(t, "enterprise-hybrid"), Config{DeployGateway: true, EndpointServicePrincipals: []string{"arn:aws:iam::210987654321:root"}})
	if err != nil {
		t.Fatal(err)
	}
	var alb float64
	for _, l := range ofType(rs, "aws:lb/loadBalancer:LoadBalancer") {
		if l.Properties["loadBalancerType"] == "application" {
			alb = l.Properties["idleTimeout"].(float64)
		}
	}
	tcp := 0
	for _, l := range ofType(rs, "aws:lb/listener:Listener") {
		if l.Properties["protocol"] != "TCP" {
			continue
		}
		tcp++
		if v, _ := l.Properties["tcpIdleTimeoutSeconds"].(float64); v < alb || v > 6000 {
			t.Errorf("PrivateLink listener %s closes idle flows after %v s; the load balancer keeps them %v s", l.Name, l.Properties["tcpIdleTimeoutSeconds"], alb)
		}
	}
	if tcp != 2 || alb != float64(inference.IdleTimeoutSeconds) {
		t.Errorf("%d TCP listeners, load balancer idle timeout %v", tcp, alb)
	}
}

// timeoutsRecorder records each resource's custom delete timeout.
type timeoutsRecorder struct {
	*recorder
	mu     *sync.Mutex
	delete map[string]string
}

func (d timeoutsRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	d.mu.Lock()
	if ct := args.RegisterRPC.GetCustomTimeouts(); ct != nil {
		d.delete[args.TypeToken+"::"+args.Name] = ct.GetDelete()
	}
	d.mu.Unlock()
	return d.recorder.NewResource(args)
}

// TestDestroyWaitsForTheFleetsStreams: deleting the group first drains it
// (the provider sets its sizes to 0 and waits, within the delete timeout,
// 10 minutes unless set, for its instances to go), and each instance
// leaves its target group only after the deregistration delay, the
// plan's longest stream, up to an hour. The group's delete timeout covers
// that delay and ten minutes more, so pulumi destroy under load does not
// fail half-way.
func TestDestroyWaitsForTheFleetsStreams(t *testing.T) {
	for _, stream := range []int{300, 1800, 3600} {
		rec := timeoutsRecorder{&recorder{}, &sync.Mutex{}, map[string]string{}}
		p := examplePlan(t, "regulated")
		p.Chosen().Sizing.StreamSeconds = stream
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := deploy(ctx, p, Config{})
			return err
		}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
		if err != nil {
			t.Fatal(err)
		}
		rs := rec.sorted()
		asg := one(t, rs, "aws:autoscaling/group:Group")
		delay := one(t, rs, "aws:lb/targetGroup:TargetGroup").Properties["deregistrationDelay"].(float64)
		d, err := time.ParseDuration(rec.delete[asg.Type+"::"+asg.Name])
		if err != nil || d < time.Duration(delay)*time.Second+10*time.Minute {
			t.Errorf("stream %d s: group's delete timeout %q (%v), want the %v s deregistration delay and 10 minutes more", stream, rec.delete[asg.Type+"::"+asg.Name], err, delay)
		}
	}
}

// secretName matches the preview's secret ARNs: the secret's resource name.
var secretName = regexp.MustCompile(`:secret:([A-Za-z0-9-]+)-AbCdEf`)

// TestReadersWaitForTheSecretsValues: a secret without a value cannot be
// read (Secrets Manager has no AWSCURRENT version yet). The router's task
// reads its keys and DATABASE_URL at start (ECS stops a service whose
// first tasks fail: the deployment circuit breaker turns the deployment
// failed and launches no more tasks, while pulumi up reports success),
// and DATABASE_URL gets its value only once the database exists, minutes
// later; the instances read theirs at boot. So the task definition, the
// launch template and the pull-through cache rule depend on the version
// of every secret they name.
func TestReadersWaitForTheSecretsValues(t *testing.T) {
	rec := depsRecorder{&recorder{}, &sync.Mutex{}, map[string][]string{}}
	p := examplePlan(t, "enterprise-hybrid")
	cfg := Config{DeployGateway: true, HFToken: pulumi.String("hf"), DockerHubCredentials: pulumi.String(`{"username":"u","accessToken":"t"}`),
		ProviderKeys: map[string]pulumi.StringInput{AnyProvider: pulumi.String("sk")}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx, p, cfg)
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	if err != nil {
		t.Fatal(err)
	}
	rs := rec.sorted()
	versions := map[string]bool{}
	for _, v := range ofType(rs, "aws:secretsmanager/secretVersion:SecretVersion") {
		versions[v.Name] = true
	}
	for _, typ := range []string{"aws:ecs/taskDefinition:TaskDefinition", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"} {
		r := one(t, rs, typ)
		text := fmt.Sprint(r.Properties)
		if typ == "aws:ec2/launchTemplate:LaunchTemplate" {
			text = userData(t, rs)
		}
		named := secretName.FindAllStringSubmatch(text, -1)
		if len(named) == 0 {
			t.Fatalf("%s names no secret", r.Name)
		}
		deps := rec.deps[r.Type+"::"+r.Name]
		for _, m := range named {
			if !versions[m[1]] {
				continue // no value configured (the preflight says so)
			}
			if !slices.ContainsFunc(deps, func(urn string) bool {
				return strings.HasSuffix(urn, "aws:secretsmanager/secretVersion:SecretVersion::"+m[1])
			}) {
				t.Errorf("%s %s reads secret %s before its value is stored", typ, r.Name, m[1])
			}
		}
	}
}
