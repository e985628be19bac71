package main

import (
	"strings"
	"testing"
)

func TestValidateExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"valid", []string{"validate", "../../examples/acme-platform.hcl", messy}, 0,
			"../../examples/acme-platform.hcl: valid\ntestdata/fmt/messy.hcl: valid\n", ""},
		{"invalid among valid", []string{"validate", "../../examples/acme-platform.hcl", "testdata/invalid.hcl"}, 2,
			"acme-platform.hcl: valid", "testdata/invalid.hcl:2:"},
		{"syntax error", []string{"validate", "testdata/fmt/syntax.hcl"}, 2, "", "syntax.hcl:"},
		{"missing file", []string{"validate", "testdata/nope.hcl"}, 2, "", "nope.hcl"},
		{"missing catalog", []string{"validate", messy, "--catalog", "testdata/nope.json"}, 2, "", "nope.json"},
		{"no file", []string{"validate"}, 2, "", "requires at least 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr)
			}
			if strings.Contains(stdout, "invalid.hcl: valid") {
				t.Error("an invalid spec reported valid")
			}
		})
	}
}

// TestHelpTeaches: every command's help has a long description and
// examples.
func TestHelpTeaches(t *testing.T) {
	for _, name := range []string{"plan", "check", "diff", "breakeven", "catalog", "fmt", "validate"} {
		t.Run(name, func(t *testing.T) {
			code, stdout, _ := runCLI(name, "--help")
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			if !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "costgate "+name+" ") || len(stdout) < 600 {
				t.Errorf("help is thin:\n%s", stdout)
			}
		})
	}
}
