package stacks

import (
	"encoding/json"
	"fmt"
	"github.com/costgate/costgate/inference"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// alertTopic registers the fleet's own alert topic: the alarms and
// EventBridge's failed-launch events publish to it (its policy grants both
// services, for this account's alarms and this fleet's rule only), and the
// spec's alert emails are subscribed to it. SNS cannot subscribe a topic
// to a topic: costgate:alarmTopicArn receives the alarms directly.
func (f *fleet) alertTopic(ruleARN pulumi.StringOutput) (*sns.Topic, error) {
	topic, err := sns.NewTopic(f.ctx, f.name+"-fleet-alerts", &sns.TopicArgs{
		DisplayName: pulumi.String("costgate " + f.a.Team + " fleet"),
		Tags:        stringMap(f.tags),
	}, f.parent)
	if err != nil {
		return nil, fmt.Errorf("create alert topic: %w", err)
	}
	doc := pulumi.All(topic.Arn, ruleARN).ApplyT(func(v []any) (string, error) {
		arn := v[0].(string)
		return policyDocument(policyStatement{
			Sid: "EventBridgePublishesLaunchFailures", Effect: "Allow",
			Principal: map[string]any{"Service": "events.amazonaws.com"},
			Action:    []string{"sns:Publish"}, Resource: []string{arn},
			Condition: map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": v[1].(string)}},
		}, policyStatement{
			Sid: "CloudWatchPublishesAlarms", Effect: "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Action:    []string{"sns:Publish"}, Resource: []string{arn},
			Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": f.account}},
		})
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(f.ctx, f.name+"-fleet-alerts", &sns.TopicPolicyArgs{Arn: topic.Arn, Policy: doc}, f.parent); err != nil {
		return nil, fmt.Errorf("create alert topic policy: %w", err)
	}
	if err := subscribeEmails(f.ctx, f.name+"-fleet-alerts", "the alert topic", topic.Arn, f.a.AlertEmails, f.parent); err != nil {
		return nil, err
	}
	return topic, nil
}

// launchFailures sends the group's failed launches (insufficient capacity
// of a GPU type above all) to the fleet's alert topic: with
// WaitForCapacityTimeout "0" nothing else reports them. EventBridge rules
// on AWS service events cost nothing.
func (f *fleet) launchFailures() error {
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
	topic, err := f.alertTopic(rule.Arn)
	if err != nil {
		return err
	}
	f.topic = topic
	if _, err := cloudwatch.NewEventTarget(f.ctx, f.name+"-launch-failed", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  topic.Arn,
	}, f.parent); err != nil {
		return fmt.Errorf("create launch failure target: %w", err)
	}
	return nil
}

// alarmSpec is one alarm of the fleet on one load balancer metric.
type alarmSpec struct {
	suffix, metric, stat, ext, desc string
	threshold                       float64
	// lbOnly alarms on the load balancer's own metric (no target group).
	lbOnly bool
}

// alarms registers the outage alarm (healthy hosts below the group's
// desired capacity) and the load balancer's 5xx, the targets' 5xx and the
// p95-latency alarms, publishing to the fleet's topic and
// costgate:alarmTopicArn.
func (f *fleet) alarms(lbs balancer) error {
	a := f.a
	latency := a.LatencyTargetMs
	if latency <= 0 {
		latency = defaultLatencyTargetMs
	}
	actions := pulumi.Array{f.topic.Arn}
	if a.AlarmTopicARN != "" {
		actions = append(actions, pulumi.String(a.AlarmTopicARN))
	}
	if err := f.outageAlarm(lbs, actions); err != nil {
		return err
	}
	for _, al := range []alarmSpec{
		{"elb-5xx", "HTTPCode_ELB_5XX_Count", "Sum", "", "the load balancer answers with server errors (no healthy vLLM instance, or one cut off)", 10, true},
		{"target-5xx", "HTTPCode_Target_5XX_Count", "Sum", "", "vLLM answers with server errors", 10, false},
		{"p95-latency", "TargetResponseTime", "", "p95", fmt.Sprintf("p95 time to response headers above %.0f ms", latency), latency / 1000, false},
	} {
		if err := f.metricAlarm(lbs, al, actions); err != nil {
			return err
		}
	}
	return nil
}

// metricAlarm registers one alarm of a load balancer metric; missing data
// (no requests) is not an error.
func (f *fleet) metricAlarm(lbs balancer, al alarmSpec, actions pulumi.Array) error {
	dims := pulumi.StringMap{"TargetGroup": lbs.tg.ArnSuffix, "LoadBalancer": lbs.alb.ArnSuffix}
	if al.lbOnly {
		dims = pulumi.StringMap{"LoadBalancer": lbs.alb.ArnSuffix}
	}
	args := &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String("costgate " + f.a.Team + ": " + al.desc),
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
		Tags:               stringMap(f.tags),
	}
	if al.ext != "" {
		args.ExtendedStatistic = pulumi.String(al.ext)
	} else {
		args.Statistic = pulumi.String(al.stat)
	}
	if _, err := cloudwatch.NewMetricAlarm(f.ctx, f.name+"-"+al.suffix, args, f.parent); err != nil {
		return fmt.Errorf("create alarm %s: %w", al.suffix, err)
	}
	return nil
}

// OutageEvaluationPeriods is how many 5-minute periods healthy hosts may
// stay below the desired capacity before the outage alarm fires: a new
// instance's cold start and warm-up, so a scale-out is not an outage.
func OutageEvaluationPeriods(checkpointGB float64) int {
	return (inference.HubStartSeconds(checkpointGB)+ServiceWarmupSeconds+299)/300 + 1
}

// outageAlarm registers the alarm on healthy hosts below the group's
// desired capacity. A target group without healthy hosts reports no
// HealthyHostCount: FILL counts that as 0 hosts, and a missing result
// breaches. With a desired capacity of 0 (business hours at night) it is OK.
func (f *fleet) outageAlarm(lbs balancer, actions pulumi.Array) error {
	metric := func(ns, name, stat string, dims pulumi.StringMap) cloudwatch.MetricAlarmMetricQueryMetricPtrInput {
		return cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace: pulumi.String(ns), MetricName: pulumi.String(name), Stat: pulumi.String(stat),
			Period: pulumi.Int(300), Dimensions: dims,
		}
	}
	if _, err := cloudwatch.NewMetricAlarm(f.ctx, f.name+"-healthy-below-desired", &cloudwatch.MetricAlarmArgs{
		AlarmDescription: pulumi.String("costgate " + f.a.Team + ": fewer healthy vLLM instances than the group wants (an outage when none are)"),
		MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{
			cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("desired"), Metric: metric("AWS/AutoScaling", "GroupDesiredCapacity", "Minimum",
				pulumi.StringMap{"AutoScalingGroupName": pulumi.String(f.asgName)})},
			cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("healthy"), Metric: metric("AWS/ApplicationELB", "HealthyHostCount", "Minimum",
				pulumi.StringMap{"TargetGroup": lbs.tg.ArnSuffix, "LoadBalancer": lbs.alb.ArnSuffix})},
			cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("missing"), Expression: pulumi.String("desired - FILL(healthy, 0)"),
				Label: pulumi.String("healthy hosts missing"), ReturnData: pulumi.Bool(true)},
		},
		EvaluationPeriods:  pulumi.Int(OutageEvaluationPeriods(f.a.Sizing.CheckpointGB)),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"),
		Threshold:          pulumi.Float64(0),
		TreatMissingData:   pulumi.String("breaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               stringMap(f.tags),
	}, f.parent); err != nil {
		return fmt.Errorf("create alarm healthy-below-desired: %w", err)
	}
	return nil
}
