package policies_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/policies"
)

// Policies that never finish: each evaluation must stop at its bound with
// a *LimitError that names the package and folder, and never crash the
// process. The margins are generous: this is behaviour, not a benchmark.
func TestEvaluationLimits(t *testing.T) {
	const hugeRange = "package costgate.acme\n\ndeny contains {\"policy\": \"acme.huge\", \"option\": \"*\", \"msg\": \"x\"} if count(numbers.range(1, 2000000000)) > 0\n"
	const nested = "package costgate.acme\n\ndeny contains {\"policy\": \"acme.nested\", \"option\": \"*\", \"msg\": \"x\"} if {\n\tn := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n\tn > 0\n}\n"
	const heavy = "package costgate.acme\n\ndeny contains {\"policy\": \"acme.heavy\", \"option\": \"*\", \"msg\": \"x\"} if {\n\tn := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := sprintf(\"%0200d\", [i * j])])\n\tn > 0\n}\n"
	const resource = "package costgate.resources.acme\n\ndeny contains {\"policy\": \"acme.slow\", \"msg\": \"x\"} if count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i + j]) > 0\n"
	tests := []struct {
		name      string
		policy    string
		resources bool
		timeout   time.Duration
		maxHeap   uint64
		want      string
	}{
		{"a range of two billion, stopped by the deadline", hugeRange, false, 2 * time.Second, 8 << 30, "no result within --policy-timeout 2s"},
		{"a range of two billion, stopped by the heap bound", hugeRange, false, time.Minute, 128 << 20, "the heap grew past 128 MiB"},
		{"a nested comprehension, stopped by the deadline", nested, false, 2 * time.Second, 8 << 30, "no result within"},
		{"a nested comprehension, stopped by the heap bound", heavy, false, time.Minute, 128 << 20, "the heap grew past"},
		{"a resource policy", resource, true, 2 * time.Second, 512 << 20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"slow.rego": tt.policy})
			e, err := policies.New(policies.Options{Dirs: []string{dir}, Timeout: tt.timeout, MaxHeapBytes: tt.maxHeap})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if tt.resources {
				_, err = e.EvaluateResource(context.Background(), map[string]any{"type": "aws:s3/bucket:Bucket"})
			} else {
				_, err = e.EvaluatePlan(context.Background(), loadPlan(t, "allowed"))
			}
			took := time.Since(start)
			var le *policies.LimitError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LimitError", err)
			}
			for _, w := range []string{"package costgate.", filepath.ToSlash(dir), tt.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			// Generous: the stop itself must come within the bound plus a
			// little, under the race detector on a loaded machine.
			if bound := min(tt.timeout, time.Minute) + 10*time.Second; took > bound {
				t.Errorf("stopped after %v, want well within %v", took, bound)
			}
		})
	}
}

func TestEvaluationLimitHonoursCallerDeadline(t *testing.T) {
	dir := writeDir(t, map[string]string{"slow.rego": "package costgate.acme\n\nwarn contains {\"policy\": \"acme.slow\", \"option\": \"*\", \"msg\": \"x\"} if count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i - j]) > 0\n"})
	e, err := policies.New(policies.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = e.EvaluatePlan(ctx, loadPlan(t, "allowed"))
	var le *policies.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
}
