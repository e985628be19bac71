package stacks

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
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

// newBudget registers the monthly cost budget filtered by the cost_center tag.
func newBudget(ctx *pulumi.Context, name string, a BudgetArgs, tags map[string]string, opts ...pulumi.ResourceOption) (*budgets.Budget, error) {
	if a.LimitUSD <= 0 {
		return nil, fmt.Errorf("create budget %s: limit %.2f is not positive", name, a.LimitUSD)
	}
	var notes budgets.BudgetNotificationArray
	if len(a.AlertEmails) > 0 {
		for _, t := range budgetThresholds {
			notes = append(notes, budgets.BudgetNotificationArgs{
				ComparisonOperator:       pulumi.String("GREATER_THAN"),
				NotificationType:         pulumi.String(t.kind),
				Threshold:                pulumi.Float64(t.percent),
				ThresholdType:            pulumi.String("PERCENTAGE"),
				SubscriberEmailAddresses: pulumi.ToStringArray(a.AlertEmails),
			})
		}
		if a.ApprovalUSD > 0 && a.ApprovalUSD < a.LimitUSD {
			notes = append(notes, budgets.BudgetNotificationArgs{
				ComparisonOperator:       pulumi.String("GREATER_THAN"),
				NotificationType:         pulumi.String("ACTUAL"),
				Threshold:                pulumi.Float64(math.Round(a.ApprovalUSD*100) / 100),
				ThresholdType:            pulumi.String("ABSOLUTE_VALUE"),
				SubscriberEmailAddresses: pulumi.ToStringArray(a.AlertEmails),
			})
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
