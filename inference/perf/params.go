package perf

import "sort"

// CalibratedOn is the day the calibration measurements were read.
const CalibratedOn = "2026-12-01"

// Generations are the GPU generations factors are fitted for.
var Generations = []string{"ampere", "ada", "hopper", "blackwell"}

// Params are the fitted parameters: a memory and a compute efficiency per
// GPU generation, an efficiency scale per engine (vLLM is the reference,
// 1), and a step overhead per engine. Factors for an engine on a
// generation are the generation's efficiencies times the engine's scale.
type Params struct {
	Memory      map[string]float64 `json:"memory_efficiency"`
	Compute     map[string]float64 `json:"compute_efficiency"`
	EngineScale map[string]float64 `json:"engine_scale"`
	StepMs      map[string]float64 `json:"step_overhead_ms"`
	// RequestMs is the time a request spends in the engine's front end
	// before its prefill (HTTP, chat template, tokenization, scheduling):
	// part of every TTFT.
	RequestMs map[string]float64 `json:"request_overhead_ms"`
	// MoE scales the time of routed-expert work (reads and FLOPs): grouped
	// GEMMs over small per-expert batches run below the dense rate.
	MoE float64 `json:"moe_penalty"`
	// EP scales routed-expert work again, per engine, when the experts are
	// spread over more GPUs than a tensor-parallel group (expert
	// parallelism): every step waits for the GPU holding the busiest
	// experts, and engines balance and overlap this differently.
	EP map[string]float64 `json:"ep_imbalance"`
}

// Prior is where the fit starts and what it is pulled toward where the
// data say little: published decode kernels reach 60-80 % of memory
// bandwidth, prefill 40-60 % of the tensor-core peak, and a scheduler
// step costs a few milliseconds.
var Prior = Params{
	Memory:      map[string]float64{"ampere": 0.7, "ada": 0.7, "hopper": 0.7, "blackwell": 0.7},
	Compute:     map[string]float64{"ampere": 0.5, "ada": 0.5, "hopper": 0.5, "blackwell": 0.5},
	EngineScale: map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
	StepMs:      map[string]float64{"vllm": 2, "sglang": 2, "tensorrt-llm": 2},
	RequestMs:   map[string]float64{"vllm": 10, "sglang": 10, "tensorrt-llm": 10},
	MoE:         1,
	EP:          map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
}

// bounds keep every factor physical.
var bounds = map[string][2]float64{
	"memory": {0.3, 0.95}, "compute": {0.15, 0.9}, "scale": {0.5, 1.6}, "step": {0.1, 20}, "request": {0.5, 100}, "moe": {1, 4}, "ep": {1, 4},
}

// factors are the effective factors for an engine on a generation; an
// unknown generation gets the mean of the known ones.
func (p Params) factors(engine, gen string) Factors {
	mem, okM := p.Memory[gen]
	cmp, okC := p.Compute[gen]
	if !okM || !okC {
		mem, cmp = mean(p.Memory), mean(p.Compute)
	}
	scale, ok := p.EngineScale[engine]
	if !ok {
		scale = 1
	}
	step, ok := p.StepMs[engine]
	if !ok {
		step = mean(p.StepMs)
	}
	req, ok := p.RequestMs[engine]
	if !ok {
		req = mean(p.RequestMs)
	}
	return Factors{
		Engine: engine, Generation: gen,
		MemoryEfficiency:  round3(clamp(mem*scale, bounds["memory"])),
		ComputeEfficiency: round3(clamp(cmp*scale, bounds["compute"])),
		StepOverheadMs:    round3(step),
		RequestOverheadMs: round3(req),
	}
}

// knob is one fitted parameter: a map entry of a Params and its bounds.
type knob struct {
	name  string
	table func(Params) map[string]float64
	key   string
	lo    float64
	hi    float64
	// scalar, when set, is a field outside the maps.
	scalar func(*Params) *float64
}

func (k knob) get(p Params) float64 {
	if k.scalar != nil {
		return *k.scalar(&p)
	}
	return k.table(p)[k.key]
}

// set writes the value; a scalar knob needs a pointer to the Params.
func (k knob) set(p *Params, v float64) {
	if k.scalar != nil {
		*k.scalar(p) = v
		return
	}
	k.table(*p)[k.key] = v
}

// knobs lists the parameters in a fixed order; vLLM's scale stays 1.
func knobs() []knob {
	mem := func(p Params) map[string]float64 { return p.Memory }
	cmp := func(p Params) map[string]float64 { return p.Compute }
	scale := func(p Params) map[string]float64 { return p.EngineScale }
	step := func(p Params) map[string]float64 { return p.StepMs }
	request := func(p Params) map[string]float64 { return p.RequestMs }
	var ks []knob
	for _, g := range Generations {
		ks = append(ks,
			knob{"memory." + g, mem, g, bounds["memory"][0], bounds["memory"][1], nil},
			knob{"compute." + g, cmp, g, bounds["compute"][0], bounds["compute"][1], nil})
	}
	for _, e := range Engines {
		if e != "vllm" {
			ks = append(ks, knob{"scale." + e, scale, e, bounds["scale"][0], bounds["scale"][1], nil})
		}
		ks = append(ks, knob{"step." + e, step, e, bounds["step"][0], bounds["step"][1], nil},
			knob{"request." + e, request, e, bounds["request"][0], bounds["request"][1], nil})
	}
	ep := func(p Params) map[string]float64 { return p.EP }
	for _, e := range Engines {
		ks = append(ks, knob{"ep." + e, ep, e, bounds["ep"][0], bounds["ep"][1], nil})
	}
	ks = append(ks, knob{name: "moe", lo: bounds["moe"][0], hi: bounds["moe"][1], scalar: func(p *Params) *float64 { return &p.MoE }})
	return ks
}

func (p Params) clone() Params {
	cp := func(m map[string]float64) map[string]float64 {
		out := make(map[string]float64, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return Params{Memory: cp(p.Memory), Compute: cp(p.Compute), EngineScale: cp(p.EngineScale), StepMs: cp(p.StepMs), RequestMs: cp(p.RequestMs), MoE: p.MoE, EP: cp(p.EP)}
}

func mean(m map[string]float64) float64 {
	if len(m) == 0 {
		return 0
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := 0.0
	for _, k := range keys {
		s += m[k]
	}
	return s / float64(len(m))
}

func clamp(x float64, b [2]float64) float64 { return min(max(x, b[0]), b[1]) }

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }
