package stacks

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tests of a second pulumi up after the spec or the stack configuration
// changed: a resource whose replace-on-change input changes is created
// anew before the old one is deleted, so whatever identifies it in AWS
// must change with that input.

// aliasRecorder records each resource's aliases (their names) beside it.
type aliasRecorder struct {
	*recorder
	mu      *sync.Mutex
	aliases map[string][]string
}

func (a aliasRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	a.mu.Lock()
	for _, al := range args.RegisterRPC.GetAliases() {
		a.aliases[args.TypeToken+"::"+args.Name] = append(a.aliases[args.TypeToken+"::"+args.Name], al.GetSpec().GetName())
	}
	a.mu.Unlock()
	return a.recorder.NewResource(args)
}

// runAliases deploys the plan under mocks, recording aliases.
func runAliases(t *testing.T, p *plan.Plan, cfg Config) aliasRecorder {
	t.Helper()
	rec := aliasRecorder{&recorder{}, &sync.Mutex{}, map[string][]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx, p, cfg)
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return rec
}

// TestAlertEmailEditsKeepEverySubscription: an email subscription's
// endpoint replaces it (the Terraform provider's aws_sns_topic_subscription:
// endpoint, protocol and topic_arn are ForceNew), and SNS's Subscribe
// answers an address already subscribed to the topic with its existing
// subscription. A resource whose address changes when the list is edited
// would adopt another resource's subscription, and the deletion of the old
// resources (after the creations) would unsubscribe it: the recipients
// still listed would silently get no alerts. So no subscription resource
// changes its address, whatever the edit, on the fleet's alert topic and on
// the budget's topic (more than ten recipients); and each aliases the name
// it had by its place in the list, so that a stack deployed with those
// names keeps its subscriptions.
func TestAlertEmailEditsKeepEverySubscription(t *testing.T) {
	mail := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, n+"@example.com")
		}
		return out
	}
	var twelve []string
	for i := range 12 {
		twelve = append(twelve, fmt.Sprintf("r%d@example.com", i))
	}
	tests := []struct {
		name          string
		before, after []string
	}{
		{"first removed", mail("a", "b", "c"), mail("b", "c")},
		{"reordered", mail("a", "b", "c"), mail("c", "b", "a")},
		{"one inserted first", mail("a", "b", "c"), mail("d", "a", "b", "c")},
		{"one appended", mail("a", "b", "c"), mail("a", "b", "c", "d")},
		{"budget topic: first of twelve removed", twelve, twelve[1:]},
		{"budget topic: twelve reversed", twelve, reversed(twelve)},
	}
	subscriptions := func(t *testing.T, emails []string) map[string]string {
		t.Helper()
		p := examplePlan(t, "regulated")
		p.Inputs.Budget.AlertEmails = emails
		rec := runAliases(t, p, Config{})
		place := map[string]int{}
		for i, e := range emails {
			place[e] = i + 1
		}
		out := map[string]string{}
		for _, s := range ofType(rec.sorted(), "aws:sns/topicSubscription:TopicSubscription") {
			e, _ := s.Properties["endpoint"].(string)
			out[s.Name] = e
			// The name it had by its place in the list.
			want := strings.TrimSuffix(s.Name, emailKey(e)) + strconv.Itoa(place[e])
			if got := rec.aliases[s.Type+"::"+s.Name]; len(got) != 1 || got[0] != want {
				t.Errorf("subscription %s (%s) aliases %v, want [%s]: a stack deployed with positional names would replace it", s.Name, e, got, want)
			}
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := subscriptions(t, tt.before), subscriptions(t, tt.after)
			if len(after) < len(tt.after) {
				t.Fatalf("%d subscriptions for %d addresses", len(after), len(tt.after))
			}
			for name, e := range after {
				if was, ok := before[name]; ok && was != e {
					t.Errorf("subscription %s changes from %s to %s: replaced, it adopts %s's subscription, which the deletion of the resource that held it then unsubscribes", name, was, e, e)
				}
			}
		})
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// nlbReplaced reports whether the Terraform provider replaces a Network
// Load Balancer going from b to a (aws_lb's customizeDiffLoadBalancerNLB:
// subnets that are not only added to, security groups added where none
// were or all removed; internal and load_balancer_type are ForceNew).
func nlbReplaced(b, a plan.Resource) bool {
	set := func(r plan.Resource, k string) map[any]bool {
		out := map[any]bool{}
		vs, _ := r.Properties[k].([]any)
		for _, v := range vs {
			out[v] = true
		}
		return out
	}
	bs, as := set(b, "subnets"), set(a, "subnets")
	kept := true
	for s := range bs {
		kept = kept && as[s]
	}
	bg, ag := len(set(b, "securityGroups")), len(set(a, "securityGroups"))
	return !(kept && len(as) >= len(bs)) || (bg == 0) != (ag == 0) ||
		b.Properties["internal"] != a.Properties["internal"] || b.Properties["loadBalancerType"] != a.Properties["loadBalancerType"]
}

// targetGroupReplaced reports whether the provider replaces a target group
// going from b to a (aws_lb_target_group: port, protocol, target_type and
// vpc_id are ForceNew).
func targetGroupReplaced(b, a plan.Resource) bool {
	for _, k := range []string{"port", "protocol", "targetType", "vpcId"} {
		if b.Properties[k] != a.Properties[k] {
			return true
		}
	}
	return false
}

// TestNewSubnetsRebuildThePrivateLinkFront: a Network Load Balancer cannot
// leave a subnet, so a costgate:subnetIds that swaps or drops one (or a
// move between a given VPC and the program's) replaces the PrivateLink
// front's load balancer; the replacement is created before the old one is
// deleted, and under the old name fails (DuplicateLoadBalancerName). Its
// target groups are replaced with it: a target group is forwarded to by
// one load balancer only (TargetGroupAssociationLimit). So the front's
// names change whenever it is replaced, and a stack in the program's own
// VPC keeps the names it had.
func TestNewSubnetsRebuildThePrivateLinkFront(t *testing.T) {
	principals := []string{"arn:aws:iam::210987654321:root"}
	given := func(vpc string, subnets ...string) Config {
		return Config{VPCID: vpc, SubnetIDs: subnets, EndpointServicePrincipals: principals, DeployGateway: true}
	}
	own := Config{EndpointServicePrincipals: principals, DeployGateway: true}
	tests := []struct {
		name          string
		before, after Config
	}{
		{"a subnet swapped", given("vpc-existing", "subnet-b", "subnet-c"), given("vpc-existing", "subnet-b", "subnet-d")},
		{"a subnet dropped", given("vpc-existing", "subnet-b", "subnet-c", "subnet-d"), given("vpc-existing", "subnet-c", "subnet-b")},
		{"the program's VPC for a given one", own, given("vpc-existing", "subnet-b", "subnet-c")},
		{"a given VPC for the program's", given("vpc-existing", "subnet-b", "subnet-c"), own},
	}
	front := func(t *testing.T, cfg Config) map[string]plan.Resource {
		t.Helper()
		rs, _, err := run(t, examplePlan(t, "enterprise-hybrid"), cfg)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]plan.Resource{}
		for _, r := range append(ofType(rs, "aws:lb/loadBalancer:LoadBalancer"), ofType(rs, "aws:lb/targetGroup:TargetGroup")...) {
			if strings.Contains(r.Name, "-privatelink") {
				out[r.Name] = r
			}
		}
		if len(out) != 3 {
			t.Fatalf("%d resources of the PrivateLink front, want its load balancer and two target groups", len(out))
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := front(t, tt.before), front(t, tt.after)
			rebuilt := false
			for name, a := range after {
				if a.Type == "aws:lb/loadBalancer:LoadBalancer" {
					rebuilt = nlbReplaced(before[name], a)
				}
			}
			for name, a := range after {
				b := before[name]
				replaced := rebuilt || (a.Type == "aws:lb/targetGroup:TargetGroup" && targetGroupReplaced(b, a))
				if replaced && b.Properties["name"] == a.Properties["name"] {
					t.Errorf("%s is replaced under its name %v: the replacement, created first, fails on it", name, a.Properties["name"])
				}
			}
		})
	}
	p := examplePlan(t, "enterprise-hybrid")
	for name, r := range front(t, own) {
		if r.Type == "aws:lb/loadBalancer:LoadBalancer" && r.Properties["name"] != physicalName(PreviewStack, p.Team, "pl", "", MaxLoadBalancerName) {
			t.Errorf("%s in the program's VPC is named %v, no longer what stacks deployed before have", name, r.Properties["name"])
		}
	}
}
