package policies_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/costgate/costgate/policies"
)

// TestRegoTests runs every built-in Rego test, each as a subtest.
func TestRegoTests(t *testing.T) {
	results, err := policies.RunTests(context.Background())
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	checkRegoResults(t, results)
}

// TestRegoTestsCustomDir runs a team folder's tests beside the built-in ones.
func TestRegoTestsCustomDir(t *testing.T) {
	results, err := policies.RunTests(context.Background(), filepath.Join("testdata", "finance"))
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	finance := 0
	for _, r := range results {
		if strings.HasPrefix(r.Name, "data.costgate.finance_test.") {
			finance++
		}
	}
	if finance != 4 {
		t.Errorf("ran %d finance tests, want 4", finance)
	}
	checkRegoResults(t, results)
}

func checkRegoResults(t *testing.T, results []policies.TestResult) {
	t.Helper()
	if len(results) == 0 {
		t.Fatal("no Rego test ran")
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if !r.Passed() {
				t.Errorf("%s\n%s", r, r.Output)
			}
		})
	}
}

// TestRunTestsReportsFailures proves the check above can fail: a false
// test and an erroring test come back as such.
func TestRunTestsReportsFailures(t *testing.T) {
	dir := writeDir(t, map[string]string{"team_test.rego": `package costgate.team_test

test_false if {
	1 == 2
}

test_error if {
	1 / 0 == 0
}

test_true if {
	1 == 1
}
`})
	results, err := policies.RunTests(context.Background(), dir)
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	got := map[string]string{}
	for _, r := range results {
		if strings.HasPrefix(r.Name, "data.costgate.team_test.") {
			switch {
			case r.Err != nil:
				got[r.Name] = "error"
			case r.Failed:
				got[r.Name] = "fail"
			case r.Passed():
				got[r.Name] = "pass"
			}
		}
	}
	want := map[string]string{
		"data.costgate.team_test.test_false": "fail",
		"data.costgate.team_test.test_error": "error",
		"data.costgate.team_test.test_true":  "pass",
	}
	for name, outcome := range want {
		if got[name] != outcome {
			t.Errorf("%s: got %q, want %q", name, got[name], outcome)
		}
	}
}

func TestRunTestsCompileError(t *testing.T) {
	dir := writeDir(t, map[string]string{"team_test.rego": "package costgate.team_test\n\ntest_x if {\n\tundefined_fn(1)\n}\n"})
	_, err := policies.RunTests(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), filepath.ToSlash(dir)+"/team_test.rego:4") {
		t.Fatalf("RunTests error = %v, want one naming team_test.rego:4", err)
	}
}

// TestEveryPolicyHasTests holds the built-in policies to their promise:
// each file has its _test.rego, and every policy id a rule produces is
// named in some test.
func TestEveryPolicyHasTests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("plan", "*.rego"))
	if err != nil {
		t.Fatal(err)
	}
	var tests strings.Builder
	var policyFiles []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, "_test.rego") {
			tests.Write(raw)
		} else {
			policyFiles = append(policyFiles, f)
		}
	}
	if len(policyFiles) == 0 {
		t.Fatal("no built-in plan policy found")
	}
	id := regexp.MustCompile(`"policy": "([a-z_]+\.[a-z_.]+)"`)
	for _, f := range policyFiles {
		if _, err := os.Stat(strings.TrimSuffix(f, ".rego") + "_test.rego"); err != nil {
			t.Errorf("%s has no test file: %v", f, err)
		}
		raw, _ := os.ReadFile(f)
		for _, m := range id.FindAllStringSubmatch(string(raw), -1) {
			if !strings.Contains(tests.String(), `"`+m[1]+`"`) {
				t.Errorf("%s: no test names policy %s", f, m[1])
			}
		}
	}
}

// TestStockOPATestLayout loads this folder exactly as stock
// `opa test policies/` does (tester.LoadWithParserOptions, with data.json
// files placed under their folder's path and every JSON fixture loaded as
// data) and runs the tests with OPA's default compiler, so the Rego tests
// are known to pass there too, without an opa binary.
func TestStockOPATestLayout(t *testing.T) {
	ctx := context.Background()
	modules, store, err := tester.LoadWithParserOptions([]string{"."}, nil, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		t.Fatalf("load as opa test does: %v", err)
	}
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(store).
		SetModules(modules).
		CapturePrintOutput(true).
		RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("run as opa test does: %v", err)
	}
	ran := 0
	for r := range ch {
		ran++
		if !r.Pass() {
			t.Errorf("%s", r)
		}
	}
	if ran == 0 {
		t.Fatal("no Rego test ran")
	}
}
