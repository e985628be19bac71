package usage

import (
	"fmt"
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
