package modelcatalog

import (
	"fmt"
	"slices"
	"time"

	"github.com/costgate/costgate/units"

	// The IANA database is embedded so that a team's timezone resolves the
	// same way on every machine, with or without a system zoneinfo.
	_ "time/tzdata"
)

// The working day assumed when a team's load is placed in time: its
// working hours (team.working_hours_per_month) fall on weekdays between
// these local hours, spread evenly. They are the business-hours
// schedule's day (units), the one the load, the schedule's billed hours
// and the usage importers' peak hour read: counted to 18:00, a Los
// Angeles team was billed 9 % of its tokens at DeepSeek's peak rates in an
// hour it does not work.
const (
	WorkdayStartHour = units.BusinessDayStartHour
	WorkdayEndHour   = units.BusinessDayStartHour + units.BusinessDayHours
)

// slotMinutes is the step of the peak-share count. Every time zone's UTC
// offset is a multiple of 15 minutes, so a window on whole quarter hours
// is counted exactly.
const slotMinutes = 15

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WorkingHoursPeakShare returns the share of a team's working hours —
// 09:00 to 17:00 local time, Monday to Friday, in the calendar month of
// date — that falls inside the peak windows (given in UTC). It is the
// share of the team's tokens billed at peak rates, the load being even
// across working hours. The month, not a fixed week, is counted so that a
// daylight-saving change inside it weighs as many days as it lasts.
func WorkingHoursPeakShare(windows []PeakWindow, timezone, date string) (float64, error) {
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return 0, fmt.Errorf("peak share: timezone %q: %w", timezone, err)
	}
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, fmt.Errorf("peak share: date %q: %w", date, err)
	}
	type span struct {
		days        []string
		from, until int
	}
	spans := make([]span, 0, len(windows))
	for _, w := range windows {
		from, err1 := clockMinutes(w.From)
		until, err2 := clockMinutes(w.Until)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("peak share: window %s-%s is not HH:MM-HH:MM", w.From, w.Until)
		}
		spans = append(spans, span{w.Days, from, until})
	}
	total, peak := 0, 0
	for d := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc); d.Month() == day.Month(); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), WorkdayStartHour, 0, 0, 0, loc)
		for slot := 0; slot < (WorkdayEndHour-WorkdayStartHour)*60/slotMinutes; slot++ {
			t := start.Add(time.Duration(slot*slotMinutes) * time.Minute).UTC()
			total++
			mins := t.Hour()*60 + t.Minute()
			wd := weekdays[t.Weekday()]
			for _, s := range spans {
				if slices.Contains(s.days, wd) && mins >= s.from && mins < s.until {
					peak++
					break
				}
			}
		}
	}
	if total == 0 {
		return 0, nil
	}
	return float64(peak) / float64(total), nil
}

// clockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err == nil {
		return t.Hour()*60 + t.Minute(), nil
	}
	if s == "24:00" {
		return 24 * 60, nil
	}
	return 0, err
}

// WeekPeakShare is the share of measured tokens in the peak windows: week
// holds the tokens of each UTC hour of the week (Sunday 00:00 first, as
// time.Weekday counts), and a window covering part of an hour takes that
// part of its tokens. ok is false without tokens or with a window that is
// not HH:MM-HH:MM.
func WeekPeakShare(windows []PeakWindow, week *[7 * 24]float64) (share float64, ok bool) {
	total, peak := 0.0, 0.0
	for h, v := range week {
		total += v
		day, hour := weekdays[time.Weekday(h/24)], h%24
		covered := 0
		for _, w := range windows {
			from, err1 := clockMinutes(w.From)
			until, err2 := clockMinutes(w.Until)
			if err1 != nil || err2 != nil {
				return 0, false
			}
			if slices.Contains(w.Days, day) {
				covered += max(0, min(until, (hour+1)*60)-max(from, hour*60))
			}
		}
		peak += v * float64(min(covered, 60)) / 60
	}
	if total <= 0 {
		return 0, false
	}
	return peak / total, true
}
