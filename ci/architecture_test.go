package ci

import (
	"bufio"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the module path every internal import starts with.
const module = "github.com/costgate/costgate/"

// leaves are the packages every layer may take, which the table's "reads"
// column leaves out.
var leaves = []string{"architecture", "units"}

// TestArchitectureTableMatchesImports keeps docs/ARCHITECTURE.md's
// dependency table true: each row's "reads" lists exactly the module's
// packages that the row's package (its non-test files) imports, leaves
// aside; "everything" is not checked. A subpackage without a row of its
// own (inference/perf) counts as its parent's.
func TestArchitectureTableMatchesImports(t *testing.T) {
	rows := architectureRows(t)
	if len(rows) < 10 {
		t.Fatalf("found %d rows in the dependency table", len(rows))
	}
	for pkg, reads := range rows {
		if reads == "everything" {
			continue
		}
		var want []string
		if reads != "—" {
			for _, r := range strings.Split(reads, ",") {
				want = append(want, strings.Trim(strings.TrimSpace(r), "`"))
			}
		}
		got := imports(t, pkg, rows)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("docs/ARCHITECTURE.md: %s reads %q; its imports are %q", pkg, want, got)
		}
	}
}

// architectureRows reads the table: package → its "reads" cell.
func architectureRows(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join("..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), " | ")
		if len(cells) < 3 || !strings.HasPrefix(cells[0], "| `") {
			continue
		}
		pkg := strings.Trim(strings.TrimPrefix(cells[0], "| "), "`")
		if _, err := os.Stat(filepath.Join("..", pkg)); err != nil {
			continue // the "where a change goes" table
		}
		rows[pkg] = strings.TrimSuffix(cells[len(cells)-1], " |")
	}
	return rows
}

// imports lists the module's packages the non-test files of pkg (and of
// its subpackages without a row) import, each named by its row.
func imports(t *testing.T, pkg string, rows map[string]string) []string {
	var out []string
	err := filepath.WalkDir(filepath.Join("..", pkg), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if _, own := rows[rel]; (own && rel != pkg) || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			dep, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			for _, has := rows[dep]; !has && strings.Contains(dep, "/"); _, has = rows[dep] {
				dep = dep[:strings.LastIndex(dep, "/")]
			}
			if dep != pkg && !slices.Contains(leaves, dep) && !slices.Contains(out, dep) {
				out = append(out, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
