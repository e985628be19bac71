package costmodel

// What may serve each workload: its managed candidates, each priced for the
// workload, and whether the search may pick the fleet or a candidate.

import (
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// managedChoice is one managed model a workload may be routed to, priced
// for that workload (its context decides the prompt-length tier).
type managedChoice struct {
	model    *modelcatalog.ManagedModel
	provider string
	// keyed is true when the gateway keeps an API key for the provider
	// (not when it calls it with IAM credentials, as Bedrock).
	keyed bool
	price modelcatalog.Price
	rates modelcatalog.Rates
	// ttftMs is the p95 time to first token of the workload's prompt on
	// this route (ManagedTTFT); nil when the catalog does not know it.
	ttftMs *float64
	// maxInput is the most input a request may carry on this route
	// (ManagedModel.MaxInput); nil when the catalog does not know it.
	maxInput *int
	// notes are the option warnings about how the model was priced.
	notes []Note
	// unfit says why the search may not pick this choice (a provider the
	// compliance block does not allow, a TTFT above the workload's target,
	// a quality below its floor); empty when it may. These are the
	// per-route built-in policies, applied before the gate so that it runs
	// on few assignments; an unfit choice is still priced when nothing
	// else can serve the workload, and the policies then deny it.
	unfit string
}

// quality is the model's quality score for complexity c, and whether the
// catalog knows it.
func (c *managedChoice) quality(complexity string) (float64, bool) {
	q, ok := c.model.Quality[complexity]
	return q.Value, ok
}

// choicesFor prices every managed model workload w may be routed to: its
// pinned model, the spec's candidates, or its complexity's model.
func (m *model) choicesFor(w spec.Workload) ([]managedChoice, error) {
	var out []managedChoice
	for _, id := range m.s.Managed.CandidatesFor(w) {
		mm, ok := m.cat.ManagedModel(id)
		if !ok {
			return nil, fmt.Errorf("price managed: %q is not in the catalog", id)
		}
		price, ok := mm.PriceOn(m.date)
		if !ok {
			return nil, fmt.Errorf("price managed: %s has no price in effect on %s", id, m.date)
		}
		c := managedChoice{model: mm, provider: mm.Vendor, price: price}
		if p := m.s.Managed.Provider; p != "" {
			if slices.Contains(mm.Providers, p) {
				c.provider = p
			} else {
				c.notes = append(c.notes, Note{ID: "managed.provider", Message: fmt.Sprintf("%s is not sold through %s; it is priced and routed through %s", id, p, mm.Vendor)})
			}
		}
		r, err := m.ratesFor(mm, c.provider, w, m.date)
		if err != nil {
			return nil, fmt.Errorf("price managed: %w", err)
		}
		if p, ok := m.cat.Provider(c.provider); ok {
			c.keyed = p.KeyedByAPIKey()
		}
		c.rates = r
		c.ttftMs = m.managedTTFT(mm, c.provider, w)
		if n, ok := mm.MaxInput(c.provider); ok {
			if mm.WindowHoldsOutput {
				// The request's output shares the window: a prompt of the
				// whole window leaves its answer no room.
				n = max(0, n-m.requestOutput(w, mm))
			}
			c.maxInput = &n
		}
		for _, n := range r.Notices {
			if note := (Note{ID: n.ID, Message: n.Message}); !slices.Contains(c.notes, note) {
				c.notes = append(c.notes, note)
			}
		}
		c.unfit = m.unfitManaged(&c, w)
		out = append(out, c)
	}
	return out, nil
}

// managedTTFT is mm's p95 time to first token on provider's route for
// w's prompt: its context, less the share the provider's prompt cache
// serves at the spec's lowest cached_input_share (the p95 side), rounded to
// the millisecond; nil when the catalog does not know the model's figure.
func (m *model) managedTTFT(mm *modelcatalog.ManagedModel, provider string, w spec.Workload) *float64 {
	uncached := float64(w.ContextTokens) * (1 - m.s.Team.CachedInputShare.Low)
	ms, _, ok := m.cat.ManagedTTFT(mm, provider, uncached)
	if !ok {
		return nil
	}
	ms = math.Round(ms)
	return &ms
}

// unfitManaged says why a managed choice may not serve w, or "".
func (m *model) unfitManaged(c *managedChoice, w spec.Workload) string {
	comp := m.s.Compliance
	switch {
	case !comp.CodeMayLeaveNetwork:
		return "compliance: code may not leave the network"
	case comp.AllowedProviders != nil && !slices.Contains(comp.AllowedProviders, c.provider):
		return fmt.Sprintf("compliance: provider %s is not allowed", c.provider)
	case c.maxInput != nil && w.ContextTokens > *c.maxInput:
		return fmt.Sprintf("context: a %d-token prompt is above the %d tokens %s takes through %s", w.ContextTokens, *c.maxInput, c.model.ID, c.provider)
	case w.MaxTTFTMs > 0 && c.ttftMs == nil:
		return fmt.Sprintf("latency: TTFT unknown, the target is %g ms", w.MaxTTFTMs)
	case w.MaxTTFTMs > 0 && *c.ttftMs > w.MaxTTFTMs:
		return fmt.Sprintf("latency: TTFT %s is above the %g ms target", units.Millis(*c.ttftMs), w.MaxTTFTMs)
	}
	if w.MinQuality > 0 {
		if q, ok := c.quality(w.Complexity); !ok || q < w.MinQuality {
			return qualityReason(q, ok, w.MinQuality)
		}
	}
	return ""
}

// fleetFloorQuality is the lowest quality the fleet's model may have to serve w:
// w's min_quality and, when sizing chooses the model ("auto"),
// self_hosted.min_quality, which applies to the workloads the fleet
// serves and no others.
func (m *model) fleetFloorQuality(w spec.Workload) float64 {
	floor := w.MinQuality
	if m.s.SelfHosted.Model == "auto" {
		floor = max(floor, m.s.SelfHosted.MinQuality)
	}
	return floor
}

// unfitFleet says why the fleet's model sh may not serve w, or "", before
// sizing (the TTFT is checked on the sized fleet).
func (m *model) unfitFleet(sh *modelcatalog.OpenModel, w spec.Workload) string {
	floor := m.fleetFloorQuality(w)
	if floor <= 0 {
		return ""
	}
	q, ok := sh.Quality[w.Complexity]
	if ok && q.Value >= floor {
		return ""
	}
	return qualityReason(q.Value, ok, floor)
}

func qualityReason(q float64, known bool, floor float64) string {
	if !known {
		return fmt.Sprintf("quality: unknown, min_quality is %.2f", floor)
	}
	return fmt.Sprintf("quality: %.3f is below min_quality %.2f", q, floor)
}

// referenceQuality is each workload's quality reference for the quality
// gap: the best quality among the managed models it may be routed to
// without its pin (the candidates, or its complexity's model) and its
// pinned model. A pin narrows the choice, not the reference: the same
// assignment costs the same pinned or found by the search. Without
// candidates or a pin it is its complexity's model, as in DESIGN.md.
func (m *model) referenceQuality() []float64 {
	out := make([]float64, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		free := w
		free.Model = ""
		ids := m.s.Managed.CandidatesFor(free)
		if w.Model != "" {
			ids = append(slices.Clone(ids), w.Model)
		}
		for _, id := range ids {
			if mm, ok := m.cat.ManagedModel(id); ok {
				if q, ok := mm.Quality[w.Complexity]; ok && q.Value > out[i] {
					out[i] = q.Value
				}
			}
		}
	}
	return out
}

// mayBeManaged and mayBeOnFleet say what a workload's route allows.
func mayBeManaged(w spec.Workload) bool { return w.Route != architecture.SelfHosted }
func mayBeOnFleet(w spec.Workload) bool { return w.Route != architecture.Managed }

// classes lists the options the spec's routes allow, in the plan's order:
// managed when no workload is pinned to the fleet, self_hosted when none
// is pinned to managed, hybrid when the free workloads can be split.
func (m *model) classes() []architecture.Name {
	managed, fleet := true, true
	for _, w := range m.s.Workloads {
		managed = managed && mayBeManaged(w)
		fleet = fleet && mayBeOnFleet(w)
	}
	var out []architecture.Name
	if managed {
		out = append(out, architecture.Managed)
	}
	if fleet {
		out = append(out, architecture.SelfHosted)
	}
	if m.canMix() {
		out = append(out, architecture.Hybrid)
	}
	return out
}

// canMix says whether some assignment puts at least one workload on the
// fleet and at least one on a managed model.
func (m *model) canMix() bool {
	fleet, managed := 0, 0
	for _, w := range m.s.Workloads {
		if mayBeOnFleet(w) {
			fleet++
		}
		if mayBeManaged(w) {
			managed++
		}
	}
	if fleet == 0 || managed == 0 {
		return false
	}
	// Two workloads, one of each kind possible: a mix exists unless every
	// workload is free and there is just one.
	return len(m.s.Workloads) > 1
}

// requestOutput is the output tokens a request of workload w asks mm for
// at the team's output-to-input ratio (its context times output over
// input, at the range's low input share: the most output), no more than
// the model returns (max_output_tokens): an answer cannot ask for more.
func (m *model) requestOutput(w spec.Workload, mm *modelcatalog.ManagedModel) int {
	most := math.Inf(1)
	if mm.MaxOutputTokens != nil {
		most = mm.MaxOutputTokens.Value
	}
	in := m.s.Team.InputShare.Low
	out := most
	if in > 0 {
		out = math.Min(most, float64(w.ContextTokens)*(1-in)/in)
	}
	if math.IsInf(out, 1) {
		return 0
	}
	return int(math.Ceil(out))
}
