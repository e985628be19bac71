package stacks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestSchedulesRunWhatIsBilled: an always_on fleet on demand runs its
// peak in the working day and its baseline outside it, and the plan bills
// exactly those hours; under a commitment, which bills the peak's every
// hour whatever runs, the fleet keeps its peak all month (no schedule).
func TestSchedulesRunWhatIsBilled(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "routed-team.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pricing := range []string{"on_demand", "reserved"} {
		t.Run(pricing, func(t *testing.T) {
			text := strings.Replace(string(src), "self_hosted {", "self_hosted {\n  pricing = \""+pricing+"\"", 1)
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
			if s.Pricing != pricing {
				t.Fatalf("pricing %s, want %s", s.Pricing, pricing)
			}
			rs := runRecorder(t, p, Config{}).sorted()
			asg := one(t, rs, "aws:autoscaling/group:Group")
			scheds := ofType(rs, "aws:autoscaling/schedule:Schedule")
			if pricing == "reserved" {
				if s.BaselineInstances != s.PeakInstances || s.OffPeakHours != 0 || s.BilledHours != 730 {
					t.Errorf("reserved: baseline %d of %d instances, %g h + %g off-peak; want the peak all 730 h", s.BaselineInstances, s.PeakInstances, s.BilledHours, s.OffPeakHours)
				}
				if len(scheds) != 0 || asg.Properties["minSize"] != float64(s.PeakInstances) {
					t.Errorf("reserved: %d schedules, group minimum %v; want none and the peak %d", len(scheds), asg.Properties["minSize"], s.PeakInstances)
				}
				return
			}
			if s.BaselineInstances >= s.PeakInstances || s.OffPeakHours <= 0 || s.BilledHours+s.OffPeakHours != 730 {
				t.Fatalf("on demand: baseline %d of %d instances, %g h + %g off-peak; want a smaller baseline the rest of 730 h", s.BaselineInstances, s.PeakInstances, s.BilledHours, s.OffPeakHours)
			}
			sizes := map[string]any{}
			for _, sch := range scheds {
				sizes[sch.Name[strings.LastIndex(sch.Name, "business-"):]] = sch.Properties["desiredCapacity"]
			}
			if sizes["business-start"] != float64(s.PeakInstances) || sizes["business-end"] != float64(s.BaselineInstances) {
				t.Errorf("schedules set %v, want the peak %d from the working day's start and the billed baseline %d after it", sizes, s.PeakInstances, s.BaselineInstances)
			}
			var gpuUSD float64
			for _, it := range o.LineItems {
				if it.Name == "GPU instances" {
					gpuUSD = it.MonthlyUSD.Expected
				}
			}
			perInstance := float64(s.GPUs / s.PeakInstances)
			mid := (s.GPUHourUSD.Low + s.GPUHourUSD.High) / 2
			if want := mid * perInstance * (float64(s.PeakInstances)*s.BilledHours + float64(s.BaselineInstances)*s.OffPeakHours); gpuUSD < want*0.999 || gpuUSD > want*1.001 {
				t.Errorf("GPU instances $%.2f, want $%.2f: the peak for %g h and the baseline for %g h", gpuUSD, want, s.BilledHours, s.OffPeakHours)
			}
		})
	}
}
