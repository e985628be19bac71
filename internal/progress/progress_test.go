package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer the line's goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLineShownThenCleared: past its delay the line is written in place
// (a carriage return, the text, erase to the end of the line) and Stop
// clears it.
func TestLineShownThenCleared(t *testing.T) {
	var b syncBuffer
	l := start(&b, 0, func(time.Duration) string { return "planned 3 of 9 specs" })
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), "planned") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	l.Stop()
	got := b.String()
	if !strings.HasPrefix(got, "\rplanned 3 of 9 specs\x1b[K") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress output %q", got)
	}
}

// TestLineQuiet: work that ends before the delay prints nothing, and a
// nil writer has no line at all.
func TestLineQuiet(t *testing.T) {
	var b syncBuffer
	l := start(&b, time.Hour, func(time.Duration) string { return "never" })
	l.Stop()
	if b.String() != "" {
		t.Errorf("quick work printed %q", b.String())
	}
	Start(nil, func(time.Duration) string { return "never" }).Stop()
}
