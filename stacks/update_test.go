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
