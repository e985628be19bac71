package stacks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestSchedulesRunWhatIsBilled: the group runs what the plan bills. An
// always_on fleet keeps its peak every hour (no schedule), as its bill
// counts every GPU for hours_per_month; a business_hours fleet runs its
// peak from the working day's start and none after it, billed for those
// hours on demand (a commitment bills all 730 whatever runs).
func TestSchedulesRunWhatIsBilled(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "routed-team.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ pricing, schedule string }{
		{"on_demand", "always_on"}, {"reserved", "always_on"}, {"on_demand", "business_hours"}, {"reserved", "business_hours"},
	} {
		t.Run(tt.pricing+"/"+tt.schedule, func(t *testing.T) {
			text := strings.Replace(string(src), "self_hosted {", "self_hosted {\n  pricing = \""+tt.pricing+"\"\n  schedule = \""+tt.schedule+"\"", 1)
			path := filepath.Join(t.TempDir(), "team.hcl")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			p, diags, err := plan.BuildFile(context.Background(), path, plan.Options{AsOf: planDate})
			if err != nil || diags.HasErrors() {
				t.Fatalf("build: %v %v", err, diags)
			}
			o := p.Chosen()
			if o == nil || o.Sizing == nil {
				t.Fatalf("decision %s has no fleet", p.Decision.Architecture)
			}
			s := o.Sizing
			rs := runRecorder(t, p, Config{}).sorted()
			asg := one(t, rs, "aws:autoscaling/group:Group")
			scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
			sizes := map[string]any{}
			for _, sch := range scheds {
				sizes[sch.Name[strings.LastIndex(sch.Name, "business-"):]] = sch.Properties["desiredCapacity"]
			}
			running := s.BilledHours
			if tt.schedule == "always_on" {
				if s.BaselineInstances != s.PeakInstances || len(scheds) != 0 || asg.Properties["minSize"] != float64(s.PeakInstances) {
					t.Errorf("always on: baseline %d of %d instances, %d schedules, group minimum %v; want the peak kept, no schedule", s.BaselineInstances, s.PeakInstances, len(scheds), asg.Properties["minSize"])
				}
			} else {
				if s.BaselineInstances != 0 || sizes["business-start"] != float64(s.PeakInstances) || sizes["business-end"] != float64(0) {
					t.Errorf("business hours: baseline %d, schedules %v; want the peak %d from the working day's start and none after", s.BaselineInstances, sizes, s.PeakInstances)
				}
				if tt.pricing == "reserved" && s.BilledHours != 730 {
					t.Errorf("reserved on business hours billed %g h, want all 730", s.BilledHours)
				}
				if tt.pricing == "on_demand" && (running < 176 || running > 200) {
					t.Errorf("on demand on business hours billed %g h, want the working day's 176 h and the early starts", running)
				}
			}
			var gpuUSD float64
			for _, it := range o.LineItems {
				if it.Name == "GPU instances" {
					gpuUSD = it.MonthlyUSD.Expected
				}
			}
			mid := (s.GPUHourUSD.Low + s.GPUHourUSD.High) / 2
			if want := mid * float64(s.GPUs) * s.BilledHours; gpuUSD < want*0.999 || gpuUSD > want*1.001 {
				t.Errorf("GPU instances $%.2f, want $%.2f: every GPU for %g h", gpuUSD, want, s.BilledHours)
			}
		})
	}
}

// TestNoDetailedMonitoring: detailed EC2 monitoring bills every instance's
// metrics (about $2.10 an instance-month), which no line item prices and
// no alarm or scaling policy reads; the launch template keeps the free
// 5-minute metrics.
func TestNoDetailedMonitoring(t *testing.T) {
	rs, _, err := run(t, examplePlan(t, "regulated"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate")
	if m, _ := lt.Properties["monitoring"].(map[string]any); m == nil || m["enabled"] != false {
		t.Errorf("launch template monitoring %v, want enabled false", lt.Properties["monitoring"])
	}
	for _, a := range ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") {
		if a.Properties["namespace"] == "AWS/EC2" {
			t.Errorf("alarm %s reads AWS/EC2 metrics, which basic monitoring gives at 5 minutes only", a.Name)
		}
	}
}
