package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
)

// spoolFrom is the number of specs from which a command's rendered plans
// are spooled: below it they stay in memory.
const spoolFrom = 64

// spool keeps the plans rendered while others are still being built out
// of the heap, in a temporary file unlinked as soon as it is open, until
// the command writes them all in the order given. Kept in memory, a
// thousand plans' 50 MB of JSON stayed live through the run, and the
// collector, held to the CLI's soft memory limit, ran about a third more
// often (docs/PERFORMANCE.md). Where no temporary file can be made the
// plans stay in memory, as they do for a few specs.
type spool struct {
	mu  sync.Mutex
	f   *os.File // nil: in memory
	off int64
	// full is set once a write failed: the pieces after it stay in
	// memory, those before it in the file.
	full bool
	// name is removed at close where the file could not be unlinked
	// while open (Windows).
	name string
}

// piece is one rendered plan: in memory, or where the spool holds it.
type piece struct {
	mem    []byte
	off, n int64
	in     *spool
}

// newSpool is a spool for n rendered plans: in memory below spoolFrom.
func newSpool(n int) *spool {
	s := &spool{}
	if n < spoolFrom {
		return s
	}
	f, err := os.CreateTemp("", "costgate-plans-*")
	if err != nil {
		return s
	}
	s.f = f
	if os.Remove(f.Name()) != nil {
		s.name = f.Name()
	}
	return s
}

// put keeps b, and returns where: in the file, or in memory once the file
// cannot take it (a full disk costs memory, not the command).
func (s *spool) put(b []byte) piece {
	if s == nil || s.f == nil {
		return piece{mem: b}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		return piece{mem: b}
	}
	if _, err := s.f.WriteAt(b, s.off); err != nil {
		s.full = true
		return piece{mem: b}
	}
	p := piece{off: s.off, n: int64(len(b)), in: s}
	s.off += int64(len(b))
	return p
}

// bytes reads the piece back.
func (p piece) bytes() ([]byte, error) {
	if p.in == nil {
		return p.mem, nil
	}
	b := make([]byte, p.n)
	if _, err := p.in.f.ReadAt(b, p.off); err != nil && !(err == io.EOF && p.n == 0) {
		return nil, fmt.Errorf("read the spooled plans back: %w", err)
	}
	return b, nil
}

// close closes and removes the spool's file.
func (s *spool) close() {
	if s == nil || s.f == nil {
		return
	}
	s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
}

// manySpecsGC paces the collector by the soft memory limit alone while n
// specs are planned, from spoolFrom on, and returns what restores it
// (GOGC in the environment wins). Their live heap is a few tens of MB,
// the rendered plans being spooled, so each collection frees most of what
// the limit allows: 20 collections over 1,000 specs instead of 26. A
// command over a few specs keeps main's GOGC=400, which holds its peak
// nearer its live heap (a breakeven chart 138 MB, not 250).
func manySpecsGC(n int) func() {
	if n < spoolFrom || os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(old) }
}
