package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/usage"
	"github.com/spf13/cobra"
)

// driftFlags are plan's and check's --usage flags: measured usage that
// adds a usage section and the drift warnings to each plan.
type driftFlags struct {
	files     []string
	format    string
	interval  string
	allowGaps bool
}

func (d *driftFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&d.files, "usage", nil, "measured usage export (repeatable; see costgate usage import): adds the plan's usage section and the usage.drift, usage.breakeven and capacity.measured warnings")
	cmd.Flags().StringVar(&d.format, "usage-format", "", "format of every --usage file: "+strings.Join(usage.FormatNames, ", ")+" (default: detected per file; one token format, plus vllm-metrics scrapes)")
	cmd.Flags().BoolVar(&d.allowGaps, "usage-allow-gaps", false, "read on past a usage report's missing pages (a bucket gap, has_more on the last page, an API error body) and state the gap, instead of refusing the files")
	cmd.Flags().StringVar(&d.interval, "usage-interval", "", "time between consecutive vllm-metrics scrapes without timestamps, e.g. 60s")
}

// measuredFor imports the --usage files once per team timezone (the peak
// is measured in the team's working hours) and returns each spec's. The
// files are one team's usage: with several specs (several teams) they
// would be every team's, each charged with the whole export and a team's
// policy acting on the others' usage, so that is refused.
func (d *driftFlags) measuredFor(specs []*spec.Spec, cat *modelcatalog.Catalog, stderr io.Writer) ([]*plan.Measured, error) {
	out := make([]*plan.Measured, len(specs))
	if len(d.files) == 0 {
		return out, nil
	}
	if len(specs) > 1 {
		teams := make([]string, len(specs))
		for i, s := range specs {
			teams[i] = fmt.Sprintf("%q", s.Team.Name)
		}
		return nil, invalid(fmt.Errorf("--usage with %d specs (teams %s): the measured usage is one team's, and with several specs every team would be measured with the whole export; plan each spec with its own team's --usage", len(specs), strings.Join(teams, ", ")))
	}
	defer readingUsage()()
	groups, err := d.groups()
	if err != nil {
		return nil, err
	}
	var interval time.Duration
	if d.interval != "" {
		if interval, err = time.ParseDuration(d.interval); err != nil || interval <= 0 {
			return nil, invalid(fmt.Errorf("--usage-interval %q: want a duration such as 60s", d.interval))
		}
	}
	byTZ := map[string]*plan.Measured{}
	for i, s := range specs {
		if m, ok := byTZ[s.Team.Timezone]; ok {
			out[i] = m
			continue
		}
		loc, err := time.LoadLocation(s.Team.Timezone)
		if err != nil {
			return nil, invalid(err)
		}
		m := &plan.Measured{}
		for format, files := range groups {
			res, err := usage.Import(files, usage.Options{Format: format, Location: loc, Catalog: cat, Interval: interval, AllowGaps: d.allowGaps})
			if err != nil {
				return nil, invalid(fmt.Errorf("--usage: %w", err))
			}
			if format == usage.VLLMMetrics {
				m.Fleet = res
			} else {
				m.Tokens = res
			}
		}
		byTZ[s.Team.Timezone], out[i] = m, m
	}
	return out, nil
}

// groups sorts the files by format: --usage-format's, else each file's
// detected one; at most one token format.
func (d *driftFlags) groups() (map[string][]string, error) {
	if d.format != "" {
		if !slices.Contains(usage.FormatNames, d.format) {
			return nil, invalid(fmt.Errorf("--usage-format %q: want one of %s", d.format, strings.Join(usage.FormatNames, ", ")))
		}
		return map[string][]string{d.format: d.files}, nil
	}
	groups := map[string][]string{}
	token := ""
	for _, f := range d.files {
		format, err := usage.Detect([]string{f})
		if err != nil {
			return nil, invalid(fmt.Errorf("--usage: %w", err))
		}
		if format != usage.VLLMMetrics {
			if token != "" && token != format {
				return nil, invalid(errors.New("--usage: the files hold " + token + " and " + format + ": measure one token format at a time"))
			}
			token = format
		}
		groups[format] = append(groups[format], f)
	}
	return groups, nil
}
