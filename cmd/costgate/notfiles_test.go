//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notFilesRepo is a folder outside git (so its own root) holding, for
// each kind of input, a FIFO, a symlink to a FIFO and a symlink to
// /dev/zero where the kind allows one; the CLI is run from it.
func notFilesRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	spec, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "team.hcl", string(spec))
	writeFile(t, dir, "pol/ok.rego", "package costgate.acme\n\nx := 1\n")
	for _, fifo := range []string{"fifo.hcl", "fifo.json", "fifo.yaml", "fifopol/zz.rego", "fifo.jsonl", "linkpol/pipe.json"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, fifo)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(dir, fifo), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	links := map[string]string{
		"link.hcl":        "fifo.hcl",
		"linkpol/zz.rego": "pipe.json", // within its folder: a link out of it is refused first
		"book.json":       "fifo.json",
		"zeropol/zz.rego": "/dev/zero",
	}
	for name, target := range links {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	// Big files: one byte past each bound.
	big := func(name string, size int64) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
	}
	big("bigpol/big.rego", 1<<20+1)
	big("big.json", 16<<20+1)
	big("big.hcl", 1<<20+1)
	return dir
}

// TestOnlyRegularFiles: every file costgate reads — specs, policy files,
// price books, usage files, stack configurations, LiteLLM tables,
// approvals and perf's model config.json — that is a FIFO (which would block the run), a device
// (/dev/zero never ends) or a symlink to one is refused before it is
// read, naming the path, and a file past its bound is refused naming the
// bound. Each run has a deadline: a FIFO opened for reading would hang.
func TestOnlyRegularFiles(t *testing.T) {
	dir := notFilesRepo(t)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"spec FIFO", []string{"check", "fifo.hcl"}, "fifo.hcl is not a regular file (a named pipe)"},
		{"spec symlink to a FIFO", []string{"validate", "link.hcl"}, "link.hcl is not a regular file (a named pipe)"},
		{"spec past 1 MiB", []string{"validate", "big.hcl"}, "big.hcl is larger than 1 MiB"},
		{"fmt of a FIFO", []string{"fmt", "--check", "fifo.hcl"}, "fifo.hcl is not a regular file"},
		{"policy FIFO", []string{"check", "--policy-dir", "fifopol", "team.hcl"}, "fifopol/zz.rego is not a regular file (a named pipe)"},
		{"policy symlink to a FIFO", []string{"check", "--policy-dir", "linkpol", "team.hcl"}, "linkpol/zz.rego is not a regular file (a named pipe)"},
		{"policy symlink to /dev/zero in diff", []string{"diff", "--policy-dir", "zeropol", "team.hcl", "team.hcl"}, "zeropol/zz.rego"},
		{"policy FIFO in diff", []string{"diff", "--policy-dir", "fifopol", "team.hcl", "team.hcl"}, "fifopol/zz.rego is not a regular file"},
		{"policy past 1 MiB", []string{"check", "--policy-dir", "bigpol", "team.hcl"}, "bigpol/big.rego is larger than 1 MiB"},
		{"price book /dev/zero", []string{"plan", "--catalog", "/dev/zero", "team.hcl"}, "/dev/zero is not a regular file (a device)"},
		{"price book symlink to a FIFO", []string{"check", "--catalog", "book.json", "team.hcl"}, "book.json is not a regular file (a named pipe)"},
		{"price book past 16 MiB", []string{"plan", "--catalog", "big.json", "team.hcl"}, "big.json is larger than 16 MiB"},
		{"price book in diff", []string{"diff", "--catalog", "/dev/zero", "team.hcl", "team.hcl"}, "/dev/zero is not a regular file"},
		{"usage /dev/zero", []string{"plan", "--usage", "/dev/zero", "team.hcl"}, "/dev/zero is not a regular file (a device)"},
		{"usage FIFO", []string{"usage", "import", "fifo.jsonl"}, "fifo.jsonl is not a regular file (a named pipe)"},
		{"stack config FIFO", []string{"plan", "--stack-config", "fifo.yaml"}, "fifo.yaml is not a regular file (a named pipe)"},
		{"LiteLLM table /dev/zero", []string{"catalog", "import", "--litellm", "/dev/zero"}, "/dev/zero is not a regular file"},
		{"approvals FIFO", []string{"check", "--approvals", "fifo.json", "team.hcl"}, "fifo.json is not a regular file"},
		{"model config FIFO", perfArgs("x/y", "h100", "1", "bf16", "vllm", "1000", "100", "8", "--model-config", "fifo.json"), "fifo.json is not a regular file (a named pipe)"},
		{"model config /dev/zero", perfArgs("x/y", "h100", "1", "bf16", "vllm", "1000", "100", "8", "--model-config", "/dev/zero"), "/dev/zero is not a regular file (a device)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := inDir(t, dir, tt.args...)
				done <- result{code, stdout, stderr}
			}()
			select {
			case r := <-done:
				if r.code != exitInvalid || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", r.code, exitInvalid, tt.want, r.stdout, r.stderr)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the run blocked reading a file that is not a regular file")
			}
		})
	}
}
