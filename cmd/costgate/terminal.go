package main

import (
	"io"
	"os"

	"github.com/costgate/costgate/report"
	"golang.org/x/term"
)

// isTerminal reports whether a file descriptor is a terminal; tests
// replace it.
var isTerminal = term.IsTerminal

// progressWriter returns where a command shows its progress: the terminal
// its stderr writes to, beneath report.CommandSafe, or nil when stderr is
// not a terminal (a CI log, a pipe, a test's buffer), which shows none. A
// progress line carries only counts costgate computes.
func progressWriter(stderr io.Writer) io.Writer {
	if c, ok := stderr.(*report.CommandSafe); ok {
		stderr = c.Underlying()
	}
	if f, ok := stderr.(*os.File); ok && isTerminal(int(f.Fd())) {
		return f
	}
	return nil
}
