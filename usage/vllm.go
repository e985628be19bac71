package usage

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// vLLM's Prometheus /metrics: two or more text scrapes of one endpoint (or
// of a Prometheus federation, whose labels name each instance), one a
// file. The counters are cumulative since each process started and start
// over when it restarts; increases are summed per series over consecutive
// scrapes with resets read as a start from zero, as PromQL's increase()
// does.

// FleetMetrics is the figures of vllm-metrics: a fleet's measured load
// (not inference.Fleet, the fleet sizing computes).
type FleetMetrics struct {
	Scrapes int `json:"scrapes"`
	// IntervalSeconds is the time from the first scrape to the last.
	IntervalSeconds float64 `json:"interval_seconds"`
	// PromptTokS and GenerationTokS are the mean rates over the interval.
	PromptTokS     float64 `json:"prompt_tok_s"`
	GenerationTokS float64 `json:"generation_tok_s"`
	// PeakTokS is the highest prompt plus generation rate between two
	// consecutive scrapes; PeakPromptTokS and PeakGenerationTokS the
	// highest of each (not necessarily in the same interval).
	PeakTokS           float64 `json:"peak_tok_s"`
	PeakPromptTokS     float64 `json:"peak_prompt_tok_s"`
	PeakGenerationTokS float64 `json:"peak_generation_tok_s"`
	// PrefixCacheHitRate is prefix-cache hits over queries, in tokens; nil
	// when no query was made.
	PrefixCacheHitRate *float64 `json:"prefix_cache_hit_rate"`
	// MeanTTFTMs is the TTFT histogram's sum over its count; nil without
	// requests.
	MeanTTFTMs *float64 `json:"mean_ttft_ms"`
	// The latest scrape's gauges: requests running and waiting (summed
	// over engines) and KV-cache usage (0..1, the mean over engines).
	NumRequestsRunning float64  `json:"num_requests_running"`
	NumRequestsWaiting float64  `json:"num_requests_waiting"`
	KVCacheUsagePerc   *float64 `json:"kv_cache_usage_perc"`
	// PeakKVCacheUsagePerc is the highest KV-cache usage of any scrape.
	PeakKVCacheUsagePerc *float64 `json:"peak_kv_cache_usage_perc"`
	// PromptTokens and GenerationTokens are the increases over the interval.
	PromptTokens     float64 `json:"prompt_tokens"`
	GenerationTokens float64 `json:"generation_tokens"`
	// CounterResets counts counters that started over between scrapes.
	CounterResets int `json:"counter_resets"`
	// Models are the catalog ids of the served models; UnmappedModels the
	// served names the catalog does not know.
	Models         []string `json:"models"`
	UnmappedModels []string `json:"unmapped_models"`
}

// vLLM metric names, newest first where one was renamed.
var (
	vllmPrompt     = []string{"vllm:prompt_tokens_total", "vllm:prompt_tokens"}
	vllmGeneration = []string{"vllm:generation_tokens_total", "vllm:generation_tokens"}
	vllmQueries    = []string{"vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total", "vllm:prefix_cache_queries", "vllm:gpu_prefix_cache_queries"}
	vllmHits       = []string{"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total", "vllm:prefix_cache_hits", "vllm:gpu_prefix_cache_hits"}
	vllmTTFT       = "vllm:time_to_first_token_seconds"
	vllmRunning    = "vllm:num_requests_running"
	vllmWaiting    = "vllm:num_requests_waiting"
	vllmKV         = []string{"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"}
)

// scrape is what one file holds of the metrics the figures need: per
// metric, series → value, and each series' created time when exposed.
type scrape struct {
	file string
	// source is the scraped endpoint a plain scrape came from: the file's
	// folder and name without its sequence number. Timestamped scrapes
	// (Prometheus' federation) are one source whose labels name each
	// instance.
	source  string
	at      time.Time
	stamped bool
	values  map[string]map[string]float64
	created map[string]map[string]float64
	// times are each sample's own timestamp (Unix ms) where the scrape is
	// stamped: a federation repeats a target's last sample until the
	// target is scraped again.
	times  map[string]map[string]int64
	models map[string]bool
}

func importVLLM(in *inputs, paths []string) error {
	scrapes, err := readScrapes(in, paths)
	if err != nil {
		return err
	}
	if scrapes, err = orderScrapes(in, scrapes); err != nil {
		return err
	}
	if len(scrapes) < 2 {
		return fmt.Errorf("%w: rates need two or more scrapes in the period; got %d", ErrNoUsage, len(scrapes))
	}
	fl := fleetRates(groupSources(scrapes))
	if fl.PromptTokens+fl.GenerationTokens == 0 {
		return fmt.Errorf("%w: no prompt or generation tokens were processed between the first scrape and the last (is this vLLM's /metrics?)", ErrNoUsage)
	}
	fleetModels(fl, scrapes, in.opts)
	first, last := scrapes[0], scrapes[0]
	for _, sc := range scrapes {
		if sc.at.Before(first.at) {
			first = sc
		}
		if sc.at.After(last.at) {
			last = sc
		}
	}
	secs := last.at.Sub(first.at).Seconds()
	// Prometheus stamps samples in milliseconds: a scrape stamped in
	// seconds reads as January 1970, decades before the next, and every
	// rate as nearly nothing.
	if secs > maxPeriodDays*86400 {
		return fmt.Errorf("the scrapes from %s (%s) to %s (%s) span %.0f days, more than %d: check the samples' timestamps (Prometheus writes milliseconds since 1970) or --interval", first.at.UTC().Format(time.RFC3339), first.file, last.at.UTC().Format(time.RFC3339), last.file, secs/86400, maxPeriodDays)
	}
	if fl.CounterResets > 0 {
		in.res.Notes = append(in.res.Notes, fmt.Sprintf("%d counters started over between scrapes (a restart): each increase after a reset counts from zero", fl.CounterResets))
	}
	for _, p := range []*float64{&fl.PromptTokS, &fl.GenerationTokS, &fl.PeakTokS, &fl.PeakPromptTokS, &fl.PeakGenerationTokS} {
		*p = round(*p, 4)
	}
	for _, p := range []*float64{fl.PrefixCacheHitRate, fl.KVCacheUsagePerc, fl.PeakKVCacheUsagePerc} {
		if p != nil {
			*p = round(*p, shareDecimals)
		}
	}
	if fl.MeanTTFTMs != nil {
		*fl.MeanTTFTMs = round(*fl.MeanTTFTMs, 3)
	}
	in.res.Records = int64(len(scrapes))
	if first.stamped {
		in.res.Period = Period{Since: first.at.UTC().Format(time.RFC3339), Until: last.at.UTC().Format(time.RFC3339), Days: round(secs/86400, 4)}
	} else {
		in.res.Period = Period{Days: round(secs/86400, 4)}
	}
	in.res.FleetMetrics = fl
	return nil
}

// readScrapes reads every file as one scrape; with --skip-invalid a
// malformed scrape is left out whole.
func readScrapes(in *inputs, paths []string) ([]*scrape, error) {
	var scrapes []*scrape
	for _, p := range paths {
		var sc *scrape
		err := in.each(p, func(f *file) error {
			var err error
			sc, err = readScrape(f)
			return err
		})
		var re *RecordError
		if errors.As(err, &re) && in.opts.SkipInvalid {
			// A malformed scrape is skipped whole: its counters cannot be
			// trusted in part.
			if err := in.invalid(re); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		scrapes = append(scrapes, sc)
	}
	return scrapes, nil
}

// orderScrapes puts the scrapes in time order: by their samples'
// timestamps (kept within --since/--until), or — plain scrapes — each
// source's in the numeric-aware order of their names, --interval apart.
func orderScrapes(in *inputs, scrapes []*scrape) ([]*scrape, error) {
	opts := in.opts
	stamped := 0
	for _, sc := range scrapes {
		if sc.stamped {
			stamped++
		}
	}
	switch {
	case stamped == len(scrapes):
		// Prometheus stamps samples in milliseconds since 1970: seconds
		// read as January 1970 and microseconds as tens of millennia
		// ahead, and the rates between two such scrapes are a thousand
		// times off.
		for _, sc := range scrapes {
			if y := sc.at.UTC().Year(); y < 2000 || y > 2200 {
				return nil, fmt.Errorf("%s: its samples are stamped %s: Prometheus writes milliseconds since 1970, and these read as seconds or microseconds", sc.file, sc.at.UTC().Format(time.RFC3339Nano))
			}
		}
		sort.SliceStable(scrapes, func(i, j int) bool { return scrapes[i].at.Before(scrapes[j].at) })
		for i := 1; i < len(scrapes); i++ {
			if scrapes[i].at.Equal(scrapes[i-1].at) {
				return nil, fmt.Errorf("%s and %s are scrapes of the same instant (%s): pass each scrape once", scrapes[i-1].file, scrapes[i].file, scrapes[i].at.Format(time.RFC3339))
			}
		}
		var kept []*scrape
		for _, sc := range scrapes {
			if (!opts.Since.IsZero() && sc.at.Before(opts.Since)) || (!opts.Until.IsZero() && !sc.at.Before(opts.Until)) {
				in.res.OutsidePeriod++
				continue
			}
			kept = append(kept, sc)
		}
		scrapes = kept
	case stamped > 0:
		return nil, errors.New("some scrapes carry sample timestamps and some do not: pass scrapes of one kind")
	case opts.Interval <= 0:
		return nil, errors.New("the scrapes' samples carry no timestamps: give the time between consecutive scrapes with --interval (for example --interval 60s); each source's files are taken in the numeric order of their names (scrape-2 before scrape-10)")
	case !opts.Since.IsZero() || !opts.Until.IsZero():
		return nil, errors.New("--since and --until need scrapes whose samples carry timestamps")
	default:
		if err := plainTimes(in, scrapes); err != nil {
			return nil, err
		}
	}
	for _, sc := range scrapes {
		if sc.stamped {
			sc.source = ""
		}
	}
	return scrapes, nil
}

// scrapeSource is a plain scrape's source: its folder and name with the
// last run of digits (its sequence number) taken out, so that a-001.prom
// and a-002.prom are one replica and b-001.prom another. A compressed
// file's suffix (.gz, .zst) is not part of the name: logrotate's
// a-002.prom.gz is a-002.prom.
func scrapeSource(path string) string {
	src, _, _ := scrapeName(path)
	return src
}

// scrapeName is a plain scrape's source and sequence number (ok false
// when the name has no digits: the path is its source).
func scrapeName(path string) (source string, seq uint64, ok bool) {
	dir, base := filepath.Split(path)
	for _, ext := range []string{".gz", ".zst"} {
		base = strings.TrimSuffix(base, ext)
	}
	end := strings.LastIndexAny(base, "0123456789")
	if end < 0 {
		return dir + base, 0, false
	}
	start := end
	for start > 0 && base[start-1] >= '0' && base[start-1] <= '9' {
		start--
	}
	n, err := strconv.ParseUint(base[start:end+1], 10, 64)
	return dir + base[:start] + "#" + base[end+1:], n, err == nil
}

// plainTimes places each source's plain scrapes --interval apart by their
// sequence numbers (placeSource): a number given twice (the same file
// twice, a-2 and a-02) is refused, and a number skipped (a scrape lost) is
// refused too, or under AllowGaps spans its missing intervals, noted. A source
// of one scrape gives no rate, and sources whose names differ only in
// digits may be one replica's scrapes named by time: both are noted.
func plainTimes(in *inputs, scrapes []*scrape) error {
	sort.SliceStable(scrapes, func(i, j int) bool {
		a, b := scrapes[i], scrapes[j]
		if a.source != b.source {
			return a.source < b.source
		}
		return naturalLess(a.file, b.file)
	})
	var single []string
	sources := 0
	for i := 0; i < len(scrapes); {
		sources++
		j := i
		for j < len(scrapes) && scrapes[j].source == scrapes[i].source {
			j++
		}
		group := scrapes[i:j]
		if len(group) == 1 && len(scrapes) > 1 {
			single = append(single, group[0].file)
		}
		if err := placeSource(in, group); err != nil {
			return err
		}
		i = j
	}
	if len(single) > 1 && len(single) == sources {
		return fmt.Errorf("each of the %d scrapes is a source of its own (%s): a source is the file name without its last number (a-001.prom and a-002.prom are one replica), and names whose last number is a time's seconds or minutes differ elsewhere too; name one replica's scrapes with one sequence number, or give the samples timestamps", len(single), displayNames(single))
	}
	if len(single) > 0 {
		in.res.Notes = append(in.res.Notes, fmt.Sprintf("%s: a source of one scrape has no rate, so %s not counted (a source is the file name without its last number: a-001.prom and a-002.prom are one replica)", displayNames(single), map[bool]string{true: "it is", false: "they are"}[len(single) == 1]))
	}
	alike, byDate := digitAlike(scrapes)
	if byDate {
		return errors.New(alike)
	}
	if alike != "" {
		in.res.Notes = append(in.res.Notes, alike)
	}
	return nil
}

// placeSource places one source's scrapes in the order of their numbers,
// --interval apart. The step between consecutive scrapes is the median of
// the numbers' differences (1 for a sequence; 15 or 16 for names in
// seconds since 1970 from a loop that sleeps 15 seconds and drifts), and a
// difference of twice the step or more is scrapes lost. A step above 1 in
// numbers too small to be seconds since 1970 is noted: if they count
// scrapes, some are missing throughout (s-1, s-3, s-5).
func placeSource(in *inputs, group []*scrape) error {
	opts := in.opts
	nums := make([]uint64, len(group))
	for k, sc := range group {
		_, n, numbered := scrapeName(sc.file)
		if !numbered {
			n = uint64(k)
		}
		nums[k] = n
	}
	diffs := make([]uint64, 0, len(nums))
	for k := 1; k < len(nums); k++ {
		if nums[k] == nums[k-1] {
			return fmt.Errorf("%s and %s are the same scrape of %s (number %d): pass each scrape once", group[k-1].file, group[k].file, strings.ReplaceAll(group[k].source, "#", "N"), nums[k])
		}
		diffs = append(diffs, nums[k]-nums[k-1])
	}
	step := uint64(1)
	if len(diffs) > 0 {
		sorted := slices.Clone(diffs)
		slices.Sort(sorted)
		step = sorted[(len(sorted)-1)/2] // the lower median
	}
	if step > 1 && nums[0] < 1e6 {
		in.res.Notes = append(in.res.Notes, fmt.Sprintf("the numbers of %s's scrapes step by %d: each step is read as one --interval; if the numbers count scrapes, the ones between were lost and the rates are %d times too high", strings.ReplaceAll(group[0].source, "#", "N"), step, step))
	}
	at := time.Duration(0)
	for k, sc := range group {
		if k > 0 {
			d := diffs[k-1]
			steps := uint64(1)
			if d >= 2*step {
				steps = (d + step/2) / step
			}
			if steps > 1 {
				what := fmt.Sprintf("%s and %s are %d steps of %d apart in their numbers: the scrapes between are missing (or the numbers are clock times, HHMM, that jump at the hour), so the time between these two is not one --interval", group[k-1].file, sc.file, steps, step)
				if !opts.AllowGaps {
					return fmt.Errorf("%s; pass every scrape, name them with a sequence number or seconds since 1970, or read on with --allow-gaps (the gap then spans %d intervals)", what, steps)
				}
				in.res.Notes = append(in.res.Notes, what+fmt.Sprintf(": read as %d intervals (the counters' increase over them counts; the peak within them is not seen)", steps))
			}
			at += time.Duration(steps) * opts.Interval
		}
		sc.at = time.Unix(0, 0).UTC().Add(at)
	}
	return nil
}

// displayNames lists up to three file names and how many more.
func displayNames(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// digitAlike notes sources whose names differ only in their digits
// (m-20261102-#.prom and m-20261103-#.prom): replicas numbered so, or one
// replica's scrapes named by date and time, which would count as two
// replicas and add their rates. Empty when there are none.
func digitAlike(scrapes []*scrape) (msg string, byDate bool) {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, s)
	}
	seen := map[string]string{}
	for _, sc := range scrapes {
		k := strip(sc.source)
		if other, ok := seen[k]; ok && other != sc.source {
			a, b := strings.ReplaceAll(other, "#", "N"), strings.ReplaceAll(sc.source, "#", "N")
			if d1, d2, ok := datesApart(other, sc.source); ok {
				return fmt.Sprintf("sources %s and %s differ only in a date (%s, %s): one replica's scrapes named by date and time would count as two replicas and add their rates; name each replica's scrapes with one sequence number, or give the samples timestamps (a federation scrape)", a, b, d1, d2), true
			}
			return fmt.Sprintf("sources %s and %s differ only in digits: each is taken as a replica of its own and their rates are added; if they are one replica's scrapes named by date or time, give the samples timestamps (a federation scrape) or name them with one sequence number", a, b), false
		}
		seen[k] = sc.source
	}
	return "", false
}

// datesApart reports whether two names alike but for digits differ in
// one run of digits that is a date in both (YYYYMMDD, YYYY-MM-DD's parts
// aside): m-20261102-N and m-20261103-N.
func datesApart(a, b string) (string, string, bool) {
	runs := func(s string) []string {
		var out []string
		for i := 0; i < len(s); {
			if n := digitRun(s[i:]); n > 0 {
				out = append(out, s[i:i+n])
				i += n
				continue
			}
			i++
		}
		return out
	}
	ra, rb := runs(a), runs(b)
	if len(ra) != len(rb) {
		return "", "", false
	}
	var da, db string
	for i := range ra {
		if ra[i] == rb[i] {
			continue
		}
		if da != "" {
			return "", "", false // more than one run differs
		}
		da, db = ra[i], rb[i]
	}
	isDate := func(s string) bool {
		if len(s) != 8 {
			return false
		}
		_, err := time.Parse("20060102", s)
		return err == nil
	}
	return da, db, isDate(da) && isDate(db)
}

// naturalLess orders names with their digit runs compared as numbers:
// scrape-2 before scrape-10.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// groupSources splits the ordered scrapes by source, each in time order.
func groupSources(scrapes []*scrape) [][]*scrape {
	idx := map[string]int{}
	var out [][]*scrape
	for _, sc := range scrapes {
		i, ok := idx[sc.source]
		if !ok {
			i = len(out)
			idx[sc.source] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], sc)
	}
	return out
}

// segment is one source's increase between two consecutive scrapes.
type segment struct {
	from, to    time.Time
	prompt, gen float64
}

// fleetRates derives the token rates, peaks, prefix-cache hit rate, TTFT
// and KV-cache use from the counters and gauges of each source's scrapes:
// increases are taken within a source only, and the fleet's are their
// sum. The busiest interval is where the sources' summed rates peak.
func fleetRates(sources [][]*scrape) *FleetMetrics {
	fl := &FleetMetrics{Models: []string{}, UnmappedModels: []string{}}
	var first, last time.Time
	var segs []segment
	var queries, hits, ttftSum, ttftCount float64
	var kvs []float64
	for _, scrapes := range sources {
		fl.Scrapes += len(scrapes)
		if first.IsZero() || scrapes[0].at.Before(first) {
			first = scrapes[0].at
		}
		if end := scrapes[len(scrapes)-1].at; end.After(last) {
			last = end
		}
		if len(scrapes) < 2 {
			continue
		}
		inc := func(names []string) (float64, []float64) {
			total, per, resets := increases(scrapes, names)
			fl.CounterResets += resets
			return total, per
		}
		p, perPrompt := inc(vllmPrompt)
		g, perGen := inc(vllmGeneration)
		fl.PromptTokens += p
		fl.GenerationTokens += g
		for i := range perPrompt {
			segs = append(segs, segment{scrapes[i].at, scrapes[i+1].at, perPrompt[i], perGen[i]})
		}
		q, _ := inc(vllmQueries)
		h, _ := inc(vllmHits)
		ts, _ := inc([]string{vllmTTFT + "_sum"})
		tc, _ := inc([]string{vllmTTFT + "_count"})
		queries, hits, ttftSum, ttftCount = queries+q, hits+h, ttftSum+ts, ttftCount+tc
		end := scrapes[len(scrapes)-1]
		fl.NumRequestsRunning += sumOf(end.values[vllmRunning])
		fl.NumRequestsWaiting += sumOf(end.values[vllmWaiting])
		if kv, ok := meanKV(end); ok {
			kvs = append(kvs, kv)
		}
		for _, sc := range scrapes {
			if kv, ok := meanKV(sc); ok && (fl.PeakKVCacheUsagePerc == nil || kv > *fl.PeakKVCacheUsagePerc) {
				v := kv
				fl.PeakKVCacheUsagePerc = &v
			}
		}
	}
	secs := last.Sub(first).Seconds()
	fl.IntervalSeconds = secs
	if secs > 0 {
		fl.PromptTokS = fl.PromptTokens / secs
		fl.GenerationTokS = fl.GenerationTokens / secs
	}
	fl.PeakTokS, fl.PeakPromptTokS, fl.PeakGenerationTokS = peakRates(segs)
	if queries > 0 {
		r := hits / queries
		fl.PrefixCacheHitRate = &r
	}
	if ttftCount > 0 {
		ms := ttftSum / ttftCount * 1000
		fl.MeanTTFTMs = &ms
	}
	if len(kvs) > 0 {
		v := mean(kvs)
		fl.KVCacheUsagePerc = &v
	}
	return fl
}

// peakRates sweeps the sources' segments in time order: between any two
// consecutive scrape times of any source, the fleet's rate is the sum of
// the rates of the segments covering it. It returns the highest total,
// prompt and generation rates (the last two not necessarily at the same
// time).
func peakRates(segs []segment) (total, prompt, gen float64) {
	type edge struct {
		at     time.Time
		p, g   float64
		starts bool
	}
	edges := make([]edge, 0, 2*len(segs))
	for _, s := range segs {
		d := s.to.Sub(s.from).Seconds()
		if d <= 0 {
			continue
		}
		edges = append(edges, edge{s.from, s.prompt / d, s.gen / d, true}, edge{s.to, -s.prompt / d, -s.gen / d, false})
	}
	// Ends before starts at the same time: touching segments do not add.
	sort.Slice(edges, func(i, j int) bool {
		if !edges[i].at.Equal(edges[j].at) {
			return edges[i].at.Before(edges[j].at)
		}
		return !edges[i].starts && edges[j].starts
	})
	var p, g float64
	for i, e := range edges {
		p, g = p+e.p, g+e.g
		if i+1 < len(edges) && edges[i+1].at.Equal(e.at) {
			continue
		}
		total, prompt, gen = math.Max(total, p+g), math.Max(prompt, p), math.Max(gen, g)
	}
	return total, prompt, gen
}

// fleetModels maps the served model names through the catalog.
func fleetModels(fl *FleetMetrics, scrapes []*scrape, opts Options) {
	mapper := newModelMapper(opts.Catalog)
	seen := map[string]bool{}
	for _, sc := range scrapes {
		for m := range sc.models {
			seen[m] = true
		}
	}
	for m := range seen {
		if id, ok := mapper.lookup(m); ok {
			if !contains(fl.Models, id) {
				fl.Models = append(fl.Models, id)
			}
		} else {
			fl.UnmappedModels = append(fl.UnmappedModels, m)
		}
	}
	sort.Strings(fl.Models)
	sort.Strings(fl.UnmappedModels)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// meanKV is a scrape's mean KV-cache usage over engines.
func meanKV(sc *scrape) (float64, bool) {
	for _, n := range vllmKV {
		if vs := sc.values[n]; len(vs) > 0 {
			return sumOf(vs) / float64(len(vs)), true
		}
	}
	return 0, false
}

func sumOf(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}

// increases sums a counter's increase over consecutive scrapes, series by
// series, under the first of its names any scrape has; per holds the
// increase of each consecutive pair. A value below the one before, or a
// new created time, is a restart: the increase is the new value. A series
// that first appears after the first scrape counts from zero only when its
// created time says it started after the scrape before.
func increases(scrapes []*scrape, names []string) (total float64, per []float64, resets int) {
	name := ""
	for _, n := range names {
		for _, sc := range scrapes {
			if len(sc.values[n]) > 0 {
				name = n
				break
			}
		}
		if name != "" {
			break
		}
	}
	per = make([]float64, len(scrapes)-1)
	if name == "" {
		return 0, per, 0
	}
	// Each series is differenced against its own last sample, as PromQL's
	// increase() reads a series across the scrapes it is missing from (a
	// federation leaves out a target whose scrapes failed): differencing
	// adjacent scrapes only, a series back after a gap counted nothing of
	// its increase over it. That increase is spread over the gap's
	// intervals by their length.
	type seen struct {
		v, created float64
		hasCreated bool
		at         int
	}
	last := map[string]seen{}
	for s, v := range scrapes[0].values[name] {
		c, hasC := scrapes[0].created[name][s]
		last[s] = seen{v, c, hasC, 0}
	}
	for i := 1; i < len(scrapes); i++ {
		prev, cur := scrapes[i-1], scrapes[i]
		for s, v := range cur.values[name] {
			was, had := last[s]
			if t, ok := cur.times[name][s]; ok && had && t <= scrapes[was.at].times[name][s] {
				// The same sample again, or an older one (a lagging HA twin's dump).
				continue
			}
			cc, hasC := cur.created[name][s]
			last[s] = seen{v, cc, hasC, i}
			var d float64
			switch {
			case !had:
				if hasC && cc >= float64(prev.at.Unix()) && prev.stamped {
					d = v
				}
			case v < was.v || (was.hasCreated && hasC && cc != was.created):
				d = v
				resets++
			default:
				d = v - was.v
			}
			total += d
			from := was.at
			if !had {
				from = i - 1
			}
			t0, ok0 := scrapes[from].times[name][s]
			t1, ok1 := cur.times[name][s]
			if had && ok0 && ok1 && t1 > t0 {
				// Stamped samples: the increase happened between the
				// samples' own times, which a federation dump lags.
				spreadOver(per, scrapes, time.UnixMilli(t0), time.UnixMilli(t1), d)
				continue
			}
			span := cur.at.Sub(scrapes[from].at).Seconds()
			for k := from; k < i; k++ {
				share := 1.0 / float64(i-from)
				if span > 0 {
					share = scrapes[k+1].at.Sub(scrapes[k].at).Seconds() / span
				}
				per[k] += d * share
			}
		}
	}
	return total, per, resets
}

// spreadOver adds an increase d that happened from t0 to t1 to the
// intervals between consecutive scrapes, in proportion to the time each
// shares with it (the peak's rates; the total counts d whole). What falls
// before the first scrape or after the last is in no interval.
func spreadOver(per []float64, scrapes []*scrape, t0, t1 time.Time, d float64) {
	whole := t1.Sub(t0).Seconds()
	for k := range per {
		from, to := scrapes[k].at, scrapes[k+1].at
		lo, hi := later(from, t0), earlier(to, t1)
		if hi.After(lo) {
			per[k] += d * hi.Sub(lo).Seconds() / whole
		}
	}
}

// minCreated and maxCreated bound a _created sample, seconds since 1970:
// 2000 to 2200, as the samples' timestamps.
const (
	minCreated = 946684800
	maxCreated = 7258118400
)

// maxCounter bounds a vLLM sample: a counter of a long-running fleet
// stays far below it (10^15 tokens is years of a large fleet).
const maxCounter = 1e15

// wanted are the metric names a scrape keeps.
var wanted = func() map[string]bool {
	m := map[string]bool{vllmRunning: true, vllmWaiting: true}
	for _, set := range [][]string{vllmPrompt, vllmGeneration, vllmQueries, vllmHits, vllmKV} {
		for _, n := range set {
			m[n] = true
		}
	}
	return m
}()

func readScrape(f *file) (*scrape, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(&crlfReader{r: f.r})
	if err != nil {
		var pe expfmt.ParseError
		if errors.As(err, &pe) {
			return nil, f.errorf(pe.Line, "Prometheus text format: %s", pe.Msg)
		}
		return nil, f.errorf(0, "Prometheus text format: %v", err)
	}
	sc := &scrape{file: f.name, source: scrapeSource(f.name), values: map[string]map[string]float64{}, created: map[string]map[string]float64{}, times: map[string]map[string]int64{}, models: map[string]bool{}}
	var stamps []int64
	samples := 0
	for name, fam := range fams {
		hist := name == vllmTTFT
		// Prometheus' federation writes every family untyped: the
		// histogram's _sum and _count arrive as families of their own.
		histPart := name == vllmTTFT+"_sum" || name == vllmTTFT+"_count"
		base, isCreated := strings.CutSuffix(name, "_created")
		isCreated = isCreated && (wanted[base+"_total"] || base == vllmTTFT)
		if !wanted[name] && !hist && !histPart && !isCreated {
			continue
		}
		for _, m := range fam.GetMetric() {
			samples++
			if m.TimestampMs != nil {
				stamps = append(stamps, *m.TimestampMs)
			}
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "model_name" {
					sc.models[lp.GetValue()] = true
				}
			}
			if err := sc.sample(f, name, fam, m, hist, isCreated); err != nil {
				return nil, err
			}
		}
	}
	if samples == 0 {
		return nil, f.errorf(0, "no vLLM metric in this scrape (want vllm:prompt_tokens_total and the like)")
	}
	if len(stamps) > 0 {
		if len(stamps) < samples {
			return nil, f.errorf(0, "%d of %d vLLM samples carry a timestamp: a scrape's samples carry one each or none", len(stamps), samples)
		}
		at, err := sc.dumpTime(f, stamps)
		if err != nil {
			return nil, err
		}
		sc.at, sc.stamped = at, true
	}
	sc.foldAliases()
	return sc, nil
}

// foldAliases files each series given under an older name of a metric
// (vLLM 0.9's gpu_prefix_cache_queries_total, renamed in 0.10, which kept
// both until 0.12) under the newest name, unless the series has that name
// too. A fleet mid-upgrade names one metric both ways, and reading only
// the name some scrape had first left the other replicas out.
func (sc *scrape) foldAliases() {
	for _, names := range [][]string{vllmPrompt, vllmGeneration, vllmQueries, vllmHits, vllmKV} {
		to := names[0]
		for _, from := range names[1:] {
			for s, v := range sc.values[from] {
				if _, ok := sc.values[to][s]; ok {
					continue
				}
				moveSeries(sc.values, to, s, v)
				if c, ok := sc.created[from][s]; ok {
					moveSeries(sc.created, to, s, c)
				}
				if t, ok := sc.times[from][s]; ok {
					moveSeries(sc.times, to, s, t)
				}
			}
		}
	}
}

// moveSeries sets series s of metric to in m.
func moveSeries[T any](m map[string]map[string]T, to, s string, v T) {
	if m[to] == nil {
		m[to] = map[string]T{}
	}
	m[to][s] = v
}

// maxAhead is how far past the bulk of a stamped dump's samples one may
// be stamped: a federation repeats each target's last sample, so samples
// trail the dump's time by up to a scrape interval, but none is from
// well after it.
const maxAhead = 10 * time.Minute

// dumpTime is a stamped scrape's time: its newest sample's. A sample
// stamped more than maxAhead after the median of the dump's samples (a
// target's clock a year ahead, kept by honor_timestamps) is refused: taken
// as the dump's time, it stretched the period to a year and read the
// fleet's token rates 270,000 times low.
func (sc *scrape) dumpTime(f *file, stamps []int64) (time.Time, error) {
	sort.Slice(stamps, func(i, j int) bool { return stamps[i] < stamps[j] })
	median, latest := stamps[len(stamps)/2], stamps[len(stamps)-1]
	if time.Duration(latest-median)*time.Millisecond <= maxAhead {
		return time.UnixMilli(latest).UTC(), nil
	}
	series := "a sample"
	for _, name := range slices.Sorted(maps.Keys(sc.times)) {
		for _, lk := range slices.Sorted(maps.Keys(sc.times[name])) {
			if sc.times[name][lk] == latest && series == "a sample" {
				series = fmt.Sprintf("%s{%s}", name, lk)
			}
		}
	}
	return time.Time{}, f.errorf(0, "%s is stamped %s, %s after the bulk of this scrape's samples (%s): a target's clock is off; a dump's samples are from one scrape, none more than %s after the others",
		series, time.UnixMilli(latest).UTC().Format(time.RFC3339), (time.Duration(latest-median) * time.Millisecond).Round(time.Second), time.UnixMilli(median).UTC().Format(time.RFC3339), maxAhead)
}

// sample records one sample of a wanted family (hist: the TTFT
// histogram; isCreated: a _created series). A value no count can have,
// and a series given twice in the scrape, are errors naming it.
func (sc *scrape) sample(f *file, name string, fam *dto.MetricFamily, m *dto.Metric, hist, isCreated bool) error {
	twice := func(name string) error {
		return f.errorf(0, "%s{%s} is given twice in this scrape: one scrape holds each series once (samples appended, or scrapes concatenated without their TYPE lines?); pass each scrape in a file of its own", name, labelKey(m))
	}
	switch {
	case hist && m.Histogram != nil:
		if v := m.Histogram.GetSampleSum(); !countable(v) {
			return f.errorf(0, "%s_sum{%s} has the value %v: a sum of seconds from 0 to %.0e", name, labelKey(m), v, maxCounter)
		}
		// A count that is not a whole number (or a bucket's) is parsed as
		// a float, and the integer count is then 0: read as a restart.
		count := float64(m.Histogram.GetSampleCount())
		if m.Histogram.SampleCountFloat != nil {
			count = m.Histogram.GetSampleCountFloat()
		}
		if !countable(count) {
			return f.errorf(0, "%s_count{%s} has the value %v: a count from 0 to %.0e", name, labelKey(m), count, maxCounter)
		}
		if !put(sc.values, vllmTTFT+"_sum", m, m.Histogram.GetSampleSum()) {
			return twice(name)
		}
		put(sc.values, vllmTTFT+"_count", m, count)
		sc.stamp(vllmTTFT+"_sum", m)
		sc.stamp(vllmTTFT+"_count", m)
	case isCreated:
		v := value(m)
		// A start time that is no time changes at every scrape (NaN is
		// unequal to itself): each would read as a restart.
		if math.IsNaN(v) || v < minCreated || v > maxCreated {
			return f.errorf(0, "%s{%s} has the value %v: a process's start time in seconds since 1970, from 2000 to 2200", name, labelKey(m), v)
		}
		if name == vllmTTFT+"_created" {
			if !put(sc.created, vllmTTFT+"_sum", m, v) {
				return twice(name)
			}
			put(sc.created, vllmTTFT+"_count", m, v)
			return nil
		}
		base := strings.TrimSuffix(name, "_created")
		if !put(sc.created, base+"_total", m, v) {
			return twice(name)
		}
		put(sc.created, base, m, v)
	default:
		v := value(m)
		if !countable(v) && !(v < 0 && fam.GetType() == dto.MetricType_GAUGE && !math.IsNaN(v) && !math.IsInf(v, 0)) {
			return f.errorf(0, "%s{%s} has the value %v: a count from 0 to %.0e", name, labelKey(m), v, maxCounter)
		}
		if !put(sc.values, name, m, v) {
			return twice(name)
		}
		sc.stamp(name, m)
	}
	return nil
}

// countable reports whether v can be a count: finite, from 0 to
// maxCounter.
func countable(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v <= maxCounter
}

// put records a sample's value under its metric and series; false when
// the series already has one.
func put(into map[string]map[string]float64, name string, m *dto.Metric, v float64) bool {
	if into[name] == nil {
		into[name] = map[string]float64{}
	}
	k := labelKey(m)
	if _, ok := into[name][k]; ok {
		return false
	}
	into[name][k] = v
	return true
}

// stamp records a sample's own timestamp, where it has one.
func (sc *scrape) stamp(name string, m *dto.Metric) {
	if m.TimestampMs == nil {
		return
	}
	if sc.times[name] == nil {
		sc.times[name] = map[string]int64{}
	}
	sc.times[name][labelKey(m)] = *m.TimestampMs
}

// value is a sample's value whatever its family's type.
func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return math.NaN()
}

// labelKey is a series' labels, sorted by name.
func labelKey(m *dto.Metric) string {
	ls := m.GetLabel()
	parts := make([]string, 0, len(ls))
	for _, lp := range ls {
		parts = append(parts, lp.GetName()+"="+fmt.Sprintf("%q", lp.GetValue()))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// crlfReader drops the carriage return of CRLF line ends (a scrape saved
// on Windows), which the Prometheus text parser would read as part of a
// value or type.
type crlfReader struct {
	r       *bufio.Reader
	pending bool // a '\r' held back: is a '\n' next?
}

func (c *crlfReader) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		ch, err := c.r.ReadByte()
		if err != nil {
			if c.pending {
				b[n], c.pending = '\r', false
				n++
			}
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		switch {
		case c.pending && ch == '\n':
			c.pending = false
		case c.pending:
			c.pending = false
			b[n] = '\r'
			n++
			if err := c.r.UnreadByte(); err != nil {
				return n, err
			}
			continue
		case ch == '\r':
			c.pending = true
			continue
		}
		b[n] = ch
		n++
		if ch == '\n' {
			return n, nil
		}
	}
	return n, nil
}
