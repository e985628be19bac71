package usage

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/units"
)

// otlpPointLine is one MetricsData line holding one token.usage point.
func otlpPointLine(dev, model, typ string, start, end time.Time, v float64, temporality int) string {
	kv := func(k, v string) map[string]any {
		return map[string]any{"key": k, "value": map[string]any{"stringValue": v}}
	}
	dp := map[string]any{
		"attributes":   []any{kv("type", typ), kv("model", model), kv("user.email", dev), kv("session.id", "s-"+dev)},
		"timeUnixNano": fmt.Sprint(end.UnixNano()), "asDouble": v,
	}
	if !start.IsZero() {
		dp["startTimeUnixNano"] = fmt.Sprint(start.UnixNano())
	}
	b, _ := json.Marshal(map[string]any{"resourceMetrics": []any{map[string]any{
		"resource": map[string]any{"attributes": []any{kv("service.name", "claude-code")}},
		"scopeMetrics": []any{map[string]any{"metrics": []any{map[string]any{
			"name": otelTokenMetric,
			"sum":  map[string]any{"aggregationTemporality": temporality, "isMonotonic": true, "dataPoints": []any{dp}},
		}}}},
	}}})
	return string(b)
}

// teamTruth is a generated team of 12 over one working week: each
// developer's tokens per hour, known before any file is written.
type teamTruth struct {
	perDev map[string]float64
	hours  map[time.Time]float64
	total  float64
}

// mean is the tokens per developer-month of days weekdays: a month's
// weekdays are 5/7 of its 730 hours.
func (tt teamTruth) mean(days float64) float64 {
	return tt.total / float64(len(tt.perDev)) * units.HoursPerMonth * 5 / 7 / (24 * days)
}

// peak is the busiest hour over the tokens spread over the working hours
// of five weekdays.
func (tt teamTruth) peak() float64 {
	var peak, all float64
	for _, v := range tt.hours {
		peak = math.Max(peak, v)
		all += v
	}
	return peak / (all / 40)
}

// deltaTeam writes each developer's usage as delta points of step, in
// time order, and keeps the truth: a point's tokens are in the hour its
// interval covers (step divides an hour).
func deltaTeam(r *rand.Rand, step time.Duration) (lines []string, truth teamTruth) {
	truth = teamTruth{perDev: map[string]float64{}, hours: map[time.Time]float64{}}
	monday := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 12; d++ {
		dev := fmt.Sprintf("dev%02d@example.com", d)
		for day := 0; day < 5; day++ {
			for t := monday.Add(time.Duration(day)*24*time.Hour + 9*time.Hour); t.Hour() < 17; t = t.Add(step) {
				for _, typ := range []string{"input", "output", "cacheRead"} {
					v := float64(r.Intn(20000))
					if t.Hour() == 10 && day == 2 {
						v *= 3 // Wednesday 10:00 is the peak
					}
					lines = append(lines, otlpPointLine(dev, "claude-sonnet-4-6", typ, t, t.Add(step), v, 1))
					truth.perDev[dev] += v
					truth.hours[t.Truncate(time.Hour)] += v
					truth.total += v
				}
			}
		}
	}
	return lines, truth
}

func writeLines(t *testing.T, dir, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDeltaOrderFree: two collectors' files (each export goes to one of
// them, so neither holds a series whole), one shuffled file and the same
// files passed twice all give the figures of one ordered file, and those
// are the generator's truth.
func TestDeltaOrderFree(t *testing.T) {
	r := rand.New(rand.NewSource(24))
	lines, truth := deltaTeam(r, 5*time.Minute)
	dir := t.TempDir()
	ordered := writeLines(t, dir, "ordered.jsonl", lines)
	var a, b []string
	for _, l := range lines {
		if r.Intn(2) == 0 {
			a = append(a, l)
		} else {
			b = append(b, l)
		}
	}
	shuffled := append([]string(nil), lines...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	fa, fb := writeLines(t, dir, "collector-a.jsonl", a), writeLines(t, dir, "collector-b.jsonl", b)
	cases := map[string][]string{
		"two collectors":              {fa, fb},
		"two collectors, later first": {fb, fa},
		"shuffled":                    {writeLines(t, dir, "shuffled.jsonl", shuffled)},
		"ordered twice":               {ordered, ordered},
		"collectors and whole":        {fb, ordered, fa},
	}
	want, err := Import([]string{ordered}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "mean", want.Tokens.TokensPerDeveloperMonth.Mean, truth.mean(5))
	near(t, "peak", *want.Tokens.PeakToAverage, truth.peak())
	if want.Records != int64(len(lines)) || want.Duplicates != 0 {
		t.Errorf("ordered: %d records, %d duplicates; want %d, 0", want.Records, want.Duplicates, len(lines))
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Import(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Tokens, want.Tokens) {
				t.Errorf("figures differ from the ordered file's:\n got %+v\nwant %+v", got.Tokens, want.Tokens)
			}
			if got.Records != want.Records {
				t.Errorf("%d records, want %d", got.Records, want.Records)
			}
			if name == "ordered twice" && got.Duplicates != int64(len(lines)) {
				t.Errorf("%d duplicates, want %d", got.Duplicates, len(lines))
			}
		})
	}
}

// TestDeltaIntervals: hour-long delta points (09:00-10:00, written at
// 10:00) count in the hour they cover, not the hour they end in; a point
// across two hours is spread over both pro rata.
func TestDeltaIntervals(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	lines, truth := deltaTeam(r, time.Hour)
	dir := t.TempDir()
	res, err := Import([]string{writeLines(t, dir, "hourly.jsonl", lines)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "peak", *res.Tokens.PeakToAverage, truth.peak())
	if res.Tokens.PeakHour != "2026-11-04T10:00Z" {
		t.Errorf("peak hour %s, want Wednesday 10:00", res.Tokens.PeakHour)
	}

	// 09:30-10:30, 600 tokens: 300 in each hour; 10:30-10:45, 100 tokens.
	at := func(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, time.UTC) }
	two := []string{
		otlpPointLine("a@x", "m", "input", at(9, 30), at(10, 30), 600, 1),
		otlpPointLine("a@x", "m", "input", at(10, 30), at(10, 45), 100, 1),
	}
	res, err = Import([]string{writeLines(t, dir, "split.jsonl", two)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "peak", *res.Tokens.PeakToAverage, 400/(700.0/8))
	if res.Tokens.PeakHour != "2026-11-02T10:00Z" {
		t.Errorf("peak hour %s, want 10:00", res.Tokens.PeakHour)
	}
	// --until cuts a point across midnight in half: 300 of its 600 tokens
	// count.
	late := []string{
		otlpPointLine("a@x", "m", "input", at(23, 30), at(24, 30), 600, 1),
		otlpPointLine("a@x", "m", "input", at(10, 0), at(10, 15), 100, 1),
	}
	res, err = Import([]string{writeLines(t, dir, "late.jsonl", late)}, Options{Since: at(0, 0), Until: at(24, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tokens.Totals.Uncached; got != 400 {
		t.Errorf("uncached %v, want 400 (half of the point across midnight)", got)
	}
}

// TestCumulativeOrderFree: cumulative series read shuffled and split over
// two files give the ordered figures: each counter sorted by time and
// differenced point to point, its first point counting from the start.
func TestCumulativeOrderFree(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	monday := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var lines []string
	truth := teamTruth{perDev: map[string]float64{}, hours: map[time.Time]float64{}}
	for d := 0; d < 12; d++ {
		dev := fmt.Sprintf("dev%02d", d)
		for day := 0; day < 5; day++ {
			start := monday.Add(time.Duration(day)*24*time.Hour + 9*time.Hour)
			var run float64
			for t := start; t.Hour() < 17; t = t.Add(10 * time.Minute) {
				v := float64(r.Intn(9000))
				if day == 3 && t.Hour() == 14 {
					v *= 4
				}
				run += v
				lines = append(lines, otlpPointLine(dev, "claude-opus-4-8", "output", start, t.Add(10*time.Minute), run, 2))
				truth.perDev[dev] += v
				truth.hours[t.Truncate(time.Hour)] += v
				truth.total += v
			}
		}
	}
	dir := t.TempDir()
	ordered := writeLines(t, dir, "ordered.jsonl", lines)
	want, err := Import([]string{ordered}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "mean", want.Tokens.TokensPerDeveloperMonth.Mean, truth.mean(5))
	near(t, "peak", *want.Tokens.PeakToAverage, truth.peak())
	shuffled := append([]string(nil), lines...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	half := len(shuffled) / 2
	got, err := Import([]string{writeLines(t, dir, "b.jsonl", shuffled[half:]), writeLines(t, dir, "a.jsonl", shuffled[:half]), ordered}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Tokens, want.Tokens) {
		t.Errorf("figures differ from the ordered file's:\n got %+v\nwant %+v", got.Tokens, want.Tokens)
	}
	if got.Duplicates != int64(len(lines)) {
		t.Errorf("%d duplicates, want %d (the ordered file repeats every point)", got.Duplicates, len(lines))
	}
}

// TestDeltaSpans: the intervals a delta series has counted.
func TestDeltaSpans(t *testing.T) {
	var ds deltaSeries
	steps := []struct {
		iv   interval
		want insertion
	}{
		{interval{10, 20}, added},
		{interval{30, 40}, added},
		{interval{20, 30}, added}, // fills the gap: one span 10-40
		{interval{10, 20}, covered},
		{interval{15, 25}, covered},
		{interval{35, 50}, overlapped},
		{interval{0, 5}, added},
		{interval{60, 70}, added},
	}
	for i, s := range steps {
		if got := ds.insert(s.iv); got != s.want {
			t.Errorf("step %d %v: %v, want %v", i, s.iv, got, s.want)
		}
	}
	if want := []interval{{0, 5}, {10, 50}, {60, 70}}; !reflect.DeepEqual(ds.spans, want) {
		t.Errorf("spans %v, want %v", ds.spans, want)
	}
}

// timeAt is an hour of Monday 2026-11-02, UTC.
func timeAt(h int) time.Time { return time.Date(2026, 11, 2, h, 0, 0, 0, time.UTC) }
