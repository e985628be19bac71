package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpExamplesRun runs every --help example that names only files
// this repository has (the bundled examples and fixtures), from the
// repository's root as a new user would: each must exit 0 or 1, never
// as invalid input. Examples on a team's own files (teams/, prices/),
// and those that write a file, are only shown.
func TestHelpExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("plans every bundled example")
	}
	var walk func(c *cobra.Command)
	var examples []string
	walk = func(c *cobra.Command) {
		joined := strings.ReplaceAll(c.Example, "\\\n", " ")
		for _, line := range strings.Split(joined, "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, "costgate ") {
				examples = append(examples, line)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(io.Discard, io.Discard))
	ran := 0
	for _, ex := range examples {
		args, ok := bundledArgs(t, strings.Fields(ex)[1:])
		if !ok {
			continue
		}
		ran++
		t.Run(ex, func(t *testing.T) {
			if code, _, stderr := runCLI(args...); code > 1 {
				t.Errorf("exit %d:\n%s", code, stderr)
			}
		})
	}
	if ran < 10 {
		t.Errorf("only %d of the %d help examples run on bundled files; the first example of a command should", ran, len(examples))
	}
}

// bundledArgs is an example's arguments with its file arguments made
// relative to this package and its globs expanded, or false when the
// example writes a file, reads stdin, needs git, or names a file the
// repository does not have (an error when it names one under examples/,
// cmd/ or policies/).
func bundledArgs(t *testing.T, fields []string) ([]string, bool) {
	var args []string
	pathFlag := false
	for _, f := range fields {
		switch {
		case f == "<" || f == ">" || f == "|" || f == "-" || f == "--write" || f == "--plot" || f == "-o" || f == "--base-ref":
			return nil, false
		case f == "--policy-dir" || f == "--spec-dir" || f == "--catalog" || f == "--model-config" || f == "--stack-config" || f == "--approvals":
			pathFlag = true
			args = append(args, f)
			continue
		}
		switch filepath.Ext(f) {
		case ".hcl", ".json", ".jsonl", ".yaml", ".prom":
			pathFlag = pathFlag || !strings.HasPrefix(f, "-")
		}
		isPath := pathFlag
		pathFlag = false
		if !isPath {
			args = append(args, f)
			continue
		}
		matches, err := filepath.Glob(filepath.Join("..", "..", f))
		if err != nil || len(matches) == 0 {
			if strings.HasPrefix(f, "examples/") || strings.HasPrefix(f, "cmd/") || strings.HasPrefix(f, "policies/") {
				t.Errorf("a help example names %s, which the repository does not have", f)
			}
			return nil, false
		}
		args = append(args, matches...)
	}
	return args, true
}
