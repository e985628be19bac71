package usage

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// provenancePrefix starts every line of the comment calibration writes, so
// that calibrating again replaces it.
const provenancePrefix = "# calibrated:"

// Calibration is a spec rewritten with measured team figures.
type Calibration struct {
	// Output is the whole spec, formatted as `costgate fmt` writes it.
	Output []byte
	// Changes lists each figure set, "team.developers: 1000 → 42".
	Changes []string
	// Reports are what the data said but calibration did not guess from:
	// models the spec does not name, figures the export cannot give.
	Reports []string
}

// developerIdentity says what a developer is in each format.
var developerIdentity = map[string]string{
	ClaudeCodeOTel: "user.email, else user.account_id, else user.id",
	AnthropicUsage: "account_id, else api_key_id",
	OpenAIUsage:    "user_id, else api_key_id, else project_id",
	LiteLLMSpend:   "user, else end_user, else api_key",
}

// Calibrate replaces the spec's team figures with the measured ones:
// developers, tokens_per_developer (p25 to p75 widened to hold the mean),
// the three shares, peak_to_average, and the workload shares from the
// tokens the spec's simple and complex models served. Everything else —
// comments included — is kept. s is src decoded.
func Calibrate(filename string, src []byte, s *spec.Spec, res *Result, cat *modelcatalog.Catalog) (*Calibration, error) {
	t := res.Tokens
	if t == nil {
		return nil, fmt.Errorf("%s has no per-developer tokens: calibrate from claude-code-otel, anthropic-usage, openai-usage or litellm-spend", res.Format)
	}
	if err := finiteFigures(t); err != nil {
		return nil, err
	}
	src = stripProvenance(src)
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	var team *hclwrite.Block
	workloads := map[string]*hclwrite.Block{}
	for _, b := range f.Body().Blocks() {
		switch {
		case b.Type() == "team" && team == nil:
			team = b
		case b.Type() == "workload" && len(b.Labels()) == 1:
			workloads[b.Labels()[0]] = b
		}
	}
	if team == nil {
		return nil, fmt.Errorf("%s has no team block", filename)
	}
	c := &Calibration{}
	tb := team.Body()
	tm := s.Team
	c.set(tb, "team.developers", "developers", tm.Developers, cty.NumberIntVal(int64(t.Developers)), strconv.Itoa(t.Developers))
	c.thinEvidence(res, tm.Developers)

	lo, hi, q := c.perDeveloper(t)
	if lo <= 0 {
		return nil, errors.New("the measured tokens per developer are zero")
	}
	if lo == hi {
		c.set(tb, "team.tokens_per_developer", "tokens_per_developer", tm.TokensPerDeveloper, cty.NumberFloatVal(lo), num(lo))
	} else {
		c.set(tb, "team.tokens_per_developer", "tokens_per_developer", tm.TokensPerDeveloper,
			cty.TupleVal([]cty.Value{cty.NumberFloatVal(lo), cty.NumberFloatVal(hi)}), "["+num(lo)+", "+num(hi)+"]")
	}
	in, cached, write := round(t.InputShare, 4), round(t.CachedInputShare, 4), round(t.CacheWriteShare, 4)
	if cached+write > 1 {
		write = round(1-cached, 4)
	}
	c.set(tb, "team.input_share", "input_share", tm.InputShare, cty.NumberFloatVal(in), num(in))
	c.set(tb, "team.cached_input_share", "cached_input_share", tm.CachedInputShare, cty.NumberFloatVal(cached), num(cached))
	c.set(tb, "team.cache_write_share", "cache_write_share", tm.CacheWriteShare, cty.NumberFloatVal(write), num(write))
	peakFrom := c.peak(tb, tm.PeakToAverage, tm.WorkingHoursPerMonth, t, res)
	mix := calibrateWorkloads(s, t, workloads, c)

	lines := provenance(res, q.Mean, peakFrom, mix)
	out := insertComment(f.Bytes(), wrap(lines, 100-len(provenancePrefix)-1))
	out = spec.Format(out)
	if _, diags := spec.NewParser(cat).Parse(filename, out); diags.HasErrors() {
		return nil, fmt.Errorf("the calibrated spec does not decode: %s", diags.Error())
	}
	c.Output = out
	return c, nil
}

// set writes one attribute of the spec and records the change.
func (c *Calibration) set(body *hclwrite.Body, path, attr string, from spec.Range, to cty.Value, text string) {
	body.SetAttributeValue(attr, to)
	c.Changes = append(c.Changes, fmt.Sprintf("%s: %s → %s", path, rangeText(from), text))
}

// ThinRecords is the fewest records a calibration reads without saying
// its figures rest on a thin sample: a month's tokens, shares and peak
// scaled from a handful of requests are what the export says, not what
// the team does.
const ThinRecords = 100

// thinEvidence reports an export too thin to stand for the team: fewer
// than ThinRecords records, or usage of fewer than half the developers
// the spec plans (a sample, one key's export). One LiteLLM row
// calibrated a 20-developer spec to one developer at a peak of 8, and
// nothing said the export could not be the team's.
func (c *Calibration) thinEvidence(res *Result, planned spec.Range) {
	if res.Records < ThinRecords {
		c.Reports = append(c.Reports, fmt.Sprintf("the export holds %d records, fewer than %d: every figure written is scaled to a month from them; calibrate from a longer period if it is not the team's usage", res.Records, ThinRecords))
	}
	if d := res.Tokens.Developers; float64(d)*2 < planned.Low {
		c.Reports = append(c.Reports, fmt.Sprintf("the export has usage of %d developers where the spec planned %s: developers is written as %d; if the export is not the whole team's (a sample, one key's), keep the spec's figure", d, rangeText(planned), d))
	}
}

// peak writes the measured peak_to_average into the team block, or
// reports why the export cannot measure it; it returns the provenance
// line saying how it was measured ("" when it was not). The spec's
// average is its month over hours working hours, so no peak above hours
// is written (the period's weekdays can hold more working hours than the
// spec's month).
func (c *Calibration) peak(tb *hclwrite.Body, was spec.Range, hours float64, t *Tokens, res *Result) string {
	if t.PeakToAverage == nil {
		// The import's note says why: buckets wider than an hour, or no
		// token in a working hour of the period.
		why := "it needs hourly records"
		for _, n := range res.Notes {
			if r, ok := strings.CutPrefix(n, "peak_to_average is unknown: "); ok {
				why = r
			}
		}
		c.Reports = append(c.Reports, "peak_to_average is unknown from this export ("+why+"): kept at "+rangeText(was))
		return ""
	}
	p := math.Max(1, round(*t.PeakToAverage, 2))
	if *t.PeakToAverage < 1 {
		c.Reports = append(c.Reports, fmt.Sprintf("the measured peak_to_average %.2f is below 1 (no hour above the working-hour mean): written as 1", *t.PeakToAverage))
	}
	if p > hours {
		c.Reports = append(c.Reports, fmt.Sprintf("the measured peak_to_average %.2f is above the spec's %s working hours a month, the most its month can put in one hour: written as %s", *t.PeakToAverage, num(hours), num(hours)))
		p = hours
	}
	c.set(tb, "team.peak_to_average", "peak_to_average", was, cty.NumberFloatVal(p), num(p))
	return fmt.Sprintf("peak_to_average is the busiest hour over the period's tokens spread over its working hours (Monday-Friday 09:00-17:00 %s)", t.Timezone)
}

// perDeveloper is the range of tokens_per_developer a calibration writes,
// and the quantiles it is taken from: the developers' p25 to p75, widened
// to be centred on the mean, since a plan takes a range at its midpoint
// and developers × the midpoint must be the measured total (a skewed team
// whose [p25, p75] widened to the mean planned below it). Tokens no
// developer's identity came with (a key shared by a CI job, a playground)
// are the team's too: they are spread over the developers, and a report
// says so; left out, the calibrated spec planned half what plan --usage
// measured.
func (c *Calibration) perDeveloper(t *Tokens) (lo, hi float64, q Quantiles) {
	q = t.TokensPerDeveloperMonth
	if attributed := q.Mean * float64(t.Developers); attributed > 0 && t.UnattributedTokens > 0 {
		spread := t.PerMonth.Total() / attributed
		if spread > 1 {
			q = Quantiles{Mean: q.Mean * spread, P25: q.P25 * spread, P50: q.P50 * spread, P75: q.P75 * spread}
			c.Reports = append(c.Reports, fmt.Sprintf("%.0f tokens a month came with no developer identity: spread over the %d developers, tokens_per_developer is ×%.3f what their own tokens say, so that the calibrated spec plans the measured total",
				t.PerMonth.Total()-attributed, t.Developers, spread))
		}
	}
	w := math.Max(q.Mean-q.P25, q.P75-q.Mean)
	lo = math.Max(q.Mean-w, q.Mean/100)
	return sig(lo, 4), sig(2*q.Mean-lo, 4), q
}

// finiteFigures refuses figures no spec can hold: an import refuses the
// records that would make them, so this guards results built elsewhere.
func finiteFigures(t *Tokens) error {
	q := t.TokensPerDeveloperMonth
	vs := map[string]float64{"tokens per developer (mean)": q.Mean, "p25": q.P25, "p75": q.P75,
		"input_share": t.InputShare, "cached_input_share": t.CachedInputShare, "cache_write_share": t.CacheWriteShare}
	if t.PeakToAverage != nil {
		vs["peak_to_average"] = *t.PeakToAverage
	}
	for name, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("the measured %s is %v: not a figure a spec can hold", name, v)
		}
	}
	return nil
}

// provenance is the comment written before the team block: where each
// calibrated figure came from, and for which period.
func provenance(res *Result, mean float64, peakFrom, mix string) []string {
	files := make([]string, len(res.Files))
	for i, p := range res.Files {
		files[i] = filepath.Base(p)
	}
	if len(files) > 3 {
		files = append(files[:3], fmt.Sprintf("and %d more", len(res.Files)-3))
	}
	lines := []string{
		fmt.Sprintf("Measured by `costgate usage calibrate` from %s (%s),", res.Format, strings.Join(files, ", ")),
		fmt.Sprintf("period %s to %s (%s, %s, until exclusive): developers are the", res.Period.Since, res.Period.Until, units.Days(res.Period.Days), cmp.Or(res.Period.Zone, "UTC")),
		fmt.Sprintf("people with usage (%s);", developerIdentity[res.Format]),
		fmt.Sprintf("tokens_per_developer is p25 to p75 of tokens per developer-month (%d h), widened to be centred on the mean %s (a plan takes its midpoint);", units.HoursPerMonth, units.Tokens(mean)),
		"the shares are of the measured token totals;",
	}
	if peakFrom != "" {
		lines = append(lines, peakFrom+";")
	}
	lines = append(lines, mix+".")
	return lines
}

// calibrateWorkloads sets the workload shares WorkloadShares gives and
// says where they came from.
func calibrateWorkloads(s *spec.Spec, t *Tokens, blocks map[string]*hclwrite.Block, c *Calibration) string {
	shares, mix, reports := WorkloadShares(s, t)
	c.Reports = append(c.Reports, reports...)
	if shares == nil {
		return mix
	}
	for i, w := range s.Workloads {
		b := blocks[w.Name]
		if b == nil {
			continue
		}
		b.Body().SetAttributeValue("share", cty.NumberFloatVal(shares[i]))
		c.Changes = append(c.Changes, fmt.Sprintf("workload.%s.share: %s → %s", w.Name, num(w.Share), num(shares[i])))
	}
	return mix
}

// WorkloadShares measures the spec's workload shares from the tokens its
// simple and complex models served, spreading each complexity's share over
// its workloads in their current proportions (rounded to 4 decimals,
// summing to 1). It returns nil shares when the models cannot tell the
// workloads apart, with reports saying why; models the spec does not name
// are reported, not guessed. mix says where the shares came from.
func WorkloadShares(s *spec.Spec, t *Tokens) (shares []float64, mix string, reports []string) {
	simple, complexM := s.Managed.SimpleModel, s.Managed.ComplexModel
	var total float64
	for _, v := range t.Models {
		total += v
	}
	for _, v := range t.UnmappedModels {
		total += v
	}
	var others []string
	for id, v := range t.Models {
		if id != simple && id != complexM {
			others = append(others, fmt.Sprintf("%s (%s tokens a month, %.1f %%)", id, units.Tokens(v), 100*v/total))
		}
	}
	for id, v := range t.UnmappedModels {
		others = append(others, fmt.Sprintf("%s (%s tokens a month, %.1f %%, not in the catalog)", id, units.Tokens(v), 100*v/total))
	}
	sort.Strings(others)
	if len(others) > 0 {
		reports = append(reports, "models the spec does not name, left out of the workload shares: "+strings.Join(others, "; "))
	}
	kept := "the workload shares are the spec's own"
	if simple == complexM {
		reports = append(reports, fmt.Sprintf("the simple and complex models are both %s, so the models cannot tell the workloads apart: workload shares kept", simple))
		return nil, kept, reports
	}
	st, ct := t.Models[simple], t.Models[complexM]
	if st+ct == 0 {
		reports = append(reports, fmt.Sprintf("neither %s (simple) nor %s (complex) served a token: workload shares kept", simple, complexM))
		return nil, kept, reports
	}
	want := map[string]float64{spec.Simple: st / (st + ct), spec.Complex: ct / (st + ct)}
	sum := map[string]float64{}
	for _, w := range s.Workloads {
		sum[w.Complexity] += w.Share
	}
	for _, cx := range []string{spec.Simple, spec.Complex} {
		model := map[string]string{spec.Simple: simple, spec.Complex: complexM}[cx]
		switch {
		case want[cx] > 0 && sum[cx] == 0:
			reports = append(reports, fmt.Sprintf("%s served %.1f %% of the two models' tokens but the spec has no %s workload: workload shares kept", model, 100*want[cx], cx))
			return nil, kept, reports
		case want[cx] == 0 && sum[cx] > 0:
			reports = append(reports, fmt.Sprintf("%s (%s) served no token, and a workload's share must be above 0: workload shares kept", model, cx))
			return nil, kept, reports
		}
	}
	shares = apportion(s.Workloads, want[spec.Simple])
	mix = fmt.Sprintf("workload shares split the tokens of %s (simple, %.1f %%) and %s (complex, %.1f %%) over the workloads in their former proportions",
		simple, 100*want[spec.Simple], complexM, 100*want[spec.Complex])
	return shares, mix, reports
}

// apportion spreads each complexity's share of the tokens (simple the
// given share, complex the rest) over its workloads in proportion to their
// shares, in whole ten-thousandths that sum to 1, each at least one: the
// complexities' ten-thousandths are fixed first, and each one's are split
// by largest remainder. Shares it wrote split again in their own
// proportions come out the same, so calibrating twice from the same data
// changes nothing (rounding each share and giving the largest the rest had
// moved shares by 0.0001 on every run).
func apportion(ws []spec.Workload, simple float64) []float64 {
	n := map[string]int64{}
	for _, w := range ws {
		n[w.Complexity]++
	}
	units := map[string]int64{spec.Simple: int64(math.Round(simple * 1e4))}
	units[spec.Simple] = min(max(units[spec.Simple], n[spec.Simple]), 1e4-n[spec.Complex])
	units[spec.Complex] = 1e4 - units[spec.Simple]
	shares := make([]float64, len(ws))
	for _, cx := range []string{spec.Simple, spec.Complex} {
		var idx []int
		var weights []int64
		var sum int64
		for i, w := range ws {
			if w.Complexity == cx {
				idx = append(idx, i)
				weights = append(weights, max(1, int64(math.Round(w.Share*1e4))))
				sum += weights[len(weights)-1]
			}
		}
		for k, u := range largestRemainder(units[cx], weights, sum) {
			shares[idx[k]] = float64(u) / 1e4
		}
	}
	return shares
}

// largestRemainder splits total units in proportion to weights (summing
// to sum): each its whole quota, the units left over to the largest
// remainders (the first of equal ones), and none left at 0 while another
// has two or more.
func largestRemainder(total int64, weights []int64, sum int64) []int64 {
	out := make([]int64, len(weights))
	order := make([]int, len(weights))
	left := total
	for k, w := range weights {
		out[k] = total * w / sum
		left -= out[k]
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		return total*weights[order[a]]%sum > total*weights[order[b]]%sum
	})
	for _, k := range order[:left] {
		out[k]++
	}
	for k := range out {
		if out[k] == 0 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			out[big]--
			out[k]++
		}
	}
	return out
}

// stripProvenance removes the comment an earlier calibration wrote: the
// lines starting with provenancePrefix right before the team block. Such
// a line elsewhere (a note of the team's own, a heredoc's text) is kept.
func stripProvenance(src []byte) []byte {
	f, diags := hclsyntax.ParseConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return src
	}
	team := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "team" {
			team = b.TypeRange.Start.Line - 1
			break
		}
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	from := team
	for from > 0 && bytes.HasPrefix(bytes.TrimSpace(lines[from-1]), []byte(provenancePrefix)) {
		from--
	}
	return slices.Concat(slices.Concat(lines[:from]...), slices.Concat(lines[team:]...))
}

// insertComment puts the comment lines right before the team block's
// header line.
func insertComment(src []byte, lines []string) []byte {
	f, diags := hclsyntax.ParseConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return src
	}
	line := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "team" {
			line = b.TypeRange.Start.Line
			break
		}
	}
	if line == 0 {
		return src
	}
	all := bytes.SplitAfter(src, []byte("\n"))
	var out []byte
	for i, l := range all {
		if i == line-1 {
			for _, c := range lines {
				out = append(out, []byte(provenancePrefix+" "+c+"\n")...)
			}
		}
		out = append(out, l...)
	}
	return out
}

// wrap joins sentences into lines of at most width characters.
func wrap(parts []string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(strings.Join(parts, " ")) {
		if cur != "" && len(cur)+1+len(w) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// sig rounds to n significant digits.
func sig(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	k := math.Floor(math.Log10(math.Abs(v))) - float64(n-1)
	if k >= 0 {
		// Whole numbers: divide and multiply by an exact power of ten.
		p := math.Pow(10, k)
		return math.Round(v/p) * p
	}
	p := math.Pow(10, -k)
	return math.Round(v*p) / p
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func rangeText(r spec.Range) string {
	if r.IsScalar() {
		return num(r.Low)
	}
	return "[" + num(r.Low) + ", " + num(r.High) + "]"
}
