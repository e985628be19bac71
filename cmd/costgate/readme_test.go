package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeTourIsTheOutput keeps the README's tour true: every line of
// its plan output, in order, is a line costgate prints for that spec
// today (its warnings on stderr first, as a terminal shows them), or (ending in " ...") the start of one; a "..." line skips any
// number of lines, as does the start of the tour.
func TestReadmeTourIsTheOutput(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "$ go run ./cmd/costgate plan "
	readme := string(b)
	start := strings.Index(readme, prompt)
	if start < 0 {
		t.Fatal("README.md has no tour of costgate plan")
	}
	block := readme[start+len(prompt):]
	block = block[:strings.Index(block, "```")]
	lines := strings.Split(strings.TrimRight(block, "\n"), "\n")
	spec := strings.TrimSpace(lines[0])
	code, out, stderr := runCLI("plan", filepath.Join("..", "..", spec), "--as-of", "2026-11-26")
	if code > 1 {
		t.Fatalf("plan %s: exit %d: %s", spec, code, stderr)
	}
	// The terminal shows the spec's warnings (stderr) above the plan.
	got := strings.Split(stderr+out, "\n")
	// The tour leaves out the header line above the decision.
	at, skip := 0, true
	for _, want := range lines[1:] {
		if want == "..." {
			skip = true
			continue
		}
		prefix, cut := strings.CutSuffix(want, " ...")
		found := false
		for ; at < len(got); at++ {
			line := got[at]
			if line == want || cut && strings.HasPrefix(line, prefix) {
				found = true
				at++
				break
			}
			if !skip {
				break
			}
		}
		if !found {
			t.Fatalf("README.md's tour prints %q, which costgate plan %s does not print at that place:\n%s", want, spec, out)
		}
		skip = false
	}
}

// TestReadmeSpecIsValid: the spec README.md shows under "The spec" is one
// a reader can copy: it validates as written.
func TestReadmeSpecIsValid(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## The spec\n")
	if !ok {
		t.Fatal("README.md has no section \"The spec\"")
	}
	_, block, ok := strings.Cut(section, "```hcl\n")
	if !ok {
		t.Fatal("README.md's \"The spec\" shows no hcl block")
	}
	block, _, _ = strings.Cut(block, "```")
	path := filepath.Join(t.TempDir(), "readme.hcl")
	if err := os.WriteFile(path, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI("validate", path); code != 0 {
		t.Errorf("README.md's spec does not validate (exit %d):\n%s", code, stderr)
	}
}
