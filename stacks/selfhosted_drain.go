package stacks

// A spot fleet's drain: the termination hook its instances complete once
// their streams end, and the target group they leave.

import (
	"fmt"

	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// drainHook registers, on a spot fleet, the termination hook its
// instances complete once drained (on the interruption notice or a
// scale-in); an instance that never does goes on after its streams' time
// and two minutes more.
func (f *fleet) drainHook(asg *autoscaling.Group) error {
	if f.a.Sizing.Pricing != spec.Spot {
		return nil
	}
	if _, err := autoscaling.NewLifecycleHook(f.ctx, f.name+"-drained", &autoscaling.LifecycleHookArgs{
		AutoscalingGroupName: asg.Name,
		Name:                 pulumi.String(DrainHookName),
		LifecycleTransition:  pulumi.String("autoscaling:EC2_INSTANCE_TERMINATING"),
		HeartbeatTimeout:     pulumi.Int(StreamDrainSeconds(f.a.Sizing) + 120),
		DefaultResult:        pulumi.String("CONTINUE"),
	}, f.parent); err != nil {
		return fmt.Errorf("create drain lifecycle hook: %w", err)
	}
	return nil
}

// targetGroupName is the fleet's target group's name, which its instance
// policy names before the group exists.
func targetGroupName(ctx *pulumi.Context, a *SelfHostedInferenceArgs) string {
	return physicalName(ctx.Stack(), a.Team, "vllm", a.VPCID, MaxTargetGroupName)
}
