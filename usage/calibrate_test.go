package usage

import (
	"math"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

const calibrateSpec = `# the team
team "t" {
  developers           = 10 # guessed
  tokens_per_developer = 1e6
  cost_center          = "eng"
}

workload "chat" {
  share      = 0.5
  complexity = "simple"
}

workload "agents" {
  share      = 0.5
  complexity = "complex"
}

managed {
  simple_model  = "SIMPLE"
  complex_model = "claude-opus-4.8"
}
`

// calibrateInput is calibrateSpec with simple as its simple model, its
// text, the spec it decodes to and the catalog it was decoded with.
func calibrateInput(t *testing.T, simple string) ([]byte, *spec.Spec, *modelcatalog.Catalog) {
	t.Helper()
	src := []byte(strings.Replace(calibrateSpec, "SIMPLE", simple, 1))
	cat := modelcatalog.Default()
	s, diags := spec.NewParser(cat).Parse("t.hcl", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return src, s, cat
}

func TestCalibrateCases(t *testing.T) {
	peak := 2.5
	tokens := func(models map[string]float64) *Result {
		return &Result{Format: AnthropicUsage, Files: []string{"a.json"}, Period: Period{Since: "2026-11-01", Until: "2026-12-01", Days: 30},
			Tokens: &Tokens{Developers: 4, TokensPerDeveloperMonth: Quantiles{Mean: 3e6, P25: 1e6, P50: 1.5e6, P75: 2e6},
				InputShare: 0.9, CachedInputShare: 0.6, CacheWriteShare: 0.1, PeakToAverage: &peak, Timezone: "UTC",
				Models: models, UnmappedModels: map[string]float64{}}}
	}
	tests := []struct {
		name, simple string
		models       map[string]float64
		want         []string // in the output
		report       string
	}{
		{"shares from the two models", "claude-sonnet-4.6", map[string]float64{"claude-sonnet-4.6": 3e6, "claude-opus-4.8": 1e6, "gpt-5.5": 1e6},
			[]string{"share      = 0.75", "share      = 0.25", "tokens_per_developer = [1000000, 5000000]", "developers           = 4 # guessed", "# the team"},
			"gpt-5.5 (1.00M tokens a month, 20.0 %)"},
		{"one model for both", "claude-opus-4.8", map[string]float64{"claude-opus-4.8": 1e6},
			[]string{"share      = 0.5"}, "cannot tell the workloads apart"},
		{"simple model unused", "claude-sonnet-4.6", map[string]float64{"claude-opus-4.8": 1e6},
			[]string{"share      = 0.5"}, "served no token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, s, cat := calibrateInput(t, tt.simple)
			c, err := Calibrate("t.hcl", src, s, tokens(tt.models), cat)
			if err != nil {
				t.Fatal(err)
			}
			out := string(c.Output)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(strings.Join(c.Reports, "\n"), tt.report) {
				t.Errorf("reports %q lack %q", c.Reports, tt.report)
			}
		})
	}
}

func TestSignificant(t *testing.T) {
	for _, tt := range []struct{ v, want float64 }{
		{12345678, 12350000}, {16729.17, 16730}, {0.123456, 0.1235}, {999.96, 1000}, {5, 5},
	} {
		if got := sig(tt.v, 4); got != tt.want {
			t.Errorf("sig(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestCalibrateSaysWhyThePeakIsUnknown: an hourly export can leave the
// peak unknown too (a period with no working hour): the report
// gives the import's reason, not "it needs hourly records".
func TestCalibrateSaysWhyThePeakIsUnknown(t *testing.T) {
	src, s, cat := calibrateInput(t, "claude-sonnet-4.6")
	res := &Result{Format: ClaudeCodeOTel, Files: []string{"weekend.jsonl"}, Period: Period{Since: "2026-11-07", Until: "2026-11-09", Days: 2},
		Notes: []string{"peak_to_average is unknown: the period holds no working hour (Monday-Friday 09:00-17:00 UTC)"},
		Tokens: &Tokens{Developers: 2, TokensPerDeveloperMonth: Quantiles{Mean: 16729, P25: 16729, P50: 16729, P75: 16729},
			InputShare: 0.9, Timezone: "UTC", Models: map[string]float64{"claude-sonnet-4.6": 1, "claude-opus-4.8": 1}, UnmappedModels: map[string]float64{}}}
	c, err := Calibrate("t.hcl", src, s, res, cat)
	if err != nil {
		t.Fatal(err)
	}
	reports := strings.Join(c.Reports, "\n")
	if !strings.Contains(reports, "peak_to_average is unknown from this export (the period holds no working hour") || strings.Contains(reports, "hourly records") {
		t.Errorf("reports %q: want the import's reason", c.Reports)
	}
}

// TestCalibratePlansTheMeasuredTotal: a calibrated spec's developers ×
// the midpoint of its tokens_per_developer is the measured total a month,
// with tokens no developer's identity came with spread over the
// developers (left out, the calibrated spec planned half what plan
// --usage measured) and a skewed team's range centred on its mean.
func TestCalibratePlansTheMeasuredTotal(t *testing.T) {
	cat := modelcatalog.Default()
	src := strings.ReplaceAll(calibrateSpec, "SIMPLE", "claude-sonnet-4.6")
	s, diags := spec.NewParser(cat).Parse("t.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	res := &Result{Format: AnthropicUsage, Files: []string{"a.json"}, Period: Period{Since: "2026-11-02", Until: "2026-11-09", Days: 7},
		Tokens: &Tokens{Developers: 10, TokensPerDeveloperMonth: Quantiles{Mean: 2.231e6, P25: 0.5e6, P50: 1e6, P75: 2e6},
			PerMonth: Buckets{Uncached: 10e6, CacheRead: 30e6, Output: 4.62e6}, UnattributedTokens: 1e6,
			InputShare: 0.9, CachedInputShare: 0.75, Timezone: "UTC",
			Models: map[string]float64{"claude-sonnet-4.6": 44.62e6}, UnmappedModels: map[string]float64{}}}
	c, err := Calibrate("t.hcl", []byte(src), s, res, cat)
	if err != nil {
		t.Fatal(err)
	}
	cal, diags := spec.NewParser(cat).Parse("t.hcl", c.Output)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	tpd := cal.Team.TokensPerDeveloper
	if got := cal.Team.Developers.Mid() * tpd.Mid(); math.Abs(got/44.62e6-1) > 0.001 {
		t.Errorf("developers %v × tokens_per_developer %v = %.4g a month, want the measured 44.62M", cal.Team.Developers, tpd, got)
	}
	if !strings.Contains(strings.Join(c.Reports, "\n"), "came with no developer identity: spread over the 10 developers") {
		t.Errorf("reports %q", c.Reports)
	}
}

// TestCalibrateKeepsThePeakWithinTheMonth: a month of 23 weekdays holds
// 184 working hours, so a measured peak may exceed the spec's 176, the
// most the spec's month can put in one hour: it is written as 176, said,
// and the calibrated spec decodes (the spec refuses a peak above its
// working hours).
func TestCalibrateKeepsThePeakWithinTheMonth(t *testing.T) {
	src, s, cat := calibrateInput(t, "claude-sonnet-4.6")
	for _, tt := range []struct {
		peak   float64
		want   string
		report bool
	}{{184, "peak_to_average      = 176", true}, {176, "peak_to_average      = 176", false}, {3.5, "peak_to_average      = 3.5", false}} {
		peak := tt.peak
		res := &Result{Format: AnthropicUsage, Files: []string{"a.json"}, Period: Period{Since: "2026-12-01", Until: "2027-01-01", Days: 31},
			Tokens: &Tokens{Developers: 4, TokensPerDeveloperMonth: Quantiles{Mean: 3e6, P25: 1e6, P50: 1.5e6, P75: 2e6},
				InputShare: 0.9, PeakToAverage: &peak, Timezone: "UTC",
				Models: map[string]float64{"claude-sonnet-4.6": 1, "claude-opus-4.8": 1}, UnmappedModels: map[string]float64{}}}
		c, err := Calibrate("t.hcl", src, s, res, cat)
		if err != nil {
			t.Fatalf("peak %v: %v", peak, err)
		}
		said := strings.Contains(strings.Join(c.Reports, "\n"), "above the spec's 176 working hours")
		if !strings.Contains(string(c.Output), tt.want) || said != tt.report {
			t.Errorf("peak %v: reports %q, output:\n%s", peak, c.Reports, c.Output)
		}
	}
}

// TestCalibrateTwiceChangesNothing: calibrating a spec again from the same
// data writes the same spec. With two workloads of one complexity, each
// share was rounded and the largest took up the rest, and split again in
// those proportions the shares moved by 0.0001 (chat 0.6, review 0.1,
// agents 0.3 at 871 simple and 985 complex tokens: 0.4022, 0.067, 0.5308,
// then 0.4023, 0.067, 0.5307). The complexities' ten-thousandths come
// first, then each one's workloads' by largest remainder.
func TestCalibrateTwiceChangesNothing(t *testing.T) {
	const three = `team "t" {
  developers           = 10
  tokens_per_developer = 1e6
  cost_center          = "eng"
}

workload "chat" {
  share      = SHARE1
  complexity = "simple"
}

workload "review" {
  share      = SHARE2
  complexity = "simple"
}

workload "agents" {
  share      = SHARE3
  complexity = "complex"
}

managed {
  simple_model  = "claude-sonnet-4.6"
  complex_model = "claude-opus-4.8"
}
`
	cat := modelcatalog.Default()
	for _, tt := range []struct {
		shares          [3]string
		simple, complex float64
		want            [3]string
	}{
		{[3]string{"0.6", "0.1", "0.3"}, 871, 985, [3]string{"0.4023", "0.067", "0.5307"}},
		{[3]string{"0.2", "0.7", "0.1"}, 104, 889, [3]string{"0.0233", "0.0814", "0.8953"}},
		{[3]string{"0.7", "0.1", "0.2"}, 557, 696, [3]string{"0.3889", "0.0556", "0.5555"}},
		{[3]string{"0.5", "0.00001", "0.49999"}, 1, 1e6, [3]string{"0.0001", "0.0001", "0.9998"}},
	} {
		src := strings.NewReplacer("SHARE1", tt.shares[0], "SHARE2", tt.shares[1], "SHARE3", tt.shares[2]).Replace(three)
		res := &Result{Format: AnthropicUsage, Files: []string{"a.json"}, Period: Period{Since: "2026-11-02", Until: "2026-11-09", Days: 7},
			Tokens: &Tokens{Developers: 4, TokensPerDeveloperMonth: Quantiles{Mean: 3e6, P25: 1e6, P50: 1.5e6, P75: 2e6},
				InputShare: 0.9, Timezone: "UTC", Models: map[string]float64{"claude-sonnet-4.6": tt.simple, "claude-opus-4.8": tt.complex}, UnmappedModels: map[string]float64{}}}
		var outs [2]string
		for run := range outs {
			s, diags := spec.NewParser(cat).Parse("t.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			c, err := Calibrate("t.hcl", []byte(src), s, res, cat)
			if err != nil {
				t.Fatal(err)
			}
			outs[run], src = string(c.Output), string(c.Output)
		}
		if outs[0] != outs[1] {
			t.Errorf("%v: the second calibration changed the spec:\n%s\nto\n%s", tt.shares, outs[0], outs[1])
		}
		for _, w := range tt.want {
			if !strings.Contains(outs[0], "share      = "+w+"\n") {
				t.Errorf("%v: want a share of %s:\n%s", tt.shares, w, outs[0])
			}
		}
	}
}

// TestCalibrateKeepsTheTeamsOwnComments: calibration replaces the comment
// it wrote before the team block, and no other: a line of the team's own
// that starts "# calibrated:" elsewhere in the spec was deleted.
func TestCalibrateKeepsTheTeamsOwnComments(t *testing.T) {
	cat := modelcatalog.Default()
	note := "# calibrated: by hand from the March survey\n"
	src := strings.Replace(strings.ReplaceAll(calibrateSpec, "SIMPLE", "claude-sonnet-4.6"), `workload "agents"`, note+`workload "agents"`, 1)
	res := &Result{Format: AnthropicUsage, Files: []string{"a.json"}, Period: Period{Since: "2026-11-02", Until: "2026-11-09", Days: 7},
		Tokens: &Tokens{Developers: 4, TokensPerDeveloperMonth: Quantiles{Mean: 3e6, P25: 1e6, P50: 1.5e6, P75: 2e6},
			InputShare: 0.9, Timezone: "UTC", Models: map[string]float64{"claude-sonnet-4.6": 3, "claude-opus-4.8": 1}, UnmappedModels: map[string]float64{}}}
	for run := 1; run <= 2; run++ {
		s, diags := spec.NewParser(cat).Parse("t.hcl", []byte(src))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		c, err := Calibrate("t.hcl", []byte(src), s, res, cat)
		if err != nil {
			t.Fatal(err)
		}
		src = string(c.Output)
		if !strings.Contains(src, "\n"+note+`workload "agents"`) || strings.Count(src, "Measured by") != 1 {
			t.Errorf("run %d: want the team's note kept and one provenance comment:\n%s", run, src)
		}
	}
}

// TestCalibrateSaysTheEvidenceIsThin: a calibration from a handful of
// records, or from the usage of fewer than half the developers the spec
// plans, says so: one row calibrated a team of ten to one developer with
// nothing said.
func TestCalibrateSaysTheEvidenceIsThin(t *testing.T) {
	src, s, cat := calibrateInput(t, "claude-sonnet-4.6")
	for _, tt := range []struct {
		records    int64
		developers int
		want       []string
	}{
		{1, 1, []string{"the export holds 1 records, fewer than 100", "usage of 1 developers where the spec planned 10"}},
		{5000, 4, []string{"usage of 4 developers where the spec planned 10"}},
		{99, 5, []string{"the export holds 99 records"}},
		{100, 5, nil},
	} {
		res := &Result{Format: LiteLLMSpend, Files: []string{"spend.json"}, Records: tt.records, Period: Period{Since: "2026-11-02", Until: "2026-11-03", Days: 1},
			Tokens: &Tokens{Developers: tt.developers, TokensPerDeveloperMonth: Quantiles{Mean: 23900, P25: 23900, P50: 23900, P75: 23900},
				InputShare: 0.9, Timezone: "UTC", Models: map[string]float64{"claude-sonnet-4.6": 1, "claude-opus-4.8": 1}, UnmappedModels: map[string]float64{}}}
		c, err := Calibrate("t.hcl", src, s, res, cat)
		if err != nil {
			t.Fatal(err)
		}
		reports := strings.Join(c.Reports, "\n")
		for _, w := range tt.want {
			if !strings.Contains(reports, w) {
				t.Errorf("%d records of %d developers: reports %q lack %q", tt.records, tt.developers, c.Reports, w)
			}
		}
		if tt.want == nil && (strings.Contains(reports, "records, fewer") || strings.Contains(reports, "where the spec planned")) {
			t.Errorf("%d records of %d developers: reports %q", tt.records, tt.developers, c.Reports)
		}
	}
}
