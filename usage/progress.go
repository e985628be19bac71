package usage

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progressDelay is how long reading runs before progress is shown: a
// quick import prints nothing.
const progressDelay = time.Second

// progress writes "read 312 MB of 1.0 GB (30 %)" to a terminal, rewriting
// the line in place, from a second into the import until it ends.
type progress struct {
	w     io.Writer
	total int64
	done  atomic.Int64
	quit  chan struct{}
	wg    sync.WaitGroup
	shown bool
}

// newProgress starts reporting to w; a nil w reports nothing.
func newProgress(w io.Writer, paths []string) *progress {
	p := &progress{w: w, quit: make(chan struct{})}
	if w == nil {
		return p
	}
	for _, path := range paths {
		if st, err := os.Stat(path); err == nil {
			p.total += st.Size()
		}
	}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	start := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.quit:
			return
		case now := <-tick.C:
			if now.Sub(start) >= progressDelay {
				p.print(now.Sub(start))
			}
		}
	}
}

func (p *progress) print(elapsed time.Duration) {
	done := p.done.Load()
	line := fmt.Sprintf("\rreading usage: %s of %s", fmtBytes(done), fmtBytes(p.total))
	if p.total > 0 {
		line += fmt.Sprintf(" (%d %%)", done*100/p.total)
	}
	if s := elapsed.Seconds(); s > 0 {
		line += fmt.Sprintf(", %s/s", fmtBytes(int64(float64(done)/s)))
	}
	fmt.Fprint(p.w, line+"\x1b[K")
	p.shown = true
}

// stop ends the reporting and clears the line.
func (p *progress) stop() {
	if p.w == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

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
