package usage

import (
	"bytes"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	p := &progress{total: 4 << 30}
	p.done.Store(1 << 30)
	if got := p.text(2 * time.Second); got != "reading usage: 1.0 GB of 4.0 GB (25 %), 512 MB/s" {
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
