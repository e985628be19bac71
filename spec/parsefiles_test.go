package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
)

// TestParseFilesIsParseFile parses valid, warned, broken, missing and
// repeated files on several workers and one by one: the same specs and
// diagnostics in the order given, and the same files kept for quoting.
func TestParseFilesIsParseFile(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 40 {
		src := strings.ReplaceAll(minimalSrc, `"acme"`, fmt.Sprintf(`"team-%d"`, i))
		switch i % 4 {
		case 1:
			src = strings.Replace(src, "developers", "developerz", 1) // an error
		case 2:
			src += "\nworkload {\n" // a syntax error
		case 3:
			src += "\nworkload \"agent\" {\n  share = 0.5\n  complexity = \"complex\"\n  context_tokens = 400000\n}\n" // shares above 1, a long context
		}
		path := filepath.Join(dir, fmt.Sprintf("t%02d.hcl", i))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	paths = append(paths, filepath.Join(dir, "missing.hcl"), paths[0], paths[1])
	cat := modelcatalog.Default()
	one := NewParser(cat)
	all := NewParser(cat)
	specs, diags := all.ParseFiles(paths, 4)
	var out1, outAll strings.Builder
	for i, path := range paths {
		s, d := one.ParseFile(path)
		if !reflect.DeepEqual(s, specs[i]) {
			t.Errorf("%s: the spec differs", path)
		}
		if err := one.WriteDiagnostics(&out1, d); err != nil {
			t.Fatal(err)
		}
		if err := all.WriteDiagnostics(&outAll, diags[i]); err != nil {
			t.Fatal(err)
		}
	}
	if d := cmp.Diff(out1.String(), outAll.String()); d != "" {
		t.Errorf("diagnostics differ (-one by one +ParseFiles):\n%s", d)
	}
	if !strings.Contains(out1.String(), "t01.hcl:") || !strings.Contains(out1.String(), "missing.hcl") {
		t.Fatalf("the broken files were not reported:\n%s", out1.String())
	}
	if len(one.Files()) != len(all.Files()) {
		t.Errorf("files kept: %d one by one, %d by ParseFiles", len(one.Files()), len(all.Files()))
	}
}
