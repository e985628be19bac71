package usage

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// A usage report is complete or refused: the responses do not echo the
// cursor they answer, so what can be checked is continuity. A page set
// whose buckets leave a gap, whose last page still says has_more, or one
// of whose files is an API error body or empty, is missing usage: an
// error naming the file and what is missing, or — under AllowGaps — a gap
// stated in every output.

// pageSet is what the pages of one import say about their completeness.
type pageSet struct {
	startKey, endKey string
	in               *inputs
	// buckets maps a bucket's start (Unix seconds) to its end and file.
	buckets map[int64]bucketSeen
	// last are the pages holding the latest bucket end seen so far.
	lastEnd int64
	last    []*pageInfo
	// groupNames are the report's group_by fields, in the order of the
	// bits of a grouping; cur gathers the bits of the bucket being read,
	// and groupings holds each bucket's, by its start.
	groupNames []string
	cur        uint32
	curKeys    []uint64
	groupings  map[int64][]bucketGrouping
}

// bucketGrouping is the group_by fields one page's bucket carries (a bit
// each, set where any of its results has the field) and where it is: the
// same bucket in two pages grouped by other fields holds the same usage
// twice, under keys that never match.
type bucketGrouping struct {
	fields uint32
	end    int64
	where  string
	// keys are its results' identities (the first half of each key): of
	// two exports of one grouping, the later holds all the earlier's, and
	// the rows that arrived late; two groupings' each hold rows the other
	// lacks.
	keys []uint64
}

// grouped records that a result of the bucket being read carries the
// fields, under its identity k.
func (ps *pageSet) grouped(fields uint32, k key) {
	ps.cur |= fields
	ps.curKeys = append(ps.curKeys, k[0])
}

// bucketDone records the grouping of the bucket just read (at the line of
// the file) once its results are in.
func (ps *pageSet) bucketDone(file string, line int, start, end time.Time) {
	fields, keys := ps.cur, ps.curKeys
	ps.cur, ps.curKeys = 0, nil
	if ps.groupNames == nil || fields == 0 {
		return
	}
	k := start.Unix()
	for _, g := range ps.groupings[k] {
		if g.fields == fields && g.end == end.Unix() {
			return
		}
	}
	slices.Sort(keys)
	ps.groupings[k] = append(ps.groupings[k], bucketGrouping{fields: fields, end: end.Unix(), where: fmt.Sprintf("%s:%d", file, line), keys: keys})
}

// within reports whether every identity in a is one of b's (both
// sorted): a later export of one grouping holds the earlier one's rows and
// the rows that arrived late, never fewer.
func within(a, b []uint64) bool {
	j := 0
	for _, k := range a {
		for j < len(b) && b[j] < k {
			j++
		}
		if j == len(b) || b[j] != k {
			return false
		}
	}
	return true
}

// groupShape is the grouping bits of a result's group fields: bit i is
// set when the i-th is given.
func groupShape(fields ...str) uint32 {
	var b uint32
	for i, f := range fields {
		if f.Set && f.V != "" {
			b |= 1 << i
		}
	}
	return b
}

// fieldNames names a grouping's fields.
func (ps *pageSet) fieldNames(bits uint32) string {
	var out []string
	for i, n := range ps.groupNames {
		if bits&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "no field"
	}
	return strings.Join(out, ", ")
}

// mixedGroupings refuses a bucket that two pages group by other fields
// where neither holds all the other's rows: the same usage under two
// groupings counts twice. Sharing a row is not enough: rows whose extra
// field is null (an OAuth user's under api_key_id, the default
// workspace's) match in both groupings while the rest do not. (Two widths over the
// same hours are refused as such: aggregate.overlappingWidths.)
func (ps *pageSet) mixedGroupings() error {
	starts := make([]int64, 0, len(ps.groupings))
	for k := range ps.groupings {
		starts = append(starts, k)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	for _, k := range starts {
		gs := ps.groupings[k]
		for i, a := range gs {
			for _, b := range gs[i+1:] {
				// One grouping exported twice holds the earlier export's rows
				// even where a late row brings a field they all left null.
				if a.end == b.end && a.fields != b.fields && !within(a.keys, b.keys) && !within(b.keys, a.keys) {
					return &RecordError{File: a.where + " and " + b.where, Msg: fmt.Sprintf("the bucket from %s is grouped by other fields in each (%s; %s): each holds rows the other lacks, the same usage under other keys, so both would count it; import the pages of one group_by", stampText(k), ps.fieldNames(a.fields), ps.fieldNames(b.fields))}
				}
			}
		}
	}
	return nil
}

type bucketSeen struct {
	end  int64
	file string
}

// pageInfo is one page object of a file.
type pageInfo struct {
	file     string
	line     int
	data     bool
	hasMore  bool
	err      *apiError
	maxEnd   int64
	nBuckets int
	// pendingBuckets are the page's buckets, recorded once the page has
	// read as a page (an error body has none).
	pendingBuckets [][2]int64
}

// apiError is an error body: Anthropic's {"type":"error","error":{...}},
// OpenAI's {"error":{...}}.
type apiError struct {
	Type    string `json:"type"`
	Code    any    `json:"code"`
	Message string `json:"message"`
}

func newPageSet(in *inputs, startKey, endKey string, groupNames ...string) *pageSet {
	return &pageSet{in: in, startKey: startKey, endKey: endKey, buckets: map[int64]bucketSeen{}, groupNames: groupNames, groupings: map[int64][]bucketGrouping{}}
}

func (pg *pageInfo) bucket(start, end time.Time) {
	pg.nBuckets++
	pg.maxEnd = max(pg.maxEnd, end.Unix())
	pg.pendingBuckets = append(pg.pendingBuckets, [2]int64{start.Unix(), end.Unix()})
}

// add records a page once it is read: an error body or a page without
// data is missing usage.
func (ps *pageSet) add(f *file, pg *pageInfo) error {
	where := fmt.Sprintf("%s:%d", f.name, pg.line)
	switch {
	case pg.err != nil:
		kind := pg.err.Type
		if kind == "" && pg.err.Code != nil {
			kind = fmt.Sprint(pg.err.Code)
		}
		return ps.missing(where, fmt.Sprintf("is an API error body (%s: %s), not a usage page: its buckets are missing; fetch the page again", kind, pg.err.Message))
	case !pg.data:
		return ps.missing(where, "is not a usage report page: it has no data array")
	}
	for _, b := range pg.pendingBuckets {
		if _, ok := ps.buckets[b[0]]; !ok {
			ps.buckets[b[0]] = bucketSeen{end: b[1], file: f.name}
		}
	}
	pg.pendingBuckets = nil
	switch {
	case pg.nBuckets == 0:
	case pg.maxEnd > ps.lastEnd:
		ps.lastEnd, ps.last = pg.maxEnd, []*pageInfo{pg}
	case pg.maxEnd == ps.lastEnd:
		ps.last = append(ps.last, pg)
	}
	return nil
}

// missing is usage the page set lacks: invalid input, or under AllowGaps
// a gap stated in the result.
func (ps *pageSet) missing(where, what string) error {
	msg := where + ": " + what
	if !ps.in.opts.AllowGaps {
		return &RecordError{File: where, Msg: strings.TrimSpace(what) + "; or read on with --allow-gaps"}
	}
	ps.in.res.Gaps = append(ps.in.res.Gaps, msg)
	return nil
}

// check finds the buckets the set lacks: a gap between buckets in the
// period, or a last page that says more follow.
func (ps *pageSet) check() error {
	if err := ps.mixedGroupings(); err != nil {
		return err
	}
	opts := ps.in.opts
	starts := make([]int64, 0, len(ps.buckets))
	for s := range ps.buckets {
		starts = append(starts, s)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	inPeriod := func(from, to int64) bool {
		return (opts.Since.IsZero() || to > opts.Since.Unix()) && (opts.Until.IsZero() || from < opts.Until.Unix())
	}
	var reach int64
	var reachFile string
	for i, s := range starts {
		b := ps.buckets[s]
		if i > 0 && s > reach && inPeriod(reach, s) {
			what := fmt.Sprintf("no page holds the buckets from %s to %s (%s): a page between these two is missing",
				stampText(reach), stampText(s), time.Duration(s-reach)*time.Second)
			if err := ps.missing(reachFile+" and "+b.file, what); err != nil {
				return err
			}
		}
		if b.end > reach {
			reach, reachFile = b.end, b.file
		}
	}
	// A report lists every bucket of its range, empty ones too: a stated
	// period past its buckets is usage the files do not hold, which would
	// count as none and thin every figure a month.
	if len(starts) > 0 {
		first := ps.buckets[starts[0]]
		if !opts.Since.IsZero() && opts.Since.Unix() < starts[0] {
			what := fmt.Sprintf("--since %s is before the first bucket (from %s): no page holds the usage between them", stampText(opts.Since.Unix()), stampText(starts[0]))
			if err := ps.missing(first.file, what); err != nil {
				return err
			}
		}
		if !opts.Until.IsZero() && opts.Until.Unix() > reach {
			what := fmt.Sprintf("--until %s is after the last bucket (to %s): no page holds the usage between them", stampText(opts.Until.Unix()), stampText(reach))
			if err := ps.missing(reachFile, what); err != nil {
				return err
			}
		}
	}
	more := len(ps.last) > 0
	for _, pg := range ps.last {
		more = more && pg.hasMore
	}
	if more && inPeriod(ps.lastEnd, ps.lastEnd+1) {
		pg := ps.last[0]
		return ps.missing(fmt.Sprintf("%s:%d", pg.file, pg.line), fmt.Sprintf("holds the latest bucket (to %s) but says has_more: true: the pages after it are missing", stampText(ps.lastEnd)))
	}
	return nil
}

func stampText(unix int64) string { return time.Unix(unix, 0).UTC().Format("2006-01-02T15:04Z") }
