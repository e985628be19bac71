package review

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// inputChange is one differing input and how to move a spec to head's value.
type inputChange struct {
	input, base, head string
	apply             func(dst *spec.Spec)
}

// inputChanges lists the inputs that differ, in attribution order. It is a
// table, one line per spec attribute in the spec language's order, which
// TestInputChangesCoverEveryField keeps complete; the team, workload and
// self_hosted blocks' lines are in teamFields, workloadFields and
// selfHostedFields, called in order.
func inputChanges(base, head *spec.Spec) []inputChange {
	var out []inputChange
	add := func(input string, b, h any, apply func(dst *spec.Spec)) {
		if reflect.DeepEqual(b, h) {
			return
		}
		bs, hs := value(b), value(h)
		if bm, ok := b.(*modelDecl); ok && bm != nil {
			if hm, ok := h.(*modelDecl); ok && hm != nil {
				bs, hs = modelChange(bm, hm)
			}
		}
		out = append(out, inputChange{input: input, base: bs, head: hs, apply: apply})
	}
	// field compares one attribute reached by get and moves it to head's value.
	field := func(input string, get func(*spec.Spec) any, set func(dst, src *spec.Spec)) {
		add(input, get(base), get(head), func(dst *spec.Spec) { set(dst, head) })
	}
	teamFields(field)

	workloadFields(add, base, head)

	m := func(s *spec.Spec) *spec.Managed { return &s.Managed }
	field("managed.simple_model", func(s *spec.Spec) any { return m(s).SimpleModel }, func(d, s *spec.Spec) { m(d).SimpleModel = m(s).SimpleModel })
	field("managed.complex_model", func(s *spec.Spec) any { return m(s).ComplexModel }, func(d, s *spec.Spec) { m(d).ComplexModel = m(s).ComplexModel })
	field("managed.provider", func(s *spec.Spec) any { return optionalString(m(s).Provider) }, func(d, s *spec.Spec) { m(d).Provider = m(s).Provider })
	field("managed.candidates", func(s *spec.Spec) any { return m(s).Candidates }, func(d, s *spec.Spec) { m(d).Candidates = m(s).Candidates })
	field("managed.bedrock_profile", func(s *spec.Spec) any { return optionalString(m(s).BedrockProfile) }, func(d, s *spec.Spec) { m(d).BedrockProfile = m(s).BedrockProfile })

	// Model blocks come before self_hosted so that a switch to a newly
	// declared model finds it.
	for _, name := range unionNames(modelNames(base), modelNames(head)) {
		add("model."+name, modelBlock(base, name), modelBlock(head, name), func(dst *spec.Spec) {
			dst.Models = slices.DeleteFunc(slices.Clone(dst.Models), func(om modelcatalog.OpenModel) bool { return om.ID == name })
			dst.ModelThroughput = slices.DeleteFunc(slices.Clone(dst.ModelThroughput), func(tp modelcatalog.Throughput) bool { return tp.Model == name })
			if mb := modelBlock(head, name); mb != nil {
				dst.Models = append(dst.Models, mb.Model)
				dst.ModelThroughput = append(dst.ModelThroughput, mb.Throughput...)
			}
		})
	}

	selfHostedFields(field)

	field("compliance.code_may_leave_network", func(s *spec.Spec) any { return s.Compliance.CodeMayLeaveNetwork }, func(d, s *spec.Spec) { d.Compliance.CodeMayLeaveNetwork = s.Compliance.CodeMayLeaveNetwork })
	field("compliance.allowed_providers", func(s *spec.Spec) any { return s.Compliance.AllowedProviders }, func(d, s *spec.Spec) { d.Compliance.AllowedProviders = s.Compliance.AllowedProviders })
	field("organization.gpu_expertise", func(s *spec.Spec) any { return s.Organization.GPUExpertise }, func(d, s *spec.Spec) { d.Organization.GPUExpertise = s.Organization.GPUExpertise })
	field("organization.latency_over_quality", func(s *spec.Spec) any { return s.Organization.LatencyOverQuality }, func(d, s *spec.Spec) { d.Organization.LatencyOverQuality = s.Organization.LatencyOverQuality })

	field("budget.monthly_limit_usd", func(s *spec.Spec) any { return s.Budget.MonthlyLimitUSD }, func(d, s *spec.Spec) { d.Budget.MonthlyLimitUSD = s.Budget.MonthlyLimitUSD })
	field("budget.approval_above_usd", func(s *spec.Spec) any { return s.Budget.ApprovalAboveUSD }, func(d, s *spec.Spec) { d.Budget.ApprovalAboveUSD = s.Budget.ApprovalAboveUSD })
	field("budget.alert_emails", func(s *spec.Spec) any { return emptyNil(s.Budget.AlertEmails) }, func(d, s *spec.Spec) { d.Budget.AlertEmails = s.Budget.AlertEmails })

	field("quality.rework_hours", func(s *spec.Spec) any { return s.Quality.ReworkHours }, func(d, s *spec.Spec) { d.Quality.ReworkHours = s.Quality.ReworkHours })
	field("quality.include_in_decision", func(s *spec.Spec) any { return s.Quality.IncludeInDecision }, func(d, s *spec.Spec) { d.Quality.IncludeInDecision = s.Quality.IncludeInDecision })

	for _, name := range unionNames(overrideNames(base), overrideNames(head)) {
		add("override."+name, overrideOf(base, name), overrideOf(head, name), func(dst *spec.Spec) {
			dst.Overrides = slices.DeleteFunc(slices.Clone(dst.Overrides), func(o spec.Override) bool { return o.Name == name })
			if o := overrideOf(head, name); o != nil {
				dst.Overrides = append(dst.Overrides, *o)
			}
		})
	}
	return out
}

// workloadFields adds the workload lines of inputChanges: membership and
// shares together, then each workload both specs have, attribute by
// attribute.
func workloadFields(add func(input string, b, h any, apply func(dst *spec.Spec)), base, head *spec.Spec) {
	// Workload membership and shares move together, so that every
	// intermediate spec's shares still sum to 1.
	add("workloads", workloadShares(base), workloadShares(head), func(dst *spec.Spec) {
		var ws []spec.Workload
		for _, hw := range head.Workloads {
			w := hw
			if i := workloadIndex(dst, hw.Name); i >= 0 {
				w = dst.Workloads[i]
				w.Share = hw.Share
			}
			ws = append(ws, w)
		}
		dst.Workloads = ws
	})
	for _, bw := range base.Workloads {
		hi := workloadIndex(head, bw.Name)
		if hi < 0 {
			continue
		}
		hw := head.Workloads[hi]
		wl := func(input string, get func(spec.Workload) any, set func(dst *spec.Workload, src spec.Workload)) {
			add("workload."+bw.Name+"."+input, get(bw), get(hw), func(dst *spec.Spec) {
				if i := workloadIndex(dst, bw.Name); i >= 0 {
					set(&dst.Workloads[i], hw)
				}
			})
		}
		wl("complexity", func(w spec.Workload) any { return w.Complexity }, func(d *spec.Workload, s spec.Workload) { d.Complexity = s.Complexity })
		wl("context_tokens", func(w spec.Workload) any { return w.ContextTokens }, func(d *spec.Workload, s spec.Workload) { d.ContextTokens = s.ContextTokens })
		wl("max_ttft_ms", func(w spec.Workload) any { return optional(w.MaxTTFTMs) }, func(d *spec.Workload, s spec.Workload) { d.MaxTTFTMs = s.MaxTTFTMs })
		wl("rework_hours", func(w spec.Workload) any { return w.ReworkHours }, func(d *spec.Workload, s spec.Workload) { d.ReworkHours = s.ReworkHours })
		wl("route", func(w spec.Workload) any { return w.Route }, func(d *spec.Workload, s spec.Workload) { d.Route = s.Route })
		wl("model", func(w spec.Workload) any { return w.Model }, func(d *spec.Workload, s spec.Workload) { d.Model = s.Model })
		wl("min_quality", func(w spec.Workload) any { return w.MinQuality }, func(d *spec.Workload, s spec.Workload) { d.MinQuality = s.MinQuality })
	}
}

// cloneSpec copies a spec deeply enough that applying input changes to the
// copy leaves the original alone: every slice an apply function edits in
// place is cloned.
func cloneSpec(s *spec.Spec) *spec.Spec {
	c := *s
	c.Workloads = slices.Clone(s.Workloads)
	c.Overrides = slices.Clone(s.Overrides)
	c.Models = slices.Clone(s.Models)
	c.ModelThroughput = slices.Clone(s.ModelThroughput)
	return &c
}

// specsEqual compares what the plan reads of two specs: not where they
// were read from.
func specsEqual(a, b *spec.Spec) bool {
	return cmp.Equal(a, b, cmpopts.IgnoreFields(spec.Spec{}, "Filename", "Ranges"), cmpopts.EquateEmpty())
}

// sharesValue is a workload list as "name=share" pairs, for comparing
// membership and shares and for showing them.
type sharesValue []string

func workloadShares(s *spec.Spec) sharesValue {
	out := sharesValue{}
	for _, w := range s.Workloads {
		out = append(out, w.Name+"="+number(w.Share))
	}
	return out
}

func workloadIndex(s *spec.Spec, name string) int {
	return slices.IndexFunc(s.Workloads, func(w spec.Workload) bool { return w.Name == name })
}

// modelDecl is a model block with its throughput blocks.
type modelDecl struct {
	Model      modelcatalog.OpenModel
	Throughput []modelcatalog.Throughput
}

func modelBlock(s *spec.Spec, name string) *modelDecl {
	for _, om := range s.Models {
		if om.ID == name {
			md := &modelDecl{Model: om}
			for _, tp := range s.ModelThroughput {
				if tp.Model == name {
					md.Throughput = append(md.Throughput, tp)
				}
			}
			return md
		}
	}
	return nil
}

// modelChange shows a model block present on both sides by the fields
// that differ, each as its JSON name and value ("mine: dense_layers 1" →
// "mine: dense_layers 45"): the block's name and size alone would read
// the same on both sides. Throughput rows that differ are counted.
func modelChange(b, h *modelDecl) (string, string) {
	var bs, hs []string
	bv, hv := reflect.ValueOf(b.Model), reflect.ValueOf(h.Model)
	t := bv.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if t.Field(i).Anonymous {
			name = "source"
		}
		if name == "" || name == "-" || reflect.DeepEqual(bv.Field(i).Interface(), hv.Field(i).Interface()) {
			continue
		}
		bs = append(bs, name+" "+fieldValue(bv.Field(i)))
		hs = append(hs, name+" "+fieldValue(hv.Field(i)))
	}
	if !reflect.DeepEqual(b.Throughput, h.Throughput) {
		bs = append(bs, fmt.Sprintf("%d throughput rows", len(b.Throughput)))
		hs = append(hs, fmt.Sprintf("%d throughput rows (changed)", len(h.Throughput)))
	}
	return b.Model.ID + ": " + strings.Join(bs, ", "), h.Model.ID + ": " + strings.Join(hs, ", ")
}

// fieldValue writes one model field: a figure as a spec would, anything
// else (quality scores, the source) briefly.
func fieldValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float64:
		return number(v.Float())
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return "changed"
}

func modelNames(s *spec.Spec) []string {
	var out []string
	for _, om := range s.Models {
		out = append(out, om.ID)
	}
	return out
}

func overrideNames(s *spec.Spec) []string {
	var out []string
	for _, o := range s.Overrides {
		out = append(out, o.Name)
	}
	return out
}

func overrideOf(s *spec.Spec, name string) *spec.Override {
	for i := range s.Overrides {
		if s.Overrides[i].Name == name {
			return &s.Overrides[i]
		}
	}
	return nil
}

// unionNames lists a's names, then b's that a lacks.
func unionNames(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// optionalValue marks a zero that means "unset" in the spec.
type optionalValue struct{}

func optional(v float64) any {
	if v == 0 {
		return optionalValue{}
	}
	return v
}

func optionalInt(v int) any {
	if v == 0 {
		return optionalValue{}
	}
	return v
}

func optionalString(v string) any {
	if v == "" {
		return optionalValue{}
	}
	return v
}

func emptyNil(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	return v
}

// value shows an input's value as a spec would write it.
func value(v any) string {
	switch x := v.(type) {
	case optionalValue:
		return "unset"
	case nil:
		return "unset"
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return number(x)
	case spec.Range:
		if x.IsScalar() {
			return number(x.Low)
		}
		return "[" + number(x.Low) + ", " + number(x.High) + "]"
	case *spec.Range:
		if x == nil {
			return "unset"
		}
		return value(*x)
	case *float64:
		if x == nil {
			return "unset"
		}
		return number(*x)
	case []string:
		if x == nil {
			return "unset"
		}
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case sharesValue:
		return strings.Join(x, ", ")
	case *spec.Override:
		if x == nil {
			return "absent"
		}
		return fmt.Sprintf("waives %s until %s (%s)", x.Policy, x.Expires.Format(time.DateOnly), x.Approver)
	case *modelDecl:
		if x == nil {
			return "absent"
		}
		return fmt.Sprintf("%s, %s GB", x.Model.ID, number(x.Model.WeightsGB))
	default:
		return fmt.Sprint(v)
	}
}

// number writes a figure the way a spec would: 200, 0.8, 2e6, 1.4e7.
func number(v float64) string {
	if a := math.Abs(v); a >= 1e6 {
		s := strconv.FormatFloat(v, 'g', -1, 64)
		return strings.NewReplacer("e+0", "e", "e+", "e").Replace(s)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// gpuInput is self_hosted.gpu as written: one GPU, or the list chosen
// among.
func gpuInput(s *spec.SelfHosted) string {
	if s.GPUChoices == nil {
		return s.GPU
	}
	q := make([]string, len(s.GPUChoices))
	for i, g := range s.GPUChoices {
		q[i] = strconv.Quote(g)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// fieldFunc compares one attribute reached by get and moves it to head's
// value with set.
type fieldFunc func(input string, get func(*spec.Spec) any, set func(dst, src *spec.Spec))

// teamFields are the team block's attributes, in the language's order.
func teamFields(field fieldFunc) {
	t := func(s *spec.Spec) *spec.Team { return &s.Team }
	field("team.name", func(s *spec.Spec) any { return t(s).Name }, func(d, s *spec.Spec) { t(d).Name = t(s).Name })
	field("team.developers", func(s *spec.Spec) any { return t(s).Developers }, func(d, s *spec.Spec) { t(d).Developers = t(s).Developers })
	field("team.tokens_per_developer", func(s *spec.Spec) any { return t(s).TokensPerDeveloper }, func(d, s *spec.Spec) { t(d).TokensPerDeveloper = t(s).TokensPerDeveloper })
	field("team.input_share", func(s *spec.Spec) any { return t(s).InputShare }, func(d, s *spec.Spec) { t(d).InputShare = t(s).InputShare })
	field("team.cached_input_share", func(s *spec.Spec) any { return t(s).CachedInputShare }, func(d, s *spec.Spec) { t(d).CachedInputShare = t(s).CachedInputShare })
	field("team.cache_write_share", func(s *spec.Spec) any { return t(s).CacheWriteShare }, func(d, s *spec.Spec) { t(d).CacheWriteShare = t(s).CacheWriteShare })
	field("team.cache_ttl", func(s *spec.Spec) any { return optionalString(t(s).CacheTTL) }, func(d, s *spec.Spec) { t(d).CacheTTL = t(s).CacheTTL })
	field("team.working_hours_per_month", func(s *spec.Spec) any { return t(s).WorkingHoursPerMonth }, func(d, s *spec.Spec) { t(d).WorkingHoursPerMonth = t(s).WorkingHoursPerMonth })
	field("team.peak_to_average", func(s *spec.Spec) any { return t(s).PeakToAverage }, func(d, s *spec.Spec) { t(d).PeakToAverage = t(s).PeakToAverage })
	field("team.developer_hourly_usd", func(s *spec.Spec) any { return t(s).DeveloperHourlyUSD }, func(d, s *spec.Spec) { t(d).DeveloperHourlyUSD = t(s).DeveloperHourlyUSD })
	field("team.cost_center", func(s *spec.Spec) any { return t(s).CostCenter }, func(d, s *spec.Spec) { t(d).CostCenter = t(s).CostCenter })
	field("team.timezone", func(s *spec.Spec) any { return t(s).Timezone }, func(d, s *spec.Spec) { t(d).Timezone = t(s).Timezone })
}

// selfHostedFields are the self_hosted block's attributes, in the
// language's order.
func selfHostedFields(field fieldFunc) {
	sh := func(s *spec.Spec) *spec.SelfHosted { return &s.SelfHosted }
	field("self_hosted.model", func(s *spec.Spec) any { return sh(s).Model }, func(d, s *spec.Spec) { sh(d).Model = sh(s).Model })
	// gpu sets both the GPU and, for "auto" or a list, the choices.
	field("self_hosted.gpu", func(s *spec.Spec) any { return gpuInput(sh(s)) }, func(d, s *spec.Spec) {
		sh(d).GPU, sh(d).GPUChoices = sh(s).GPU, sh(s).GPUChoices
	})
	field("self_hosted.pricing", func(s *spec.Spec) any { return sh(s).Pricing }, func(d, s *spec.Spec) { sh(d).Pricing = sh(s).Pricing })
	field("self_hosted.gpu_hour_usd", func(s *spec.Spec) any { return sh(s).GPUHourUSD }, func(d, s *spec.Spec) { sh(d).GPUHourUSD = sh(s).GPUHourUSD })
	field("self_hosted.gpus", func(s *spec.Spec) any { return optionalInt(sh(s).GPUs) }, func(d, s *spec.Spec) { sh(d).GPUs = sh(s).GPUs })
	field("self_hosted.schedule", func(s *spec.Spec) any { return sh(s).Schedule }, func(d, s *spec.Spec) { sh(d).Schedule = sh(s).Schedule })
	field("self_hosted.hours_per_month", func(s *spec.Spec) any { return sh(s).HoursPerMonth }, func(d, s *spec.Spec) { sh(d).HoursPerMonth = sh(s).HoursPerMonth })
	field("self_hosted.ops_usd_per_month", func(s *spec.Spec) any { return [2]any{sh(s).OpsUSDPerMonth, sh(s).OpsFromSpec} }, func(d, s *spec.Spec) {
		sh(d).OpsUSDPerMonth, sh(d).OpsFromSpec = sh(s).OpsUSDPerMonth, sh(s).OpsFromSpec
	})
	field("self_hosted.min_replicas", func(s *spec.Spec) any { return sh(s).MinReplicas }, func(d, s *spec.Spec) { sh(d).MinReplicas = sh(s).MinReplicas })
	field("self_hosted.target_utilization", func(s *spec.Spec) any { return sh(s).TargetUtilization }, func(d, s *spec.Spec) { sh(d).TargetUtilization = sh(s).TargetUtilization })
	field("self_hosted.min_quality", func(s *spec.Spec) any { return sh(s).MinQuality }, func(d, s *spec.Spec) { sh(d).MinQuality = sh(s).MinQuality })
	field("self_hosted.region", func(s *spec.Spec) any { return sh(s).Region }, func(d, s *spec.Spec) { sh(d).Region = sh(s).Region })
	field("self_hosted.on_demand_base", func(s *spec.Spec) any { return sh(s).OnDemandBase }, func(d, s *spec.Spec) { sh(d).OnDemandBase = sh(s).OnDemandBase })
}
