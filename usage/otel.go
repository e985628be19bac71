package usage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"github.com/costgate/costgate/units"
	"hash/maphash"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Claude Code's OpenTelemetry export, as a collector's file exporter
// writes it: one OTLP JSON object a line, MetricsData or LogsData. Two
// record kinds carry tokens: the claude_code.token.usage counter (delta or
// cumulative, asInt or asDouble) and the claude_code.api_request event,
// one a request. They count the same requests, so when the files hold
// events only events count; metrics count when there are none.

const (
	otelTokenMetric = "claude_code.token.usage"
	otelEventName   = "claude_code.api_request"
)

// Sources of a Claude Code import.
const (
	SourceEvents  = "claude_code.api_request events"
	SourceMetrics = "claude_code.token.usage metrics"
)

type otlpLine struct {
	ResourceMetrics []struct {
		Resource     otlpResource   `json:"resource"`
		ScopeMetrics []otlpScopeMet `json:"scopeMetrics"`
		// InstrumentationLibraryMetrics is the name before OTLP 0.15
		// (collectors before 2022).
		InstrumentationLibraryMetrics []otlpScopeMet `json:"instrumentationLibraryMetrics"`
	} `json:"resourceMetrics"`
	ResourceLogs []struct {
		Resource                   otlpResource   `json:"resource"`
		ScopeLogs                  []otlpScopeLog `json:"scopeLogs"`
		InstrumentationLibraryLogs []otlpScopeLog `json:"instrumentationLibraryLogs"`
	} `json:"resourceLogs"`
}

type otlpScopeMet struct {
	Metrics []otlpMetric `json:"metrics"`
}

type otlpScopeLog struct {
	LogRecords []otlpLog `json:"logRecords"`
}

type otlpResource struct {
	Attributes []otlpKV `json:"attributes"`
}

type otlpMetric struct {
	Name string   `json:"name"`
	Sum  *otlpSum `json:"sum"`
}

type otlpSum struct {
	DataPoints []otlpPoint `json:"dataPoints"`
	// AggregationTemporality is 1 (delta) or 2 (cumulative), or its enum
	// name.
	AggregationTemporality json.RawMessage `json:"aggregationTemporality"`
}

type otlpPoint struct {
	Attributes        []otlpKV `json:"attributes"`
	StartTimeUnixNano nanos    `json:"startTimeUnixNano"`
	TimeUnixNano      nanos    `json:"timeUnixNano"`
	AsInt             count    `json:"asInt"`
	AsDouble          count    `json:"asDouble"`
}

type otlpLog struct {
	TimeUnixNano         nanos     `json:"timeUnixNano"`
	ObservedTimeUnixNano nanos     `json:"observedTimeUnixNano"`
	EventName            string    `json:"eventName"`
	Body                 otlpValue `json:"body"`
	Attributes           []otlpKV  `json:"attributes"`
}

type otlpKV struct {
	Key   string    `json:"key"`
	Value otlpValue `json:"value"`
}

// otlpValue is an AnyValue; arrays and maps are read as absent.
type otlpValue struct {
	StringValue *string          `json:"stringValue"`
	IntValue    *json.RawMessage `json:"intValue"`
	DoubleValue *json.Number     `json:"doubleValue"`
	BoolValue   *bool            `json:"boolValue"`
}

// text is the value as a string ("" when absent).
func (v otlpValue) text() string {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.IntValue != nil:
		s := string(*v.IntValue)
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s
	case v.DoubleValue != nil:
		return v.DoubleValue.String()
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	}
	return ""
}

// attrs finds attributes on a point or record first, then its resource.
type attrs struct{ own, res []otlpKV }

func (a attrs) get(k string) string {
	for _, kv := range a.own {
		if kv.Key == k {
			return kv.Value.text()
		}
	}
	for _, kv := range a.res {
		if kv.Key == k {
			return kv.Value.text()
		}
	}
	return ""
}

// developer is user.email, else user.account_id, else user.id.
func (a attrs) developer() string {
	for _, k := range []string{"user.email", "user.account_id", "user.id"} {
		if v := a.get(k); v != "" {
			return v
		}
	}
	return ""
}

// processAttrs are the resource attributes Claude Code's own process
// sets (its standard attributes and its SDK's): a cumulative counter's
// identity, with its point's attributes and start time. A collector adds
// others (collector.instance, host.name, k8s.*), which would split one
// counter sent through two collectors into two, each counted from zero.
var processAttrs = map[string]bool{
	"user.id": true, "user.email": true, "user.account_id": true, "organization.id": true, "session.id": true,
	"terminal.type": true, "app.version": true, "service.name": true, "service.version": true,
	"os.type": true, "os.version": true, "host.arch": true,
}

// counterSeries identifies a cumulative counter's series: its name, the
// point's attributes and the process's resource attributes
// (processAttrs), in any order; the start time makes it one counter.
func counterSeries(name string, a attrs) key {
	own := attrs{own: a.own}
	for _, kv := range a.res {
		if processAttrs[kv.Key] {
			own.res = append(own.res, kv)
		}
	}
	return series(name, own)
}

// series identifies a metric's time series: its name and every attribute
// of the point and the resource, in any order.
func series(name string, a attrs) key {
	var k key
	for i := range k {
		var h maphash.Hash
		h.SetSeed(seeds[i])
		h.WriteString(name)
		sum := h.Sum64()
		for _, set := range [][]otlpKV{a.own, a.res} {
			for _, kv := range set {
				h.Reset()
				h.WriteString(kv.Key)
				h.WriteByte(0)
				h.WriteString(kv.Value.text())
				sum += h.Sum64() * 0x9e3779b97f4a7c15
			}
		}
		k[i] = sum
	}
	return k
}

// otelReader reads Claude Code files into two aggregations, events and
// metrics, and keeps the state of the metrics' series.
type otelReader struct {
	in      *inputs
	events  *aggregate
	metrics *aggregate
	deltas  map[key]*deltaSeries
	cumul   map[key]*cumulSeries
	// temporal is the temporality each counter (counterSeries) was read
	// in first, and where.
	temporal map[key]temporalSeen
	resets   int64
	overlap  int64
	// noSession counts delta points without a session.id.
	noSession int64
	nEvents   int64
	nPoints   int64
	// daily are each developer's tokens a UTC day in the period, from the
	// events ([0]) and the metric points ([1]): events count the same
	// requests as the metrics only where both were exported (coverage).
	daily [2]map[devDay]float64
	// straddling are the metric tokens of a developer's day from points
	// whose interval crosses midnight (a request just before it exported
	// just after): no gap, where the day has no event of its own.
	straddling map[devDay]float64
	// installs are the emails and account ids each user.id (one install
	// of Claude Code) came with: a record of it without one (an API key
	// used instead of the OAuth login) is that person's (sameInstall).
	installs map[string]map[string]bool
	// bare are the user.ids that stood for a developer (no email or
	// account id came with the record); named is set once a record names
	// its person by one.
	bare  map[string]bool
	named bool
}

// developer is a record's developer (attrs.developer), noting which
// user.id it came with.
func (r *otelReader) developer(a attrs) string {
	dev := a.developer()
	id := a.get("user.id")
	switch {
	case id != "" && dev == id:
		r.bare[id] = true
	case dev != "":
		r.named = true
		if id != "" {
			if r.installs[id] == nil {
				r.installs[id] = map[string]bool{}
			}
			r.installs[id][dev] = true
		}
	}
	return dev
}

// person is the developer a record's identity stands for: the one email
// or account id its install (user.id) came with elsewhere, else itself.
func (r *otelReader) person(dev string) string {
	if people := r.installs[dev]; len(people) == 1 {
		for p := range people {
			return p
		}
	}
	return dev
}

// sameInstall counts the records of an install that carried only its
// user.id as its one person's, whose email or account id its other
// records carry: one developer on OAuth in the morning and an API key in
// the afternoon was two. An install seen with two people stays apart.
func (r *otelReader) sameInstall(a *aggregate) {
	merged := 0
	for _, id := range slices.Sorted(maps.Keys(r.installs)) {
		tok, ok := a.developers[identity(id)]
		if person := r.person(id); ok && person != id {
			a.developers[identity(person)] += tok
			delete(a.developers, identity(id))
			merged++
		}
	}
	if merged > 0 {
		r.in.res.Notes = append(r.in.res.Notes, fmt.Sprintf("%d installs (user.id) sent records without the email or account id their other records carry (an API key instead of the login): counted as that developer's", merged))
	}
	r.anonymousInstalls(a)
}

// anonymousInstalls counts the installs that never named a person, in an
// export whose developers carry emails or account ids, as no developer's:
// Claude Code run in CI on a fresh runner with an API key sends a new
// user.id each run, and 60 runs were 60 developers beside the team's 10.
// Their tokens count in the shares, the peak and the models. Where no
// record names a person, each install is one (the only identity there is).
func (r *otelReader) anonymousInstalls(a *aggregate) {
	if !r.named {
		return
	}
	n, tokens := 0, 0.0
	for _, id := range slices.Sorted(maps.Keys(r.bare)) {
		if tok, ok := a.developers[identity(id)]; ok && r.installs[id] == nil {
			a.unattrib += tok
			tokens += tok
			delete(a.developers, identity(id))
			n++
		}
	}
	if n > 0 {
		r.in.res.Notes = append(r.in.res.Notes, fmt.Sprintf("%d installs (user.id) never sent an email or account id, where the other developers' records carry one (CI runners, a shared API key): counted as no developer, their %s tokens count in the shares, the peak and the models", n, units.Tokens(tokens)))
	}
}

// readOTel reads the files, in any order, and returns the aggregation
// that counts.
func readOTel(in *inputs, paths []string) (*aggregate, error) {
	r := &otelReader{in: in, events: newAggregate(in.opts), metrics: newAggregate(in.opts),
		deltas: map[key]*deltaSeries{}, cumul: map[key]*cumulSeries{}, temporal: map[key]temporalSeen{}, daily: [2]map[devDay]float64{{}, {}}, straddling: map[devDay]float64{}, installs: map[string]map[string]bool{}, bare: map[string]bool{}}
	for _, p := range paths {
		if err := in.each(p, r.file); err != nil {
			return nil, err
		}
	}
	if err := r.flushCumulative(); err != nil {
		return nil, err
	}
	switch {
	case r.nEvents > 0:
		in.res.Source = SourceEvents
		if err := r.coverage(); err != nil {
			return nil, err
		}
		if r.nPoints > 0 {
			in.res.Notes = append(in.res.Notes, fmt.Sprintf("%d token.usage metric points were not counted: the api_request events count the same requests", r.nPoints))
		}
		r.sameInstall(r.events)
		return r.events, nil
	case r.nPoints > 0:
		in.res.Source = SourceMetrics
		if r.resets > 0 {
			in.res.Notes = append(in.res.Notes, fmt.Sprintf("%d cumulative counters went down (a restart) and were read as starting over", r.resets))
		}
		if r.noSession > 0 {
			in.res.Notes = append(in.res.Notes, fmt.Sprintf("%d delta token.usage points carry no session.id (OTEL_METRICS_INCLUDE_SESSION_ID=false): two sessions of one developer on one model then write one series, and a point that falls inside another session's reported interval is dropped as a repeat; keep session ids in the metrics, or import the api_request events", r.noSession))
		}
		if r.overlap > 0 {
			in.res.Notes = append(in.res.Notes, fmt.Sprintf("%d delta points overlapped part of an interval their series had already reported: counted, but the exports disagree", r.overlap))
		}
		r.sameInstall(r.metrics)
		return r.metrics, nil
	}
	return nil, fmt.Errorf("%w: the files hold neither %s metrics nor %s events", ErrNoUsage, otelTokenMetric, otelEventName)
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}

// file reads one file: lines decode on every CPU, and their records are
// counted in file order.
func (r *otelReader) file(f *file) error {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 {
		return f.lines(func(line []byte, n int) error {
			var l otlpLine
			err := json.Unmarshal(line, &l)
			return r.line(f, n, &l, err)
		})
	}
	type job struct {
		n    int
		line []byte
		l    otlpLine
		err  error
		done chan struct{}
	}
	jobs := make(chan *job, 4*workers)
	order := make(chan *job, 4*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.err = json.Unmarshal(j.line, &j.l)
				j.line = nil
				close(j.done)
			}
		}()
	}
	var readErr error
	go func() {
		readErr = f.lines(func(line []byte, n int) error {
			j := &job{n: n, line: append([]byte(nil), line...), done: make(chan struct{})}
			select {
			case order <- j:
			case <-stop:
				return errStop
			}
			jobs <- j
			return nil
		})
		close(jobs)
		close(order)
	}()
	var err error
	for j := range order {
		<-j.done
		if err != nil {
			continue
		}
		if err = r.line(f, j.n, &j.l, j.err); err != nil {
			close(stop)
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if readErr != nil && readErr != errStop {
		return readErr
	}
	return nil
}

// line counts one decoded line.
func (r *otelReader) line(f *file, n int, l *otlpLine, decodeErr error) error {
	if decodeErr != nil {
		return f.invalid(n, "not an OTLP JSON line: %s", jsonErrText(decodeErr))
	}
	if len(l.ResourceMetrics) == 0 && len(l.ResourceLogs) == 0 {
		return f.invalid(n, "an OTLP JSON line holds resourceMetrics or resourceLogs; this one holds neither")
	}
	for _, rm := range l.ResourceMetrics {
		for _, sm := range append(rm.ScopeMetrics, rm.InstrumentationLibraryMetrics...) {
			for _, m := range sm.Metrics {
				if m.Name != otelTokenMetric {
					continue
				}
				if err := r.metric(f, n, m, rm.Resource.Attributes); err != nil {
					return err
				}
			}
		}
	}
	for _, rl := range l.ResourceLogs {
		for _, sl := range append(rl.ScopeLogs, rl.InstrumentationLibraryLogs...) {
			for _, lr := range sl.LogRecords {
				if err := r.event(f, n, lr, rl.Resource.Attributes); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// jsonErrText is a decoding error without Go's type names.
func jsonErrText(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		return typeErrorText(e)
	case valueError:
		return e.msg
	}
	return err.Error()
}

// temporality reads aggregationTemporality: delta or cumulative.
func temporality(raw json.RawMessage) (cumulative bool, ok bool) {
	switch string(raw) {
	case "1", `"AGGREGATION_TEMPORALITY_DELTA"`:
		return false, true
	case "2", `"AGGREGATION_TEMPORALITY_CUMULATIVE"`:
		return true, true
	}
	return false, false
}

// tokenTypes map the counter's type attribute to a bucket.
var tokenTypes = map[string]func(*Buckets) *float64{
	"input":         func(b *Buckets) *float64 { return &b.Uncached },
	"cacheRead":     func(b *Buckets) *float64 { return &b.CacheRead },
	"cacheCreation": func(b *Buckets) *float64 { return &b.CacheWrite },
	"output":        func(b *Buckets) *float64 { return &b.Output },
}

// maxInterval bounds the interval of one metric point: longer is a
// timestamp in the wrong unit, not a measurement.
const maxInterval = 31 * 24 * time.Hour

func (r *otelReader) metric(f *file, n int, m otlpMetric, res []otlpKV) error {
	if m.Sum == nil {
		return f.invalid(n, "%s must be a sum (a counter)", otelTokenMetric)
	}
	cumulative, ok := temporality(m.Sum.AggregationTemporality)
	if !ok {
		return f.invalid(n, "%s: aggregationTemporality %s is neither delta (1) nor cumulative (2)", otelTokenMetric, orNone(m.Sum.AggregationTemporality))
	}
	for _, dp := range m.Sum.DataPoints {
		a := attrs{dp.Attributes, res}
		typ := a.get("type")
		bucket, ok := tokenTypes[typ]
		if !ok {
			if err := f.invalid(n, "%s point with type %q: want input, output, cacheRead or cacheCreation", otelTokenMetric, typ); err != nil {
				return err
			}
			continue
		}
		v := dp.AsInt
		if !v.Set {
			v = dp.AsDouble
		}
		var bad string
		switch t, st := int64(dp.TimeUnixNano), int64(dp.StartTimeUnixNano); {
		case !v.Set:
			bad = "has neither asInt nor asDouble"
		case t == 0:
			bad = "has no timeUnixNano"
		case !plausibleNanos(t) || (st > 0 && !plausibleNanos(st)):
			bad = fmt.Sprintf("has timeUnixNano %d (startTimeUnixNano %d), which reads as %s: OTLP times are nanoseconds since 1970, and these look like seconds, milliseconds or microseconds", t, st, time.Unix(0, t).UTC().Format(time.RFC3339Nano))
		case st > 0 && t-st > int64(maxInterval):
			bad = fmt.Sprintf("covers %s from startTimeUnixNano to timeUnixNano, more than %s", time.Duration(t-st).Round(time.Hour), maxInterval)
		}
		if bad != "" {
			if err := f.invalid(n, "%s point %s", otelTokenMetric, bad); err != nil {
				return err
			}
			continue
		}
		meta := seriesMeta{developer: r.developer(a), model: a.get("model"), bucket: bucket, fast: strings.EqualFold(a.get("speed"), "fast")}
		if ok, err := f.identity(n, meta.developer); !ok {
			if err != nil {
				return err
			}
			continue
		}
		r.nPoints++
		ck := counterSeries(m.Name, a)
		if err := r.oneTemporality(f, n, ck, cumulative); err != nil {
			return err
		}
		if cumulative {
			r.cumulative(f, n, ck, meta, dp, v.V)
		} else {
			if a.get("session.id") == "" {
				r.noSession++
			}
			r.delta(series(m.Name, a), meta, dp, v.V)
		}
	}
	return nil
}

// temporalSeen is the temporality a counter was first read in, and where.
type temporalSeen struct {
	cumulative bool
	file, line int32
}

// oneTemporality refuses a counter read as delta points in one place and
// as cumulative points in another: a collector's raw pipeline and its
// deltatocumulative pipeline (or an agent tier and a gateway tier) written
// to two files hold the same tokens, which delta and cumulative points,
// kept apart, counted twice.
func (r *otelReader) oneTemporality(f *file, n int, k key, cumulative bool) error {
	seen, ok := r.temporal[k]
	if !ok {
		r.temporal[k] = temporalSeen{cumulative: cumulative, file: r.metrics.at(f.name), line: int32(min(n, math.MaxInt32))}
		return nil
	}
	if seen.cumulative == cumulative {
		return nil
	}
	name := map[bool]string{true: "cumulative", false: "delta"}
	return f.errorf(n, "%s points of this series are %s here and %s at %s:%d: the same counter exported in two temporalities (a collector pipeline with deltatocumulative and one without, or two collector tiers) holds the same tokens twice; import one of them",
		otelTokenMetric, name[cumulative], name[seen.cumulative], r.metrics.files[seen.file], seen.line)
}

func orNone(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "(absent)"
	}
	return string(raw)
}

// eventTokens are the api_request event's token attributes.
var eventTokens = []struct {
	attr   string
	bucket func(*Buckets) *float64
}{
	{"input_tokens", tokenTypes["input"]},
	{"cache_read_tokens", tokenTypes["cacheRead"]},
	{"cache_creation_tokens", tokenTypes["cacheCreation"]},
	{"output_tokens", tokenTypes["output"]},
}

func isAPIRequest(lr otlpLog, a attrs) bool {
	if lr.EventName == otelEventName || lr.EventName == "api_request" {
		return true
	}
	if b := lr.Body.text(); b == otelEventName {
		return true
	}
	e := a.get("event.name")
	return e == "api_request" || e == otelEventName
}

func (r *otelReader) event(f *file, n int, lr otlpLog, res []otlpKV) error {
	a := attrs{lr.Attributes, res}
	if !isAPIRequest(lr, a) {
		return nil
	}
	var rec record
	found := false
	for _, et := range eventTokens {
		s := a.get(et.attr)
		if s == "" {
			continue
		}
		var c count
		if err := c.UnmarshalJSON([]byte(strconv.Quote(s))); err != nil {
			return f.invalid(n, "%s %s: %s", otelEventName, et.attr, jsonErrText(err))
		}
		*et.bucket(&rec.Tokens) = c.V
		found = true
	}
	if !found {
		return f.invalid(n, "%s event carries none of input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens", otelEventName)
	}
	switch ts := a.get("event.timestamp"); {
	case ts != "":
		t, ok := parseTime(ts)
		if !ok {
			return f.invalid(n, "%s event.timestamp %q is not ISO 8601", otelEventName, ts)
		}
		rec.Start = t
	case lr.TimeUnixNano > 0:
		rec.Start = time.Unix(0, int64(lr.TimeUnixNano)).UTC()
	case lr.ObservedTimeUnixNano > 0:
		rec.Start = time.Unix(0, int64(lr.ObservedTimeUnixNano)).UTC()
	default:
		return f.invalid(n, "%s event has no time (event.timestamp, timeUnixNano)", otelEventName)
	}
	if a.get("event.timestamp") == "" && !plausibleNanos(rec.Start.UnixNano()) {
		return f.invalid(n, "%s event's timeUnixNano reads as %s: OTLP times are nanoseconds since 1970, and this one looks like seconds, milliseconds or microseconds", otelEventName, rec.Start.Format(time.RFC3339Nano))
	}
	rec.Developer = r.developer(a)
	if ok, err := f.identity(n, rec.Developer); !ok {
		return err
	}
	rec.Model = a.get("model")
	r.nEvents++
	var k key
	switch id, sess, seq := a.get("request_id"), a.get("session.id"), a.get("event.sequence"); {
	case id != "":
		k = keyOf("r", id)
	case sess != "" && seq != "":
		// With the event's time: a session resumed in a new process may
		// number its events from the start again.
		k = keyOf("s", sess, seq, strconv.FormatInt(rec.Start.UnixNano(), 10))
	default:
		k = keyOf("t", strconv.FormatInt(rec.Start.UnixNano(), 10), rec.Developer, rec.Model,
			fmt.Sprint(rec.Tokens.Uncached, rec.Tokens.CacheRead, rec.Tokens.CacheWrite, rec.Tokens.Output))
	}
	if dup, err := r.events.duplicate(k, rec.Tokens, requestWho(rec), f, n, "request"); dup {
		return err
	}
	if strings.EqualFold(a.get("speed"), "fast") {
		r.events.premium[fastMode] += r.events.counted(rec) // as a usage report's fast mode
	}
	rec.Request = true
	r.track(0, rec)
	r.events.add(rec)
	return nil
}

// addPoint counts a metric point's v tokens from start to end in its
// series' record.
func (r *otelReader) addPoint(m seriesMeta, start, end time.Time, v float64) {
	rec := m.record(start, end, v)
	if m.fast {
		r.metrics.premium[fastMode] += r.metrics.counted(rec) // as an api_request event's
	}
	r.track(1, rec)
	r.metrics.add(rec)
}

// devDay is a developer's UTC day.
type devDay struct {
	dev string
	day int64
}

// track counts a record's tokens in its developer's day: the middle of
// its interval (a delta point's minute, the request of an event).
func (r *otelReader) track(kind int, rec record) {
	f := r.metrics.inside(rec)
	if f <= 0 {
		return
	}
	mid := rec.Start.Add(rec.Width / 2)
	k := devDay{identity(rec.Developer), mid.Unix() / 86400}
	r.daily[kind][k] += f * rec.Tokens.Total()
	if end := rec.Start.Add(rec.Width); kind == 1 && rec.Start.Unix()/86400 != (end.Unix()-1)/86400 {
		r.straddling[k] += f * rec.Tokens.Total()
	}
}

// Coverage tolerances: the metrics may count this much more than the
// events of a developer over the period (a point's interval straddling
// the period's edge), and a day of metric tokens under this share of the
// developer's mean day may lack events (a request just before midnight
// exported just after it).
const (
	coverageExcess   = 0.05
	coverageQuietDay = 0.05
)

// coverage refuses files whose metric points count what no api_request
// event does: a developer with no events, a day of a developer's with
// metric tokens and no events (logs switched on later, a pipeline down
// midweek), or more metric tokens than event tokens over the period (a
// second machine exporting no logs). Events and metrics count the same
// requests only where both were exported, and counting the events alone
// would drop the rest as if they had counted it.
func (r *otelReader) coverage() error {
	var by [2]map[devDay]float64
	total := [2]map[string]float64{{}, {}}
	days := map[string]int{}
	for kind, daily := range r.daily {
		by[kind] = map[devDay]float64{}
		for k, v := range daily {
			p := devDay{identity(r.person(k.dev)), k.day}
			by[kind][p] += v
			total[kind][p.dev] += v
		}
	}
	straddling := map[devDay]float64{}
	for k, v := range r.straddling {
		straddling[devDay{identity(r.person(k.dev)), k.day}] += v
	}
	for k := range by[1] {
		days[k.dev]++
	}
	var missing []string
	for _, dev := range slices.Sorted(maps.Keys(total[1])) {
		m, e, name := total[1][dev], total[0][dev], cmp.Or(dev, "(no developer)")
		var gaps []string
		for _, k := range slices.SortedFunc(maps.Keys(by[1]), func(a, b devDay) int { return cmp.Compare(a.day, b.day) }) {
			if k.dev == dev && by[0][k] == 0 && by[1][k]-straddling[k] > coverageQuietDay*m/float64(days[dev]) {
				gaps = append(gaps, time.Unix(k.day*86400, 0).UTC().Format(time.DateOnly))
			}
		}
		switch {
		case e == 0:
			missing = append(missing, name+" has metric points and no event")
		case len(gaps) > 0:
			missing = append(missing, fmt.Sprintf("%s has metric points and no event on %s", name, strings.Join(gaps, ", ")))
		case m > e*(1+coverageExcess):
			missing = append(missing, fmt.Sprintf("%s's metric points count %s tokens and the events %s (a machine exporting no logs?)", name, units.Tokens(m), units.Tokens(e)))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	more := ""
	if len(missing) > 3 {
		more = fmt.Sprintf(", and %d developers more", len(missing)-3)
		missing = missing[:3]
	}
	return fmt.Errorf("the files hold %s events and %s metrics, which count the same requests only where both were exported, and the metrics reach further: %s%s. Counting the events would drop the rest; import the metrics alone (they count every request the events do; a collector's file holds one record a line, and grep -v '\"resourceLogs\"' FILE keeps its metrics), or events from every developer for the whole period", otelEventName, otelTokenMetric, strings.Join(missing, "; "), more)
}

// plausibleNanos reports whether a time in nanoseconds since 1970 lies in
// 2000–2200: a time written in seconds, milliseconds or microseconds by
// mistake reads as January 1970, collapsing the period to a day and the
// hours of a month into one (or, for larger units written as
// nanoseconds, cannot be held at all).
func plausibleNanos(ns int64) bool {
	const from, to = 946684800 * int64(time.Second), 7258118400 * int64(time.Second) // 2000-01-01, 2200-01-01
	return ns >= from && ns < to
}
