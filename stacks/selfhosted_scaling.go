package stacks

import (
	"fmt"
	"strconv"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// scaling registers the auto scaling group, its business-hours schedules
// and the target-tracking policy.
func (f *fleet) scaling(net network, lt *ec2.LaunchTemplate, lbs balancer) error {
	ctx, a, name, c, parent, tags := f.ctx, f.a, f.name, f.c, f.parent, f.tags
	tg := lbs.tg
	s := a.Sizing
	floor := offHoursFloor(s)
	minHealthy, maxHealthy := refreshHealthy(s)
	asgTags := autoscaling.GroupTagArray{autoscaling.GroupTagArgs{
		Key: pulumi.String("Name"), Value: pulumi.String(name + "-vllm"), PropagateAtLaunch: pulumi.Bool(true),
	}}
	for _, k := range sortedKeys(tags) {
		asgTags = append(asgTags, autoscaling.GroupTagArgs{
			Key: pulumi.String(k), Value: pulumi.String(tags[k]), PropagateAtLaunch: pulumi.Bool(true),
		})
	}
	args := &autoscaling.GroupArgs{
		Name:    pulumi.String(f.asgName),
		MinSize: pulumi.Int(floor),
		MaxSize: pulumi.Int(s.PeakInstances),
		// Created at its floor: the schedule (ahead of the working day)
		// and target tracking raise it, so a group created on a Friday
		// evening does not run at peak until Monday.
		DesiredCapacity:    pulumi.Int(floor),
		VpcZoneIdentifiers: net.instanceSubnets,
		TargetGroupArns:    pulumi.StringArray{tg.Arn},
		// Every launch, the first included, waits in the hook until its
		// model serves.
		InitialLifecycleHooks: autoscaling.GroupInitialLifecycleHookArray{autoscaling.GroupInitialLifecycleHookArgs{
			Name:                pulumi.String(LifecycleHookName),
			LifecycleTransition: pulumi.String("autoscaling:EC2_INSTANCE_LAUNCHING"),
			HeartbeatTimeout:    pulumi.Int(HookTimeoutSeconds(s.CheckpointGB)),
			DefaultResult:       pulumi.String("ABANDON"),
		}},
		HealthCheckType:        pulumi.String("ELB"),
		HealthCheckGracePeriod: pulumi.Int(ServiceWarmupSeconds),
		DefaultInstanceWarmup:  pulumi.Int(ServiceWarmupSeconds),
		// The group may start with no capacity (business hours at night, or
		// GPUs the region lacks now): do not block the deployment on it;
		// a failed launch is reported through costgate:alarmTopicArn.
		WaitForCapacityTimeout: pulumi.String("0"),
		// A new launch template version replaces instances launch before
		// terminate: the old instance serves until its successor has loaded
		// (a capacity block's, which has no room, one at a time the other
		// way round: refreshHealthy).
		InstanceRefresh: autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(minHealthy),
				MaxHealthyPercentage: pulumi.Int(maxHealthy),
				InstanceWarmup:       pulumi.String(strconv.Itoa(ServiceWarmupSeconds)),
				SkipMatching:         pulumi.Bool(true),
			},
		},
		EnabledMetrics: pulumi.ToStringArray([]string{"GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances"}),
		Tags:           asgTags,
	}
	purchase(args, lt, s)
	asg, err := autoscaling.NewGroup(ctx, name+"-vllm", args, parent, pulumi.IgnoreChanges(heldAfterCreation(s, floor)),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Delete: groupDeleteTimeout(s)}))
	if err != nil {
		return fmt.Errorf("create auto scaling group: %w", err)
	}
	c.AutoScalingGroupName = asg.Name
	if err := f.launchHook(asg); err != nil {
		return err
	}
	if err := f.drainHook(asg); err != nil {
		return err
	}
	if err := f.launchFailures(); err != nil {
		return err
	}
	// The schedules alone size the group: the plan bills the peak for the
	// whole working day and nothing outside it, so a policy that scaled on
	// load would only run instances the plan does not bill (and its
	// CloudWatch alarms, which it does not bill either).
	return schedules(ctx, name, asg, s, floor, a.TimeZone, parent)
}

// purchase sets how the group buys its instances, as the plan priced them:
// spot through a mixed-instances policy (the on-demand base the spec
// states, which the plan bills at on-demand rates, and spot above it; a
// base that covers the peak, on demand from the launch template;
// capacity-optimized; capacity rebalancing replaces an instance at risk of
// interruption before it is taken, and an interrupted one drains within
// its notice), everything else (on demand; reserved, which a Savings Plan
// bills; a capacity block, which the launch template targets) from the
// launch template.
func purchase(args *autoscaling.GroupArgs, lt *ec2.LaunchTemplate, s plan.Sizing) {
	version := lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput)
	if s.Pricing != spec.Spot || s.OnDemandBase >= s.PeakInstances {
		// An on-demand base that covers the peak runs every instance on
		// demand, as the plan bills them: the launch template alone, so an
		// instance refresh's replacements launch on demand too (a type
		// the catalog prices on demand only, modelcatalog.Instance.Rate,
		// may have no spot market to launch them in).
		args.LaunchTemplate = autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: version}
		return
	}
	args.CapacityRebalance = pulumi.Bool(true)
	args.MixedInstancesPolicy = autoscaling.GroupMixedInstancesPolicyArgs{
		InstancesDistribution: autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs{
			OnDemandBaseCapacity:                pulumi.Int(min(s.OnDemandBase, s.PeakInstances)),
			OnDemandPercentageAboveBaseCapacity: pulumi.Int(0),
			SpotAllocationStrategy:              pulumi.String("capacity-optimized"),
		},
		LaunchTemplate: autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs{
			LaunchTemplateSpecification: autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs{
				LaunchTemplateId: lt.ID(), Version: version,
			},
		},
	}
}

// refreshHealthy is the instance refresh's healthy range, in per cent of
// the group (AWS: a minimum of 0 to 100, a maximum of 100 to 200, at most
// 100 apart, https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html):
// 100 to 200, every replacement launched and loaded before its
// predecessor goes. A capacity block holds the peak's instances and no
// more, so a replacement launched first has nowhere to run and the
// refresh never advances (a new AMI or image never reaches the fleet):
// there the group stays at its size and replaces one instance at a time,
// terminating it first, its slot in the block then free for its successor
// (a one-instance fleet is down while its successor loads).
func refreshHealthy(s plan.Sizing) (minPct, maxPct int) {
	if s.Pricing != spec.CapacityBlock {
		return 100, 2 * 100
	}
	return 100 * (s.PeakInstances - 1) / max(s.PeakInstances, 1), 100
}

// launchHook registers the launch lifecycle hook on its own as well: a
// group's initial hooks apply only when it is created, so a group created
// before the hook existed, or with another timeout, gets it this way (the
// group holds its initial hooks as created: heldAfterCreation).
// PutLifecycleHook replaces a hook of the same name.
func (f *fleet) launchHook(asg *autoscaling.Group) error {
	if _, err := autoscaling.NewLifecycleHook(f.ctx, f.name+"-model-loaded", &autoscaling.LifecycleHookArgs{
		AutoscalingGroupName: asg.Name,
		Name:                 pulumi.String(LifecycleHookName),
		LifecycleTransition:  pulumi.String("autoscaling:EC2_INSTANCE_LAUNCHING"),
		HeartbeatTimeout:     pulumi.Int(HookTimeoutSeconds(f.a.Sizing.CheckpointGB)),
		DefaultResult:        pulumi.String("ABANDON"),
	}, f.parent); err != nil {
		return fmt.Errorf("create launch lifecycle hook: %w", err)
	}
	return nil
}

// groupDeleteTimeout is how long pulumi destroy waits for the group: the
// provider drains it first (sizes to 0, then waits for its instances to
// go), and each instance leaves only after its target group's
// deregistration delay, the plan's longest stream (up to an hour), when
// it still serves one; then 15 minutes for its termination (the
// provider's default, 10 minutes, would fail a destroy under load).
func groupDeleteTimeout(s plan.Sizing) string {
	return fmt.Sprintf("%dm", (StreamDrainSeconds(s)+59)/60+15)
}

// heldAfterCreation are the group's properties the program sets only when
// it creates the group. Its initial lifecycle hooks apply at creation only,
// and any change to them replaces the group (pulumi-aws's Group), which,
// under its fixed name, fails (AlreadyExists) and would relaunch the fleet:
// another model's heartbeat timeout reaches the hook through its resource
// of its own. Target tracking and the schedules move the desired
// capacity. Where schedules exist they set the minimum and maximum too (the
// peak's all day, the floor at night, each with the plan's maximum): an
// update would put the floor back in the working day, after a refresh read
// the schedule's minimum, or fail on a maximum lowered below it. The
// schedules carry a new plan's sizes from their next run. Without them the
// program owns the minimum and maximum.
func heldAfterCreation(s plan.Sizing, floor int) []string {
	held := []string{"initialLifecycleHooks", "desiredCapacity"}
	if floor == s.PeakInstances {
		return held
	}
	return append(held, "minSize", "maxSize")
}

// businessEnd is the scale-down at the end of the working day
// (units.BusinessDayStartHour + units.BusinessDayHours).
var businessEnd = fmt.Sprintf("0 %d * * MON-FRI", units.BusinessDayStartHour+units.BusinessDayHours)

// BusinessStart is the cron expression of the scale-up before the working
// day: early by the model's start from the weights mirror
// (inference.ScaleUpLeadMinutes), so that it serves at the day's start;
// the plan bills those minutes.
func BusinessStart(checkpointGB float64) string {
	at := max(units.BusinessDayStartHour*60-inference.ScaleUpLeadMinutes(checkpointGB), 0)
	return fmt.Sprintf("%d %d * * MON-FRI", at%60, at/60)
}

// offHoursFloor is the group's size outside business hours: the plan's
// baseline, which the cost model bills (every instance always_on, none on
// business_hours; the program refuses a plan saying otherwise).
func offHoursFloor(s plan.Sizing) int {
	return s.BaselineInstances
}

// schedules adds the scheduled actions: at peak during business hours,
// at floor outside them.
func schedules(ctx *pulumi.Context, name string, asg *autoscaling.Group, s plan.Sizing, floor int, tz string, opts ...pulumi.ResourceOption) error {
	if floor == s.PeakInstances {
		return nil // nothing to change during the day
	}
	tz = canonicalZone(tz)
	actions := []struct {
		suffix, recurrence string
		min, desired       int
	}{
		{"business-start", BusinessStart(s.CheckpointGB), s.PeakInstances, s.PeakInstances},
		{"business-end", businessEnd, floor, floor},
	}
	for _, a := range actions {
		if _, err := autoscaling.NewSchedule(ctx, name+"-"+a.suffix, &autoscaling.ScheduleArgs{
			AutoscalingGroupName: asg.Name,
			ScheduledActionName:  pulumi.String(name + "-" + a.suffix),
			Recurrence:           pulumi.String(a.recurrence),
			TimeZone:             pulumi.String(tz),
			MinSize:              pulumi.Int(a.min),
			MaxSize:              pulumi.Int(s.PeakInstances),
			DesiredCapacity:      pulumi.Int(a.desired),
		}, opts...); err != nil {
			return fmt.Errorf("create schedule %s: %w", a.suffix, err)
		}
	}
	return nil
}

// ScheduleZone is the time zone of a business_hours fleet's schedule: the
// stack's costgate:timeZone where set, else the spec's team.timezone —
// the zone whose working hours the plan prices (the preflight refuses a
// stack zone that differs from it).
func ScheduleZone(stack, team string) string {
	if stack != "" {
		return stack
	}
	return team
}

// canonicalZone is the canonical IANA name EC2 Auto Scaling takes for a
// zone ("the canonical names of the IANA time zones"): a link (US/Pacific,
// UTC, Asia/Calcutta) becomes the zone it names (zoneLinks); empty is UTC.
func canonicalZone(tz string) string {
	if tz == "" {
		return "Etc/UTC"
	}
	if c, ok := zoneLinks[tz]; ok {
		return c
	}
	return tz
}
