package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/report"
)

// TestProgressWriter: progress goes to the terminal beneath the command's
// stderr wrapper (which holds a line until its newline, so a line
// rewritten in place with "\r" would never show), and nowhere when stderr
// is not a terminal.
func TestProgressWriter(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "tty"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer func(orig func(int) bool) { isTerminal = orig }(isTerminal)
	isTerminal = func(fd int) bool { return uintptr(fd) == f.Fd() }
	if got := progressWriter(report.NewCommandSafe(f)); got != f {
		t.Errorf("behind CommandSafe: got %v, want the terminal", got)
	}
	if got := progressWriter(f); got != f {
		t.Errorf("the terminal itself: got %v", got)
	}
	if got := progressWriter(report.NewCommandSafe(&bytes.Buffer{})); got != nil {
		t.Errorf("a buffer: got %v, want none", got)
	}
	isTerminal = func(int) bool { return false }
	if got := progressWriter(report.NewCommandSafe(f)); got != nil {
		t.Errorf("a file that is no terminal: got %v, want none", got)
	}
}

// TestPlanProgress: the progress line counts the specs planned and the
// fleets sized (one long plan's search moves it too), and shows a file
// name that carries a terminal escape or a bidi override escaped.
func TestPlanProgress(t *testing.T) {
	for _, tt := range []struct {
		name    string
		done, n int
		sized   int64
		want    string
	}{
		{"team.hcl", 0, 1, 1234, "planning team.hcl: 1234 fleets sized"},
		{"", 12, 1000, 5, "planning: 12 of 1000 specs, 5 fleets sized"},
		{"a\x1b[2Kb.hcl", 0, 1, 0, `planning "a\x1b[2Kb.hcl": 0 fleets sized`},
		{"a\u202eb.hcl", 0, 1, 0, `planning "a\u202eb.hcl": 0 fleets sized`},
	} {
		if got := planProgress(tt.name, tt.done, tt.n, tt.sized); got != tt.want {
			t.Errorf("planProgress(%q, %d, %d, %d) = %q, want %q", tt.name, tt.done, tt.n, tt.sized, got, tt.want)
		}
	}
}
