// Package progress shows a long command's progress on a terminal: one
// line, rewritten in place, from a second into the work until it ends. A
// quick command prints nothing, and one whose stderr is not a terminal
// (CI logs, a pipe) never gets a Line: the caller passes nil.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Delay is how long the work runs before its progress is shown.
const Delay = time.Second

// tick is how often the line is rewritten.
const tick = 200 * time.Millisecond

// Line is one progress line on a terminal.
type Line struct {
	w     io.Writer
	text  func(elapsed time.Duration) string
	quit  chan struct{}
	wg    sync.WaitGroup
	shown bool
}

// Start shows text(elapsed) on w from Delay on, every 200 ms, until Stop.
// A nil w shows nothing; text must be safe to call from another goroutine.
func Start(w io.Writer, text func(elapsed time.Duration) string) *Line {
	return start(w, Delay, text)
}

func start(w io.Writer, delay time.Duration, text func(time.Duration) string) *Line {
	l := &Line{w: w, text: text, quit: make(chan struct{})}
	if w == nil {
		return l
	}
	l.wg.Add(1)
	go l.loop(delay)
	return l
}

func (l *Line) loop(delay time.Duration) {
	defer l.wg.Done()
	begin := time.Now()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-l.quit:
			return
		case now := <-t.C:
			if elapsed := now.Sub(begin); elapsed >= delay {
				fmt.Fprint(l.w, "\r"+l.text(elapsed)+"\x1b[K")
				l.shown = true
			}
		}
	}
}

// Stop ends the line and clears it, so that what follows starts on a
// clean line. Stop on a nil w does nothing.
func (l *Line) Stop() {
	if l.w == nil {
		return
	}
	close(l.quit)
	l.wg.Wait()
	if l.shown {
		fmt.Fprint(l.w, "\r\x1b[K")
	}
}
