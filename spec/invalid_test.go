package spec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestInvalidSpecs parses each spec under testdata/invalid and compares the
// rendered diagnostics with the golden file beside it.
func TestInvalidSpecs(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 25 {
		t.Fatalf("found %d invalid specs, want at least 25", len(paths))
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".hcl")
		t.Run(name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			s, diags := p.ParseFile(path)
			if !diags.HasErrors() {
				t.Fatalf("ParseFile(%s) reported no error", path)
			}
			if s != nil {
				t.Errorf("ParseFile(%s) returned a Spec along with errors", path)
			}
			checkDiagnostics(t, path, diags)

			var buf bytes.Buffer
			if err := p.WriteDiagnostics(&buf, diags); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			for _, d := range diags {
				pos := fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
				if !strings.Contains(got, pos) {
					t.Errorf("rendered diagnostics lack %s for %q", pos, d.Summary)
				}
			}

			golden.Check(t, strings.TrimSuffix(path, ".hcl")+".golden", buf.Bytes())
		})
	}
}

// checkDiagnostics asserts what every diagnostic of the package promises:
// a subject in the parsed file, a summary, and a detail in sentences.
func checkDiagnostics(t *testing.T, filename string, diags hcl.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		if d.Subject == nil {
			t.Errorf("diagnostic %q has no Subject", d.Summary)
			continue
		}
		if d.Subject.Filename != filename {
			t.Errorf("diagnostic %q points at file %q, want %q", d.Summary, d.Subject.Filename, filename)
		}
		if d.Subject.Start.Line < 1 || d.Subject.Start.Column < 1 {
			t.Errorf("diagnostic %q has no position: %v", d.Summary, d.Subject)
		}
		if d.Summary == "" {
			t.Errorf("diagnostic at %v has no Summary", d.Subject)
		}
		if !strings.HasSuffix(d.Detail, ".") && !strings.HasSuffix(d.Detail, "?") {
			t.Errorf("diagnostic %q: Detail %q is not a full sentence", d.Summary, d.Detail)
		}
	}
}

// TestEveryDiagnosticHasSubject runs inputs that break the parser in ways the
// golden specs do not, including bytes that are not HCL at all.
func TestEveryDiagnosticHasSubject(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"empty", ""},
		{"whitespace", " \n\t\n"},
		{"binary", "\x00\xff\xfe\x01team\x00{"},
		{"invalid utf-8", "team \"\xc3\x28\" {\n}\n"},
		{"unclosed string", "team \"acme {\n"},
		{"json", `{"team": {"acme": {}}}`},
		{"lone brace", "}"},
		{"heredoc", "team \"a\" {\n  cost_center = <<EOT\nx\nEOT\n}\n"},
		{"huge exponent", "team \"a\" {\n  developers = 1e99999999999\n}\n"},
		{"division by zero", "team \"a\" {\n  developers = 1/0\n}\n"},
		{"for expression", "team \"a\" {\n  developers = [for x in [1, 2]: x]\n}\n"},
		{"conditional", "team \"a\" {\n  developers = true ? 1 : 2\n}\n"},
		{"splat", "team \"a\" {\n  developers = [1, 2][*]\n}\n"},
		{"nested list", "team \"a\" {\n  developers = [[1], [2]]\n}\n"},
		{"object in list", "compliance {\n  allowed_providers = [{}]\n}\n"},
		{"attribute-only file", "developers = 200\n"},
		{"deep nesting", strings.Repeat("[", 200) + strings.Repeat("]", 200)},
		{"model without body", "model \"m\" {\n}\n"},
		{"throughput without label", "model \"m\" {\n  throughput {\n  }\n}\n"},
		{"quality as list", "model \"m\" {\n  quality = [1, 2]\n}\n"},
		{"quality with null", "model \"m\" {\n  quality = { simple = null, complex = \"x\" }\n}\n"},
		{"quality with computed key", "model \"m\" {\n  quality = { (\"sim\") = 1 }\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			s, diags := p.Parse("in.hcl", []byte(tt.src))
			if !diags.HasErrors() {
				t.Fatalf("Parse(%q) reported no error", tt.src)
			}
			if s != nil {
				t.Errorf("Parse(%q) returned a Spec along with errors", tt.src)
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no Subject", d.Summary)
				}
			}
			if err := p.WriteDiagnostics(&bytes.Buffer{}, diags); err != nil {
				t.Errorf("WriteDiagnostics: %v", err)
			}
		})
	}
}

func TestParseFileUnreadable(t *testing.T) {
	p := NewParser(modelcatalog.Default())
	path := filepath.Join(t.TempDir(), "missing.hcl")
	s, diags := p.ParseFile(path)
	if s != nil || !diags.HasErrors() {
		t.Fatalf("ParseFile(%s) = %v, %v; want an error", path, s, diags)
	}
	checkDiagnostics(t, path, diags)
	var buf bytes.Buffer
	if err := p.WriteDiagnostics(&buf, diags); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), path+":1:1") {
		t.Errorf("rendered diagnostic lacks %s:1:1:\n%s", path, buf.String())
	}
}

func hclsyntaxParse(src []byte) (*hcl.File, hcl.Diagnostics) {
	return hclsyntax.ParseConfig(src, "fuzz.hcl", hcl.InitialPos)
}

// FuzzParse checks that no input makes the parser panic, that every
// diagnostic has a subject, and that a spec comes back exactly when there
// is no error.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "*.hcl"))
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	// Hidden and look-alike delimiters.
	for _, src := range []string{
		"a = <<EOT\nx\n\u0415OT\nEOT\n", "a = <<EOT\nx\nEOT\u200b\nEOT\n", "/* a \u2217/\nb = 1\n/* */\n", "# x\u2028y = 1\n",
	} {
		f.Add([]byte(src))
	}
	cat := modelcatalog.Default()
	f.Fuzz(func(t *testing.T, src []byte) {
		p := NewParser(cat)
		s, diags := p.Parse("fuzz.hcl", src)
		if (s == nil) != diags.HasErrors() {
			t.Fatalf("spec nil = %v, errors = %v", s == nil, diags.HasErrors())
		}
		for _, d := range diags {
			if d.Subject == nil {
				t.Fatalf("diagnostic %q has no Subject", d.Summary)
			}
		}
		if err := p.WriteDiagnostics(&bytes.Buffer{}, diags); err != nil {
			t.Fatal(err)
		}
		once := Format(src)
		if _, syntax := hclsyntaxParse(src); !syntax.HasErrors() {
			if twice := Format(once); !bytes.Equal(once, twice) {
				t.Fatalf("Format is not idempotent:\n%q\n%q", once, twice)
			}
		}
	})
}
