package spec

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2"
)

// hostileDir holds specs written to break the parser: syntax errors,
// impossible numbers, injected text, binary files. Each X.hcl has its
// rendered diagnostics in X.golden.
var hostileDir = filepath.Join("testdata", "hostile")

// hostileCase is one hostile input: a file under hostileDir, or bytes made
// by generatedHostile that are too large or too random to keep in the
// repository (their goldens are kept all the same).
type hostileCase struct {
	name     string
	filename string
	src      []byte
}

// generatedHostile returns the hostile specs that are built rather than
// stored, by name: megabyte attributes, random bytes, HCL-shaped noise and
// a long file of unterminated blocks. The same name always gives the same
// bytes, so their diagnostics have goldens like the stored ones.
func generatedHostile() map[string][]byte {
	rng := rand.New(rand.NewPCG(20261126, 1))
	// Random bytes: 128 KiB already make thousands of diagnostics.
	garbage := make([]byte, 128<<10)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	// HCL-shaped noise reaches further into the parser than uniform bytes.
	tokens := []string{"team", "workload", "{", "}", "[", "]", "=", "\"", "1e400", "-", "/", "0", "\n", " ", "share", "#", "${", "%{", "<<EOT\n", ",", "(", ")", "null"}
	var noise strings.Builder
	for noise.Len() < 64<<10 {
		noise.WriteString(tokens[rng.IntN(len(tokens))])
	}
	valid := "  tokens_per_developer = [2e6, 5e6]\n  cost_center          = \"platform\"\n}\n\n" +
		"workload \"chat\" {\n  share      = 1\n  complexity = \"complex\"\n}\n"
	return map[string][]byte{
		// A 1 MB string where a number belongs.
		"generated_1mb_string": []byte("team \"acme\" {\n  developers           = \"" + strings.Repeat("9", 1<<20) + "\"\n" + valid),
		// A 1 MB number literal: a million digits.
		"generated_1mb_number": []byte("team \"acme\" {\n  developers           = " + strings.Repeat("9", 1<<20) + "\n" + valid),
		// A 1 MB list where a range of two numbers belongs.
		"generated_1mb_list": []byte("team \"acme\" {\n  developers           = [" + strings.Repeat("1,", 1<<19) + "]\n" + valid),
		// A 1 MB label.
		"generated_1mb_label":    []byte("team \"" + strings.Repeat("a", 1<<20) + "\" {\n  developers           = 200\n" + valid),
		"generated_random_bytes": garbage,
		"generated_hcl_noise":    []byte(noise.String()),
		// Ten thousand unterminated blocks.
		"generated_open_blocks": []byte(strings.Repeat("team \"acme\" {\n", 10000)),
	}
}

func hostileCases(t testing.TB) []hostileCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(hostileDir, "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []hostileCase
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hostileCase{name: strings.TrimSuffix(filepath.Base(path), ".hcl"), filename: path, src: src})
	}
	for name, src := range generatedHostile() {
		out = append(out, hostileCase{name: name, filename: filepath.Join(hostileDir, name+".hcl"), src: src})
	}
	return out
}

// maxSnippetLine bounds a source line quoted in a golden file. A hostile
// spec's one-megabyte line would otherwise make a one-megabyte golden; the
// full output is checked for size separately.
const maxSnippetLine = 200

// clipLines shortens every line longer than maxSnippetLine to its first
// maxSnippetLine bytes and its length.
func clipLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > maxSnippetLine {
			lines[i] = fmt.Sprintf("%s… [%d bytes]", strings.ToValidUTF8(l[:maxSnippetLine], "?"), len(l))
		}
	}
	return strings.Join(lines, "\n")
}

// citation matches the FILE:LINE:COLUMN the renderer writes.
var citation = regexp.MustCompile(`(?m)^(?:  on )?(\S[^\n]*?):(\d+):(\d+)`)

// TestHostileSpecs parses every hostile spec and checks that the parser
// neither panics nor accepts it, that every diagnostic points into the
// file at a line, and that the rendered text matches its golden file (run
// go test ./spec -run TestHostileSpecs -update to rewrite them).
func TestHostileSpecs(t *testing.T) {
	cases := hostileCases(t)
	if len(cases) < 40 {
		t.Fatalf("found %d hostile specs, want at least 40", len(cases))
	}
	cat := modelcatalog.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(cat)
			s, diags := parseNoPanic(t, p, tc.filename, tc.src)
			if !diags.HasErrors() {
				t.Fatalf("Parse(%s) reported no error", tc.filename)
			}
			if s != nil {
				t.Errorf("Parse(%s) returned a Spec along with errors", tc.filename)
			}
			for _, d := range diags {
				switch {
				case d.Subject == nil:
					t.Errorf("diagnostic %q has no subject", d.Summary)
				case d.Subject.Filename != tc.filename:
					t.Errorf("diagnostic %q names file %q, want %q", d.Summary, d.Subject.Filename, tc.filename)
				case d.Subject.Start.Line < 1 || d.Subject.Start.Column < 1:
					t.Errorf("diagnostic %q has no line: %v", d.Summary, d.Subject)
				}
			}

			got := renderFirst(t, p, diags)
			if !strings.Contains(got, tc.filename+":") {
				t.Errorf("rendered diagnostics do not name %s:\n%s", tc.filename, clipLines(got))
			}
			cites := citation.FindAllStringSubmatch(got, -1)
			if len(cites) == 0 {
				t.Errorf("rendered diagnostics cite no FILE:LINE:COLUMN:\n%s", clipLines(got))
			}
			for _, m := range cites {
				if m[1] != tc.filename {
					t.Errorf("rendered diagnostics cite %s:%s, not %s", m[1], m[2], tc.filename)
				}
			}
			compareGolden(t, filepath.Join(hostileDir, tc.name+".golden"), clipLines(got))
		})
	}
}

// parseNoPanic parses src, turning a panic into a test failure that names
// the input and carries the stack.
func parseNoPanic(t *testing.T, p *Parser, filename string, src []byte) (s *Spec, diags hcl.Diagnostics) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Parse(%s) panicked: %v\n%s", filename, r, debug.Stack())
		}
	}()
	return p.Parse(filename, src)
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Check(t, path, []byte(got))
}

// TestHostileGoldensHaveSpecs keeps testdata/hostile tidy: every golden
// belongs to a stored or generated spec.
func TestHostileGoldensHaveSpecs(t *testing.T) {
	goldens, err := filepath.Glob(filepath.Join(hostileDir, "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tc := range hostileCases(t) {
		names[tc.name] = true
	}
	for _, g := range goldens {
		if name := strings.TrimSuffix(filepath.Base(g), ".golden"); !names[name] {
			t.Errorf("%s has no spec", g)
		}
	}
}

// TestHostileDiagnosticsValidUTF8 checks that diagnostics about binary
// input are themselves text.
func TestHostileDiagnosticsValidUTF8(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			_, diags := parseNoPanic(t, p, tc.filename, tc.src)
			for _, d := range diags {
				if !utf8.ValidString(d.Summary) || !utf8.ValidString(d.Detail) {
					t.Errorf("diagnostic %q has invalid UTF-8: %q", d.Summary, d.Detail)
				}
			}
		})
	}
}

// maxRendered is how many diagnostics a golden file holds; the rest are
// counted. Rendering is slow for huge inputs (see TestHostileLimits).
const maxRendered = 50

// renderFirst renders the first maxRendered diagnostics and counts the rest.
func renderFirst(t *testing.T, p *Parser, diags hcl.Diagnostics) string {
	t.Helper()
	var buf bytes.Buffer
	if err := p.WriteDiagnostics(&buf, diags[:min(len(diags), maxRendered)]); err != nil {
		t.Fatal(err)
	}
	if n := len(diags) - maxRendered; n > 0 {
		fmt.Fprintf(&buf, "[%d more diagnostics]\n", n)
	}
	return buf.String()
}

// Limits on what one spec may make the parser produce. A spec is a few
// kilobytes; whatever a file holds, its errors must fit on a screen or two
// and render in moments.
const (
	maxDiagnostics  = 100
	maxRenderedSize = 64 << 10
)

// TestHostileLimits checks that no input, however large or broken, makes
// the parser report more than maxDiagnostics problems or render more than
// maxRenderedSize bytes. HCL's text writer rescans the file from its
// first byte for every diagnostic, so ten thousand diagnostics on a
// megabyte of bytes take minutes to print, and a one-line megabyte
// attribute is quoted whole.
func TestHostileLimits(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			_, diags := parseNoPanic(t, p, tc.filename, tc.src)
			if len(diags) > maxDiagnostics {
				// Rendering them all would take minutes; the count is the failure.
				t.Fatalf("%d diagnostics for a %d-byte spec, want at most %d", len(diags), len(tc.src), maxDiagnostics)
			}
			var buf bytes.Buffer
			if err := p.WriteDiagnostics(&buf, diags); err != nil {
				t.Fatal(err)
			}
			if buf.Len() > maxRenderedSize {
				t.Errorf("rendered diagnostics are %d bytes for a %d-byte spec, want at most %d", buf.Len(), len(tc.src), maxRenderedSize)
			}
		})
	}
}

// TestHostileNoTerminalEscapes checks that rendered diagnostics carry no
// control characters other than newlines and tabs: a spec's bytes are
// quoted back to a terminal or a CI log, where an escape sequence would
// rewrite what the reader sees.
func TestHostileNoTerminalEscapes(t *testing.T) {
	for _, tc := range hostileCases(t) {
		if !strings.HasPrefix(tc.name, "control_") && !strings.HasPrefix(tc.name, "label_") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			_, diags := parseNoPanic(t, p, tc.filename, tc.src)
			got := renderFirst(t, p, diags)
			for i, r := range got {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
					t.Fatalf("rendered diagnostics hold control character %U at byte %d:\n%q", r, i, clipLines(got))
				}
			}
		})
	}
}

// TestHostileArithmetic covers arithmetic on infinities and zeros that
// HCL evaluates with arbitrary precision. Each expression must be refused
// with a diagnostic written for people: one paragraph, no Go panic text.
func TestHostileArithmetic(t *testing.T) {
	tests := []struct {
		name string
		expr string
	}{
		{"one over zero", "1/0"},
		{"minus one over zero", "-1/0"},
		{"zero over zero", "0/0"},
		{"zero times infinity", "0 * (1/0)"},
		{"infinity minus infinity", "(1/0) - (1/0)"},
		{"modulo zero", "200 % 0"},
		{"infinity modulo", "(1/0) % 2"},
		{"minus infinity modulo", "(-1/0) % 3"},
		{"modulo infinity", "7 % (1/0)"},
		{"overflowing product", "1e308 * 10"},
		{"overflowing sum", "1e308 + 1e308"},
		{"infinity in a list", "[1/0, 2][0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fmt.Sprintf("team \"acme\" {\n  developers           = %s\n  tokens_per_developer = 2e6\n  cost_center          = \"platform\"\n}\n\n"+
				"workload \"chat\" {\n  share      = 1\n  complexity = \"complex\"\n}\n", tt.expr)
			p := NewParser(modelcatalog.Default())
			s, diags := parseNoPanic(t, p, "arith.hcl", []byte(src))
			if s != nil || !diags.HasErrors() {
				t.Fatalf("developers = %s was accepted as %v", tt.expr, s.Team.Developers)
			}
			for _, d := range diags {
				if strings.Contains(d.Detail, "goroutine") || strings.Contains(d.Detail, "panic") || strings.Count(d.Detail, "\n") > 2 {
					t.Errorf("diagnostic %q carries Go internals:\n%s", d.Summary, clipLines(d.Detail[:min(len(d.Detail), 400)]))
				}
			}
		})
	}
}
