package policies

import (
	"context"
	"fmt"
	"maps"
	"sort"

	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test.
type TestResult struct {
	// Name is the test's full name, such as data.costgate.spend_test.test_limit_denies_option_above_limit.
	Name string
	// Location is the test's file:line.
	Location string
	// Skipped is set for tests named todo_test_*.
	Skipped bool
	// Failed is set when the test was false or undefined.
	Failed bool
	// Err is set when the test could not be evaluated.
	Err error
	// Output is what the test printed with print().
	Output string
}

// Passed reports whether the test ran and held.
func (r TestResult) Passed() bool { return !r.Skipped && !r.Failed && r.Err == nil }

func (r TestResult) String() string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("ERROR %s (%s): %v", r.Name, r.Location, r.Err)
	case r.Failed:
		return fmt.Sprintf("FAIL  %s (%s)", r.Name, r.Location)
	case r.Skipped:
		return fmt.Sprintf("SKIP  %s (%s)", r.Name, r.Location)
	default:
		return fmt.Sprintf("PASS  %s (%s)", r.Name, r.Location)
	}
}

// RunTests runs the Rego tests (test_* rules in *_test.rego files) of the
// built-in policies and of dirs, loaded as New loads them: data.json at
// the root of data, the same built-ins, built-in errors raised. Results are
// sorted by name. An error means the tests could not be run at all (a
// file that does not parse or compile).
func RunTests(ctx context.Context, dirs ...string) ([]TestResult, error) {
	src, err := loadBuiltin(true)
	if err != nil {
		return nil, fmt.Errorf("load policy tests: %w", err)
	}
	user, err := loadDirs(dirs, true)
	if err != nil {
		return nil, fmt.Errorf("load policy tests: %w", err)
	}
	// A folder's tests may not add to the built-in packages either: a
	// test_ rule there would run as if it were a built-in test.
	seal := newSeal(src)
	if seal.waivers, err = builtinWaivers(src.data); err != nil {
		return nil, fmt.Errorf("load policy tests: %w", err)
	}
	if _, err := seal.check(user); err != nil {
		return nil, fmt.Errorf("load policy tests: %w", err)
	}
	maps.Copy(src.modules, user.modules)
	mergeData(src.data, withoutWaivers(user.data))
	store := inmem.NewFromObjectWithOpts(src.data, inmem.OptRoundTripOnWrite(false))
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("open policy store: %w", err)
	}
	defer store.Abort(ctx, txn)
	// The runner compiles the modules itself, without strict mode, as
	// `opa test` does: New already holds the policies to strict mode.
	compiler := newCompiler(ctx, store, txn).WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		SetModules(src.modules).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Name:    r.Package + "." + r.Name,
			Skipped: r.Skip,
			Failed:  r.Fail,
			Err:     r.Error,
			Output:  string(r.Output),
		}
		if r.Location != nil {
			tr.Location = fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
		}
		out = append(out, tr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
