package usage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPeriodInTheTeamsDays: a per-request export's period was rounded out
// to whole UTC days, and a Los Angeles team's last request (16:00 local,
// 00:00 UTC the next day) or a Sydney team's first (09:00 local, 22:00 UTC
// the day before) added a day without work: a Monday-to-Thursday export
// read 20 % low, one day 50 % low, and the peak high. The period is now
// the team's whole days, and says their zone.
func TestPeriodInTheTeamsDays(t *testing.T) {
	const truth = 1911905 // 8 h × 11,000 tokens × a month's 730×5/7/24 weekdays
	for _, tc := range []struct {
		zone         string
		first        int // day of November 2026
		days         int
		since, until string
	}{
		{"America/Los_Angeles", 2, 4, "2026-11-02", "2026-11-06"},
		{"America/Los_Angeles", 2, 1, "2026-11-02", "2026-11-03"},
		{"Australia/Sydney", 3, 4, "2026-11-03", "2026-11-07"},
		{"Australia/Sydney", 4, 1, "2026-11-04", "2026-11-05"},
		{"UTC", 2, 4, "2026-11-02", "2026-11-06"},
	} {
		t.Run(fmt.Sprintf("%s %d days", tc.zone, tc.days), func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			days := weekdays(time.Date(2026, 11, tc.first, 0, 0, 0, 0, loc), tc.days)
			res, err := Import([]string{writeTemp(t, "spend.json", spendRows(days))}, Options{Location: loc})
			if err != nil {
				t.Fatal(err)
			}
			zone := tc.zone
			if zone == "UTC" {
				zone = ""
			}
			if want := (Period{Since: tc.since, Until: tc.until, Days: float64(tc.days), Zone: zone}); res.Period != want {
				t.Errorf("period %+v, want %+v", res.Period, want)
			}
			if got := res.Tokens.TokensPerDeveloperMonth.Mean; got != truth {
				t.Errorf("%v tokens a developer-month, want %v", got, truth)
			}
			if p := res.Tokens.PeakToAverage; p == nil || *p != 1 {
				t.Errorf("peak %v, want 1", p)
			}
		})
	}
}

// TestPeakAcrossHalfHourShift: the peak's mean counts every local hour of
// the period, also after a daylight-saving shift of 30 minutes (Lord Howe
// Island, +10:30 to +11:00 on 2026-10-04), which moves the hours' starts
// off the half hour. Stepping an hour from the first local hour missed
// every one after the shift: two weeks of the same tokens every hour read
// a peak of 0.58 where Sydney's, a zone of whole hours, is 0.25.
func TestPeakAcrossHalfHourShift(t *testing.T) {
	var rows []string
	for h := time.Date(2026, 9, 27, 14, 0, 0, 0, time.UTC); h.Before(time.Date(2026, 10, 11, 13, 0, 0, 0, time.UTC)); h = h.Add(time.Hour) {
		rows = append(rows, fmt.Sprintf(`{"request_id": "r%d", "startTime": %q, "model": "claude-sonnet-4.6", "user": "alice", "call_type": "acompletion", "prompt_tokens": 1000, "completion_tokens": 0}`,
			h.Unix(), h.Format(time.RFC3339)))
	}
	path := writeTemp(t, "spend.jsonl", strings.Join(rows, "\n")+"\n")
	peak := map[string]float64{}
	for _, zone := range []string{"Australia/Lord_Howe", "Australia/Sydney"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Import([]string{path}, Options{Location: loc, Since: time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 10, 11, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Tokens.PeakToAverage == nil {
			t.Fatalf("%s: no peak", zone)
		}
		peak[zone] = *res.Tokens.PeakToAverage
	}
	if lh, syd := peak["Australia/Lord_Howe"], peak["Australia/Sydney"]; lh < 0.25 || lh > 0.26 || syd < 0.25 || syd > 0.26 {
		t.Errorf("peak %v at Lord Howe, %v at Sydney: want both 0.256 (an hour's 1,000 tokens over 312,000 spread over 80 working hours)", lh, syd)
	}
}
