package usage

import (
	"fmt"
	"sort"
	"time"
)

// A period the options do not bound runs from the first record to the
// last, so one record far from the rest (a machine with a wrong clock, a
// backfilled row, a typo) stretches it: a week of usage and one row two
// years early made a period of 733 days and thinned every monthly figure
// a hundredfold. The rule: where the period's start (or end) is the
// records', and more than isolatedGapDays days with no record part the
// records at that end from the rest, and those hold less than
// isolatedShare of the records, the import is refused naming the first
// (or last) of them; --since and --until bound the period past them.

const (
	isolatedGapDays = 7
	isolatedShare   = 0.05
)

// dayRecords is what a UTC day holds: its records (a report's empty
// bucket is none, but marks the day as covered) and where the first
// was read, when known.
type dayRecords struct {
	records int64
	where   seenRecord
	known   bool
}

// markDays records a record (or, with n 0, an empty report bucket) on
// the UTC days from s to e (the day of s for an instant); where is the
// record's file and line, when known.
func (a *aggregate) markDays(s, e time.Time, n int64, where seenRecord, known bool) {
	if a.days == nil {
		a.days = map[int64]*dayRecords{}
	}
	first, last := dayIndex(s), dayIndex(s)
	if e.After(s) {
		last = dayIndex(e.Add(-time.Nanosecond))
	}
	if last-first > maxPeriodDays {
		last = first // the period is refused as too long anyway
	}
	for d := first; d <= last; d++ {
		dr := a.days[d]
		if dr == nil {
			dr = &dayRecords{}
			a.days[d] = dr
		}
		dr.records += n
		if n > 0 && !dr.known && known {
			dr.where, dr.known = where, true
		}
	}
}

func dayIndex(t time.Time) int64 {
	u := t.Unix()
	return (u - mod(u, 86400)) / 86400
}

// isolated refuses records at an end of the period the options leave to
// the data that a long stretch with no record parts from the rest.
func (a *aggregate) isolated() error {
	if (!a.since.IsZero() && !a.until.IsZero()) || len(a.days) < 2 {
		return nil
	}
	days := make([]int64, 0, len(a.days))
	var total int64
	for d, dr := range a.days {
		days = append(days, d)
		total += dr.records
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	var before int64
	for i := 1; i < len(days); i++ {
		before += a.days[days[i-1]].records
		gap := days[i] - days[i-1] - 1
		if gap <= isolatedGapDays {
			continue
		}
		if a.since.IsZero() && float64(before) < isolatedShare*float64(total) {
			return a.isolatedError(days[0], days[i-1], days[i], gap, before, total, "before", "--since")
		}
		if after := total - before; a.until.IsZero() && float64(after) < isolatedShare*float64(total) {
			return a.isolatedError(days[len(days)-1], days[i], days[i-1], gap, after, total, "after", "--until")
		}
	}
	return nil
}

// isolatedError names the record that would stretch the period (the
// first or last of the isolated ones, on day far), the stretch from day
// edge to day rest with no record between, and the flag that bounds it.
func (a *aggregate) isolatedError(far, edge, rest, gap, n, total int64, side, flag string) error {
	day := func(d int64) string { return time.Unix(d*86400, 0).UTC().Format(time.DateOnly) }
	on := map[string]string{"before": "on or before", "after": "on or after"}[side]
	msg := fmt.Sprintf("the records %s %s (%d of the %d) are parted from the rest by %d days with no record (%s to %s): the period would run over that stretch, which counts as no usage, and thin every monthly figure; check those records' timestamps (a wrong clock, a backfilled row), or bound the period with %s",
		on, day(edge), n, total, gap, day(min(edge, rest)+1), day(max(edge, rest)-1), flag)
	dr := a.days[far]
	if dr == nil || !dr.known {
		return fmt.Errorf("%s", msg)
	}
	return &RecordError{File: a.files[dr.where.file], Line: int(dr.where.line), Msg: "this record's time is far from the others': " + msg}
}
