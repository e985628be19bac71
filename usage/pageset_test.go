package usage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reportPages writes two weeks of an hourly Anthropic usage report for a
// team of 12 as pages of three days (the last shorter), the way the
// documented curl loop saves them, and returns the files and each page's
// tokens.
func reportPages(t *testing.T, dir string) (files []string, perPage []float64) {
	t.Helper()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	const hours, perPageHours = 14 * 24, 72
	for p := 0; p*perPageHours < hours; p++ {
		var buckets []any
		var tokens float64
		for h := p * perPageHours; h < min(hours, (p+1)*perPageHours); h++ {
			at := start.Add(time.Duration(h) * time.Hour)
			results := []any{}
			if isWorkingHour(at) {
				for d := 0; d < 12; d++ {
					v := 1000 * (d + 1)
					results = append(results, map[string]any{"account_id": fmt.Sprint("user_", d), "model": "claude-sonnet-4-6",
						"uncached_input_tokens": v, "cache_read_input_tokens": 0, "output_tokens": v / 10})
					tokens += float64(v + v/10)
				}
			}
			buckets = append(buckets, map[string]any{"starting_at": at.Format(time.RFC3339), "ending_at": at.Add(time.Hour).Format(time.RFC3339), "results": results})
		}
		more := (p+1)*perPageHours < hours
		page := map[string]any{"data": buckets, "has_more": more}
		if more {
			page["next_page"] = fmt.Sprint("page_", p+1)
		}
		b, _ := json.Marshal(page)
		name := filepath.Join(dir, fmt.Sprintf("page-%d.json", p))
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		perPage = append(perPage, tokens)
	}
	return files, perPage
}

// TestPageSetComplete: a page set with a page missing from the middle or
// the end, an API error body or an empty file in place of a page is
// refused, naming the file and what is missing; --allow-gaps reads on and
// says so in the result.
func TestPageSetComplete(t *testing.T) {
	dir := t.TempDir()
	pages, perPage := reportPages(t, dir)
	if len(pages) != 5 {
		t.Fatalf("%d pages, want 5", len(pages))
	}
	rateLimited := filepath.Join(dir, "rate-limited.json")
	os.WriteFile(rateLimited, []byte(`{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}`), 0o644)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	var total float64
	for _, v := range perPage {
		total += v
	}
	complete, err := Import(pages, Options{Format: AnthropicUsage})
	if err != nil {
		t.Fatal(err)
	}
	if got := complete.Tokens.Totals.Total(); got != total || len(complete.Gaps) != 0 {
		t.Fatalf("complete set: %v tokens (want %v), gaps %q", got, total, complete.Gaps)
	}
	with := func(i int, f string) []string {
		out := append([]string(nil), pages...)
		out[i] = f
		return out
	}
	tests := []struct {
		name    string
		files   []string
		want    string
		counted float64 // under --allow-gaps
	}{
		{"middle page missing", []string{pages[0], pages[1], pages[3], pages[4]},
			pages[1] + " and " + pages[3] + ": no page holds the buckets from 2026-11-08T00:00Z to 2026-11-11T00:00Z", total - perPage[2]},
		{"last page missing", pages[:4],
			pages[3] + ":1: holds the latest bucket (to 2026-11-14T00:00Z) but says has_more: true", total - perPage[4]},
		{"rate-limit body", with(2, rateLimited),
			rateLimited + ":1: is an API error body (rate_limit_error: Number of requests has exceeded your rate limit)", total - perPage[2]},
		{"empty page", with(4, empty),
			empty + ": is empty", total - perPage[4]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(tt.files, Options{Format: AnthropicUsage})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--allow-gaps") {
				t.Errorf("err %v, want %q", err, tt.want)
			}
			res, err := Import(tt.files, Options{Format: AnthropicUsage, AllowGaps: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tokens.Totals.Total(); got != tt.counted {
				t.Errorf("counted %v tokens, want %v", got, tt.counted)
			}
			if len(res.Gaps) == 0 || !strings.Contains(strings.Join(res.Notes, "\n"), "missing usage, not counted") {
				t.Errorf("gaps %q, notes %q: want the gap stated", res.Gaps, res.Notes)
			}
			js, err := json.Marshal(res)
			if err != nil || !strings.Contains(string(js), `"gaps"`) {
				t.Errorf("the JSON does not state the gap (%v):\n%s", err, js)
			}
		})
	}
	// A stated period past the report's buckets (2026-11-02 to 11-16) is
	// usage no page holds: it counted as none, thinning every figure a
	// month (three hours of data over a stated week: 56 times).
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		since, until time.Time
		want         string
	}{
		{day(1), time.Time{}, "--since 2026-11-01T00:00Z is before the first bucket (from 2026-11-02T00:00Z)"},
		{time.Time{}, day(20), "--until 2026-11-20T00:00Z is after the last bucket (to 2026-11-16T00:00Z)"},
		{day(3), day(10), ""},
	} {
		_, err := Import(pages, Options{Format: AnthropicUsage, Since: tt.since, Until: tt.until})
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("period %s to %s: %v, want %q", tt.since, tt.until, err, tt.want)
		}
	}
	// Without --from, detection names the error body and the empty file.
	for _, f := range []string{rateLimited, empty} {
		if _, err := Detect([]string{f}); err == nil || !strings.Contains(err.Error(), f+" is ") {
			t.Errorf("detect %s: %v", f, err)
		}
	}
}

// TestOpenAIPageSet: OpenAI's pages are checked the same way; its error
// body has no outer type.
func TestOpenAIPageSet(t *testing.T) {
	dir := t.TempDir()
	day := func(d int, more bool) string {
		s := time.Date(2026, 11, 2+d, 0, 0, 0, 0, time.UTC)
		b, _ := json.Marshal(map[string]any{"object": "page", "has_more": more, "data": []any{map[string]any{
			"object": "bucket", "start_time": s.Unix(), "end_time": s.Add(24 * time.Hour).Unix(),
			"results": []any{map[string]any{"user_id": "u", "input_tokens": 10, "output_tokens": 1}}}}})
		p := filepath.Join(dir, fmt.Sprintf("day-%d.json", d))
		os.WriteFile(p, b, 0o644)
		return p
	}
	bad := filepath.Join(dir, "error.json")
	os.WriteFile(bad, []byte(`{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`), 0o644)
	d0, d1, d2 := day(0, true), day(1, true), day(2, false)
	if _, err := Import([]string{d0, d1, d2}, Options{Format: OpenAIUsage}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import([]string{d0, d2}, Options{Format: OpenAIUsage}); err == nil || !strings.Contains(err.Error(), d0+" and "+d2+": no page holds the buckets from 2026-11-03T00:00Z") {
		t.Errorf("gap: %v", err)
	}
	if _, err := Import([]string{d0, bad, d2}, Options{Format: OpenAIUsage}); err == nil || !strings.Contains(err.Error(), bad+":1: is an API error body (requests: Rate limit reached)") {
		t.Errorf("error body: %v", err)
	}
	// --since and --until bound the check: a gap outside the period is
	// not missing usage of the period.
	since, until := time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	if _, err := Import([]string{d0, d2}, Options{Format: OpenAIUsage, Since: since, Until: until}); err != nil {
		t.Errorf("gap outside the period: %v", err)
	}
}

// TestReportHoursOutsideTheBuckets: the period is whole days, so a report
// whose buckets cover part of a day counts the other hours as no usage;
// the import says so. Two weeks of whole days say nothing.
func TestReportHoursOutsideTheBuckets(t *testing.T) {
	dir := t.TempDir()
	pages, _ := reportPages(t, dir)
	whole, err := Import(pages, Options{Format: AnthropicUsage})
	if err != nil {
		t.Fatal(err)
	}
	part, err := Import([]string{filepath.Join("testdata", "anthropic-usage", "page1.json"), filepath.Join("testdata", "anthropic-usage", "page2.json")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	has := func(r *Result) bool {
		return strings.Contains(strings.Join(r.Notes, "\n"), "the reports' buckets cover")
	}
	if has(whole) || !has(part) {
		t.Errorf("whole days noted %v (notes %q), three hours noted %v (notes %q)", has(whole), whole.Notes, has(part), part.Notes)
	}
}
