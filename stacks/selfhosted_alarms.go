package stacks

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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
