package costmodel

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestGateLimitIsNotExact: a search that stops after MaxGated denials
// has not seen every assignment, so it may not claim to be exact: the
// option says so (search.gate_limit) and the plan's search is not exact,
// with a gap bound. Here a gate denies every assignment but those of one
// managed model on every workload, which the search never reaches.
func TestGateLimitIsNotExact(t *testing.T) {
	s := parseFile(t, filepath.Join("..", "examples", "routed-team.hcl"))
	res, err := EvaluateWith(s, modelcatalog.Default(), date, Config{Gate: func(o Option) (Verdict, error) {
		return Verdict{Denied: []string{"test.deny"}}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var limited bool
	for _, o := range res.Options {
		limited = limited || slices.ContainsFunc(o.Notes, func(n Note) bool { return n.ID == "search.gate_limit" })
	}
	if !limited {
		t.Fatal("no option says the gate's limit stopped its search")
	}
	// Every option is denied: the search is not exact, and a bound on a
	// denied option's cost would say nothing of an allowed one.
	if res.Search.Exact || res.Search.GapBoundUSD != nil {
		t.Errorf("search exact %v, gap bound %v: a search the gate's limit stopped is not exact, and a blocked one claims no bound", res.Search.Exact, res.Search.GapBoundUSD)
	}
}
