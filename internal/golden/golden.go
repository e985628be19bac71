// Package golden is the one golden-file helper of the module's tests and
// its one -update flag: `go test ./plan -update` rewrites plan's golden
// files, and the same flag does it in every package.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files (and, in inference/perf, refit the factors)")

// Updating says whether -update was given.
func Updating() bool { return *update }

// Check compares got with the golden file at path, or with -update
// rewrites the file (creating its folder) and passes.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; rerun with -update if intended):\n%s", path, diff)
	}
}
