package usage

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// TestWeekdaysScaleToAMonth: a per-request export has no record of idle
// days, so a week's export whose last request is on Friday spans five
// days; scaled by its hours as if each were an average day of the month,
// it read 40 % high. A month's weekdays are 5/7 of its 730 hours: the
// five days give the same figures as the whole week stated with --since
// and --until, and as two whole weeks; a week with weekend work counts it
// at the weekend's share of the month.
func TestWeekdaysScaleToAMonth(t *testing.T) {
	monday := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	rows := func(days []int) string {
		var b []string
		for _, d := range days {
			for dev := range 10 {
				for h := 9; h < 17; h++ {
					at := monday.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour)
					b = append(b, fmt.Sprintf(`{"request_id":"r%d-%d-%d","startTime":%q,"model":"claude-sonnet-4.6","user":"dev%d","prompt_tokens":900,"completion_tokens":100,"call_type":"acompletion"}`,
						d, dev, h, at.Format(time.RFC3339), dev))
				}
			}
		}
		return "[" + strings.Join(b, ",\n") + "]"
	}
	week := 8 * 1000.0 * 5                       // a developer's tokens in a working week
	perMonth := week * 730 / (7 * 24)            // the weeks of a 730-hour month
	weekend := 8 * 1000.0 * 2 * 730 * 2 / 7 / 48 // two weekend days' work, at the weekend's share
	for _, tc := range []struct {
		name         string
		days         []int
		since, until time.Time
		want         float64
		note         string
	}{
		{"five days, the period the data's", []int{0, 1, 2, 3, 4}, time.Time{}, time.Time{}, perMonth, "holds no weekend day"},
		{"the week stated", []int{0, 1, 2, 3, 4}, monday, monday.AddDate(0, 0, 7), perMonth, ""},
		{"two weeks, the data's", []int{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, time.Time{}, time.Time{}, perMonth, ""},
		{"a week with its weekend worked", []int{0, 1, 2, 3, 4, 5, 6}, time.Time{}, time.Time{}, perMonth + weekend, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, "spend.json", rows(tc.days))}, Options{Since: tc.since, Until: tc.until})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tokens.TokensPerDeveloperMonth.Mean; math.Abs(got-tc.want) > 1 {
				t.Errorf("tokens per developer-month %.0f, want %.0f (period %+v)", got, tc.want, res.Period)
			}
			if notes := strings.Join(res.Notes, "\n"); tc.note != "" && !strings.Contains(notes, tc.note) || tc.note == "" && strings.Contains(notes, "holds no weekend day") {
				t.Errorf("notes %q, want %q", res.Notes, tc.note)
			}
		})
	}
}

// TestIdentityFolds: an email address names one mailbox whatever its
// letter case, and spaces around an identity are no part of it:
// Dev0@Example.com, dev0@example.com and "dev1 " were three more
// developers. Plus-addressed mailboxes stay apart.
func TestIdentityFolds(t *testing.T) {
	var rows []string
	for i, who := range []string{"dev0@example.com", "Dev0@Example.com", "dev1", "dev1 ", " dev1", "dev2+laptop@example.com", "dev2@example.com"} {
		rows = append(rows, fmt.Sprintf(`{"request_id":"r%d","startTime":"2026-11-02T1%d:00:00Z","model":"claude-sonnet-4.6","user":%q,"prompt_tokens":900,"completion_tokens":100,"call_type":"acompletion"}`, i, i, who))
	}
	res, err := Import([]string{writeTemp(t, "ids.json", "["+strings.Join(rows, ",")+"]")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tokens.Developers != 4 {
		t.Errorf("%d developers, want dev0, dev1, dev2 and dev2+laptop", res.Tokens.Developers)
	}
}

// TestWeekdaysInTheTeamsZone: a Los Angeles team's working week runs
// Monday 17:00 UTC to Saturday 01:00 UTC; its Friday evenings fell on a
// UTC Saturday and were scaled as weekend days, 2.5 % high. The team's
// days are its own; the period's hours stay UTC days.
func TestWeekdaysInTheTeamsZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	var b []string
	for d := range 5 {
		for dev := range 4 {
			for h := 9; h < 17; h++ {
				at := time.Date(2026, 11, 2+d, h, 30, 0, 0, la)
				b = append(b, fmt.Sprintf(`{"request_id":"r%d-%d-%d","startTime":%q,"model":"claude-sonnet-4.6","user":"dev%d","prompt_tokens":900,"completion_tokens":100,"call_type":"acompletion"}`,
					d, dev, h, at.UTC().Format(time.RFC3339), dev))
			}
		}
	}
	res, err := Import([]string{writeTemp(t, "la.json", "["+strings.Join(b, ",")+"]")}, Options{Location: la})
	if err != nil {
		t.Fatal(err)
	}
	want := 8 * 1000.0 * 5 * 730 / (7 * 24) // a working week's tokens, the weeks of a month
	if got := res.Tokens.TokensPerDeveloperMonth.Mean; math.Abs(got-want) > 1 {
		t.Errorf("tokens per developer-month %.0f, want %.0f (period %+v)", got, want, res.Period)
	}
}
