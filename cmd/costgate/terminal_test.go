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
