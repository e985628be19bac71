package usage

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestRandomExports writes the same random requests in each per-request
// or per-bucket format — with repeated records, as overlapping pages and
// re-sent lines carry them — and checks every figure against totals kept
// beside the generator, not computed by the importer's code.
func TestRandomExports(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	type req struct {
		dev, model                 string
		at                         time.Time
		uncached, read, write, out int
	}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday
	models := []string{"claude-sonnet-4-6", "claude-opus-4-8-20251101", "gpt-5.5", "mystery-model"}
	var reqs []req
	for i := 0; i < 600; i++ {
		reqs = append(reqs, req{
			dev:   fmt.Sprintf("dev%02d", r.Intn(37)),
			model: models[r.Intn(len(models))],
			// Whole hours, so that an hourly bucket holds each request.
			at:       start.Add(time.Duration(r.Intn(5*24)) * time.Hour),
			uncached: r.Intn(5000), read: r.Intn(50000), write: r.Intn(3000), out: 1 + r.Intn(4000),
		})
	}
	// The figures, kept by hand.
	perDev := map[string]float64{}
	hours := map[time.Time]float64{}
	var unc, read, write, out float64
	for _, q := range reqs {
		tot := float64(q.uncached + q.read + q.write + q.out)
		perDev[q.dev] += tot
		hours[q.at] += tot
		unc, read, write, out = unc+float64(q.uncached), read+float64(q.read), write+float64(q.write), out+float64(q.out)
	}
	// Monday to Friday: a month's weekdays (5/7 of 730 hours) over the
	// period's, weekend usage taken as none.
	days := 5.0
	scale := 730.0 * 5 / 7 / (24 * days)
	var devs []float64
	for _, v := range perDev {
		devs = append(devs, v*scale)
	}
	sort.Float64s(devs)
	q := func(p float64) float64 { // type 7, written out again
		h := p * float64(len(devs)-1)
		lo := int(h)
		if lo+1 >= len(devs) {
			return devs[lo]
		}
		return devs[lo] + (h-float64(lo))*(devs[lo+1]-devs[lo])
	}
	// The busiest hour over every token of the period spread over its
	// working hours (Monday to Friday, 8 hours a day), as the plan reads it.
	var peak, all float64
	for _, v := range hours {
		peak = math.Max(peak, v)
		all += v
	}
	wantPeak := peak / (all / (5 * 8))

	dir := t.TempDir()
	write1 := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	var events, litellm, anth, oai []string
	for i, q := range reqs {
		attrs := []map[string]any{
			{"key": "event.name", "value": map[string]any{"stringValue": "api_request"}},
			{"key": "user.email", "value": map[string]any{"stringValue": q.dev}},
			{"key": "model", "value": map[string]any{"stringValue": q.model}},
			{"key": "request_id", "value": map[string]any{"stringValue": fmt.Sprint("req", i)}},
			{"key": "event.timestamp", "value": map[string]any{"stringValue": q.at.Format(time.RFC3339)}},
			{"key": "input_tokens", "value": map[string]any{"intValue": fmt.Sprint(q.uncached)}},
			{"key": "cache_read_tokens", "value": map[string]any{"intValue": q.read}},
			{"key": "cache_creation_tokens", "value": map[string]any{"stringValue": fmt.Sprint(q.write)}},
			{"key": "output_tokens", "value": map[string]any{"intValue": fmt.Sprint(q.out)}},
		}
		line := js(map[string]any{"resourceLogs": []any{map[string]any{"scopeLogs": []any{map[string]any{"logRecords": []any{map[string]any{"attributes": attrs}}}}}}})
		events = append(events, line)
		row := js(map[string]any{"request_id": fmt.Sprint("req", i), "startTime": q.at.Format(time.RFC3339), "model": q.model, "user": q.dev,
			"prompt_tokens": q.uncached + q.read + q.write, "completion_tokens": q.out,
			"metadata": map[string]any{"additional_usage_values": map[string]any{"cache_read_input_tokens": q.read, "cache_creation_input_tokens": q.write}}})
		litellm = append(litellm, row)
		// One request a report row: the group key carries the request.
		bucket := js(map[string]any{"starting_at": q.at.Format(time.RFC3339), "ending_at": q.at.Add(time.Hour).Format(time.RFC3339), "results": []any{map[string]any{
			"account_id": q.dev, "model": q.model, "workspace_id": fmt.Sprint("ws", i), "uncached_input_tokens": q.uncached, "cache_read_input_tokens": q.read,
			"cache_creation": map[string]any{"ephemeral_5m_input_tokens": q.write, "ephemeral_1h_input_tokens": 0}, "output_tokens": q.out}}})
		anth = append(anth, bucket)
		ob := js(map[string]any{"start_time": q.at.Unix(), "end_time": q.at.Add(time.Hour).Unix(), "results": []any{map[string]any{
			"user_id": q.dev, "model": q.model, "project_id": fmt.Sprint("p", i), "input_tokens": q.uncached + q.read + q.write,
			"input_cached_tokens": q.read, "input_cache_write_tokens": q.write, "output_tokens": q.out}}})
		oai = append(oai, ob)
	}
	// Every tenth record is sent twice, out of order.
	dupe := func(xs []string) []string {
		out := append([]string{}, xs...)
		for i := 0; i < len(xs); i += 10 {
			out = append(out, xs[i])
		}
		return out
	}
	sets := map[string][]string{
		ClaudeCodeOTel: {write1("events.jsonl", strings.Join(dupe(events), "\n"))},
		LiteLLMSpend:   {write1("spend.json", "["+strings.Join(dupe(litellm), ",\n")+"]")},
		AnthropicUsage: {write1("a1.json", `{"data":[`+strings.Join(anth[:400], ",")+`]}`), write1("a2.json", `{"data":[`+strings.Join(anth[300:], ",")+`]}`)},
		OpenAIUsage:    {write1("o1.json", `{"data":[`+strings.Join(oai[:350], ",")+`]}`), write1("o2.json", `{"data":[`+strings.Join(oai[250:], ",")+`]}`)},
	}
	for format, files := range sets {
		t.Run(format, func(t *testing.T) {
			res, err := Import(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tk := res.Tokens
			if res.Format != format || res.Records != int64(len(reqs)) || tk.Developers != len(perDev) {
				t.Errorf("format %s, %d records, %d developers; want %s, %d, %d", res.Format, res.Records, tk.Developers, format, len(reqs), len(perDev))
			}
			if tk.Totals != (Buckets{unc, read, write, out}) {
				t.Errorf("totals %+v, want %v %v %v %v", tk.Totals, unc, read, write, out)
			}
			if res.Period.Since != "2026-11-02" || res.Period.Days != days {
				t.Errorf("period %+v", res.Period)
			}
			var mean float64
			for _, v := range devs {
				mean += v / float64(len(devs))
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"mean", tk.TokensPerDeveloperMonth.Mean, mean}, {"p25", tk.TokensPerDeveloperMonth.P25, q(0.25)},
				{"p50", tk.TokensPerDeveloperMonth.P50, q(0.5)}, {"p75", tk.TokensPerDeveloperMonth.P75, q(0.75)},
				{"input_share", tk.InputShare, (unc + read + write) / (unc + read + write + out)},
				{"cached_input_share", tk.CachedInputShare, read / (unc + read + write)},
				{"cache_write_share", tk.CacheWriteShare, write / (unc + read + write)},
				{"peak_to_average", *tk.PeakToAverage, wantPeak},
			} {
				if math.Abs(c.got-c.want) > 1e-4*math.Max(1, math.Abs(c.want)) && math.Abs(c.got-c.want) > 0.5 {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
		})
	}
}

// TestIncreases: PromQL's increase() over consecutive scrapes, series by
// series.
func TestIncreases(t *testing.T) {
	at := func(s int64) time.Time { return time.Unix(1793620800+s, 0) }
	sc := func(s int64, vals, created map[string]float64) *scrape {
		return &scrape{at: at(s), stamped: true, values: map[string]map[string]float64{"c": vals}, created: map[string]map[string]float64{"c": created}}
	}
	t0 := float64(at(0).Unix()) - 3600
	tests := []struct {
		name    string
		scrapes []*scrape
		total   float64
		resets  int
	}{
		{"steady", []*scrape{sc(0, map[string]float64{"a": 10}, nil), sc(60, map[string]float64{"a": 25}, nil)}, 15, 0},
		{"went down", []*scrape{sc(0, map[string]float64{"a": 100}, nil), sc(60, map[string]float64{"a": 7}, nil)}, 7, 1},
		// Restarted and passed the old value within one interval: only the
		// created time tells.
		{"new created time", []*scrape{sc(0, map[string]float64{"a": 100}, map[string]float64{"a": t0}), sc(60, map[string]float64{"a": 150}, map[string]float64{"a": float64(at(30).Unix())})}, 150, 1},
		{"series born between scrapes", []*scrape{sc(0, map[string]float64{"a": 1}, nil), sc(60, map[string]float64{"a": 1, "b": 40}, map[string]float64{"b": float64(at(10).Unix())})}, 40, 0},
		{"series first seen, born earlier", []*scrape{sc(0, map[string]float64{"a": 1}, nil), sc(60, map[string]float64{"a": 1, "b": 40}, map[string]float64{"b": t0})}, 0, 0},
		{"series first seen, no created time", []*scrape{sc(0, map[string]float64{"a": 1}, nil), sc(60, map[string]float64{"a": 1, "b": 40}, nil)}, 0, 0},
	}
	for _, tt := range tests {
		total, per, resets := increases(tt.scrapes, []string{"c"})
		if total != tt.total || resets != tt.resets || len(per) != 1 || per[0] != tt.total {
			t.Errorf("%s: total %v per %v resets %d, want %v and %d", tt.name, total, per, resets, tt.total, tt.resets)
		}
	}
}
