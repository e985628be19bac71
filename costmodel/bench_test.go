package costmodel

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// BenchmarkEvaluate prices an example spec: every option over its range
// corners, plus the breakeven sweep.
func BenchmarkEvaluate(b *testing.B) {
	for _, name := range []string{"enterprise-hybrid.hcl", "company-50.hcl"} {
		s := parseFile(b, filepath.Join("..", "examples", name))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Evaluate(s, modelcatalog.Default(), date); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSweep is the breakeven search over every team size up to
// MaxDevelopers, for a spec where self-hosting never breaks even.
func BenchmarkSweep(b *testing.B) {
	s := parse(b, "sweep.hcl", fmt.Sprintf(base, 10, 1e6))
	m, err := newModel(s, modelcatalog.Default(), date)
	if err != nil {
		b.Fatal(err)
	}
	sh, _ := modelcatalog.Default().OpenModel("qwen3-coder-30b-a3b")
	for b.Loop() {
		m.breakeven(m.uniform(nil, ""), m.uniform(sh, m.gpu))
	}
}

// BenchmarkSweepEverySize prices managed and self-hosted at their expected
// inputs for every team size from 1 to MaxDevelopers, the fleet re-sized at
// each: the breakeven search without its jumps. Goal: 100,000 sizes ≤ 1 s.
func BenchmarkSweepEverySize(b *testing.B) {
	s := parseFile(b, filepath.Join("..", "examples", "enterprise-hybrid.hcl"))
	m, err := newModel(s, modelcatalog.Default(), date)
	if err != nil {
		b.Fatal(err)
	}
	sh, _ := modelcatalog.Default().OpenModel("qwen3-coder-30b-a3b")
	mgd, _ := scenarios(m.axes(false, false))
	shp, _ := scenarios(m.axes(true, true))
	managed, fleet := m.uniform(nil, ""), m.uniform(sh, m.gpu)
	for b.Loop() {
		for d := 1; d <= MaxDevelopers; d++ {
			mgd.developers, shp.developers = float64(d), float64(d)
			if _, err := m.evaluate(managed, mgd, false); err != nil {
				b.Fatal(err)
			}
			if _, err := m.evaluate(fleet, shp, false); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// uniform is the assignment that serves every workload one way: on a
// fleet of sh on gpu, or (sh nil) each on its first managed choice.
func (m *model) uniform(sh *modelcatalog.OpenModel, gpu string) *assignment {
	n := len(m.s.Workloads)
	a := &assignment{fleet: make([]bool, n), pick: make([]int, n), sh: sh, gpu: gpu}
	for i := range a.fleet {
		if sh != nil {
			a.fleet[i], a.pick[i] = true, -1
		}
	}
	return a
}
