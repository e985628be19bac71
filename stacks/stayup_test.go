package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/google/go-cmp/cmp"
)

// checkStaysUp: the group is created at its floor; every launch waits in a
// hook (on the group at creation and on its own, for groups created before
// it) whose heartbeat timeout covers a cold start; deregistration lets
// streams finish; an outage alarm breaches on missing data; the working
// day's scale-up starts ahead of 09:00 by the model's start.
func checkStaysUp(t *testing.T, rs []plan.Resource, s *plan.Sizing, floor int) {
	t.Helper()
	asg := one(t, rs, "aws:autoscaling/group:Group")
	if asg.Properties["desiredCapacity"] != float64(floor) {
		t.Errorf("group created at %v instances, want its floor %d", asg.Properties["desiredCapacity"], floor)
	}
	hooks, _ := asg.Properties["initialLifecycleHooks"].([]any)
	hook := one(t, rs, "aws:autoscaling/lifecycleHook:LifecycleHook").Properties
	if len(hooks) != 1 || hook["name"] != LifecycleHookName || hook["lifecycleTransition"] != "autoscaling:EC2_INSTANCE_LAUNCHING" {
		t.Fatalf("launch hooks %v and %v, want %s on the group and on its own", hooks, hook, LifecycleHookName)
	}
	for _, h := range []any{hooks[0].(map[string]any)["heartbeatTimeout"], hook["heartbeatTimeout"]} {
		if v, _ := h.(float64); v < 1800 || v > 7200 || v < float64(inference.HubStartSeconds(s.WeightsGB)) && v < 7200 {
			t.Errorf("hook heartbeat timeout %v, want at least 1,800 s and the cold start's %d s (AWS allows 7,200)", h, inference.HubStartSeconds(s.WeightsGB))
		}
	}
	drain := StreamDrainSeconds(*s)
	if d := one(t, rs, "aws:lb/targetGroup:TargetGroup").Properties["deregistrationDelay"]; d.(float64) < 300 || d.(float64) != float64(drain) || drain != s.StreamSeconds {
		t.Errorf("deregistration delay %v s, want the plan's longest stream %d s (at least 300)", d, s.StreamSeconds)
	}
	if ud := userData(t, rs); !strings.Contains(ud, fmt.Sprintf("docker stop --time %d vllm", drain)) {
		t.Errorf("the container's stop timeout is not the longest stream's %d s", drain)
	}
	outage := false
	for _, al := range ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") {
		qs, _ := al.Properties["metricQueries"].([]any)
		var metrics []string
		for _, q := range qs {
			if m, ok := q.(map[string]any)["metric"].(map[string]any); ok {
				metrics = append(metrics, m["metricName"].(string))
			}
		}
		if cmp.Equal(metrics, []string{"GroupDesiredCapacity", "HealthyHostCount"}) && al.Properties["treatMissingData"] == "breaching" {
			outage = true
		}
	}
	if !outage {
		t.Errorf("no alarm compares healthy hosts with the desired capacity, breaching on missing data")
	}
	for _, sch := range ofType(rs, "aws:autoscaling/schedule:Schedule") {
		if strings.HasSuffix(sch.Name, "business-start") {
			var m, h int
			if _, err := fmt.Sscanf(sch.Properties["recurrence"].(string), "%d %d", &m, &h); err != nil || 9*3600-(h*3600+m*60) < inference.MirrorStartSeconds(s.WeightsGB) {
				t.Errorf("scale-up at %v: the model's %d s start from the mirror does not end by 09:00", sch.Properties["recurrence"], inference.MirrorStartSeconds(s.WeightsGB))
			}
		}
	}
}

// checkSecretsHidden: every secret value is recorded as "[secret]".
func checkSecretsHidden(t *testing.T, rs []plan.Resource) {
	t.Helper()
	for _, r := range ofType(rs, "aws:secretsmanager/secretVersion:SecretVersion") {
		if r.Properties["secretString"] != Secret {
			t.Errorf("%s records secretString %v, want %q", r.Name, r.Properties["secretString"], Secret)
		}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"sk-openai", "sk-ant", "vllm-key", "generated-at-deploy"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("recorded resources contain the secret %q", leak)
		}
	}
}

// checkVolumePriced: the plan's volume line items price the volume the
// launch template provisions (its GB, and its throughput and IOPS above
// gp3's baseline), for each peak instance while it runs.
func checkVolumePriced(t *testing.T, opt *plan.Option, vol inference.Volume) {
	t.Helper()
	s := opt.Sizing
	if s.Schedule == spec.BusinessHours && s.Pricing != spec.OnDemand && s.Pricing != spec.Spot {
		return // billed hours are the commitment's, not the running ones
	}
	running := float64(s.PeakInstances) * s.BilledHours / units.HoursPerMonth
	want := map[string]float64{
		modelcatalog.PerVolumeGB:    running * float64(vol.GB),
		modelcatalog.PerVolumeMiBps: running * float64(vol.MiBps-inference.GP3BaselineMiBps),
		modelcatalog.PerVolumeIOPS:  running * float64(vol.IOPS-inference.GP3BaselineIOPS),
		modelcatalog.PerMirrorGB:    s.CheckpointGB,
	}
	for _, li := range modelcatalog.Default().FixedCosts {
		q, ok := want[li.Per]
		if !ok {
			continue
		}
		found := false
		for _, it := range opt.LineItems {
			if it.Name == li.Name {
				found = true
				if d := it.MonthlyUSD.Expected - q*li.MonthlyUSD; d > 0.01 || d < -0.01 {
					t.Errorf("%s priced $%.2f, want $%.2f for %+v", it.Name, it.MonthlyUSD.Expected, q*li.MonthlyUSD, vol)
				}
			}
		}
		if !found {
			t.Errorf("plan has no %q line item", li.Name)
		}
	}
}
