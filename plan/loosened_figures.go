package plan

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// loosener gathers the loosenings of one change.
type loosener struct {
	head *spec.Spec
	out  []Loosening
}

func (l *loosener) add(attr, format string, args ...any) {
	rng := specRange(l.head, attr)
	l.out = append(l.out, Loosening{Attribute: attr, Range: rng, Line: rng.Start.Line, Message: fmt.Sprintf(format, args...)})
}

// fell reports attr when its value falls from b to h; rose when it rises.
func (l *loosener) fell(attr string, b, h float64, why string) {
	if h < b {
		l.add(attr, "%s falls from %g to %g: %s", attr, b, h, why)
	}
}

func (l *loosener) rose(attr string, b, h float64, why string) {
	if h > b {
		l.add(attr, "%s rises from %g to %g: %s", attr, b, h, why)
	}
}

// figureLoosenings lists how head changes a spec figure that sets a price
// or a capacity so that an option costs less — a lower GPU-hour price
// (against the base's own for the same GPU, pricing and region; against
// the catalog's once the fleet is sized, planChecks.gpuHour), fewer billed
// hours, a lower operations cost, a higher utilization target, a model
// block's figures made more favourable — and how it relaxes a threshold a
// sealed policy reads from
// the spec: a lower min_quality (a workload's or self_hosted's,
// quality.floor), a higher or removed max_ttft_ms (latency.ttft), either
// gone with its workload, a quality floor read on the simple scale. Each
// is spec.loosened, as a raised budget is. A nil base (a new spec)
// loosens nothing.
func figureLoosenings(base, head *spec.Spec) []Loosening {
	if base == nil || head == nil {
		return nil
	}
	l := &loosener{head: head}
	bs, hs := base.SelfHosted, head.SelfHosted
	if h := hs.GPUHourUSD; h != nil {
		// The base's own figure priced the base's GPU, pricing model and
		// region: while they stay, the head's is weighed against it; once
		// any changes (a spot price carried over to on-demand, an L4's to
		// an H100), against the catalog's price of the instance the fleet
		// runs on, when it is sized (planChecks.gpuHour).
		if b := bs.GPUHourUSD; b != nil && bs.GPU == hs.GPU && bs.Pricing == hs.Pricing && bs.Region == hs.Region && priceFell(*b, *h) {
			l.add("self_hosted.gpu_hour_usd", "self_hosted.gpu_hour_usd falls from %s to %s per GPU-hour: every GPU of the fleet costs less", rangeOf(*b, usdCents), rangeOf(*h, usdCents))
		}
	}
	// Reserved prices a Savings Plan or reservation the program does not
	// buy (it launches on-demand instances, billed so until one covers
	// them): a switch to it is a commitment a reviewer approves, whether
	// or not it clears a denial today. Merged where it cleared nothing, it
	// stood as an exemption: the next change of load was judged at
	// reserved rates.
	if hs.Pricing == spec.Reserved && bs.Pricing != spec.Reserved {
		l.add("self_hosted.pricing", "self_hosted.pricing changes from %q to \"reserved\": the fleet is priced at a Savings Plan's or reservation's rates, which the program does not buy (it launches on-demand instances, billed so until one covers them); approving it commits to buying one", bs.Pricing)
	}
	// A commitment, or a figure fewer than any month has, bills AWS's
	// month whatever hours_per_month says.
	monthOf := func(s spec.SelfHosted) float64 { return spec.AlwaysOnHours(s.Pricing, s.HoursPerMonth) }
	l.fell("self_hosted.hours_per_month", monthOf(bs), monthOf(hs), "the fleet is billed for fewer hours")
	switch {
	case hs.OpsFromSpec && !bs.OpsFromSpec:
		// The default grows with the fleet's GPUs; a fixed figure does not.
		l.add("self_hosted.ops_usd_per_month", "self_hosted.ops_usd_per_month is set to %s–%s a month where the base used the default, which grows with the fleet's GPUs: a large fleet's operations cost less",
			units.USD(hs.OpsUSDPerMonth.Low).Whole(), units.USD(hs.OpsUSDPerMonth.High).Whole())
	case hs.OpsFromSpec || bs.OpsFromSpec:
		l.fell("self_hosted.ops_usd_per_month", bs.OpsUSDPerMonth.Low, hs.OpsUSDPerMonth.Low, "operating the fleet costs less")
		if hs.OpsUSDPerMonth.Low >= bs.OpsUSDPerMonth.Low {
			l.fell("self_hosted.ops_usd_per_month", bs.OpsUSDPerMonth.High, hs.OpsUSDPerMonth.High, "operating the fleet costs less")
		}
	}
	l.rose("self_hosted.target_utilization", bs.TargetUtilization, hs.TargetUtilization, "the same load is sized onto fewer GPUs")
	l.fell("self_hosted.min_quality", bs.MinQuality, hs.MinQuality, "a weaker model may serve the fleet's workloads (quality.floor)")
	for _, hw := range head.Workloads {
		for _, bw := range base.Workloads {
			if bw.Name != hw.Name {
				continue
			}
			path := "workload." + hw.Name
			l.fell(path+".min_quality", bw.MinQuality, hw.MinQuality, "a weaker model may serve it (quality.floor)")
			switch {
			case bw.MaxTTFTMs > 0 && hw.MaxTTFTMs == 0:
				l.add(path+".max_ttft_ms", "%s.max_ttft_ms is removed (was %g ms): any time to first token is allowed (latency.ttft)", path, bw.MaxTTFTMs)
			case bw.MaxTTFTMs > 0:
				l.rose(path+".max_ttft_ms", bw.MaxTTFTMs, hw.MaxTTFTMs, "a slower first token is allowed (latency.ttft)")
			}
			// A quality floor is a score for the workload's complexity: the
			// same model scores higher on simple tasks (HumanEval) than on
			// complex ones (SWE-bench Verified), so a complex workload made
			// simple passes a floor its model failed.
			if floor := max(bw.MinQuality, bs.MinQuality); floor > 0 && bw.Complexity == spec.Complex && hw.Complexity == spec.Simple {
				l.add(path+".complexity", "%s.complexity changes from complex to simple: its quality floor of %g is now read against simple-task scores, which every model reaches more easily than complex-task ones (quality.floor)", path, floor)
			}
		}
	}
	l.goneWorkloads(base, head)
	l.models(base, head)
	return l.out
}

// priceFell reports whether a price range h is cheaper than b: a lower low
// end, or a lower midpoint (a point inside b, 3.00 in 2.50–3.50, is
// neither).
func priceFell(b, h spec.Range) bool {
	return h.Low < b.Low || h.Low+h.High < b.Low+b.High-1e-9
}

// figureBase is what a new spec's figures are compared with: the spec
// itself with the figures that set a price or a capacity as the default
// branch's rules set them when the spec leaves them out — the catalog's
// GPU-hour price, AWS's month, the default utilization target, and no
// model block of its own. Its operations cost is compared with the
// default at its fleet's size once the fleet is sized (planChecks.ops). Its load,
// thresholds, compliance and budget are the spec's: a new team's are its
// own to state.
func figureBase(head *spec.Spec) *spec.Spec {
	b := *head
	def := spec.DefaultSelfHosted()
	sh := &b.SelfHosted
	sh.GPUHourUSD, sh.HoursPerMonth, sh.TargetUtilization = nil, def.HoursPerMonth, def.TargetUtilization
	b.Models, b.ModelThroughput = nil, nil
	return &b
}

// goneWorkloads reports a base workload with a max_ttft_ms or a
// min_quality that the head no longer has under its name — removed, or
// renamed so that the name-by-name comparison never sees its target go —
// unless a workload new in the head carries it: the same complexity, at
// least its share of the tokens and its context, and targets as tight. Each
// new workload carries one gone workload at most, so a small decoy with a
// target cannot stand in for the traffic that lost one.
func (l *loosener) goneWorkloads(base, head *spec.Spec) {
	inBase := map[string]bool{}
	for _, w := range base.Workloads {
		inBase[w.Name] = true
	}
	var added []spec.Workload
	inHead := map[string]bool{}
	for _, w := range head.Workloads {
		inHead[w.Name] = true
		if !inBase[w.Name] {
			added = append(added, w)
		}
	}
	used := make([]bool, len(added))
	for _, bw := range base.Workloads {
		if inHead[bw.Name] || (bw.MaxTTFTMs == 0 && bw.MinQuality == 0) {
			continue
		}
		carried := false
		for i, w := range added {
			if used[i] || w.Complexity != bw.Complexity || w.Share < bw.Share || w.ContextTokens < bw.ContextTokens ||
				(bw.MaxTTFTMs > 0 && (w.MaxTTFTMs == 0 || w.MaxTTFTMs > bw.MaxTTFTMs)) || w.MinQuality < bw.MinQuality {
				continue
			}
			used[i], carried = true, true
			break
		}
		if carried {
			continue
		}
		path := "workload." + bw.Name
		if bw.MaxTTFTMs > 0 {
			l.add(path+".max_ttft_ms", "workload %s, whose max_ttft_ms of %g ms gated the plan, is gone (removed or renamed) and no new workload of its complexity, share and context keeps a target as tight: any time to first token is allowed (latency.ttft)", bw.Name, bw.MaxTTFTMs)
		}
		if bw.MinQuality > 0 {
			l.add(path+".min_quality", "workload %s, whose min_quality of %g gated the plan, is gone (removed or renamed) and no new workload of its complexity, share and context keeps a floor as high: a weaker model may serve its tasks (quality.floor)", bw.Name, bw.MinQuality)
		}
	}
}

// models compares the model blocks the fleet may run (self_hosted.model
// names them, or is "auto"). A new one is a loosening: its figures are the
// spec's own and the search only picks it when it is cheaper. In one the
// base had, other weights (hf_repo) are, and a figure moved the way that
// lowers the fleet's cost is: a
// higher quality, throughput or context, a lower time to first token,
// concurrency, weight size, KV cache or parameter count; and any change to
// a figure the performance model reads, whose effect on cost has no one
// direction.
func (l *loosener) models(base, head *spec.Spec) {
	old := map[string]*modelcatalog.OpenModel{}
	for i := range base.Models {
		old[base.Models[i].ID] = &base.Models[i]
	}
	for i := range head.Models {
		h := &head.Models[i]
		if m := head.SelfHosted.Model; m != h.ID && m != spec.AutoModel {
			continue
		}
		path := "model." + h.ID
		b, ok := old[h.ID]
		if !ok {
			l.add(path, "model %q is new and the fleet may run it: its throughput, quality and size are the spec's own figures", h.ID)
			continue
		}
		// A block the base's fleet could not run was never compared: its
		// figures, however favourable, went in unchecked.
		if m := base.SelfHosted.Model; m != h.ID && m != spec.AutoModel {
			l.add(path, "model %q, which the base's fleet did not run (it ran %q), may now run it: its throughput, quality and size are the spec's own figures", h.ID, m)
			continue
		}
		// The block's figures were written for the weights it loads: with
		// other weights, its quality, size and throughput describe a
		// model the fleet no longer runs.
		if b.HFRepo != h.HFRepo {
			l.add(path+".hf_repo", "%s.hf_repo changes from %q to %q: the fleet loads other weights, which the block's quality, size and throughput figures were not written for (quality.floor)", path, b.HFRepo, h.HFRepo)
		}
		for _, k := range []string{spec.Simple, spec.Complex} {
			l.rose(path+".quality", b.Quality[k].Value, h.Quality[k].Value, k+" workloads count as better served")
		}
		l.fell(path+".weights_gb", b.WeightsGB, h.WeightsGB, "more of each GPU is left for the KV cache")
		l.fell(path+".kv_bytes_per_token", float64(b.KVBytes()), float64(h.KVBytes()), "each GPU holds more sequences")
		l.fell(path+".params_b", b.ParamsB, h.ParamsB, "the model counts as smaller")
		l.fell(path+".active_params_b", b.ActiveParamsB, h.ActiveParamsB, "each token counts as cheaper to compute")
		l.rose(path+".max_context", float64(b.MaxContext), float64(h.MaxContext), "it may serve longer contexts")
		for _, f := range perfFigures(b, h) {
			l.add(path+"."+f, "%s.%s changes: the performance model's prediction, and the fleet it sizes, move with it", path, f)
		}
		l.throughput(base, head, h.ID)
	}
}

// perfFigures names the figures of a model block that differ between b
// and h, whichever way they move: every field of modelcatalog.OpenModel
// but those models compares by direction (directionalFigures) and those
// that are no figure (notFigures). A field added to the model block is
// compared without a change here (TestEveryModelFieldIsCompared).
func perfFigures(b, h *modelcatalog.OpenModel) []string {
	var out []string
	bv, hv := reflect.ValueOf(b).Elem(), reflect.ValueOf(h).Elem()
	for i, f := range comparedFields {
		if !reflect.DeepEqual(bv.Field(f).Interface(), hv.Field(f).Interface()) {
			out = append(out, comparedNames[i])
		}
	}
	return out
}

// directionalFigures are the model block's figures models compares by the
// way they move (only a change that favours the fleet counts).
var directionalFigures = []string{"hf_repo", "quality", "weights_gb", "kv_bytes_per_token", "params_b", "active_params_b", "max_context"}

// notFigures are the model block's fields that no prediction, price or
// policy reads as a figure: its names, the token it needs to download,
// and the other repositories a lookup finds it by.
var notFigures = []string{"id", "name", "gated", "same_architecture"}

// comparedFields and comparedNames are the indexes and JSON names of
// modelcatalog.OpenModel's fields that perfFigures compares.
var comparedFields, comparedNames = modelFigures()

func modelFigures() (idx []int, names []string) {
	t := reflect.TypeFor[modelcatalog.OpenModel]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || name == "" || name == "-" || slices.Contains(directionalFigures, name) || slices.Contains(notFigures, name) {
			continue
		}
		idx, names = append(idx, i), append(names, name)
	}
	return idx, names
}

// throughput compares the throughput blocks of model id: a new one, or a
// figure that makes a replica serve more.
func (l *loosener) throughput(base, head *spec.Spec, id string) {
	key := func(t modelcatalog.Throughput) string { return fmt.Sprintf("%s.tp%d", t.GPU, t.TensorParallel) }
	old := map[string]modelcatalog.Throughput{}
	for _, t := range base.ModelThroughput {
		if t.Model == id {
			old[key(t)] = t
		}
	}
	for _, h := range head.ModelThroughput {
		if h.Model != id {
			continue
		}
		path := "model." + id + ".throughput." + key(h)
		b, ok := old[key(h)]
		if !ok {
			l.add(path, "a throughput block for %s at tensor_parallel = %d is new: its figures are the spec's own", h.GPU, h.TensorParallel)
			continue
		}
		l.rose(path+".prefill_tok_s", b.PrefillTokS, h.PrefillTokS, "a replica counts as serving more")
		l.rose(path+".decode_tok_s", b.DecodeTokS, h.DecodeTokS, "a replica counts as serving more")
		l.fell(path+".ttft_ms", b.TTFTMs, h.TTFTMs, "its first token counts as faster (latency.ttft)")
		l.fell(path+".concurrency", float64(b.Concurrency), float64(h.Concurrency), "fewer requests in flight fit the KV cache more easily")
	}
}
