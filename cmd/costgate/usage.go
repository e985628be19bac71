package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/costgate/costgate/usage"
	"github.com/spf13/cobra"
)

func newUsageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "usage",
		Short: "Read what a team's tools recorded: measured usage, calibration, drift",
		Long: `usage reads the exports a team already has — Claude Code's OpenTelemetry
lines, Anthropic's and OpenAI's usage reports, LiteLLM's spend logs, vLLM's
Prometheus scrapes — and turns them into the figures a spec otherwise guesses.
See docs/USAGE.md for how to obtain each export.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newUsageImportCmd(), newUsageCalibrateCmd())
	return cmd
}

// usageFlags are the flags every command that reads usage shares.
type usageFlags struct {
	from, since, until, timezone, interval, catalog string
	skipInvalid, allowGaps                          bool
}

func (f *usageFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "from", "", "format of the files: "+strings.Join(usage.FormatNames, ", ")+" (default: detected from the content)")
	cmd.Flags().StringVar(&f.since, "since", "", "first day of the period, YYYY-MM-DD (UTC; default: the data's first day)")
	cmd.Flags().StringVar(&f.until, "until", "", "day after the period, YYYY-MM-DD (UTC, exclusive; default: the day after the data's last)")
	cmd.Flags().StringVar(&f.timezone, "timezone", "UTC", "IANA time zone of the working hours (Monday-Friday 09:00-17:00) the peak is measured against")
	cmd.Flags().StringVar(&f.interval, "interval", "", "time between consecutive vllm-metrics scrapes whose samples carry no timestamps, from 1s to 24h, e.g. 60s")
	cmd.Flags().BoolVar(&f.skipInvalid, "skip-invalid", false, "count malformed records and go on, instead of stopping at the first")
	cmd.Flags().BoolVar(&f.allowGaps, "allow-gaps", false, "read on past a usage report's missing pages (a gap between buckets, has_more on the last page, an API error body, an empty file) and state the gap in the output, instead of refusing the files")
	cmd.Flags().StringVar(&f.catalog, "catalog", "", "price book (JSON) whose models extend the embedded catalog's for mapping model ids")
}

// options turns the flags into import options; progress goes to stderr
// when it is a terminal.
func (f *usageFlags) options(stderr io.Writer) (usage.Options, error) {
	opts := usage.Options{Format: f.from, SkipInvalid: f.skipInvalid, AllowGaps: f.allowGaps}
	var err error
	if opts.Since, err = parseDay("--since", f.since); err != nil {
		return opts, err
	}
	if opts.Until, err = parseDay("--until", f.until); err != nil {
		return opts, err
	}
	if f.timezone == "" || f.timezone == "Local" {
		return opts, invalid(fmt.Errorf("--timezone %q: want an IANA time zone such as Europe/Berlin", f.timezone))
	}
	if opts.Location, err = time.LoadLocation(f.timezone); err != nil {
		return opts, invalid(fmt.Errorf("--timezone %q: want an IANA time zone such as Europe/Berlin", f.timezone))
	}
	if f.interval != "" {
		d, err := time.ParseDuration(f.interval)
		if err != nil || d <= 0 {
			return opts, invalid(fmt.Errorf("--interval %q: want a duration such as 60s or 5m", f.interval))
		}
		// Prometheus scrapes every few seconds to minutes: a figure outside
		// a second to a day is a typo (1ns, or ms read as s) that would
		// scale every rate by its error.
		if d < time.Second || d > 24*time.Hour {
			return opts, invalid(fmt.Errorf("--interval %s: want a scrape interval from 1s to 24h", f.interval))
		}
		opts.Interval = d
	}
	if opts.Catalog, err = loadCatalog(f.catalog); err != nil {
		return opts, err
	}
	opts.Progress = progressWriter(stderr)
	return opts, nil
}

func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, invalid(fmt.Errorf("%s %q: want a date like 2026-11-01", flag, s))
	}
	if t.IsZero() {
		// The zero time stands for "not given" (the data's own bound):
		// the date itself would be ignored, silently.
		return time.Time{}, invalid(fmt.Errorf("%s %q: no usage is recorded in year 1; want a date like 2026-11-01", flag, s))
	}
	return t, nil
}

// usageGCPercent is the collector's target while usage is read: decoding
// makes garbage at the rate it reads, and main's collector, paced by its
// memory limit alone, would let a gigabyte's import grow past 200 MB
// (docs/PERFORMANCE.md).
const usageGCPercent = 100

// usageMemoryLimit is the collector's soft memory limit while usage is
// read (GOMEMLIMIT in the environment wins): the delta series of a
// gigabyte of OTLP keep tens of megabytes of intervals, and GOGC=100 alone
// lets the heap grow to twice what is live (docs/PERFORMANCE.md).
const usageMemoryLimit = 110 << 20

// readingUsage sets the collector for reading usage and returns what
// restores it.
func readingUsage() func() {
	restore := []func(){}
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(usageGCPercent)
		restore = append(restore, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(usageMemoryLimit)
		restore = append(restore, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, r := range restore {
			r()
		}
	}
}

// importUsage reads the files, saying on stderr which format was detected.
func importUsage(f *usageFlags, files []string, stderr io.Writer) (*usage.Result, error) {
	defer readingUsage()()
	opts, err := f.options(stderr)
	if err != nil {
		return nil, err
	}
	res, err := usage.Import(files, opts)
	if err != nil {
		return nil, invalid(fmt.Errorf("usage: %w", err))
	}
	if res.Detected {
		fmt.Fprintf(stderr, "costgate: read %d file(s) as %s (detected from the content; --from sets it)\n", len(files), res.Format)
	}
	return res, nil
}

func newUsageImportCmd() *cobra.Command {
	var f usageFlags
	var format string
	cmd := &cobra.Command{
		Use:   "import [--from FORMAT] FILE... [--since DATE] [--until DATE] [--timezone TZ] [--format text|json]",
		Short: "Measure a team's usage from its exports",
		Long: `import reads one data set — several files of one format are pages or rotated
files of the same export — and prints the figures a spec guesses: developers
with usage, tokens per developer-month (mean and quartiles, scaled to a
730-hour month), the input, cached-input and cache-write shares, the peak hour
over the mean working hour (every token of the period over its working hours,
as the plan reads peak_to_average), and the tokens per month of each model. For
vllm-metrics it prints the fleet's prompt and generation rates, prefix-cache
hit rate, mean time to first token and the latest gauges.

Formats: claude-code-otel, anthropic-usage, openai-usage, litellm-spend,
vllm-metrics; without --from the format is detected from the content.
FILE - reads standard input (its format detected as a file's). Duplicate
records count once. A malformed record is an error naming its file and
line; --skip-invalid counts such records instead. An export with no usage
in the period is an error. Exit code 2 on any error.`,
		Example: `  costgate usage import cmd/costgate/testdata/drift/anthropic-usage.json
  costgate usage import otel/claude-code-*.jsonl --timezone Europe/Berlin
  costgate usage import --from anthropic-usage pages/*.json --since 2026-11-01 --until 2026-12-01
  costgate usage import --from vllm-metrics scrapes/*.prom --interval 60s --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := report.Lookup[report.UsageOutputter](format)
			if err != nil {
				return invalid(err)
			}
			res, err := importUsage(&f, args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return o.Usage(cmd.OutOrStdout(), res)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(report.FormatsOf[report.UsageOutputter](), "|"))
	return cmd
}

func newUsageCalibrateCmd() *cobra.Command {
	var f usageFlags
	var write bool
	cmd := &cobra.Command{
		Use:   "calibrate SPEC FILE... [--from FORMAT] [--write]",
		Short: "Replace a spec's guessed team figures with measured ones",
		Long: `calibrate imports the files as usage import does and rewrites the spec's team
figures with what they measured: developers; tokens_per_developer as the range
from p25 to p75 per developer-month, widened to hold the mean (a heavy-tailed
team's mean is above p75); input_share, cached_input_share and
cache_write_share; peak_to_average; and the workload shares, from the tokens
the spec's simple and complex models served. A model the spec does not name is
reported, not guessed. Everything else stays, comments included, and the
output is formatted as costgate fmt writes it, with a comment before the team
block saying where each figure came from and for which period.

The peak is measured in the team's timezone unless --timezone says otherwise.
The spec is printed to stdout, or rewritten in place with --write; what
changed and what was reported go to stderr.`,
		Example: `  costgate usage calibrate cmd/costgate/testdata/drift/team.hcl cmd/costgate/testdata/drift/anthropic-usage.json
  costgate usage calibrate teams/acme.hcl otel/*.jsonl
  costgate usage calibrate teams/acme.hcl usage-2026-11/*.json --from anthropic-usage --write`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			stderr := cmd.ErrOrStderr()
			path := args[0]
			cat, err := loadCatalog(f.catalog)
			if err != nil {
				return err
			}
			info, err := os.Stat(path)
			if err != nil {
				return invalid(fmt.Errorf("read %s: %w", path, err))
			}
			src, err := specfile.ReadRegular(path, specfile.MaxSpecBytes)
			if err != nil {
				return invalid(fmt.Errorf("read %s: %w", path, err))
			}
			parser := spec.NewParser(cat)
			s, diags := parser.Parse(path, src)
			if len(diags) > 0 {
				if err := parser.WriteDiagnostics(stderr, diags); err != nil {
					return err
				}
			}
			if diags.HasErrors() {
				return errReported
			}
			if !cmd.Flags().Changed("timezone") {
				f.timezone = s.Team.Timezone
			}
			res, err := importUsage(&f, args[1:], stderr)
			if err != nil {
				return err
			}
			c, err := usage.Calibrate(path, src, s, res, cat)
			if err != nil {
				return invalid(fmt.Errorf("calibrate %s: %w", path, err))
			}
			for _, ch := range c.Changes {
				fmt.Fprintf(stderr, "costgate: %s\n", ch)
			}
			for _, r := range c.Reports {
				fmt.Fprintf(stderr, "costgate: note: %s\n", r)
			}
			if write {
				if err := os.WriteFile(path, c.Output, info.Mode().Perm()); err != nil {
					return fmt.Errorf("write %s: %w", path, err)
				}
				return nil
			}
			_, err = cmd.OutOrStdout().Write(c.Output)
			return err
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&write, "write", false, "rewrite the spec in place instead of printing it")
	return cmd
}
