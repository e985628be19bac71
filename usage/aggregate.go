package usage

import (
	"fmt"
	"github.com/costgate/costgate/modelcatalog"
	"hash/maphash"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/costgate/costgate/units"
)

// maxPeriodDays bounds a period: ten years of usage is a mistake in the
// data (a timestamp in seconds read as milliseconds, a year 0001), not a
// measurement.
const maxPeriodDays = 3660

// record is one unit of usage every token format reduces to: a request, a
// report bucket's row, or a metric point's increase.
type record struct {
	// Start is when it happened; Width, when above zero, is the length of
	// the interval it covers from Start (a report bucket, a delta point's
	// interval, a cumulative counter's increase): its tokens are spread
	// over the hours of the interval pro rata.
	Start time.Time
	Width time.Duration
	// Bucket marks a usage report's bucket: buckets wider than an hour
	// leave the peak unknown, and two bucket widths over the same time are
	// refused.
	Bucket bool
	// Developer is empty when no identity came with the record.
	Developer string
	Model     string
	Tokens    Buckets
	// Write1h is the part of Tokens.CacheWrite written for an hour, where
	// the export tells cache lifetimes apart (WriteTTLs).
	Write1h float64
	// WriteTTLs is true when the export tells the cache writes' lifetimes
	// apart: Write1h at one hour, the rest at five minutes.
	WriteTTLs bool
	// Request marks one request's record (a LiteLLM row, an api_request
	// event): its input is its prompt, which a price tier by prompt
	// length reads.
	Request bool
}

// key identifies a record for deduplication: two 64-bit hashes of its
// identity. The zero key means no deduplication.
type key [2]uint64

var seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// keyOf hashes the parts of an identity.
func keyOf(parts ...string) key {
	var k key
	for i := range k {
		var h maphash.Hash
		h.SetSeed(seeds[i])
		for _, p := range parts {
			h.WriteString(p)
			h.WriteByte(0)
		}
		k[i] = h.Sum64()
	}
	return k
}

// aggregate sums records into the figures.
type aggregate struct {
	since, until time.Time // zero: from the data
	loc          *time.Location
	mapper       *modelMapper

	seen map[key]seenRecord
	// files names the files records were read from, by the index a
	// seenRecord keeps.
	files      []string
	fileIdx    map[string]int32
	developers map[string]float64
	unattrib   float64
	// hours maps the start of a local hour (as a Unix second) to tokens.
	hours map[int64]float64
	// hourly is false once a record covers more than an hour.
	hourly bool
	models map[string]Buckets
	// models1h are each model's cache writes for an hour, untold those
	// whose lifetime a record did not tell; told is true once a record
	// told its writes' lifetimes.
	models1h map[string]float64
	untold   map[string]float64
	told     bool
	total    Buckets
	records  int64
	dups     int64
	outside  int64
	// skipped counts the records left out, by why (a batch tier).
	skipped map[string]int64
	// premium holds the tokens of each tier priced above standard
	// (priority), which the measured cost prices at standard rates;
	// serviceAccounts each service account's tokens, counted as no
	// developer's.
	premium, serviceAccounts map[string]float64
	// tiers are the prompt lengths above which a catalog price tier bills
	// more; prompted are each model's tokens of requests (which tell
	// their prompts), above those of its requests above each tier.
	tiers    []int
	prompted map[string]Buckets
	above    map[string]map[int]Buckets
	// notes are what finishing the figures found to say.
	notes []string
	// untiered counts the report results that do not say their service
	// tier (not grouped by it): batch usage among them would count as
	// interactive.
	untiered int64
	// widths holds the span each bucket width covers: reports of two
	// widths over the same time count the same usage twice.
	widths map[time.Duration]*span
	// days holds each UTC day's records (isolated); where is the file and
	// line of the record being added, when duplicate named it.
	days     map[int64]*dayRecords
	where    seenRecord
	whereSet bool
	first    time.Time // earliest Start counted
	lastInst time.Time // latest instant counted
	lastEnd  time.Time // latest bucket end counted
}

func newAggregate(opts Options) *aggregate {
	return &aggregate{
		since: opts.Since, until: opts.Until, loc: opts.Location,
		mapper:          newModelMapper(opts.Catalog),
		tiers:           promptTiers(opts.Catalog),
		prompted:        map[string]Buckets{},
		above:           map[string]map[int]Buckets{},
		seen:            map[key]seenRecord{},
		fileIdx:         map[string]int32{},
		developers:      map[string]float64{},
		hours:           map[int64]float64{},
		premium:         map[string]float64{},
		serviceAccounts: map[string]float64{},
		hourly:          true,
		models:          map[string]Buckets{},
		models1h:        map[string]float64{},
		skipped:         map[string]int64{},
		untold:          map[string]float64{},
		widths:          map[time.Duration]*span{},
	}
}

// seenRecord is what a deduplicated record's key remembers: a hash of
// its tokens and where it was read, so that a repeat which disagrees is
// refused rather than counted as whichever came first.
type seenRecord struct {
	tokens     uint64
	file, line int32
}

// tokenHash hashes a record's token counts (a zero of either sign alike)
// and who, what else the record is counted by.
func tokenHash(t Buckets, who string) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range [...]float64{t.Uncached, t.CacheRead, t.CacheWrite, t.Output} {
		h ^= math.Float64bits(v + 0)
		h *= 1099511628211
		h ^= h >> 29
	}
	for i := 0; i < len(who); i++ {
		h ^= uint64(who[i])
		h *= 1099511628211
	}
	return h
}

// requestWho is what a request's record is counted by besides its
// tokens: its developer, its model and its quarter hour (every time
// zone's hours and days fall on quarter hours, so a repeat exported with
// its time to the second or to the millisecond is the same). A repeat of
// a request id with another of these would count as whichever file came
// first.
func requestWho(r record) string {
	return fmt.Sprintf("developer %q, model %q, at %s", identity(r.Developer), r.Model, r.Start.UTC().Truncate(15*time.Minute).Format("2006-01-02T15:04Z"))
}

// at is the index of a file in a.files.
func (a *aggregate) at(name string) int32 {
	i, ok := a.fileIdx[name]
	if !ok {
		i = int32(len(a.files))
		a.files = append(a.files, name)
		a.fileIdx[name] = i
	}
	return i
}

// duplicate reports whether a record with the key was added before, and
// remembers it. A repeat whose tokens differ from the first's is an
// error: the same record exported twice with other counts (a report
// exported before its late usage arrived, and again after) would
// otherwise count as whichever file came first. what names the record's
// identity ("request", "usage report bucket").
func (a *aggregate) duplicate(k key, t Buckets, who string, f *file, line int, what string) (bool, error) {
	if k == (key{}) {
		return false, nil
	}
	h := tokenHash(t, who)
	if s, ok := a.seen[k]; ok {
		if s.tokens != h {
			other, here := "", t.describe()
			if who != "" {
				other, here = ", or another developer, model or time", here+"; "+who
			}
			return true, f.errorf(line, "this %s was read before, at %s:%d, with other token counts%s (here %s): two exports of the same usage disagree, and the figures would depend on the order of the files; if one was exported before late usage arrived, give only the later one; if the exports were filtered (by model, workspace or key) on a field their grouping does not carry, each holds part of one group's usage: export again with that field in group_by, so that the parts stay apart and add up",
				what, a.files[s.file], s.line, other, here)
		}
		a.dups++
		return true, nil
	}
	a.seen[k] = seenRecord{tokens: h, file: a.at(f.name), line: int32(min(line, math.MaxInt32))}
	a.where, a.whereSet = a.seen[k], true
	return false, nil
}

// add counts a record: the part of its interval inside the period (all
// of it for an instant inside the period).
// tierTokens counts a request's tokens by the price tiers its prompt is
// above (prompted, above): a tier bills a whole request at higher rates
// once its prompt exceeds the tier's length, and only the requests tell
// their prompts.
func (a *aggregate) tierTokens(r record) {
	if !r.Request {
		return
	}
	p := a.prompted[r.Model]
	p.add(r.Tokens)
	a.prompted[r.Model] = p
	for _, t := range a.tiers {
		if r.Tokens.Input() > float64(t) {
			m := a.above[r.Model]
			if m == nil {
				m = map[int]Buckets{}
				a.above[r.Model] = m
			}
			b := m[t]
			b.add(r.Tokens)
			m[t] = b
		}
	}
}

// identity is a developer identity as one person's records all carry it:
// without the spaces around it, and an email address in lower case (mail
// servers fold it; Dev0@Example.com and dev0@example.com were two
// developers). Plus-addressed mailboxes stay apart.
func identity(id string) string {
	id = strings.TrimSpace(id)
	if strings.Contains(id, "@") {
		return strings.ToLower(id)
	}
	return id
}

// amend adds tokens to what a record already counted (its time,
// developer and model), as no record of its own.
func (a *aggregate) amend(r record) {
	if a.inside(r) <= 0 {
		return
	}
	a.add(r)
	a.records--
}

func (a *aggregate) add(r record) {
	r.Developer = identity(r.Developer)
	where, known := a.where, a.whereSet
	a.whereSet = false
	if f := a.inside(r); f < 1 {
		if f <= 0 {
			a.outside++
			return
		}
		r.Tokens = r.Tokens.scale(f)
		r.Write1h *= f
	}
	a.records++
	switch {
	case r.Tokens.CacheWrite <= 0:
	case r.WriteTTLs:
		a.models1h[r.Model] += r.Write1h
		a.told = true
	default:
		a.untold[r.Model] += r.Tokens.CacheWrite
	}
	tot := r.Tokens.Total()
	a.total.add(r.Tokens)
	if r.Developer == "" {
		a.unattrib += tot
	} else {
		a.developers[r.Developer] += tot
	}
	mb := a.models[r.Model]
	mb.add(r.Tokens)
	a.models[r.Model] = mb
	a.tierTokens(r)
	if r.Bucket && r.Width > time.Hour {
		a.hourly = false
	}
	end := r.Start.Add(r.Width)
	if r.Bucket {
		if sp := a.widths[r.Width]; sp == nil {
			a.widths[r.Width] = &span{r.Start, end}
		} else {
			sp.start, sp.end = earlier(sp.start, r.Start), later(sp.end, end)
		}
	}
	if r.Bucket && r.Width > time.Hour {
		// The peak is unknown at this width: no hour needs the tokens
		// spread (and a bucket of years would take years of hours).
		a.hours[a.hourKey(r.Start)] += tot
	} else {
		a.spread(r.Start, end, tot)
	}
	start, stop := a.clip(r.Start, end)
	a.markDays(start, stop, 1, where, known)
	if a.first.IsZero() || start.Before(a.first) {
		a.first = start
	}
	if r.Width > 0 {
		if _, e := a.clip(r.Start, end); e.After(a.lastEnd) {
			a.lastEnd = e
		}
	} else if r.Start.After(a.lastInst) {
		a.lastInst = r.Start
	}
}

// inside is the fraction of a record's interval inside the period: 0 or
// 1 for an instant.
func (a *aggregate) inside(r record) float64 {
	if r.Width <= 0 {
		if (!a.since.IsZero() && r.Start.Before(a.since)) || (!a.until.IsZero() && !r.Start.Before(a.until)) {
			return 0
		}
		return 1
	}
	s, e := a.clip(r.Start, r.Start.Add(r.Width))
	if !e.After(s) {
		return 0
	}
	return float64(e.Sub(s)) / float64(r.Width)
}

// counted is the tokens of a record the period holds: what add counts
// of it, for the notes that give a part of the usage (a premium tier's,
// a service account's).
func (a *aggregate) counted(r record) float64 {
	return a.inside(r) * r.Tokens.Total()
}

// clip bounds an interval by the period.
func (a *aggregate) clip(s, e time.Time) (time.Time, time.Time) {
	if !a.since.IsZero() && s.Before(a.since) {
		s = a.since
	}
	if !a.until.IsZero() && e.After(a.until) {
		e = a.until
	}
	return s, e
}

// spread counts tokens in the local hours from s to e, pro rata; an
// instant (e not after s) counts in its hour.
func (a *aggregate) spread(s, e time.Time, tokens float64) {
	s, e = a.clip(s, e)
	if !e.After(s) {
		a.hours[a.hourKey(s)] += tokens
		return
	}
	from, to := s.UnixNano(), e.UnixNano()
	whole := float64(to - from)
	for k := a.hourKey(s); k*1e9 < to; {
		next := a.hourKey(time.Unix(k+3600, 0))
		if next <= k {
			next = k + 3600
		}
		lo, hi := max(k*1e9, from), min(next*1e9, to)
		if hi > lo {
			a.hours[k] += tokens * float64(hi-lo) / whole
		}
		k = next
	}
}

type span struct{ start, end time.Time }

// overlappingWidths refuses reports of two bucket widths over the same
// time (an hourly and a daily export of one month): they would count the
// same usage twice. A shorter last bucket after full ones does not
// overlap them.
func (a *aggregate) overlappingWidths() error {
	ws := make([]time.Duration, 0, len(a.widths))
	for w := range a.widths {
		ws = append(ws, w)
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i] < ws[j] })
	for i, w := range ws {
		for _, v := range ws[i+1:] {
			x, y := a.widths[w], a.widths[v]
			if x.start.Before(y.end) && y.start.Before(x.end) {
				return fmt.Errorf("the reports hold buckets of %s and of %s over the same time (%s to %s): the same usage would count once per width; import one width",
					w, v, later(x.start, y.start).Format(time.RFC3339), earlier(x.end, y.end).Format(time.RFC3339))
			}
		}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// cover extends the data's span over a report bucket in the period,
// used or not: a month's report whose last week is empty is a month.
func (a *aggregate) cover(start, end time.Time) {
	if (!a.since.IsZero() && start.Before(a.since)) || (!a.until.IsZero() && !start.Before(a.until)) {
		return
	}
	if a.first.IsZero() || start.Before(a.first) {
		a.first = start
	}
	if end.After(a.lastEnd) {
		a.lastEnd = end
	}
	s, e := a.clip(start, end)
	a.markDays(s, e, 0, seenRecord{}, false)
}

// hourKey is the start of the local hour holding t, as a Unix second.
func (a *aggregate) hourKey(t time.Time) int64 {
	_, off := t.In(a.loc).Zone()
	local := t.Unix() + int64(off)
	local -= mod(local, 3600)
	return local - int64(off)
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// period is the figures' span: the options' dates, else the data's span
// rounded out to whole days of dayZone. A Los Angeles team's last request at 16:30 is 00:30
// UTC the next day: rounded out to UTC days, a Monday-to-Thursday export
// spanned five days and read 20 % low.
func (a *aggregate) period() (since, until time.Time) {
	loc := a.dayZone()
	since, until = a.since, a.until
	if since.IsZero() {
		since = dayStart(a.first, loc)
	}
	if until.IsZero() {
		if !a.lastInst.IsZero() {
			until = dayStart(a.lastInst, loc).AddDate(0, 0, 1)
		}
		if !a.lastEnd.IsZero() {
			end := dayStart(a.lastEnd, loc)
			if end.Before(a.lastEnd) {
				end = end.AddDate(0, 0, 1)
			}
			if end.After(until) {
				until = end
			}
		}
	}
	return since, until
}

// dayZone is the zone whose days round out a period left to the data:
// the team's (a.loc) for requests and metric points; UTC for a usage
// report's buckets (UTC hours and days) and where --since or --until
// gives a UTC date.
func (a *aggregate) dayZone() *time.Location {
	if len(a.widths) > 0 || !a.since.IsZero() || !a.until.IsZero() {
		return time.UTC
	}
	return a.loc
}

// dayStart is the midnight in loc that starts t's day there.
func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// uncoveredNote says when a usage report's buckets cover less of the
// period than its whole days (an export from 09:00 to 12:00 in a period of
// one day): the period is whole days, and the hours no bucket covers count
// as no usage. Empty when the buckets reach the period's ends, or the
// records are no report's.
func (a *aggregate) uncoveredNote(since, until time.Time) string {
	// a.first and a.lastEnd cover every bucket of the reports, empty ones
	// too (cover).
	from, to := a.first, a.lastEnd
	if len(a.widths) == 0 || from.IsZero() || to.IsZero() {
		return ""
	}
	before, after := from.Sub(since), until.Sub(to)
	if before < time.Hour && after < time.Hour {
		return ""
	}
	return fmt.Sprintf("the reports' buckets cover %s to %s, %.0f of the period's %.0f hours (whole days, %s to %s): the other hours count as no usage; export whole days (a report lists every bucket of its range, empty ones too)",
		from.UTC().Format("2006-01-02T15:04Z"), to.UTC().Format("2006-01-02T15:04Z"), to.Sub(from).Hours(), until.Sub(since).Hours(), since.Format(time.DateOnly), until.Format(time.DateOnly))
}

// setPeriod fills res's period, and notes a report's hours outside its
// buckets; a period past maxPeriodDays is an error.
func (a *aggregate) setPeriod(res *Result) (since, until time.Time, err error) {
	since, until = a.period()
	hours := until.Sub(since).Hours()
	if hours > maxPeriodDays*24 {
		return since, until, fmt.Errorf("the period %s to %s spans %.0f days, more than %d: check the records' timestamps, or bound it with --since and --until", since.Format(time.DateOnly), until.Format(time.DateOnly), hours/24, maxPeriodDays)
	}
	res.Period = Period{Since: since.Format(time.DateOnly), Until: until.Format(time.DateOnly), Days: round(hours/24, 4)}
	if z := a.dayZone(); z != time.UTC && z.String() != "UTC" {
		res.Period.Zone = z.String()
	}
	if n := a.uncoveredNote(since, until); n != "" {
		res.Notes = append(res.Notes, n)
	}
	return since, until, nil
}

// finish computes the figures into res.
func (a *aggregate) finish(res *Result) error {
	res.Records, res.Duplicates, res.OutsidePeriod = a.records, a.dups, a.outside
	if a.total.Total() == 0 {
		what := "the files"
		if !a.since.IsZero() || !a.until.IsZero() {
			what = "the period"
		}
		return fmt.Errorf("%w: %s hold no token usage (%d records read, %d outside the period, %d duplicates); a team of zero is not a measurement", ErrNoUsage, what, a.records, a.outside, a.dups)
	}
	if err := a.overlappingWidths(); err != nil {
		return err
	}
	if err := a.isolated(); err != nil {
		return err
	}
	since, until, err := a.setPeriod(res)
	if err != nil {
		return err
	}
	scale, note := a.monthScale(since, until)
	if note != "" {
		res.Notes = append(res.Notes, note)
	}

	t := &Tokens{Timezone: a.loc.String(), Models: map[string]float64{}, UnmappedModels: map[string]float64{}}
	t.Totals = a.total
	t.PerMonth = a.total.scale(scale).rounded()
	t.UnattributedTokens = a.unattrib
	var per []float64
	for _, v := range a.developers {
		if v > 0 {
			per = append(per, v*scale)
		}
	}
	if len(per) == 0 {
		return fmt.Errorf("%w: no record in the period names a developer (%s of %s tokens unattributed); export the usage grouped by person or API key", ErrNoUsage, units.Tokens(a.unattrib), units.Tokens(a.total.Total()))
	}
	slices.Sort(per)
	t.Developers = len(per)
	t.TokensPerDeveloperMonth = Quantiles{Mean: round(mean(per), 0), P25: round(quantile(per, 0.25), 0), P50: round(quantile(per, 0.5), 0), P75: round(quantile(per, 0.75), 0)}
	in := a.total.Input()
	t.InputShare = round(in/a.total.Total(), shareDecimals)
	if in > 0 {
		t.CachedInputShare = round(a.total.CacheRead/in, shareDecimals)
		t.CacheWriteShare = round(a.total.CacheWrite/in, shareDecimals)
	}
	a.modelTokens(t, scale)
	t.Week = a.week()
	res.Notes = append(res.Notes, a.notes...)
	if a.untiered > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d report results do not say their service tier (the export is not grouped by service_tier, or batch): batch usage among them, if any, is counted as interactive load; export with group_by service_tier (Anthropic) or batch (OpenAI)", a.untiered))
	}
	for _, why := range slices.Sorted(maps.Keys(a.skipped)) {
		res.Notes = append(res.Notes, fmt.Sprintf("%d records %s", a.skipped[why], why))
	}
	if a.unattrib > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s tokens came with no developer identity: they count in the shares, the peak and the models, not per developer", units.Tokens(a.unattrib)))
	}
	res.Notes = append(res.Notes, a.tierNotes()...)
	a.peak(t, since, until, res)
	res.Tokens = t
	return nil
}

// week is the share of the tokens in each UTC hour of the week, Sunday
// 00:00 first (Tokens.Week); nil without tokens.
func (a *aggregate) week() *[7 * 24]float64 {
	var w [7 * 24]float64
	total := 0.0
	for k, v := range a.hours {
		t := time.Unix(k, 0).UTC()
		w[int(t.Weekday())*24+t.Hour()] += v
		total += v
	}
	if total <= 0 {
		return nil
	}
	for i := range w {
		w[i] /= total
	}
	return &w
}

// tierNotes say which tokens were service accounts' (no developer's) and
// which a tier above standard bills more for than the measured cost
// prices.
func (a *aggregate) tierNotes() []string {
	var out []string
	if len(a.serviceAccounts) > 0 {
		var each []string
		for _, id := range slices.Sorted(maps.Keys(a.serviceAccounts)) {
			each = append(each, fmt.Sprintf("%s %s", id, units.Tokens(a.serviceAccounts[id])))
		}
		out = append(out, fmt.Sprintf("%d service account(s) are no developer: their tokens (%s) count in the shares, the peak and the models, not per developer", len(each), strings.Join(each, ", ")))
	}
	for _, tier := range slices.Sorted(maps.Keys(a.premium)) {
		what := fmt.Sprintf("the %q service tier", tier)
		if tier == fastMode {
			what = `fast mode (speed "fast")`
		}
		out = append(out, fmt.Sprintf("%s tokens of %s are priced at standard rates: it bills more, so the measured cost is low by its premium", units.Tokens(a.premium[tier]), what))
	}
	return out
}

// monthScale is what the period's tokens are multiplied by to be a
// month's: the tokens of the weekdays and of the weekend days (the team's
// days, in its time zone) each over the hours of its kind in the period,
// times that kind's hours in an average month (5/7 and 2/7 of 730), the hours
// too told apart in the team's days. A
// per-request export has no record of idle days: a week's export from
// Monday to Monday whose last request is on Friday spans five days, and
// scaled by its hours as if each were an average day of the month it read
// 40 % high. Over whole weeks it is 730 over the period's hours. A period
// without a weekend day takes weekend usage as none, and says so; one
// without a weekday is scaled by its hours.
func (a *aggregate) monthScale(since, until time.Time) (float64, string) {
	var hours, tokens [2]float64 // weekdays, weekend days
	for t := since; t.Before(until); t = t.Add(time.Hour) {
		hours[weekend(t.In(a.loc))]++
	}
	for k, v := range a.hours {
		tokens[weekend(time.Unix(k, 0).In(a.loc))] += v
	}
	plain := units.HoursPerMonth / until.Sub(since).Hours()
	month := [2]float64{float64(units.HoursPerMonth) * 5 / 7, float64(units.HoursPerMonth) * 2 / 7}
	total := tokens[0] + tokens[1]
	switch {
	case total <= 0 || hours[0] == 0:
		return plain, ""
	case hours[1] == 0:
		return month[0] / hours[0], fmt.Sprintf("the period (%s to %s) holds no weekend day: its %.0f weekday hours are scaled to a month's weekdays, and weekend usage is taken as none; export whole weeks, or give --since and --until, if the team works at weekends",
			since.Format(time.DateOnly), until.Format(time.DateOnly), hours[0])
	}
	return (tokens[0]*month[0]/hours[0] + tokens[1]*month[1]/hours[1]) / total, ""
}

// weekend is 1 on a Saturday or Sunday in t's location, else 0.
func weekend(t time.Time) int {
	if d := t.Weekday(); d == time.Saturday || d == time.Sunday {
		return 1
	}
	return 0
}

// modelTiers fills a model's tokens of requests and of those above each
// price tier's prompt length (Tokens.ModelPrompts), a month.
func (a *aggregate) modelTiers(t *Tokens, raw, name string, scale float64) {
	p, ok := a.prompted[raw]
	if !ok {
		return
	}
	if t.ModelPrompts == nil {
		t.ModelPrompts = map[string]*Prompts{}
	}
	mp := t.ModelPrompts[name]
	if mp == nil {
		mp = &Prompts{Above: map[int]Buckets{}}
		t.ModelPrompts[name] = mp
	}
	mp.Requests.add(p.scale(scale))
	for tier, b := range a.above[raw] {
		v := mp.Above[tier]
		v.add(b.scale(scale))
		mp.Above[tier] = v
	}
}

// promptTiers are the prompt lengths above which any of cat's prices
// bills a tier, in order.
func promptTiers(cat *modelcatalog.Catalog) []int {
	var out []int
	if cat == nil {
		return nil
	}
	for _, m := range cat.Managed {
		for _, p := range m.Prices {
			for _, t := range p.Tiers {
				if !slices.Contains(out, t.AbovePromptTokens) {
					out = append(out, t.AbovePromptTokens)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// modelTokens fills each model's tokens a month: by catalog id (else the
// export's name, unmapped), by kind, and the one-hour cache writes where
// the files tell lifetimes apart.
func (a *aggregate) modelTokens(t *Tokens, scale float64) {
	t.ModelBuckets = map[string]Buckets{}
	defer func() {
		for k, v := range t.Models {
			t.Models[k] = round(v, 0)
		}
		for k, v := range t.UnmappedModels {
			t.UnmappedModels[k] = round(v, 0)
		}
		for k, v := range t.ModelBuckets {
			t.ModelBuckets[k] = v.rounded()
		}
	}()
	for raw, b := range a.models {
		v := b.Total()
		if v == 0 {
			continue
		}
		name := raw
		if id, ok := a.mapper.lookup(raw); ok {
			t.Models[id] += v * scale
			name = id
		} else {
			if name == "" {
				name = "(none)"
			}
			t.UnmappedModels[name] += v * scale
		}
		mb := t.ModelBuckets[name]
		mb.add(b.scale(scale))
		t.ModelBuckets[name] = mb
		a.modelTiers(t, raw, name, scale)
		if a.told {
			if t.ModelCacheWrite1h == nil {
				t.ModelCacheWrite1h, t.ModelCacheWriteUntold = map[string]float64{}, map[string]float64{}
			}
			t.ModelCacheWrite1h[name] += a.models1h[raw] * scale
			if u := a.untold[raw]; u > 0 {
				t.ModelCacheWriteUntold[name] += u * scale
			}
		}
	}
	var untold float64
	for k, v := range t.ModelCacheWrite1h {
		t.ModelCacheWrite1h[k] = round(v, 0)
	}
	for k, v := range t.ModelCacheWriteUntold {
		t.ModelCacheWriteUntold[k] = round(v, 0)
		untold += v
	}
	if untold > 0 {
		a.notes = append(a.notes, fmt.Sprintf("%s of the cache writes a month come from records that do not tell their lifetime (cache_creation_input_tokens alone, or no TTL split): they are priced at the spec's cache_ttl, the others at the lifetime the files give", units.Tokens(untold)))
	}
}

// peak sets the peak-to-average ratio as the plan reads it: the busiest
// local hour over the period's tokens spread over its working hours
// (Monday–Friday 09:00–17:00 local). The plan sizes for the month's
// tokens over its working hours times peak_to_average, so the period's
// every token counts in the mean, those of evenings and weekends too:
// over the working hours' tokens alone, a team whose agents run at night
// measured a peak the plan scaled up by its whole month again, and one
// above the working hours, which no spec may write.
func (a *aggregate) peak(t *Tokens, since, until time.Time, res *Result) {
	if !a.hourly {
		res.Notes = append(res.Notes, "peak_to_average is unknown: the report's buckets are wider than an hour (export with bucket_width=1h)")
		return
	}
	var working, allTokens float64
	// Each local hour of the period once: stepping a quarter hour (every
	// zone's offsets are whole quarters) meets them all, also where a
	// 30-minute daylight-saving shift (Lord Howe Island) moves the hours'
	// starts off the half hour they had; stepping an hour from the first
	// one missed every hour after the shift.
	last := int64(math.MinInt64)
	for t := since; t.Before(until); t = t.Add(15 * time.Minute) {
		k := a.hourKey(t)
		if k == last || k < since.Unix() {
			continue
		}
		last = k
		allTokens += a.hours[k]
		if isWorkingHour(time.Unix(k, 0).In(a.loc)) {
			working++
		}
	}
	var peakKey int64
	var peak float64
	for k, v := range a.hours {
		if v > peak || (v == peak && k < peakKey) {
			peak, peakKey = v, k
		}
	}
	if working == 0 || allTokens == 0 {
		res.Notes = append(res.Notes, "peak_to_average is unknown: the period holds no working hour (Monday-Friday 09:00-17:00 "+a.loc.String()+")")
		return
	}
	r := round(peak/(allTokens/working), 4)
	t.PeakToAverage = &r
	t.PeakHour = time.Unix(peakKey, 0).In(a.loc).Format("2006-01-02T15:04Z07:00")
}

// isWorkingHour reports whether a local hour is Monday–Friday 09:00–17:00.
func isWorkingHour(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 17
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// quantile interpolates linearly between the closest ranks of sorted xs
// (Hyndman and Fan's type 7, the default of R and NumPy).
func quantile(xs []float64, p float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	h := p * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}

// round rounds to n decimals.
func round(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}
