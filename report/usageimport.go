package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/costgate/costgate/units"
	"github.com/costgate/costgate/usage"
)

// UsageOutputter renders costgate usage import.
type UsageOutputter interface {
	Outputter
	Usage(w io.Writer, res *usage.Result) error
}

func (textFormat) Usage(w io.Writer, res *usage.Result) error { return usageImportText(w, res) }
func (jsonFormat) Usage(w io.Writer, res *usage.Result) error { return writeJSON(w, res) }

// usageImportText writes costgate usage import's result for a person.
func usageImportText(w io.Writer, res *usage.Result) error {
	b := &strings.Builder{}
	how := "given"
	if res.Detected {
		how = "detected"
	}
	fmt.Fprintf(b, "FORMAT      %s (%s), %d file(s)\n", res.Format, how, len(res.Files))
	if res.Source != "" {
		fmt.Fprintf(b, "SOURCE      %s\n", res.Source)
	}
	switch {
	case res.FleetMetrics != nil && res.Period.Since != "":
		fmt.Fprintf(b, "PERIOD      %s to %s, the first scrape to the last\n", res.Period.Since, res.Period.Until)
	case res.Period.Since != "":
		fmt.Fprintf(b, "PERIOD      %s to %s (%s, until exclusive)\n", res.Period.Since, res.Period.Until, units.Days(res.Period.Days))
	default:
		fmt.Fprintf(b, "PERIOD      %s\n", units.Days(res.Period.Days))
	}
	fmt.Fprintf(b, "RECORDS     %d counted, %d duplicates dropped, %d outside the period", res.Records, res.Duplicates, res.OutsidePeriod)
	if res.Skipped > 0 {
		fmt.Fprintf(b, ", %d malformed skipped", res.Skipped)
	}
	b.WriteString("\n")
	if t := res.Tokens; t != nil {
		writeTokens(b, t)
	}
	if fl := res.FleetMetrics; fl != nil {
		writeFleet(b, fl)
	}
	if len(res.SkippedReasons) > 0 {
		b.WriteString("\nSKIPPED (first reasons)\n")
		for _, r := range res.SkippedReasons {
			fmt.Fprintf(b, "  %s\n", r)
		}
	}
	if len(res.Notes) > 0 {
		b.WriteString("\nNOTES\n")
		for _, n := range res.Notes {
			fmt.Fprintf(b, "  %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTokens(b *strings.Builder, t *usage.Tokens) {
	q := t.TokensPerDeveloperMonth
	fmt.Fprintf(b, "\nDEVELOPERS  %d\n", t.Developers)
	fmt.Fprintf(b, "TOKENS PER DEVELOPER-MONTH (%d h)\n  mean %s   p25 %s   p50 %s   p75 %s\n", units.HoursPerMonth, units.Tokens(q.Mean), units.Tokens(q.P25), units.Tokens(q.P50), units.Tokens(q.P75))
	fmt.Fprintf(b, "SHARES\n  input          %.4f of all tokens\n  cached input   %.4f of input\n  cache writes   %.4f of input\n", t.InputShare, t.CachedInputShare, t.CacheWriteShare)
	if t.PeakToAverage != nil {
		fmt.Fprintf(b, "PEAK        %.2f x the mean working hour (busiest hour %s; the period's tokens over its working hours, Mon-Fri 09-17 %s)\n", *t.PeakToAverage, t.PeakHour, t.Timezone)
	} else {
		b.WriteString("PEAK        unknown\n")
	}
	pm := t.PerMonth
	fmt.Fprintf(b, "TOKENS PER MONTH\n  uncached input %s   cache reads %s   cache writes %s   output %s\n", units.Tokens(pm.Uncached), units.Tokens(pm.CacheRead), units.Tokens(pm.CacheWrite), units.Tokens(pm.Output))
	writeModels(b, "MODELS (tokens per month)", t.Models)
	writeModels(b, "UNMAPPED MODELS (not in the catalog)", t.UnmappedModels)
}

func writeModels(b *strings.Builder, title string, m map[string]float64) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(b, "%s\n", title)
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if m[ids[i]] != m[ids[j]] {
			return m[ids[i]] > m[ids[j]]
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		fmt.Fprintf(b, "  %-24s %s\n", id, units.Tokens(m[id]))
	}
}

func writeFleet(b *strings.Builder, fl *usage.FleetMetrics) {
	fmt.Fprintf(b, "\nSCRAPES     %d over %.0f s, %d counter resets\n", fl.Scrapes, fl.IntervalSeconds, fl.CounterResets)
	fmt.Fprintf(b, "THROUGHPUT  prompt %.1f tok/s, generation %.1f tok/s\n", fl.PromptTokS, fl.GenerationTokS)
	fmt.Fprintf(b, "BUSIEST     %.1f tok/s between two scrapes (prompt up to %.1f, generation up to %.1f)\n", fl.PeakTokS, fl.PeakPromptTokS, fl.PeakGenerationTokS)
	fmt.Fprintf(b, "PREFIX CACHE HIT RATE  %s\n", optional(fl.PrefixCacheHitRate, "%.4f"))
	fmt.Fprintf(b, "MEAN TTFT   %s\n", optional(fl.MeanTTFTMs, "%.1f ms"))
	fmt.Fprintf(b, "LATEST      %g running, %g waiting, KV cache %s (peak %s)\n", fl.NumRequestsRunning, fl.NumRequestsWaiting, optional(fl.KVCacheUsagePerc, "%.4f"), optional(fl.PeakKVCacheUsagePerc, "%.4f"))
	if len(fl.Models) > 0 {
		fmt.Fprintf(b, "MODELS      %s\n", strings.Join(fl.Models, ", "))
	}
	if len(fl.UnmappedModels) > 0 {
		fmt.Fprintf(b, "UNMAPPED    %s\n", strings.Join(fl.UnmappedModels, ", "))
	}
}

func optional(v *float64, format string) string {
	if v == nil {
		return "unknown"
	}
	return fmt.Sprintf(format, *v)
}
