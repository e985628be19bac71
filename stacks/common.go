package stacks

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CostCenterTag is the tag every resource carries, and the tag the budget
// filters on.
const CostCenterTag = "cost_center"

// Tags builds the tags of one team's resources.
func Tags(team, costCenter string) map[string]string {
	return map[string]string{
		CostCenterTag: costCenter,
		"team":        team,
		"managed_by":  "costgate",
	}
}

// withName returns a copy of tags with a Name tag, which the EC2 console shows.
func withName(tags map[string]string, name string) pulumi.StringMap {
	out := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range tags {
		out[k] = pulumi.String(v)
	}
	return out
}

func stringMap(tags map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range tags {
		out[k] = pulumi.String(v)
	}
	return out
}

// policyStatement is one IAM policy statement.
type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// policyDocument renders an IAM policy document.
func policyDocument(statements ...policyStatement) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		return "", fmt.Errorf("encode policy document: %w", err)
	}
	return string(b), nil
}

// BudgetArgs describe the monthly AWS Budget of a deployment.
type BudgetArgs struct {
	// LimitUSD is the monthly limit.
	LimitUSD float64
	// CostCenter filters the budget to resources carrying the tag.
	CostCenter string
	// AlertEmails receive the ACTUAL 80 %/100 % and FORECASTED 100 % alerts.
	AlertEmails []string
	// ApprovalUSD, when above 0 and under the limit, adds an ACTUAL alert
	// at the spec's approval threshold.
	ApprovalUSD float64
}

// budgetThresholds are the alerts of the budget: spend that has happened and
// spend AWS forecasts for the month.
var budgetThresholds = []struct {
	kind    string
	percent float64
}{
	{"ACTUAL", 80},
	{"ACTUAL", 100},
	{"FORECASTED", 100},
}

// MaxBudgetEmailSubscribers is how many email addresses AWS Budgets takes
// on one notification; beyond it the alerts go through an SNS topic.
const MaxBudgetEmailSubscribers = 10

// newBudget registers the monthly cost budget filtered by the cost_center
// tag. More recipients than a notification takes get the alerts through an
// SNS topic with one email subscription each, which every recipient must
// confirm from the message AWS sends.
func newBudget(ctx *pulumi.Context, name string, a BudgetArgs, tags map[string]string, opts ...pulumi.ResourceOption) (*budgets.Budget, error) {
	if a.LimitUSD <= 0 {
		return nil, fmt.Errorf("create budget %s: limit %.2f is not positive", name, a.LimitUSD)
	}
	subscribe := func(n *budgets.BudgetNotificationArgs) {
		n.SubscriberEmailAddresses = pulumi.ToStringArray(a.AlertEmails)
	}
	if len(a.AlertEmails) > MaxBudgetEmailSubscribers {
		topic, err := budgetTopic(ctx, name, a.AlertEmails, tags, opts...)
		if err != nil {
			return nil, err
		}
		subscribe = func(n *budgets.BudgetNotificationArgs) {
			n.SubscriberSnsTopicArns = pulumi.StringArray{topic.Arn}
		}
	}
	var notes budgets.BudgetNotificationArray
	if len(a.AlertEmails) > 0 {
		for _, t := range budgetThresholds {
			n := budgets.BudgetNotificationArgs{
				ComparisonOperator: pulumi.String("GREATER_THAN"),
				NotificationType:   pulumi.String(t.kind),
				Threshold:          pulumi.Float64(t.percent),
				ThresholdType:      pulumi.String("PERCENTAGE"),
			}
			subscribe(&n)
			notes = append(notes, n)
		}
		if a.ApprovalUSD > 0 && a.ApprovalUSD < a.LimitUSD {
			n := budgets.BudgetNotificationArgs{
				ComparisonOperator: pulumi.String("GREATER_THAN"),
				NotificationType:   pulumi.String("ACTUAL"),
				Threshold:          pulumi.Float64(math.Round(a.ApprovalUSD*100) / 100),
				ThresholdType:      pulumi.String("ABSOLUTE_VALUE"),
			}
			subscribe(&n)
			notes = append(notes, n)
		}
	}
	b, err := budgets.NewBudget(ctx, name, &budgets.BudgetArgs{
		BudgetType:  pulumi.String("COST"),
		TimeUnit:    pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(fmt.Sprintf("%.2f", a.LimitUSD)),
		LimitUnit:   pulumi.String("USD"),
		CostFilters: budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String("user:" + CostCenterTag + "$" + a.CostCenter)},
		}},
		Notifications: notes,
		Tags:          stringMap(tags),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("create budget %s: %w", name, err)
	}
	return b, nil
}

// budgetTopic registers the SNS topic the budget publishes to, its policy
// (AWS Budgets may publish, nobody else) and an email subscription per
// recipient. The topic is unencrypted: Budgets cannot publish to a topic
// under the AWS-managed SNS key.
func budgetTopic(ctx *pulumi.Context, name string, emails []string, tags map[string]string, opts ...pulumi.ResourceOption) (*sns.Topic, error) {
	topic, err := sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		DisplayName: pulumi.String("costgate budget"),
		Tags:        stringMap(tags),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("create budget topic: %w", err)
	}
	doc := topic.Arn.ApplyT(func(arn string) (string, error) {
		return policyDocument(policyStatement{
			Sid:       "BudgetsPublish",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "budgets.amazonaws.com"},
			Action:    []string{"sns:Publish"},
			Resource:  []string{arn},
		})
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{Arn: topic.Arn, Policy: doc}, opts...); err != nil {
		return nil, fmt.Errorf("create budget topic policy: %w", err)
	}
	if err := subscribeEmails(ctx, name+"-alerts", "the budget topic", topic.Arn, emails, opts...); err != nil {
		return nil, err
	}
	return topic, nil
}

// subscribeEmails subscribes each address to the topic, one resource per
// address, named after the address (a hash of it), never after its place
// in the list. An endpoint change replaces a subscription, and SNS's
// Subscribe answers an address already subscribed with that subscription:
// a list edited so that an address moved (one removed or inserted before
// it, a reordering) had the moved resource adopt the address's existing
// subscription and the old resources' deletion unsubscribe it, so the
// remaining recipients silently got no more alerts. Each resource aliases
// the positional name it had before (prefix-1, prefix-2, …), so that a
// stack deployed with those names keeps its subscriptions.
func subscribeEmails(ctx *pulumi.Context, prefix, topicDesc string, topic pulumi.StringInput, emails []string, opts ...pulumi.ResourceOption) error {
	for i, e := range emails {
		was := pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(fmt.Sprintf("%s-%d", prefix, i+1))}})
		if _, err := sns.NewTopicSubscription(ctx, prefix+"-"+emailKey(e), &sns.TopicSubscriptionArgs{
			Topic:    topic,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(e),
		}, append(opts[:len(opts):len(opts)], was)...); err != nil {
			return fmt.Errorf("subscribe %s to %s: %w", e, topicDesc, err)
		}
	}
	return nil
}

// emailKey is the part of a subscription's resource name that stands for
// its address.
func emailKey(address string) string {
	return nameHash("", "", "email", address)
}

// storedARN is the secret's ARN once its version is stored: whatever names
// it (a task's secrets, user data, a pull-through cache rule) then waits
// for its value. A secret without a value cannot be read (no AWSCURRENT
// version), and its readers start as soon as they exist: the router's
// first tasks, failing, trip the deployment circuit breaker, which stops
// the service; an instance fails its boot.
func storedARN(secret *secretsmanager.Secret, version *secretsmanager.SecretVersion) pulumi.StringOutput {
	return pulumi.All(secret.Arn, version.ID()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
}
