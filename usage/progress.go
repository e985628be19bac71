package usage

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	progressline "github.com/costgate/costgate/internal/progress"
)

// progress counts what an import has read and shows "read 312 MB of
// 1.0 GB (30 %)" on a terminal (internal/progress) until it ends.
type progress struct {
	total int64
	done  atomic.Int64
	line  *progressline.Line
}

// newProgress starts reporting to w; a nil w reports nothing.
func newProgress(w io.Writer, paths []string) *progress {
	p := &progress{}
	if w != nil {
		for _, path := range paths {
			if st, err := os.Stat(path); err == nil {
				p.total += st.Size()
			}
		}
	}
	p.line = progressline.Start(w, p.text)
	return p
}

func (p *progress) text(elapsed time.Duration) string {
	done := p.done.Load()
	line := fmt.Sprintf("reading usage: %s of %s", fmtBytes(done), fmtBytes(p.total))
	if p.total > 0 {
		line += fmt.Sprintf(" (%d %%)", done*100/p.total)
	}
	if s := elapsed.Seconds(); s > 0 {
		line += fmt.Sprintf(", %s/s", fmtBytes(int64(float64(done)/s)))
	}
	return line
}

// stop ends the reporting and clears the line.
func (p *progress) stop() { p.line.Stop() }

// countingReader adds what it reads to a progress.
type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.done.Add(int64(n))
	return n, err
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	default:
		return fmt.Sprintf("%d B", n)
	}
}
