// Package usage reads what a team's tools already record about its token
// use — Claude Code's OpenTelemetry export, Anthropic's and OpenAI's usage
// reports, LiteLLM's spend logs, vLLM's Prometheus metrics — and turns it
// into the figures a spec guesses: developers, tokens per developer-month,
// the input and cache shares, the peak-to-average ratio and the model mix.
//
// Files are streamed: memory grows with the number of developers, models,
// hours and metric series (and, for per-request records, one 16-byte key
// per request for deduplication), never with the size of a file.
package usage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/specfile"
)

// Formats an import reads.
const (
	ClaudeCodeOTel = "claude-code-otel"
	AnthropicUsage = "anthropic-usage"
	OpenAIUsage    = "openai-usage"
	LiteLLMSpend   = "litellm-spend"
	VLLMMetrics    = "vllm-metrics"
)

// FormatNames lists the formats, in the order the help text gives them.
var FormatNames = []string{ClaudeCodeOTel, AnthropicUsage, OpenAIUsage, LiteLLMSpend, VLLMMetrics}

// maxReasons is how many reasons of skipped records a result keeps.
const maxReasons = 5

// Options configure Import.
type Options struct {
	// Format is one of FormatNames; empty means detect it from the content.
	Format string
	// Since and Until bound the period (UTC dates, Until exclusive); zero
	// means the data's span rounded out to whole days.
	Since, Until time.Time
	// Location places the working hours of peak_to_average; nil is UTC.
	Location *time.Location
	// Interval is the time between consecutive vllm-metrics scrapes whose
	// samples carry no timestamps; zero requires timestamps.
	Interval time.Duration
	// SkipInvalid counts malformed records and goes on, instead of failing
	// at the first one.
	SkipInvalid bool
	// AllowGaps reads on past a usage report's missing pages (a gap
	// between its buckets, a last page that says has_more, a file that is
	// an API error body or empty) and states each in the result's Gaps,
	// instead of refusing the page set.
	AllowGaps bool
	// Catalog maps API model ids to catalog ids; nil is the embedded one.
	Catalog *modelcatalog.Catalog
	// Stdin is what the file name "-" reads; nil is the process's
	// standard input. Lines are bounded as a file's are.
	Stdin io.Reader
	// Progress, when set, receives a progress line, rewritten in place,
	// once reading has taken more than a second (a terminal's stderr).
	Progress io.Writer
}

// Result is one data set's figures. Exactly one of Tokens and FleetMetrics is set.
type Result struct {
	Format string `json:"format"`
	// Detected is true when the format was detected from the content.
	Detected bool     `json:"detected"`
	Files    []string `json:"files"`
	// Source names what was counted when a format has more than one kind
	// of record (Claude Code's events or metrics).
	Source string `json:"source,omitempty"`
	// Records were counted; Duplicates were dropped as already counted;
	// OutsidePeriod fell outside --since/--until.
	Records       int64 `json:"records"`
	Duplicates    int64 `json:"duplicates"`
	OutsidePeriod int64 `json:"outside_period"`
	// Skipped counts malformed records under SkipInvalid, with the first
	// few reasons.
	Skipped        int64    `json:"skipped"`
	SkippedReasons []string `json:"skipped_reasons,omitempty"`
	Period         Period   `json:"period"`
	// Gaps state the usage a page set lacks, read on under AllowGaps: its
	// figures leave that usage out.
	Gaps []string `json:"gaps,omitempty"`
	// Tokens or FleetMetrics: their fields are written at the top level of the
	// JSON, between the period and the notes.
	*Tokens       `json:"-"`
	*FleetMetrics `json:"-"`
	Notes         []string `json:"notes"`
}

// MarshalJSON writes the result with its token or fleet figures at the top
// level (both have models, so encoding/json's embedding would drop them).
func (r *Result) MarshalJSON() ([]byte, error) {
	type plain Result
	base, err := json.Marshal((*plain)(r))
	if err != nil {
		return nil, err
	}
	var sub any
	switch {
	case r.Tokens != nil:
		sub = r.Tokens
	case r.FleetMetrics != nil:
		sub = r.FleetMetrics
	default:
		return base, nil
	}
	figures, err := json.Marshal(sub)
	if err != nil {
		return nil, err
	}
	// Splice the figures in before "notes", the last field.
	i := bytes.LastIndex(base, []byte(`,"notes":`))
	if i < 0 || len(figures) < 2 {
		return nil, errors.New("marshal usage result: unexpected layout")
	}
	out := make([]byte, 0, len(base)+len(figures))
	out = append(out, base[:i]...)
	out = append(out, ',')
	out = append(out, figures[1:len(figures)-1]...)
	out = append(out, base[i:]...)
	return out, nil
}

// Period is the span the figures cover.
type Period struct {
	Since string  `json:"since"`
	Until string  `json:"until"`
	Days  float64 `json:"days"`
	// Zone is the time zone whose dates Since and Until are, where not
	// UTC: a period left to per-request or metric records is the team's
	// whole days.
	Zone string `json:"zone,omitempty"`
}

// Tokens are the figures of the token formats.
type Tokens struct {
	// Week holds the share of the tokens in each UTC hour of the week
	// (Sunday 00:00 first): the measured cost's share in a provider's
	// peak windows. Not part of the JSON.
	Week *[7 * 24]float64 `json:"-"`
	// Developers counts the distinct people with usage in the period.
	Developers int `json:"developers"`
	// TokensPerDeveloperMonth is every token (uncached input, cache reads,
	// cache writes, output) per developer, scaled to a 730-hour month.
	TokensPerDeveloperMonth Quantiles `json:"tokens_per_developer_month"`
	// InputShare is input over all tokens; CachedInputShare and
	// CacheWriteShare are shares of all input.
	InputShare       float64 `json:"input_share"`
	CachedInputShare float64 `json:"cached_input_share"`
	CacheWriteShare  float64 `json:"cache_write_share"`
	// PeakToAverage is the busiest hour's tokens over the mean tokens per
	// working hour (Monday–Friday 09:00–17:00 in Timezone); nil when the
	// data has no hourly resolution or the period no working hour.
	PeakToAverage *float64 `json:"peak_to_average"`
	// PeakHour is the start of the busiest hour, in Timezone.
	PeakHour string `json:"peak_hour,omitempty"`
	Timezone string `json:"timezone"`
	// Models maps catalog ids to tokens per month; UnmappedModels the ids
	// the catalog does not know.
	Models         map[string]float64 `json:"models"`
	UnmappedModels map[string]float64 `json:"unmapped_models"`
	// ModelPrompts are, for each model, its tokens a month of requests
	// that told their prompts (per-request exports), and of those whose
	// prompt was above each price tier's length; a usage report tells
	// no prompt. Not part of the JSON.
	ModelPrompts map[string]*Prompts `json:"-"`
	// ModelBuckets are each model's tokens per month by kind, under its
	// catalog id (else its own name): each model's own input, cache and
	// output shares, which pricing a model's tokens needs.
	ModelBuckets map[string]Buckets `json:"model_buckets"`
	// ModelCacheWrite1h are, where the files tell cache lifetimes apart
	// (Anthropic's usage report: ephemeral_1h and ephemeral_5m), each
	// model's cache writes per month bought for an hour; the rest of its
	// cache_write is for five minutes. Nil when they do not.
	ModelCacheWrite1h map[string]float64 `json:"model_cache_write_1h,omitempty"`
	// ModelCacheWriteUntold are, beside ModelCacheWrite1h, each model's
	// cache writes per month whose records did not tell their lifetime:
	// priced at the spec's cache_ttl. The rest of cache_write is for five
	// minutes.
	ModelCacheWriteUntold map[string]float64 `json:"model_cache_write_untold,omitempty"`
	// Totals are the period's tokens by kind; PerMonth the same scaled to
	// a 730-hour month.
	Totals   Buckets `json:"totals"`
	PerMonth Buckets `json:"per_month"`
	// UnattributedTokens are tokens no developer identity came with; they
	// count in the shares, the peak and the models but not per developer.
	UnattributedTokens float64 `json:"unattributed_tokens"`
}

// Quantiles summarise a distribution; quantiles interpolate linearly.
type Quantiles struct {
	Mean float64 `json:"mean"`
	P25  float64 `json:"p25"`
	P50  float64 `json:"p50"`
	P75  float64 `json:"p75"`
}

// Buckets are disjoint token counts: their sum is every token.
type Buckets struct {
	Uncached   float64 `json:"uncached_input"`
	CacheRead  float64 `json:"cache_read"`
	CacheWrite float64 `json:"cache_write"`
	Output     float64 `json:"output"`
}

// Input is every input token.
func (b Buckets) Input() float64 { return b.Uncached + b.CacheRead + b.CacheWrite }

// Total is every token.
func (b Buckets) Total() float64 { return b.Input() + b.Output }

// describe writes the counts for a message.
func (b Buckets) describe() string {
	return fmt.Sprintf("uncached input %s, cache reads %s, cache writes %s, output %s",
		fmtCount(b.Uncached), fmtCount(b.CacheRead), fmtCount(b.CacheWrite), fmtCount(b.Output))
}

func (b *Buckets) add(o Buckets) {
	b.Uncached += o.Uncached
	b.CacheRead += o.CacheRead
	b.CacheWrite += o.CacheWrite
	b.Output += o.Output
}

// shareDecimals is the precision shares are written with.
const shareDecimals = 6

func (b Buckets) rounded() Buckets {
	return Buckets{round(b.Uncached, 0), round(b.CacheRead, 0), round(b.CacheWrite, 0), round(b.Output, 0)}
}

func (b Buckets) scale(f float64) Buckets {
	return Buckets{b.Uncached * f, b.CacheRead * f, b.CacheWrite * f, b.Output * f}
}

// RecordError is a malformed record: the file and line it is on.
type RecordError struct {
	File string
	Line int
	// Record is the record's 1-based index in a JSON array written on one
	// line, where the line does not tell records apart; else 0.
	Record int
	What   string
	Msg    string
}

func (e *RecordError) Error() string {
	if e.Record > 0 {
		return fmt.Sprintf("%s:%d: %s %d: %s", e.File, e.Line, e.What, e.Record, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ErrNoUsage is returned when the files hold no usage in the period.
var ErrNoUsage = errors.New("no usage")

// Import reads the files as one data set of one format and computes its
// figures.
func Import(paths []string, opts Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no file to import")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Catalog == nil {
		opts.Catalog = modelcatalog.Default()
	}
	if !opts.Since.IsZero() && !opts.Until.IsZero() && !opts.Until.After(opts.Since) {
		return nil, fmt.Errorf("the period is empty: --until %s is not after --since %s", opts.Until.Format(time.DateOnly), opts.Since.Format(time.DateOnly))
	}
	if n := countOf(paths, Stdin); n > 1 {
		return nil, errors.New("standard input (-) can be read once: name it once")
	}
	res := &Result{Format: opts.Format, Files: paths, Notes: []string{}}
	prog := newProgress(opts.Progress, paths)
	defer prog.stop()
	in := &inputs{opts: opts, res: res, prog: prog}
	defer in.release()
	if opts.Format == "" {
		f, err := detect(paths, in.open)
		if err != nil {
			return nil, err
		}
		res.Format, res.Detected = f, true
	} else if !slices.Contains(FormatNames, opts.Format) {
		return nil, fmt.Errorf("unknown format %q: want one of %s", opts.Format, strings.Join(FormatNames, ", "))
	}
	var err error
	switch res.Format {
	case VLLMMetrics:
		err = importVLLM(in, paths)
	default:
		err = importTokens(in, paths)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importTokens reads a token format into an aggregation and computes the
// figures.
func importTokens(in *inputs, paths []string) error {
	var agg *aggregate
	switch in.res.Format {
	case ClaudeCodeOTel:
		a, err := readOTel(in, paths)
		if err != nil {
			return err
		}
		agg = a
	default:
		agg = newAggregate(in.opts)
		// check finds what the files' pages lack once every file is read.
		var check func() error
		var read func(*file) error
		switch in.res.Format {
		case AnthropicUsage:
			set := newPageSet(in, "starting_at", "ending_at", anthropicGroups...)
			read, check = func(f *file) error { return readAnthropic(f, set, agg) }, set.check
		case OpenAIUsage:
			set := newPageSet(in, "start_time", "end_time", openAIGroups...)
			read, check = func(f *file) error { return readOpenAI(f, set, agg) }, set.check
		default:
			set := newLiteLLMSet(in, agg)
			read, check = func(f *file) error { return readLiteLLM(f, set) }, set.check
		}
		for _, p := range paths {
			if err := in.each(p, read); err != nil {
				return err
			}
		}
		if err := check(); err != nil {
			return err
		}
	}
	for _, g := range in.res.Gaps {
		in.res.Notes = append(in.res.Notes, "missing usage, not counted: "+g)
	}
	return agg.finish(in.res)
}

// inputs is the state one import shares across its files.
type inputs struct {
	opts Options
	res  *Result
	prog *progress
	// stdin is standard input once opened: detection peeks at it and the
	// import reads it, as one stream.
	stdin *file
}

// open opens a file, or standard input for "-".
func (in *inputs) open(path string) (*file, error) {
	if path != Stdin {
		return openFile(path, in)
	}
	if in.stdin == nil {
		src := in.opts.Stdin
		if src == nil {
			src = os.Stdin
		}
		f, err := newFile("stdin", src, in)
		if err != nil {
			return nil, err
		}
		f.keep = true
		in.stdin = f
	}
	return in.stdin, nil
}

// release closes standard input's decompressor, if any.
func (in *inputs) release() {
	if in.stdin != nil {
		in.stdin.keep = false
		in.stdin.close()
	}
}

// each opens the file, runs read over it and closes it.
func (in *inputs) each(path string, read func(*file) error) error {
	f, err := in.open(path)
	if err != nil {
		return err
	}
	defer f.close()
	return read(f)
}

// invalid records a malformed record: an error, or under SkipInvalid a
// count and maybe a reason.
func (in *inputs) invalid(e *RecordError) error {
	if !in.opts.SkipInvalid {
		return e
	}
	in.res.Skipped++
	if len(in.res.SkippedReasons) < maxReasons {
		in.res.SkippedReasons = append(in.res.SkippedReasons, e.Error())
	}
	return nil
}

// openPlain opens a file for reading, naming it in the error.
func openPlain(path string) (*os.File, error) {
	f, err := specfile.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("open %w", err)
	}
	return f, nil
}

func countOf(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// Prompts are a model's tokens of requests that told their prompts, and
// of those above each price tier's prompt length (Tokens.ModelPrompts).
type Prompts struct {
	Requests Buckets
	Above    map[int]Buckets
}
