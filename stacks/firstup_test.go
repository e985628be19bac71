package stacks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
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
	routes := []plan.Route{{Workload: "chat", Complexity: "complex", ServedBy: plan.Managed, Model: "gemini-4-carbon"}}
	got, err := LiteLLMModelList(routes, "", modelcatalog.Default())
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
			topics := ofType(rs, "aws:sns/topic:Topic")
			subs := ofType(rs, "aws:sns/topicSubscription:TopicSubscription")
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
				pol := one(t, rs, "aws:sns/topicPolicy:TopicPolicy")
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
