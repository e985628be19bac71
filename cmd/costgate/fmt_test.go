package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const messy = "testdata/fmt/messy.hcl"

// copyTo copies a spec into dir and returns its path.
func copyTo(t *testing.T, dir, src string) string {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestFmtExitCodes(t *testing.T) {
	dir := t.TempDir()
	tidy := copyTo(t, dir, "../../examples/acme-platform.hcl")
	untidy := copyTo(t, dir, messy)
	tests := []cliCase{
		{"check formatted", []string{"fmt", "--check", tidy}, 0, "", ""},
		{"check unformatted", []string{"fmt", "--check", tidy, untidy}, 1, untidy, ""},
		{"syntax error", []string{"fmt", "testdata/fmt/syntax.hcl"}, 2, "", "syntax.hcl:"},
		{"missing file", []string{"fmt", filepath.Join(dir, "nope.hcl")}, 2, "", "nope.hcl"},
		{"no file", []string{"fmt"}, 2, "", "requires at least 1 arg"},
	}
	runCases(t, tests)
	if strings.Contains(mustRead(t, untidy), "developers=[40,60]") == false {
		t.Error("--check rewrote the file")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestFmtInPlace: fmt rewrites the file, keeps its mode and comments, and a
// second run changes nothing.
func TestFmtInPlace(t *testing.T) {
	path := copyTo(t, t.TempDir(), messy)
	if code, _, stderr := runCLI("fmt", path); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := mustRead(t, path)
	for _, want := range []string{"  developers           = [40, 60]\n", "# per month", "# A spec written by hand"} {
		if !strings.Contains(first, want) {
			t.Errorf("formatted file lacks %q:\n%s", want, first)
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600 kept", info.Mode().Perm(), err)
	}
	if code, stdout, _ := runCLI("fmt", "--check", path); code != 0 || stdout != "" {
		t.Errorf("formatted file fails --check: exit %d, %q", code, stdout)
	}
	if code, _, _ := runCLI("fmt", path); code != 0 || mustRead(t, path) != first {
		t.Error("a second fmt changed the file")
	}
}

// TestFmtStdin: "-" formats standard input to standard output.
func TestFmtStdin(t *testing.T) {
	in, err := os.Open(messy)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	code, stdout, stderr := runCLI("fmt", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := string(spec.Format([]byte(mustRead(t, messy)))); stdout != want {
		t.Errorf("stdout is not the formatted input:\n%s", stdout)
	}
}

// TestFmtKeepsFigures: every example and the messy spec decode to the same
// spec before and after formatting, and formatting is idempotent.
func TestFmtKeepsFigures(t *testing.T) {
	paths, err := filepath.Glob("../../examples/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	seeds, _ := filepath.Glob("../../examples/seed/*.hcl")
	paths = append(append(paths, seeds...), messy, diffHead)
	parser := spec.NewParser(modelcatalog.Default())
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src := []byte(mustRead(t, path))
			out := spec.Format(src)
			if again := spec.Format(out); string(again) != string(out) {
				t.Errorf("not idempotent:\n%s", cmp.Diff(string(out), string(again)))
			}
			before, diags := parser.Parse(path, src)
			if diags.HasErrors() {
				t.Fatalf("parse: %v", diags)
			}
			after, diags := parser.Parse(path+".formatted", out)
			if diags.HasErrors() {
				t.Fatalf("parse formatted: %v", diags)
			}
			if diff := cmp.Diff(before, after, cmpopts.IgnoreFields(spec.Spec{}, "Ranges", "Filename")); diff != "" {
				t.Errorf("formatting changed the spec (-before +after):\n%s", diff)
			}
		})
	}
}

// TestFmtRefusesHiddenLineBreaks: fmt neither passes (--check) nor
// rewrites a spec with a line break HCL does not end a line at (made a
// line feed, it would un-comment the line the comment hid), an invisible
// character or a look-alike delimiter (made ASCII, it would end the
// heredoc or comment it leaves open).
func TestFmtRefusesHiddenLineBreaks(t *testing.T) {
	raw := mustRead(t, "../../examples/regulated.hcl")
	for _, tt := range []struct{ name, hidden, summary string }{
		{"line separator", strings.Replace(raw, "  code_may_leave_network = false", "  # PCI scope\u2028  code_may_leave_network = false", 1), "Hidden line break or text direction"},
		{"zero-width space", strings.Replace(raw, "  code_may_leave_network = false", "  # PCI scope\u200b\n  code_may_leave_network = false", 1), "Invisible character"},
		{"look-alike comment end", strings.Replace(raw, "  code_may_leave_network = false", "  /* PCI scope \u2217/\n  code_may_leave_network = false\n  /* end */", 1), "Look-alike delimiter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "regulated.hcl")
			if err := os.WriteFile(path, []byte(tt.hidden), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"fmt", "--check", path}, {"fmt", path}} {
				code, _, stderr := runCLI(args...)
				if code != 2 || !strings.Contains(stderr, tt.summary) {
					t.Errorf("%v: exit %d\n%s", args, code, stderr)
				}
			}
			if got, _ := os.ReadFile(path); string(got) != tt.hidden {
				t.Error("fmt rewrote the file")
			}
		})
	}
}
