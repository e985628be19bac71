package usage

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, total: 4 << 30, quit: make(chan struct{})}
	p.done.Store(1 << 30)
	p.print(2 * time.Second)
	if got := b.String(); !strings.HasPrefix(got, "\rreading usage: 1.0 GB of 4.0 GB (25 %), 512 MB/s") {
		t.Errorf("progress line %q", got)
	}
}

// TestProgressQuiet: an import under a second prints nothing, and one
// without a terminal has no progress at all.
func TestProgressQuiet(t *testing.T) {
	var b bytes.Buffer
	if _, err := Import([]string{"testdata/litellm-spend/logs.csv"}, Options{Progress: &b}); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Errorf("a quick import printed progress: %q", b.String())
	}
	p := newProgress(nil, nil)
	p.stop()
}
