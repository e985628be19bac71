package usage

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// replicaScrape is vLLM's /metrics of one replica after n intervals of
// 60 s at the given rates: counters, their _created gauges, the TTFT
// histogram (250 ms a request) and the gauges. ts, when not zero, stamps
// every sample (milliseconds), as Prometheus' federation does; typed
// false writes every family untyped, as federation does too.
func replicaScrape(instance string, n int, prompt, gen float64, ts int64, typed bool) string {
	var b strings.Builder
	labels := `engine="0",model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct"`
	if instance != "" {
		labels += fmt.Sprintf(`,instance=%q,job="vllm"`, instance)
	}
	stamp := ""
	if ts > 0 {
		stamp = fmt.Sprint(" ", ts)
	}
	typ := func(name, t string) {
		if !typed {
			t = "untyped"
		}
		fmt.Fprintf(&b, "# TYPE %s %s\n", name, t)
	}
	sample := func(name, extra string, v float64) {
		fmt.Fprintf(&b, "%s{%s%s} %g%s\n", name, labels, extra, v, stamp)
	}
	secs := float64(60 * n)
	typ("vllm:prompt_tokens_total", "counter")
	sample("vllm:prompt_tokens_total", "", 1e6+prompt*secs)
	typ("vllm:prompt_tokens_created", "gauge")
	sample("vllm:prompt_tokens_created", "", 1.7936e9)
	typ("vllm:generation_tokens_total", "counter")
	sample("vllm:generation_tokens_total", "", 2e5+gen*secs)
	typ("vllm:generation_tokens_created", "gauge")
	sample("vllm:generation_tokens_created", "", 1.7936e9)
	requests := float64(100 * n)
	if typed {
		typ("vllm:time_to_first_token_seconds", "histogram")
		sample("vllm:time_to_first_token_seconds_bucket", `,le="0.5"`, requests)
		sample("vllm:time_to_first_token_seconds_bucket", `,le="+Inf"`, requests)
		sample("vllm:time_to_first_token_seconds_sum", "", 0.25*requests)
		sample("vllm:time_to_first_token_seconds_count", "", requests)
	} else {
		typ("vllm:time_to_first_token_seconds_bucket", "")
		sample("vllm:time_to_first_token_seconds_bucket", `,le="0.5"`, requests)
		sample("vllm:time_to_first_token_seconds_bucket", `,le="+Inf"`, requests)
		typ("vllm:time_to_first_token_seconds_sum", "")
		sample("vllm:time_to_first_token_seconds_sum", "", 0.25*requests)
		typ("vllm:time_to_first_token_seconds_count", "")
		sample("vllm:time_to_first_token_seconds_count", "", requests)
	}
	typ("vllm:num_requests_running", "gauge")
	sample("vllm:num_requests_running", "", 3)
	return b.String()
}

func writeScrape(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVLLMReplicas: plain scrapes of two replicas (a at 4,000 + 1,000
// tok/s, b at 2,500 + 750: 8,250 together) are two sources, never mixed,
// in any order the files are given; unpadded sequence numbers are taken
// in numeric order (scrape-2 before scrape-10), without false resets.
func TestVLLMReplicas(t *testing.T) {
	dir := t.TempDir()
	var a, b []string
	for i := 0; i < 12; i++ {
		a = append(a, writeScrape(t, dir, fmt.Sprintf("a-%03d.prom", i), replicaScrape("", i, 4000, 1000, 0, true)))
		b = append(b, writeScrape(t, dir, fmt.Sprintf("b-%03d.prom", i), replicaScrape("", i, 2500, 750, 0, true)))
	}
	var interleaved []string
	for i := range a {
		interleaved = append(interleaved, a[i], b[i])
	}
	shuffled := append([]string(nil), interleaved...)
	rand.New(rand.NewSource(3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, files := range map[string][]string{"a then b": append(append([]string(nil), a...), b...), "interleaved": interleaved, "shuffled": shuffled} {
		t.Run(name, func(t *testing.T) {
			res, err := Import(files, Options{Interval: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			fl := res.FleetMetrics
			near(t, "prompt_tok_s", fl.PromptTokS, 6500)
			near(t, "generation_tok_s", fl.GenerationTokS, 1750)
			near(t, "peak_tok_s", fl.PeakTokS, 8250)
			near(t, "mean_ttft_ms", *fl.MeanTTFTMs, 250)
			if fl.CounterResets != 0 || fl.NumRequestsRunning != 6 {
				t.Errorf("resets %d, running %v; want 0 and 6 (3 on each replica)", fl.CounterResets, fl.NumRequestsRunning)
			}
		})
	}
	t.Run("unpadded names", func(t *testing.T) {
		var files []string
		for i := 12; i >= 1; i-- {
			files = append(files, writeScrape(t, dir, fmt.Sprintf("scrape-%d.prom", i), replicaScrape("", i, 4000, 1250, 0, true)))
		}
		res, err := Import(files, Options{Interval: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "tok/s", res.FleetMetrics.PromptTokS+res.FleetMetrics.GenerationTokS, 5250)
		if res.FleetMetrics.CounterResets != 0 {
			t.Errorf("%d resets, want none", res.FleetMetrics.CounterResets)
		}
	})
}

// TestVLLMFederation: Prometheus' /federate writes every family untyped
// and stamps each sample; the instance label keeps two replicas apart in
// one file, and the TTFT histogram's _sum and _count still give the mean
// (250 ms).
func TestVLLMFederation(t *testing.T) {
	dir := t.TempDir()
	var files []string
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < 5; i++ {
		ts := start + int64(i)*60_000
		body := replicaScrape("10.0.0.1:8000", i, 4000, 1000, ts, false) + replicaScrape("10.0.0.2:8000", i, 2500, 750, ts+250, false)
		files = append(files, writeScrape(t, dir, fmt.Sprintf("federate-%d.prom", i), federated(body)))
	}
	res, err := Import(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fl := res.FleetMetrics
	if fl.MeanTTFTMs == nil {
		t.Fatal("mean TTFT unknown from untyped _sum and _count")
	}
	near(t, "mean_ttft_ms", *fl.MeanTTFTMs, 250)
	// A scrape's time is its latest sample's: 240 s from the first to the
	// last.
	near(t, "prompt_tok_s", fl.PromptTokS, 6500)
	near(t, "peak_tok_s", fl.PeakTokS, 8250)
	if fl.CounterResets != 0 {
		t.Errorf("%d resets", fl.CounterResets)
	}
}

// TestNaturalOrder: digit runs compare as numbers.
func TestNaturalOrder(t *testing.T) {
	for _, c := range [][2]string{{"scrape-2", "scrape-10"}, {"a-009", "a-010"}, {"s1-x", "s1-y"}, {"s", "s1"}, {"a-2.prom", "b-1.prom"}} {
		if !naturalLess(c[0], c[1]) || naturalLess(c[1], c[0]) {
			t.Errorf("%s should sort before %s", c[0], c[1])
		}
	}
	if got := scrapeSource("dir/a-001.prom"); got != "dir/a-#.prom" {
		t.Errorf("source %q", got)
	}
}

// TestVLLMTimestampsInSeconds: Prometheus stamps samples in milliseconds;
// scrapes stamped in seconds read as January 1970 (and in microseconds
// as tens of millennia ahead), with rates a thousand times off, or of
// nearly 0 tok/s over decades when one scrape is stamped right. A stamp
// outside 2000–2200 is refused, naming the file, and so is a span longer
// than any measured period (3,660 days, as for the other formats) that
// --interval stretches plain scrapes to.
func TestVLLMTimestampsInSeconds(t *testing.T) {
	dir := t.TempDir()
	ms := int64(1793620800000)
	seconds := []string{
		writeScrape(t, dir, "s-1.prom", replicaScrape("", 1, 4000, 1000, ms/1000, true)),
		writeScrape(t, dir, "s-2.prom", replicaScrape("", 2, 4000, 1000, ms+60000, true)),
	}
	if _, err := Import(seconds, Options{}); err == nil || !strings.Contains(err.Error(), "s-1.prom: its samples are stamped 1970-01-21") {
		t.Errorf("a scrape stamped in seconds: %v, want a refusal naming s-1.prom", err)
	}
	// Both in seconds: a minute reads as 60 ms, every rate a thousand
	// times too high.
	both := []string{
		writeScrape(t, dir, "b-1.prom", replicaScrape("", 1, 4000, 1000, ms/1000, true)),
		writeScrape(t, dir, "b-2.prom", replicaScrape("", 2, 4000, 1000, ms/1000+60, true)),
	}
	if _, err := Import(both, Options{}); err == nil || !strings.Contains(err.Error(), "read as seconds") {
		t.Errorf("two scrapes stamped in seconds: %v, want a refusal", err)
	}
	micro := []string{
		writeScrape(t, dir, "u-1.prom", replicaScrape("", 1, 4000, 1000, ms*1000, true)),
		writeScrape(t, dir, "u-2.prom", replicaScrape("", 2, 4000, 1000, (ms+60000)*1000, true)),
	}
	if _, err := Import(micro, Options{}); err == nil || !strings.Contains(err.Error(), "microseconds") {
		t.Errorf("two scrapes stamped in microseconds: %v, want a refusal", err)
	}
	stamped := []string{
		writeScrape(t, dir, "m-1.prom", replicaScrape("", 1, 4000, 1000, ms, true)),
		writeScrape(t, dir, "m-2.prom", replicaScrape("", 2, 4000, 1000, ms+60000, true)),
	}
	if _, err := Import(stamped, Options{}); err != nil {
		t.Errorf("two scrapes a minute apart in milliseconds: %v", err)
	}
	plain := []string{
		writeScrape(t, dir, "p-1.prom", replicaScrape("", 1, 4000, 1000, 0, true)),
		writeScrape(t, dir, "p-2.prom", replicaScrape("", 2, 4000, 1000, 0, true)),
	}
	if _, err := Import(plain, Options{Interval: 100000 * time.Hour}); err == nil || !strings.Contains(err.Error(), "more than 3660") {
		t.Errorf("--interval 100000h: %v, want a refusal", err)
	}
	if _, err := Import(plain, Options{Interval: time.Minute}); err != nil {
		t.Errorf("a minute apart: %v", err)
	}
}

// TestVLLMPlainScrapeNames: plain scrapes take their time from their
// sequence numbers. The same number twice (the file given twice, a-2 and
// a-02) gave 200 tok/s for 300; a number skipped (s-1, s-4: two scrapes
// lost) read three intervals as one, 3× too high; a logrotate-compressed
// middle scrape (a-2.prom.gz) was a source of its own, dropped unnoted.
// Each is now refused, read as what it is, or noted.
func TestVLLMPlainScrapeNames(t *testing.T) {
	dir := t.TempDir()
	s := func(name string, n int) string {
		return writeScrape(t, dir, name, replicaScrape("", n, 4000, 1000, 0, true))
	}
	one, two, three, four := s("a-1.prom", 1), s("a-2.prom", 2), s("a-3.prom", 3), s("a-4.prom", 4)
	padded := s("a-02.prom", 2)
	opts := Options{Interval: time.Minute}
	if _, err := Import([]string{one, two, three, two}, opts); err == nil || !strings.Contains(err.Error(), "are the same scrape") {
		t.Errorf("a scrape given twice: %v", err)
	}
	if _, err := Import([]string{one, two, padded, three}, opts); err == nil || !strings.Contains(err.Error(), "are the same scrape") {
		t.Errorf("a-2 and a-02: %v", err)
	}
	if _, err := Import([]string{one, two, four}, opts); err == nil || !strings.Contains(err.Error(), "2 steps of 1 apart") {
		t.Errorf("a-1, a-2 and a-4: %v", err)
	}
	gap, err := Import([]string{one, two, four}, Options{Interval: time.Minute, AllowGaps: true})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "tok/s over the gap", gap.FleetMetrics.PromptTokS+gap.FleetMetrics.GenerationTokS, 5000)
	// Two scrapes alone do not show their step: a-1 and a-4 are read as
	// one interval apart, and the step is noted.
	pair, err := Import([]string{one, four}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(pair.Notes, "\n"), "step by 3") {
		t.Errorf("a-1 and a-4: notes %q, want the step of 3 noted", pair.Notes)
	}
	// The same scrape compressed is the same source.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(replicaScrape("", 2, 4000, 1000, 0, true)))
	zw.Close()
	gz := writeScrape(t, dir, "b-2.prom.gz", buf.String())
	res, err := Import([]string{s("b-1.prom", 1), gz, s("b-3.prom", 3)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.FleetMetrics.Scrapes != 3 {
		t.Errorf("%d scrapes counted, want the compressed one among them", res.FleetMetrics.Scrapes)
	}
	near(t, "tok/s with a compressed scrape", res.FleetMetrics.PromptTokS+res.FleetMetrics.GenerationTokS, 5000)
	// Names by date and time: each scrape its own source.
	stamped := []string{s("m-12:00:05.prom", 1), s("m-12:01:05.prom", 2)}
	if _, err := Import(stamped, opts); err == nil || !strings.Contains(err.Error(), "is a source of its own") {
		t.Errorf("names by time: %v", err)
	}
	// Sources alike but for a date are one replica named by date and time:
	// two replicas' rates added (2×, with a note only, before).
	if _, err := Import([]string{s("d-20261102-2358.prom", 1), s("d-20261102-2359.prom", 2), s("d-20261103-0000.prom", 3), s("d-20261103-0001.prom", 4)}, opts); err == nil || !strings.Contains(err.Error(), "differ only in a date (20261102, 20261103)") {
		t.Errorf("names by date: %v", err)
	}
	// Sources alike but for other digits (replicas numbered) are noted.
	alike, err := Import([]string{s("vllm-0-001.prom", 1), s("vllm-0-002.prom", 2), s("vllm-1-001.prom", 1), s("vllm-1-002.prom", 2)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(alike.Notes, "\n"), "differ only in digits") {
		t.Errorf("notes %q: want sources alike but for digits noted", alike.Notes)
	}
}

// TestVLLMScrapesNamedBySeconds: names in seconds since 1970 a minute
// apart (date +%s) step by 60, one --interval each: they were refused as
// 59 scrapes lost, and read 60 times too low under --allow-gaps. One lost
// scrape among them is still two intervals.
func TestVLLMScrapesNamedBySeconds(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 4; i++ {
		files = append(files, writeScrape(t, dir, fmt.Sprintf("m-%d.prom", 1793620800+60*i), replicaScrape("", i, 4000, 1000, 0, true)))
	}
	res, err := Import(files, Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "tok/s", res.FleetMetrics.PromptTokS+res.FleetMetrics.GenerationTokS, 5000)
	lost := []string{files[0], files[1], files[3]}
	if _, err := Import(lost, Options{Interval: time.Minute}); err == nil || !strings.Contains(err.Error(), "2 steps of 60 apart") {
		t.Errorf("a scrape lost: %v", err)
	}
	// A loop that sleeps 15 seconds drifts: names 15 or 16 apart are one
	// interval each (their common difference, 1, read them as 15 lost).
	var drift []string
	at := 1793620800
	for i := 0; i < 6; i++ {
		drift = append(drift, writeScrape(t, dir, fmt.Sprintf("d-%d.prom", at), replicaScrape("", i, 4000, 1000, 0, true)))
		at += 15 + i%2
	}
	res, err = Import(drift, Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "tok/s, drifting names", res.FleetMetrics.PromptTokS+res.FleetMetrics.GenerationTokS, 5000)
}

// TestVLLMFederationGap: /federate leaves out a target whose scrapes
// failed; a series back after such a gap is differenced against its own
// last sample, as PromQL's increase() reads it. Differencing adjacent
// dumps only, instance b's increase over its gap was lost (140 tok/s for
// 200 in the attack's files).
func TestVLLMFederationGap(t *testing.T) {
	dir := t.TempDir()
	var files []string
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < 6; i++ {
		ts := start + int64(i)*60_000
		body := replicaScrape("10.0.0.1:8000", i, 4000, 1000, ts, false)
		if i != 2 && i != 3 {
			body += replicaScrape("10.0.0.2:8000", i, 2500, 750, ts, false)
		}
		files = append(files, writeScrape(t, dir, fmt.Sprintf("federate-%d.prom", i), federated(body)))
	}
	res, err := Import(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fl := res.FleetMetrics
	near(t, "prompt_tok_s", fl.PromptTokS, 6500)
	near(t, "peak_tok_s", fl.PeakTokS, 8250)
	if fl.CounterResets != 0 {
		t.Errorf("%d resets", fl.CounterResets)
	}
}

// TestVLLMFederationSlowTarget: a target Prometheus scrapes every five
// minutes appears in every minute's /federate dump with its last sample,
// stamped when it was taken. Its increase lands in the dump where the
// stamp moves, and counted there it made the fleet's peak three times its
// rate (660 tok/s for 220); a sample seen again is no new sample, and the
// increase spreads over the five minutes it covers.
func TestVLLMFederationSlowTarget(t *testing.T) {
	for _, offset := range []int{0, 3} {
		t.Run(fmt.Sprint("offset ", offset), func(t *testing.T) { slowTarget(t, offset) })
	}
}

// slowTarget is TestVLLMFederationSlowTarget with the target's samples
// taken offset minutes before the dumps' five-minute marks: its increase is
// spread by the samples' own times, not by the dumps they appear in (the
// dumps starting mid-cycle made a 1.6× peak).
func slowTarget(t *testing.T, offset int) {
	dir := t.TempDir()
	var files []string
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i <= 10; i++ {
		j := (i+offset)/5*5 - offset // b's last sample
		body := replicaScrape("10.0.0.1:8000", i, 4000, 1000, start+int64(i)*60_000, false) + replicaScrape("10.0.0.2:8000", j+5, 2500, 750, start+int64(j)*60_000, false)
		files = append(files, writeScrape(t, dir, fmt.Sprintf("federate-%02d.prom", i), federated(body)))
	}
	res, err := Import(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "prompt_tok_s", res.FleetMetrics.PromptTokS, 6500)
	near(t, "peak_tok_s", res.FleetMetrics.PeakTokS, 8250)
}

// federated is the text of several replicas' scrapes as /federate writes
// it: one TYPE line a family.
func federated(body string) string {
	var lines []string
	seen := map[string]bool{}
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "# TYPE") {
			if seen[l] {
				continue
			}
			seen[l] = true
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// TestScrapeSamplesChecked: the TTFT histogram's _sum was taken unchecked
// (NaN printed a mean TTFT of NaN ms and broke the JSON and the policies;
// -1e9 read 25 ms for 150), and so was its _count (NaN or 1e300, which the
// parser keeps as a float, read as 0, a restart), and a series given twice
// in one scrape kept its last sample. Each is refused naming the file and
// the series.
func TestScrapeSamplesChecked(t *testing.T) {
	good := replicaScrape("", 1, 300, 50, 0, true)
	sum := `vllm:time_to_first_token_seconds_sum{engine="0",model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct"} 25`
	count := `vllm:time_to_first_token_seconds_count{engine="0",model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct"} 100`
	if !strings.Contains(good, sum+"\n") || !strings.Contains(good, count+"\n") {
		t.Fatal("the scrape has no TTFT sum or count to change")
	}
	line := `vllm:prompt_tokens_total{engine="0",model_name="m"}`
	for _, tc := range []struct{ name, second, want string }{
		{"histogram sum NaN", strings.Replace(good, sum, strings.TrimSuffix(sum, "25")+"NaN", 1), "vllm:time_to_first_token_seconds_sum"},
		{"histogram sum negative", strings.Replace(good, sum, strings.TrimSuffix(sum, "25")+"-1e9", 1), "vllm:time_to_first_token_seconds_sum"},
		{"histogram sum infinite", strings.Replace(good, sum, strings.TrimSuffix(sum, "25")+"+Inf", 1), "vllm:time_to_first_token_seconds_sum"},
		{"histogram count NaN", strings.Replace(good, count, strings.TrimSuffix(count, "100")+"NaN", 1), "vllm:time_to_first_token_seconds_count"},
		{"histogram count huge", strings.Replace(good, count, strings.TrimSuffix(count, "100")+"1e300", 1), "vllm:time_to_first_token_seconds_count"},
		{"a series twice, untyped", line + " 12000\n" + line + " 200\n", "given twice"},
		{"a series twice, typed", good + `vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct"} 4` + "\n", "given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			first := replicaScrape("", 0, 300, 50, 0, true)
			if strings.HasPrefix(tc.name, "a series twice, untyped") {
				first = line + " 6000\n"
			}
			a := writeScrape(t, dir, "s-1.prom", first)
			b := writeScrape(t, dir, "s-2.prom", tc.second)
			res, err := Import([]string{a, b}, Options{Interval: time.Minute})
			if err == nil {
				t.Fatalf("accepted: %+v", res.FleetMetrics)
			}
			for _, w := range []string{"s-2.prom", tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v; want %q named", err, w)
				}
			}
		})
	}
}

// TestVLLMFederationHATwins: the /federate dumps of two Prometheus servers
// scraping the same targets (an HA pair, 30 s apart) interleave, and one of
// the second's dumps lags on instance a, still holding a's sample of 90 s
// when the first's of 120 s was read. That older sample was read as the
// counter falling, a restart: a's 100 + 10 tok/s measured 166.7 + 16.7
// (30,000 prompt tokens for 18,000) and a busiest interval of 440 tok/s,
// exit 0. A sample older than the series' last is no new sample.
func TestVLLMFederationHATwins(t *testing.T) {
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	dump := func(aAt, bAt int64) string {
		ts := func(s int64) int64 { return start + s*1000 }
		return fmt.Sprintf("# TYPE vllm:prompt_tokens_total untyped\n"+
			"vllm:prompt_tokens_total{engine=\"0\",instance=\"a:8000\",job=\"vllm\",model_name=\"m\"} %d %d\n"+
			"vllm:prompt_tokens_total{engine=\"0\",instance=\"b:8000\",job=\"vllm\",model_name=\"m\"} 5000 %d\n"+
			"# TYPE vllm:generation_tokens_total untyped\n"+
			"vllm:generation_tokens_total{engine=\"0\",instance=\"a:8000\",job=\"vllm\",model_name=\"m\"} %d %d\n",
			100*aAt, ts(aAt), ts(bAt), 10*aAt, ts(aAt))
	}
	for _, tc := range []struct {
		name  string
		dumps [][2]int64 // a's and b's sample times, seconds
	}{
		{"one server", [][2]int64{{0, 0}, {60, 60}, {120, 120}, {180, 180}}},
		{"twins", [][2]int64{{0, 0}, {30, 30}, {60, 60}, {90, 90}, {120, 120}, {150, 150}, {180, 180}}},
		{"a twin lagging", [][2]int64{{0, 0}, {30, 30}, {60, 60}, {90, 90}, {120, 120}, {90, 150}, {180, 180}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i, d := range tc.dumps {
				files = append(files, writeScrape(t, dir, fmt.Sprintf("federate-%c-%d.prom", 'p'+i%2, i), dump(d[0], d[1])))
			}
			res, err := Import(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			fl := res.FleetMetrics
			near(t, "prompt_tokens", fl.PromptTokens, 18000)
			near(t, "prompt_tok_s", fl.PromptTokS, 100)
			near(t, "generation_tok_s", fl.GenerationTokS, 10)
			near(t, "peak_tok_s", fl.PeakTokS, 110)
			if fl.CounterResets != 0 {
				t.Errorf("%d counter resets, want none", fl.CounterResets)
			}
		})
	}
}

// TestVLLMHistogramCountAsFloat: a TTFT bucket that is not a whole number
// makes the parser keep the histogram's counts as floats, and the count,
// read as an integer, was 0 in that scrape: a restart, and the seconds of
// that scrape's requests over the requests of the others (500 ms for 250).
func TestVLLMHistogramCountAsFloat(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 3; i++ {
		body := replicaScrape("", i, 4000, 1000, 0, true)
		if i == 2 {
			bucket := `model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct",le="0.5"} 200`
			if !strings.Contains(body, bucket) {
				t.Fatal("no bucket to change")
			}
			body = strings.Replace(body, bucket, strings.TrimSuffix(bucket, "200")+"199.5", 1)
		}
		files = append(files, writeScrape(t, dir, fmt.Sprintf("a-%d.prom", i), body))
	}
	res, err := Import(files, Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "mean_ttft_ms", *res.FleetMetrics.MeanTTFTMs, 250)
	if n := res.FleetMetrics.CounterResets; n != 0 {
		t.Errorf("%d counter resets, want none", n)
	}
}

// TestVLLMCreatedChecked: a counter's _created that is no start time
// (NaN, unequal to itself) changed at every scrape, and each scrape read
// as a restart counting the whole counter: three scrapes of 100 tok/s
// measured 16,817, exit 0. A _created that is not seconds from 2000 to 2200
// (milliseconds would count a series new to a federation dump from zero)
// is refused naming the file and the series; another family's _created is
// not vLLM's and is not read.
func TestVLLMCreatedChecked(t *testing.T) {
	created := `vllm:prompt_tokens_created{engine="0",model_name="Qwen/Qwen3-Coder-30B-A3B-Instruct"} 1.7936e+09`
	for _, tc := range []struct{ name, value, want string }{
		{"NaN", "NaN", "vllm:prompt_tokens_created"},
		{"infinite", "+Inf", "vllm:prompt_tokens_created"},
		{"milliseconds", "1.7936e+12", "vllm:prompt_tokens_created"},
		{"negative", "-1", "vllm:prompt_tokens_created"},
		{"another family's", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i := 0; i < 3; i++ {
				body := replicaScrape("", i, 100, 0, 0, true)
				if !strings.Contains(body, created+"\n") {
					t.Fatal("no _created to change")
				}
				if tc.value != "" {
					body = strings.Replace(body, created, strings.TrimSuffix(created, "1.7936e+09")+tc.value, 1)
				} else {
					body += "# TYPE http_requests_created gauge\nhttp_requests_created{handler=\"/metrics\"} NaN\n"
				}
				files = append(files, writeScrape(t, dir, fmt.Sprintf("a-%d.prom", i), body))
			}
			res, err := Import(files, Options{Interval: time.Minute})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				near(t, "prompt_tok_s", res.FleetMetrics.PromptTokS, 100)
				return
			}
			if err == nil {
				t.Fatalf("accepted: prompt %v tok/s, %d resets", res.FleetMetrics.PromptTokS, res.FleetMetrics.CounterResets)
			}
			for _, w := range []string{"a-0.prom", tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v; want %q named", err, w)
				}
			}
		})
	}
}

// TestVLLMFleetMidUpgrade: a federation of a fleet mid-upgrade names the
// prefix cache's counters and the KV-cache gauge both ways, vLLM 0.9's
// gpu_ names on instance a and 0.12's on b (0.10 and 0.11 give both, for
// one series). Only the names some scrape had first were read: b's alone,
// a hit rate of 0.2 for 0.5 and a KV-cache usage of 0.2 for 0.5, exit 0.
func TestVLLMFleetMidUpgrade(t *testing.T) {
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).UnixMilli()
	dump := func(i int, both bool) string {
		var b strings.Builder
		ts := start + int64(i)*60_000
		line := func(name, inst string, v float64) {
			fmt.Fprintf(&b, "%s{engine=\"0\",instance=%q,model_name=\"m\"} %g %d\n", name, inst, v, ts)
		}
		for _, inst := range []string{"a", "b"} {
			line("vllm:prompt_tokens_total", inst, float64(1000*i))
			line("vllm:generation_tokens_total", inst, float64(100*i))
		}
		hits, kv := map[string]float64{"a": 800, "b": 200}, map[string]float64{"a": 0.8, "b": 0.2}
		for _, inst := range []string{"a", "b"} {
			gpu, renamed := inst == "a" || both, inst == "b" || both
			if gpu {
				line("vllm:gpu_prefix_cache_queries_total", inst, float64(1000*i))
				line("vllm:gpu_prefix_cache_hits_total", inst, hits[inst]*float64(i))
				line("vllm:gpu_cache_usage_perc", inst, kv[inst])
			}
			if renamed {
				line("vllm:prefix_cache_queries_total", inst, float64(1000*i))
				line("vllm:prefix_cache_hits_total", inst, hits[inst]*float64(i))
				line("vllm:kv_cache_usage_perc", inst, kv[inst])
			}
		}
		return b.String()
	}
	for _, both := range []bool{false, true} {
		t.Run(fmt.Sprint("both names ", both), func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i := 0; i < 4; i++ {
				files = append(files, writeScrape(t, dir, fmt.Sprintf("federate-%d.prom", i), dump(i, both)))
			}
			res, err := Import(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			fl := res.FleetMetrics
			near(t, "prefix_cache_hit_rate", *fl.PrefixCacheHitRate, 0.5)
			near(t, "kv_cache_usage_perc", *fl.KVCacheUsagePerc, 0.5)
			near(t, "prompt_tok_s", fl.PromptTokS, 2000.0/60)
		})
	}
}
