package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// BenchmarkParse decodes each bundled example from bytes: HCL parsing,
// every check and the catalog lookups. A spec is decoded once per plan,
// so this is a floor under `costgate plan` and `costgate validate`.
func BenchmarkParse(b *testing.B) {
	paths, err := filepath.Glob("../examples/*.hcl")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no examples: %v", err)
	}
	cat := modelcatalog.Default()
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(path), ".hcl"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, diags := NewParser(cat).Parse(path, src); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}

// BenchmarkParseInvalid decodes a spec with many problems and renders its
// diagnostics, the path `costgate validate` takes on a bad spec.
func BenchmarkParseInvalid(b *testing.B) {
	path := filepath.Join("testdata", "hostile", "out_of_range_zero.hcl")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cat := modelcatalog.Default()
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser(cat)
		_, diags := p.Parse(path, src)
		if !diags.HasErrors() {
			b.Fatal("no error")
		}
		var sb strings.Builder
		if err := p.WriteDiagnostics(&sb, diags); err != nil {
			b.Fatal(err)
		}
	}
}
