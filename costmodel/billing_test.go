package costmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// TestCommitmentBillsAWSMonth: a commitment on an always-on fleet bills
// AWS's 730-hour month whatever hours_per_month says (the article's 720 h
// is a 30-day month, not what a reservation bills); on demand and spot
// bill the month the spec prices, but never fewer hours than a month has:
// the group keeps every instance all month, and AWS bills each hour.
func TestCommitmentBillsAWSMonth(t *testing.T) {
	for _, tt := range []struct {
		pricing string
		month   float64 // hours_per_month
		hours   float64 // billed
	}{
		{"reserved", 720, 730},
		{"capacity_block", 720, 730},
		{"on_demand", 720, 720},
		{"spot", 720, 720},
		{"on_demand", 744, 744},
		{"on_demand", 672, 672},
		{"on_demand", 671, 730},
		{"on_demand", 300, 730},
		{"spot", 1, 730},
		{"reserved", 300, 730},
	} {
		t.Run(fmt.Sprint(tt.pricing, tt.month), func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, 100, 4e6), `pricing = "reserved"`, fmt.Sprintf("pricing = %q\n  hours_per_month = %g\n  gpu_hour_usd = 3", tt.pricing, tt.month), 1)
			sh := evaluate(t, parse(t, "c.hcl", src)).Option(architecture.SelfHosted)
			if !near(sh.Sizing.BilledHours, tt.hours) {
				t.Errorf("billed hours %g, want %g", sh.Sizing.BilledHours, tt.hours)
			}
			for _, it := range sh.LineItems {
				if it.Name == "GPU instances" && !near(it.MonthlyUSD.Expected, float64(sh.Sizing.GPUs)*3*tt.hours) {
					t.Errorf("GPU instances $%.2f, want %d GPUs × $3 × %g h", it.MonthlyUSD.Expected, sh.Sizing.GPUs, tt.hours)
				}
			}
		})
	}
}

// TestCommitmentBillsEveryHour: a reservation bills all of the month's
// hours whatever the schedule, and warns with the on-demand alternative
// on a part-time schedule; on demand bills the scheduled hours only.
func TestCommitmentBillsEveryHour(t *testing.T) {
	for _, tt := range []struct {
		pricing string
		hours   float64
		warns   bool
	}{
		{"reserved", 730, true},
		{"capacity_block", 730, true},
		// The schedule's 09:00-17:00 on every weekday of the month
		// (units.WeekdaysPerMonth) and the scale-up ahead of each by the
		// model's start from the mirror.
		{"on_demand", -1, false},
	} {
		t.Run(tt.pricing, func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, 100, 4e6), `pricing = "reserved"`, fmt.Sprintf("pricing = %q\n  schedule = \"business_hours\"\n  gpu_hour_usd = 3", tt.pricing), 1)
			sh := evaluate(t, parse(t, "c.hcl", src)).Option(architecture.SelfHosted)
			if tt.hours < 0 {
				tt.hours = math.Round(units.WeekdaysPerMonth*(8+float64(inference.ScaleUpLeadMinutes(sh.Sizing.WeightsGB))/60)*100) / 100
			}
			if !near(sh.Sizing.BilledHours, tt.hours) || tt.hours <= units.WeekdaysPerMonth*8 {
				t.Errorf("billed hours %g, want %g", sh.Sizing.BilledHours, tt.hours)
			}
			var gpu LineItem
			for _, it := range sh.LineItems {
				if it.Name == "GPU instances" {
					gpu = it
				}
			}
			if want := float64(sh.Sizing.GPUs) * 3 * tt.hours; !near(gpu.MonthlyUSD.Expected, want) {
				t.Errorf("GPU instances $%.2f, want %d GPUs × $3 × %g h = $%.2f", gpu.MonthlyUSD.Expected, sh.Sizing.GPUs, tt.hours, want)
			}
			warned := ""
			for _, n := range sh.Notes {
				if n.ID == "pricing.idle_commitment" {
					warned = n.Message
				}
			}
			if (warned != "") != tt.warns {
				t.Errorf("pricing.idle_commitment %q, want a warning: %v", warned, tt.warns)
			}
			if tt.warns && !strings.Contains(warned, "on demand for the scheduled hours") {
				t.Errorf("the warning names no on-demand alternative: %s", warned)
			}
		})
	}
}

// TestOpsGrowWithFleet: the default operations cost is the article's range
// up to 4 billed GPUs and grows in proportion beyond; a spec's figure wins.
func TestOpsGrowWithFleet(t *testing.T) {
	ops := func(src string) (float64, int) {
		sh := evaluate(t, parse(t, "o.hcl", src)).Option(architecture.SelfHosted)
		for _, it := range sh.LineItems {
			if it.Name == "operations (MLOps/SRE)" {
				return it.MonthlyUSD.Expected, sh.Sizing.GPUs
			}
		}
		t.Fatal("no operations line")
		return 0, 0
	}
	small, gpus := ops(fmt.Sprintf(base, 10, 1e6))
	if gpus > OpsReferenceGPUs || !near(small, 3000) {
		t.Errorf("%d GPUs: operations $%.2f, want the article's $3,000 expected", gpus, small)
	}
	large, gpus := ops(fmt.Sprintf(base, 3000, 2e7))
	if want := 3000 * float64(gpus) / OpsReferenceGPUs; gpus <= OpsReferenceGPUs || !near(large, want) {
		t.Errorf("%d GPUs: operations $%.2f, want $%.2f", gpus, large, want)
	}
	given, _ := ops(strings.Replace(fmt.Sprintf(base, 3000, 2e7), `pricing = "reserved"`, "pricing = \"reserved\"\n  ops_usd_per_month = 5000", 1))
	if !near(given, 5000) {
		t.Errorf("the spec's $5,000 gives operations $%.2f", given)
	}
}

// TestSpotOnDemandBaseBilledOnDemand: a spot fleet's on-demand base (at
// most the fleet) is billed at the catalog's on-demand rate of the same
// instance type, the rest at the spot rate; the plan carries the base the
// stack provisions, and its longest stream; with another pricing the base
// is moot.
func TestSpotOnDemandBaseBilledOnDemand(t *testing.T) {
	for _, tt := range []struct {
		pricing string
		base    int
	}{
		{"spot", 0}, {"spot", 1}, {"spot", 1000}, {"on_demand", 1},
	} {
		t.Run(fmt.Sprintf("%s/%d", tt.pricing, tt.base), func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, 100, 4e6), `pricing = "reserved"`, fmt.Sprintf("pricing = %q\n  on_demand_base = %d", tt.pricing, tt.base), 1)
			sh := evaluate(t, parse(t, "b.hcl", src)).Option(architecture.SelfHosted)
			s := sh.Sizing
			want := 0
			if tt.pricing == "spot" {
				want = min(tt.base, s.Instances)
			}
			if s.OnDemandBase != want || s.StreamSeconds < inference.MinStreamSeconds || s.StreamSeconds > inference.MaxStreamSeconds {
				t.Fatalf("on-demand base %d, stream %d s; want %d and 300–3,600 s", s.OnDemandBase, s.StreamSeconds, want)
			}
			items := map[string]LineItem{}
			for _, it := range sh.LineItems {
				items[it.Name] = it
			}
			perInstance := s.GPUs / s.Instances
			var odRate, rate float64
			for _, in := range modelcatalog.Default().InstancesFor(s.GPU, s.Region) {
				if in.Type == s.InstanceType {
					od, pr := in.GPUHourUSD["on_demand"], in.GPUHourUSD[tt.pricing]
					odRate, rate = (od.Low+od.High)/2, (pr.Low+pr.High)/2
				}
			}
			base, ok := items["GPU instances (on-demand base)"]
			if ok != (want > 0) || ok && !near(base.MonthlyUSD.Expected, float64(want*perInstance)*odRate*s.BilledHours) {
				t.Errorf("base line %v (present %v), want %d × %d GPUs at $%.2f × %g h", base, ok, want, perInstance, odRate, s.BilledHours)
			}
			if rest := items["GPU instances"].MonthlyUSD.Expected; !near(rest, float64(s.GPUs-want*perInstance)*rate*s.BilledHours) {
				t.Errorf("GPU instances $%.2f, want %d GPUs at $%.2f × %g h", rest, s.GPUs-want*perInstance, rate, s.BilledHours)
			}
		})
	}
}

// TestSpotBaseRunsOnDemandOnlyTypes: a spot fleet whose on-demand base
// covers every instance it needs runs them all on demand, so an instance
// type the catalog prices on demand but not as spot (p5.4xlarge, one
// H100) serves it as it serves an on-demand fleet: the same fleet at the
// same bill, one line at the on-demand rate and a note that says why.
// Beyond the base the type is out (its spot instances have no price): a
// load of two instances with a base of one goes to a type with a spot
// price, and so does a spot fleet with no base at all.
func TestSpotBaseRunsOnDemandOnlyTypes(t *testing.T) {
	const spotless = "p5.4xlarge"
	in := func(pricing string, odBase int, devs float64) *Option {
		src := strings.Replace(fmt.Sprintf(base, devs, 4e6), `model   = "qwen3-coder-30b-a3b"
  pricing = "reserved"`, fmt.Sprintf("model   = \"qwen2.5-coder-7b\"\n  gpu     = \"h100\"\n  pricing = %q", pricing), 1)
		if pricing == "spot" {
			src = strings.Replace(src, `gpu     = "h100"`, fmt.Sprintf("gpu     = \"h100\"\n  on_demand_base = %d", odBase), 1)
		}
		// qwen2.5-coder-7b serves the simple workload: the hybrid's fleet.
		return evaluate(t, parse(t, "b.hcl", src)).Option(architecture.Hybrid)
	}
	carried := 0
	for _, devs := range []float64{20, 1000, 2000} {
		od := in("on_demand", 0, devs)
		if od == nil || od.Sizing == nil || od.Sizing.InstanceType != spotless {
			t.Fatalf("%g developers on demand: %+v; the test wants a fleet of %s", devs, od, spotless)
		}
		for _, b := range []int{1, 3} {
			sp := in("spot", b, devs)
			s := sp.Sizing
			if od.Sizing.Instances > b {
				if s.InstanceType == spotless && s.Instances > b {
					t.Errorf("%g developers, spot with a base of %d: %d × %s, beyond the base of a type without a spot price", devs, b, s.Instances, spotless)
				}
				continue
			}
			carried++
			if s.InstanceType != spotless || s.Instances != od.Sizing.Instances || !near(sp.MonthlyUSD.Expected, od.MonthlyUSD.Expected) {
				t.Errorf("%g developers, spot with a base of %d: %d × %s at $%.2f; want the on-demand fleet's %d × %s at $%.2f",
					devs, b, s.Instances, s.InstanceType, sp.MonthlyUSD.Expected, od.Sizing.Instances, spotless, od.MonthlyUSD.Expected)
			}
			var names []string
			for _, it := range sp.LineItems {
				if strings.HasPrefix(it.Name, "GPU instances") {
					names = append(names, it.Name)
				}
			}
			if !slices.Equal(names, []string{"GPU instances (on-demand base)"}) {
				t.Errorf("GPU lines %v, want the on-demand base's alone", names)
			}
			if !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.Contains(n, spotless+" on demand only") }) {
				t.Errorf("no note says why a spot fleet runs %s on demand: %v", spotless, s.Notes)
			}
		}
		if s := in("spot", 0, devs).Sizing; s.InstanceType == spotless {
			t.Errorf("%g developers, spot without a base: runs %s, which the catalog prices on demand only", devs, spotless)
		}
	}
	if carried < 3 {
		t.Errorf("only %d fleets within their base: the test wants fleets both within and beyond it", carried)
	}
}

// TestImagePullsThroughNAT: every instance the working day's scale-out
// starts pulls the vLLM image from Docker Hub through the NAT gateway,
// which bills each GB: the peak less the off-hours count, every working
// day. An always_on fleet keeps its instances (no start); an image in ECR
// comes through the S3 gateway endpoint (no line).
func TestImagePullsThroughNAT(t *testing.T) {
	for _, tt := range []struct {
		name, edit string
		ecr        bool
	}{
		{"on_demand business_hours", "pricing = \"on_demand\"\n  schedule = \"business_hours\"", false},
		{"on_demand always_on", "pricing = \"on_demand\"", false},
		{"spot always_on", "pricing = \"spot\"", false},
		{"reserved always_on", "pricing = \"reserved\"", false},
		{"on_demand from ECR", "pricing = \"on_demand\"\n  schedule = \"business_hours\"", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(t, "i.hcl", strings.Replace(fmt.Sprintf(base, 2000, 2e7), `pricing = "reserved"`, tt.edit, 1))
			cat := modelcatalog.Default().ForDeployment(modelcatalog.Deployment{ImageFromECR: tt.ecr})
			r, err := Evaluate(s, cat, date)
			if err != nil {
				t.Fatal(err)
			}
			sh := r.Option(architecture.SelfHosted)
			z := sh.Sizing
			var got *LineItem
			for i, it := range sh.LineItems {
				if it.Name == "vLLM image pulls through NAT" {
					got = &sh.LineItems[i]
				}
			}
			if tt.ecr {
				if got != nil {
					t.Fatalf("image from ECR, but %v", *got)
				}
				return
			}
			// An always_on fleet keeps its instances: it starts none a day.
			off := z.PeakInstances
			if z.Schedule == "business_hours" {
				off = 0
			}
			if z.BaselineInstances != off {
				t.Errorf("%s: baseline %d instances, want %d", z.Schedule, z.BaselineInstances, off)
			}
			starts := float64(z.PeakInstances-off) * units.WeekdaysPerMonth
			if (z.Schedule == "always_on") != (starts == 0) {
				t.Fatalf("%s: %g starts a month (peak %d, off hours %d)", z.Schedule, starts, z.PeakInstances, off)
			}
			if starts == 0 {
				if got != nil {
					t.Errorf("%s starts nothing, but %v", z.Schedule, *got)
				}
				return
			}
			if got == nil || !near(got.MonthlyUSD.Expected, starts*inference.ImagePullGB*0.045) {
				t.Fatalf("image pulls %v, want %g starts (%d peak, %d off hours) × %g GB × $0.045", got, starts, z.PeakInstances, off, inference.ImagePullGB)
			}
		})
	}
}

// TestDearSpotWarns: on spot, an H100 fleet the catalog can sell only as
// the 8-GPU p5.48xlarge (no spot price for the one-GPU p5.4xlarge) costs
// more than the same load on demand, and the plan says so with both
// fleets; an A100 fleet, whose one 8-GPU type has a spot price below
// on-demand's, does not warn.
func TestDearSpotWarns(t *testing.T) {
	for _, tc := range []struct {
		gpu   string
		warns bool
	}{{"h100", true}, {"a100-80gb", false}} {
		t.Run(tc.gpu, func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, 100, 4e6), `pricing = "reserved"`, fmt.Sprintf("pricing = \"spot\"\n  gpu = %q", tc.gpu), 1)
			sh := evaluate(t, parse(t, "s.hcl", src)).Option(architecture.SelfHosted)
			warned := ""
			for _, n := range sh.Notes {
				if n.ID == "pricing.spot_dearer" {
					warned = n.Message
				}
			}
			if (warned != "") != tc.warns {
				t.Fatalf("pricing.spot_dearer %q, want a warning: %v (fleet %d × %s)", warned, tc.warns, sh.Sizing.Instances, sh.Sizing.InstanceType)
			}
			if tc.warns && (!strings.Contains(warned, "p5.48xlarge") || !strings.Contains(warned, "p5.4xlarge")) {
				t.Errorf("the warning names not both fleets: %s", warned)
			}
		})
	}
}

// TestSizedRangeBillsTheLaunchedFleet: the stack launches a sized fleet
// for the expected inputs and keeps it, so the low end of the range never
// prices fewer GPUs than it launches (a one-GPU fleet's bill at the low
// corner was one AWS never sends: $1,825 of reservation where 8 GPUs are
// reserved); a high end that needs more GPUs than the launched fleet
// carries says so (sizing.range).
func TestSizedRangeBillsTheLaunchedFleet(t *testing.T) {
	for _, pricing := range []string{"on_demand", "reserved", "capacity_block"} {
		t.Run(pricing, func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, "[100, 1000]", "[2e6, 10e6]"), `pricing = "reserved"`, fmt.Sprintf("pricing = %q\n  gpu = \"h100\"", pricing), 1)
			src = strings.Replace(src, "cost_center          = \"x\"", "cost_center          = \"x\"\n  peak_to_average      = [2, 4]", 1)
			sh := evaluate(t, parse(t, "r.hcl", src)).Option(architecture.SelfHosted)
			var gpu LineItem
			for _, it := range sh.LineItems {
				if it.Name == "GPU instances" {
					gpu = it
				}
			}
			var low float64 // the catalog's low GPU-hour price of the launched type
			for _, in := range modelcatalog.Default().Instances {
				if in.Type == sh.Sizing.InstanceType {
					low = in.GPUHourUSD[pricing].Low
				}
			}
			if floor := float64(sh.Sizing.GPUs) * low * sh.Sizing.BilledHours; low <= 0 || gpu.MonthlyUSD.Low < floor-0.01 {
				t.Errorf("GPU instances %+v: the low end prices fewer GPUs than the %d launched (%.2f at the low price)", gpu.MonthlyUSD, sh.Sizing.GPUs, floor)
			}
			warned := ""
			for _, n := range sh.Notes {
				if n.ID == "sizing.range" {
					warned = n.Message
				}
			}
			if gpu.MonthlyUSD.High > gpu.MonthlyUSD.Expected+0.01 && !strings.Contains(warned, "the stack launches the expected fleet") {
				t.Errorf("the high end prices more GPUs (%+v) with no sizing.range: %v", gpu.MonthlyUSD, sh.Notes)
			}
		})
	}
}

// TestSizedRangeOnTheLaunchedPacking: a range's corners are judged on the
// fleet the stack launches, its instance type as well as its GPUs (16
// one-GPU g6e.xlarge priced the low end where the stack launches 4
// g6e.12xlarge, 29 % low), and sizing.range names the corner the launched
// fleet runs hottest at (the first needing the most GPUs was not it: one
// H100 at 123 % went unwarned).
func TestSizedRangeOnTheLaunchedPacking(t *testing.T) {
	spec := func(devs, tokens, peak, model, gpu, ttft string) string {
		return fmt.Sprintf(`team "r" {
  developers           = %s
  tokens_per_developer = %s
  peak_to_average      = %s
  cost_center          = "x"
}
workload "a" {
  share          = 1
  complexity     = "simple"
  context_tokens = 16384%s
}
self_hosted {
  model   = %q
  gpu     = %q
  pricing = "on_demand"
}
`, devs, tokens, peak, ttft, model, gpu)
	}
	l40s := evaluate(t, parse(t, "l.hcl", spec("[300, 400]", "[5e6, 6e6]", "3", "gpt-oss-20b", "l40s", "\n  max_ttft_ms    = 2000"))).Option(architecture.SelfHosted)
	for _, it := range l40s.LineItems {
		if it.Name == "GPU instances" && it.MonthlyUSD.Low < it.MonthlyUSD.Expected-0.01 {
			t.Errorf("L40S: GPU instances %+v on %d × %s: the low end prices another packing", it.MonthlyUSD, l40s.Sizing.Instances, l40s.Sizing.InstanceType)
		}
	}
	h100 := evaluate(t, parse(t, "h.hcl", spec("[50, 100]", "[2e6, 5e6]", "[2, 3]", "qwen3-coder-30b-a3b", "h100", ""))).Option(architecture.SelfHosted)
	warned := ""
	for _, n := range h100.Notes {
		if n.ID == "sizing.range" {
			warned = n.Message
		}
	}
	if !strings.Contains(warned, "of its capacity at peak") || h100.Sizing.GPUs != 1 {
		t.Errorf("one H100 over its capacity at the range's heaviest corner: sizing.range %q (fleet %d GPUs)", warned, h100.Sizing.GPUs)
	}
}

// TestCheaperGPUNoteAtItsOwnExpected: the sizing.gpu note's figure is the
// named GPU's own expected cost, at its own GPU-hour price's midpoint:
// taken on the chosen B200, whose spot price is one figure, the
// alternatives were priced at their low spot rates, and the note named
// a100-40gb where h200 was cheaper.
func TestCheaperGPUNoteAtItsOwnExpected(t *testing.T) {
	src := `team "g" {
  developers           = 150
  tokens_per_developer = 5e6
  peak_to_average      = 3
  cached_input_share   = 0.6
  cost_center          = "x"
}
workload "a" {
  share          = 1
  complexity     = "simple"
  context_tokens = 32768
  max_ttft_ms    = 1500
}
self_hosted {
  model   = "qwen3-coder-30b-a3b"
  gpu     = "GPU"
  pricing = "spot"
}
compliance {
  code_may_leave_network = false
}
`
	sh := evaluate(t, parse(t, "g.hcl", strings.Replace(src, "GPU", "b200", 1))).Option(architecture.SelfHosted)
	var note string
	for _, n := range sh.Notes {
		if n.ID == "sizing.gpu" {
			note = n.Message
		}
	}
	var gpu, usd string
	if _, err := fmt.Sscanf(strings.TrimPrefix(note, "qwen3-coder-30b-a3b on "), "%s would cost %s a month", &gpu, &usd); err != nil {
		t.Fatalf("no sizing.gpu note to read: %q (%v)", note, err)
	}
	other := evaluate(t, parse(t, "o.hcl", strings.Replace(src, "GPU", gpu, 1))).Option(architecture.SelfHosted)
	if want := units.USD(other.MonthlyUSD.Expected).Cents(); usd != want {
		t.Errorf("the note prices %s at %s a month; its own plan expects %s", gpu, usd, want)
	}
	for _, g := range []string{"h100", "h200", "a100-40gb", "a100-80gb", "l40s"} {
		o := evaluate(t, parse(t, "x.hcl", strings.Replace(src, "GPU", g, 1))).Option(architecture.SelfHosted)
		if o.Sized != nil && o.Sized.MeetsTTFT && !overCapacity(*o.Sized) && o.MonthlyUSD.Expected < other.MonthlyUSD.Expected-0.5 {
			t.Errorf("the note names %s at %.2f; %s plans %.2f", gpu, other.MonthlyUSD.Expected, g, o.MonthlyUSD.Expected)
		}
	}
}

// TestSizedCountsTheSearch: Config.Sized counts the fleets the search
// sizes (a long plan's progress), and the plan is the same with the count
// as without it.
func TestSizedCountsTheSearch(t *testing.T) {
	s := parse(t, "c.hcl", fmt.Sprintf(base, 100, 4e6))
	var n atomic.Int64
	counted, err := EvaluateWith(s, modelcatalog.Default(), date, Config{Sized: &n})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() == 0 {
		t.Errorf("no fleet counted, though the plan sizes its self-hosted option's")
	}
	want, _ := json.Marshal(evaluate(t, s))
	if got, _ := json.Marshal(counted); string(got) != string(want) {
		t.Errorf("counting changed the result:\n%s\nwithout it:\n%s", got, want)
	}
}

// TestFixedRangeOnTheLaunchedInstance: a fixed fleet's range prices the
// instance the stack launches for the expected inputs, at any corner: 8
// L4s launched as one g6.48xlarge at TP 4 were priced at the range's low
// end as two g6.12xlarge (31 % under AWS's bill for the launched
// instance) and their disks at the high end as two instances.
func TestFixedRangeOnTheLaunchedInstance(t *testing.T) {
	for _, gpus := range []int{4, 8} {
		src := fmt.Sprintf(`team "l4" {
  developers           = 100
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "x"
}
workload "autocomplete" {
  share      = 0.6
  complexity = "simple"
}
workload "agent" {
  share      = 0.4
  complexity = "complex"
}
self_hosted {
  model   = "qwen3-coder-30b-a3b"
  pricing = "on_demand"
  gpu     = "l4"
  gpus    = %d
}
`, gpus)
		o := evaluate(t, parse(t, "l4.hcl", src)).Option(architecture.SelfHosted)
		if o == nil || o.Sizing == nil {
			t.Fatalf("gpus = %d: no sized self_hosted option", gpus)
		}
		for _, it := range o.LineItems {
			if (it.Name == "GPU instances" || strings.HasPrefix(it.Name, "gp3 ")) && (it.MonthlyUSD.Low != it.MonthlyUSD.Expected || it.MonthlyUSD.High != it.MonthlyUSD.Expected) {
				t.Errorf("gpus = %d, %d × %s at TP %d: %s %+v: a corner prices another instance", gpus, o.Sizing.Instances, o.Sizing.InstanceType, o.Sizing.TensorParallel, it.Name, it.MonthlyUSD)
			}
		}
	}
}
