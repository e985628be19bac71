package usage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// spendRows is a LiteLLM spend log of 10 developers, one request each
// working hour (09:00-17:00 UTC) of each day, and one more request at each
// of extra.
func spendRows(days []time.Time, extra ...time.Time) string {
	var rows []string
	row := func(id string, at time.Time, dev int) {
		rows = append(rows, fmt.Sprintf(`{"request_id":%q,"startTime":%q,"model":"claude-sonnet-4-6","user":"dev%d@ex.com","call_type":"acompletion","prompt_tokens":10000,"completion_tokens":1000,"status":"success"}`,
			id, at.Format(time.RFC3339), dev))
	}
	for _, d := range days {
		for h := 9; h < 17; h++ {
			for dev := range 10 {
				row(fmt.Sprintf("r-%s-%d-%d", d.Format("0102"), h, dev), d.Add(time.Duration(h)*time.Hour), dev)
			}
		}
	}
	for i, at := range extra {
		row(fmt.Sprintf("x-%d", i), at, 0)
	}
	return "[" + strings.Join(rows, ",\n") + "]\n"
}

func weekdays(from time.Time, n int) []time.Time {
	var out []time.Time
	for d := from; len(out) < n; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// TestIsolatedRecordsAreRefused: with the period left to the data, one
// record far from the rest (two years early, a month late) stretched it
// and thinned every monthly figure (733 days for a week, 18,254 tokens a
// developer-month for 1,911,905), exit 0. Refused naming the record's file
// and the flag that bounds the period past it; a team's holiday, with
// usage on both sides, is no such record.
func TestIsolatedRecordsAreRefused(t *testing.T) {
	mon := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	week := weekdays(mon, 5)
	alone, err := Import([]string{writeTemp(t, "week.json", spendRows(week))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		body  string
		opts  Options
		wants []string // empty: accepted, with the week's figures when same
		same  bool
	}{
		{"a row two years early", spendRows(week, time.Date(2024, 11, 4, 10, 0, 0, 0, time.UTC)), Options{},
			[]string{"spend.json:401", "on or before 2024-11-04", "--since"}, false},
		{"a row a month late", spendRows(week, time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)), Options{},
			[]string{"spend.json:401", "on or after 2026-12-09", "--until"}, false},
		{"the early row, bounded by --since", spendRows(week, time.Date(2024, 11, 4, 10, 0, 0, 0, time.UTC)), Options{Since: mon},
			nil, true},
		{"the late row, bounded by --until", spendRows(week, time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)), Options{Until: mon.AddDate(0, 0, 5)},
			nil, true},
		{"a holiday between two weeks", spendRows(append(weekdays(mon, 5), weekdays(mon.AddDate(0, 0, 21), 5)...)), Options{},
			nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, "spend.json", tc.body)}, tc.opts)
			if len(tc.wants) > 0 {
				if err == nil {
					t.Fatalf("accepted: period %+v, %v tokens a developer-month", res.Period, res.Tokens.TokensPerDeveloperMonth.Mean)
				}
				for _, w := range tc.wants {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%v; want %q named", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.same && res.Tokens.TokensPerDeveloperMonth != alone.Tokens.TokensPerDeveloperMonth {
				t.Errorf("%+v a developer-month, want the week's %+v", res.Tokens.TokensPerDeveloperMonth, alone.Tokens.TokensPerDeveloperMonth)
			}
		})
	}
}

// TestStampedScrapeAheadIsRefused: one sample of a federation dump stamped
// a year after the rest (a target's clock, kept by honor_timestamps) was
// taken as the dump's time: a period of a year and token rates 270,000
// times low. Refused naming the file and the series.
func TestStampedScrapeAheadIsRefused(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC).UnixMilli()
	var paths []string
	for i := range 3 {
		body := replicaScrape("a:8000", i, 300, 50, t0+int64(i)*60000, true)
		if i == 2 {
			ahead := fmt.Sprint(t0 + int64(i)*60000 + 365*24*3600*1000)
			last := strings.LastIndex(body, " ")
			body = body[:last+1] + ahead + "\n"
		}
		paths = append(paths, writeScrape(t, dir, fmt.Sprintf("stamped-%d.prom", i+1), body))
	}
	if _, err := Import(paths[:2], Options{}); err != nil {
		t.Fatalf("two plain dumps: %v", err)
	}
	_, err := Import(paths, Options{})
	if err == nil {
		t.Fatal("a sample a year ahead accepted")
	}
	for _, w := range []string{"stamped-3.prom", "vllm:num_requests_running", "2027-11-02"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%v; want %q named", err, w)
		}
	}
}
