package usage

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// The claude_code.token.usage counter's series, read in any order: the
// points' identity is their series and interval, never the order they were
// read in. Two collectors' files, a shuffled file and the same file twice
// give the same figures as one ordered file.
//
// Delta points are counted as they are read; each series keeps the
// intervals it has counted, merged where they touch (a series' exports
// follow one another, so this is one span or a few), and a point whose
// interval is already covered is a repeat. Cumulative points are kept per
// counter (24 bytes a point) and differenced in time order at the end.

// seriesMeta is what a series' points count as.
type seriesMeta struct {
	developer, model string
	bucket           func(*Buckets) *float64
	// fast marks a series of fast mode (speed "fast"), priced at
	// standard rates and said so (aggregate.premium).
	fast bool
}

func (m seriesMeta) record(start, end time.Time, v float64) record {
	rec := record{Start: start, Width: end.Sub(start), Developer: m.developer, Model: m.model}
	*m.bucket(&rec.Tokens) = v
	return rec
}

// interval is a point's span in Unix nanoseconds, from excluded to..
type interval struct{ from, to int64 }

// deltaSeries are the intervals a delta series has counted: sorted,
// disjoint and merged where they touch.
type deltaSeries struct{ spans []interval }

// pointInterval is a point's interval; a point without a start time (or
// one not before its time) is the instant at its time, a nanosecond wide
// for its identity.
func pointInterval(dp otlpPoint) (iv interval, instant bool) {
	t, st := int64(dp.TimeUnixNano), int64(dp.StartTimeUnixNano)
	if st <= 0 || st >= t {
		return interval{t - 1, t}, true
	}
	return interval{st, t}, false
}

func (r *otelReader) delta(k key, meta seriesMeta, dp otlpPoint, v float64) {
	ds := r.deltas[k]
	if ds == nil {
		ds = &deltaSeries{}
		r.deltas[k] = ds
	}
	iv, instant := pointInterval(dp)
	switch ds.insert(iv) {
	case covered:
		r.metrics.dups++
		return
	case overlapped:
		r.overlap++
	}
	if instant {
		t := time.Unix(0, iv.to).UTC()
		r.addPoint(meta, t, t, v)
		return
	}
	r.addPoint(meta, time.Unix(0, iv.from).UTC(), time.Unix(0, iv.to).UTC(), v)
}

type insertion int

const (
	added insertion = iota
	covered
	overlapped
)

// insert adds an interval: covered when the spans hold it already,
// overlapped when they hold part of it.
func (ds *deltaSeries) insert(iv interval) insertion {
	sp := ds.spans
	// i is the first span that ends at or after iv starts.
	i := sort.Search(len(sp), func(i int) bool { return sp[i].to >= iv.from })
	j := i
	for j < len(sp) && sp[j].from <= iv.to {
		j++
	}
	// sp[i:j] touch or overlap iv.
	if j == i+1 && sp[i].from <= iv.from && iv.to <= sp[i].to {
		return covered
	}
	res := added
	merged := iv
	for _, s := range sp[i:j] {
		if s.to > iv.from && s.from < iv.to {
			res = overlapped
		}
		merged.from, merged.to = min(merged.from, s.from), max(merged.to, s.to)
	}
	ds.spans = splice(sp, i, j, merged)
	return res
}

// splice replaces sp[i:j] with iv, in place when it fits, else in a new
// array a quarter larger: append's doubling would leave half of a long
// series' spans unused, and a gigabyte of OTLP holds hundreds of thousands
// of series.
func splice(sp []interval, i, j int, iv interval) []interval {
	n := len(sp) - (j - i) + 1
	if n <= cap(sp) {
		out := sp[:n]
		copy(out[i+1:], sp[j:])
		out[i] = iv
		return out
	}
	out := make([]interval, n, n+n/4)
	copy(out, sp[:i])
	out[i] = iv
	copy(out[i+1:], sp[j:])
	return out
}

// cumulSeries is one cumulative counter (a series and a start time): its
// points, differenced when every file has been read.
type cumulSeries struct {
	meta  seriesMeta
	start int64
	pts   []cumulPoint
}

type cumulPoint struct {
	t          int64
	v          float64
	file, line int32
}

func (r *otelReader) cumulative(f *file, n int, k key, meta seriesMeta, dp otlpPoint, v float64) {
	// A new start time is a new counter.
	k[0] ^= uint64(dp.StartTimeUnixNano)
	cs := r.cumul[k]
	if cs == nil {
		cs = &cumulSeries{meta: meta, start: int64(dp.StartTimeUnixNano)}
		r.cumul[k] = cs
	}
	cs.pts = append(cs.pts, cumulPoint{int64(dp.TimeUnixNano), v, r.metrics.at(f.name), int32(min(n, math.MaxInt32))})
}

// flushCumulative differences each counter's points in time order: the
// first counts its value from the counter's start, each later one its
// increase over the one before (its value after a reset, as PromQL's
// increase() reads a restart); a point at a time already read is a
// repeat, and one that reads another value there an error: two exports
// of the same counter disagree, and whichever came first would count.
func (r *otelReader) flushCumulative() error {
	keys := make([]key, 0, len(r.cumul))
	for k := range r.cumul {
		keys = append(keys, k)
	}
	// Map order would make float sums differ in the last bit run to run.
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || (keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1])
	})
	for _, k := range keys {
		cs := r.cumul[k]
		pts := cs.pts
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].t < pts[j].t })
		for i, p := range pts {
			at := time.Unix(0, p.t).UTC()
			switch {
			case i == 0:
				from := at
				if cs.start > 0 && cs.start < p.t {
					from = time.Unix(0, cs.start).UTC()
				}
				r.addPoint(cs.meta, from, at, p.v)
			case p.t == pts[i-1].t && p.v != pts[i-1].v:
				q := pts[i-1]
				return fmt.Errorf("%s:%d: %s point reads %s at %s, and %s at the same time in %s:%d: two exports of the same counter disagree, and the figures would depend on the order of the files",
					r.metrics.files[p.file], p.line, otelTokenMetric, fmtCount(p.v), at.Format(time.RFC3339Nano), fmtCount(q.v), r.metrics.files[q.file], q.line)
			case p.t == pts[i-1].t:
				r.metrics.dups++
			case p.v < pts[i-1].v:
				r.resets++
				r.addPoint(cs.meta, time.Unix(0, pts[i-1].t).UTC(), at, p.v)
			default:
				r.addPoint(cs.meta, time.Unix(0, pts[i-1].t).UTC(), at, p.v-pts[i-1].v)
			}
		}
		delete(r.cumul, k)
	}
	return nil
}
