package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// usageData is the usage package's fixtures, whose figures its tests
// compute by hand.
const usageData = "../../usage/testdata/"

// TestUsageImportGoldens pins the import's text and JSON for a fixture of
// each format. Rerun with -update after an intended change and review the
// diff of testdata/usage.
func TestUsageImportGoldens(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"otel-events", []string{usageData + "claude-code-otel/events.jsonl", usageData + "claude-code-otel/events-metrics.jsonl", "--timezone", "Europe/Berlin"}},
		{"otel-delta", []string{"--from", "claude-code-otel", usageData + "claude-code-otel/delta-a.jsonl", usageData + "claude-code-otel/delta-b.jsonl"}},
		{"otel-cumulative", []string{usageData + "claude-code-otel/cumulative.jsonl"}},
		{"anthropic", []string{usageData + "anthropic-usage/page1.json", usageData + "anthropic-usage/page2.json"}},
		{"openai", []string{usageData + "openai-usage/page1.json", usageData + "openai-usage/page1-again.json", "--since", "2026-11-02", "--until", "2026-11-04"}},
		{"litellm-csv", []string{"--from", "litellm-spend", usageData + "litellm-spend/logs.csv"}},
		{"vllm", []string{usageData + "vllm-metrics/stamped-1.prom", usageData + "vllm-metrics/stamped-2.prom", usageData + "vllm-metrics/stamped-3.prom"}},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			name := tt.golden + "." + map[string]string{"text": "txt", "json": "json"}[format]
			t.Run(name, func(t *testing.T) {
				code, stdout, stderr := runCLI(append([]string{"usage", "import", "--format", format}, tt.args...)...)
				if code != 0 {
					t.Fatalf("exit %d\nstderr: %s", code, stderr)
				}
				golden(t, filepath.Join("testdata", "usage", name), stdout)
			})
		}
	}
}

// TestUsageImportContract reads the JSON keys the contract names.
func TestUsageImportContract(t *testing.T) {
	code, stdout, stderr := runCLI("usage", "import", "--format", "json", usageData+"litellm-spend/logs.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "as litellm-spend (detected") {
		t.Errorf("stderr does not say which format was detected: %q", stderr)
	}
	var got struct {
		Developers int `json:"developers"`
		Period     struct {
			Since, Until string
			Days         float64
		} `json:"period"`
		TokensPerDeveloperMonth struct{ Mean, P25, P50, P75 float64 } `json:"tokens_per_developer_month"`
		InputShare              *float64                              `json:"input_share"`
		CachedInputShare        *float64                              `json:"cached_input_share"`
		CacheWriteShare         *float64                              `json:"cache_write_share"`
		PeakToAverage           *float64                              `json:"peak_to_average"`
		Models                  map[string]float64                    `json:"models"`
		UnmappedModels          map[string]float64                    `json:"unmapped_models"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Developers != 3 || got.Period.Since != "2026-11-02" || got.Period.Until != "2026-11-03" || got.Period.Days != 1 {
		t.Errorf("developers %d period %+v", got.Developers, got.Period)
	}
	if got.InputShare == nil || got.CachedInputShare == nil || got.CacheWriteShare == nil || got.PeakToAverage == nil {
		t.Errorf("a share or the peak is missing: %s", stdout)
	}
	if q := got.TokensPerDeveloperMonth; !(q.P25 <= q.P50 && q.P50 <= q.P75 && q.Mean > 0) {
		t.Errorf("tokens per developer-month %+v", q)
	}
	if got.Models["claude-sonnet-4.6"] == 0 || got.UnmappedModels == nil {
		t.Errorf("models %v unmapped %v", got.Models, got.UnmappedModels)
	}
}

func TestUsageImportErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	good := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1793614500000000000","attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"user.id","value":{"stringValue":"u"}},{"key":"input_tokens","value":{"intValue":"10"}}]}]}]}]}`
	if err := os.WriteFile(bad, []byte(good+"\n{broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{"no file", []string{"usage", "import"}, 2, "", "requires at least 1 arg"},
		{"missing file", []string{"usage", "import", "testdata/usage/nope.json"}, 2, "", "nope.json"},
		{"unknown format", []string{"usage", "import", "--from", "csv", usageData + "litellm-spend/logs.csv"}, 2, "", `unknown format "csv"`},
		{"format mismatch", []string{"usage", "import", "--from", "anthropic-usage", usageData + "openai-usage/page1.json"}, 2, "", "page1.json:1: bucket 1: a time bucket needs starting_at and ending_at"},
		{"bad output format", []string{"usage", "import", "-f", "yaml", usageData + "litellm-spend/logs.csv"}, 2, "", "unknown format"},
		{"bad since", []string{"usage", "import", "--since", "1/11/2026", usageData + "litellm-spend/logs.csv"}, 2, "", "--since"},
		{"until before since", []string{"usage", "import", "--since", "2026-11-03", "--until", "2026-11-02", usageData + "litellm-spend/logs.csv"}, 2, "", "the period is empty"},
		{"bad timezone", []string{"usage", "import", "--timezone", "Mars/Olympus", usageData + "litellm-spend/logs.csv"}, 2, "", "--timezone"},
		{"bad interval", []string{"usage", "import", "--interval", "soon", usageData + "vllm-metrics/plain-1.prom"}, 2, "", "--interval"},
		// A scrape interval below a second reads counters' growth as
		// thousands of times the rate (1ns: 1.8e13 tok/s).
		{"interval below a second", []string{"usage", "import", "--interval", "1ns", usageData + "vllm-metrics/plain-1.prom"}, 2, "", "from 1s to 24h"},
		{"interval above a day", []string{"usage", "import", "--interval", "25h", usageData + "vllm-metrics/plain-1.prom"}, 2, "", "from 1s to 24h"},
		{"no usage in the period", []string{"usage", "import", "--since", "2026-12-01", usageData + "litellm-spend/logs.csv"}, 2, "", "no usage"},
		{"malformed line", []string{"usage", "import", bad}, 2, "", bad + ":2: not an OTLP JSON line"},
		{"skip invalid", []string{"usage", "import", "--skip-invalid", bad}, 0, "1 malformed skipped", ""},
		{"undetectable", []string{"usage", "import", "../../examples/startup-10.hcl"}, 2, "", "cannot tell the format"},
	})
}

// TestUsageCalibrate rewrites the enterprise example from the Claude Code
// events fixture: the figures its hand-computed import gives, the comments
// kept, the layout costgate fmt's, and a second calibration with the same
// data changes nothing.
func TestUsageCalibrate(t *testing.T) {
	events := usageData + "claude-code-otel/events.jsonl"
	code, stdout, stderr := runCLI("usage", "calibrate", "../../examples/enterprise-hybrid.hcl", events)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, filepath.Join("testdata", "usage", "calibrate-enterprise.hcl"), stdout)
	for _, w := range []string{
		"team.developers: 1000 → 2",
		"team.tokens_per_developer: [10000000, 20000000] → [24370, 27770]",
		// sonnet-4.6 served 2000 of the two models' 2300 tokens: the simple
		// workloads' 0.6 and 0.1 become 0.6/0.7 and 0.1/0.7 of 2000/2300.
		"workload.autocomplete.share: 0.6 → 0.7454",
		"workload.tests.share: 0.1 → 0.1242",
		"workload.architecture.share: 0.3 → 0.1304",
		"note: models the spec does not name, left out of the workload shares: claude-sonnet-5",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	for _, keep := range []string{"# A 1,000-developer enterprise", "rework_hours   = 0.02 # a rejected completion costs about a minute", "# calibrated: Measured by `costgate usage calibrate` from claude-code-otel"} {
		if !strings.Contains(stdout, keep) {
			t.Errorf("output lacks %q", keep)
		}
	}
	// --write, then calibrate the written spec again: same bytes.
	path := filepath.Join(t.TempDir(), "team.hcl")
	src, _ := os.ReadFile("../../examples/enterprise-hybrid.hcl")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if code, out, errs := runCLI("usage", "calibrate", path, events, "--write"); code != 0 || out != "" {
			t.Fatalf("--write: exit %d, stdout %q, stderr %s", code, out, errs)
		}
		got, _ := os.ReadFile(path)
		if string(got) != stdout {
			t.Fatalf("calibration %d in place differs from the printed one", i+1)
		}
	}
	if code, out, errs := runCLI("fmt", "--check", path); code != 0 {
		t.Errorf("calibrated spec is not formatted: %s %s", out, errs)
	}
	if code, _, errs := runCLI("validate", path); code != 0 {
		t.Errorf("calibrated spec does not validate: %s", errs)
	}
}

func TestUsageCalibrateErrors(t *testing.T) {
	runCases(t, []cliCase{
		{"one argument", []string{"usage", "calibrate", "../../examples/enterprise-hybrid.hcl"}, 2, "", "requires at least 2 arg"},
		{"invalid spec", []string{"usage", "calibrate", "testdata/invalid.hcl", usageData + "litellm-spend/logs.csv"}, 2, "", "testdata/invalid.hcl:2:"},
		{"fleet metrics", []string{"usage", "calibrate", "../../examples/enterprise-hybrid.hcl", usageData + "vllm-metrics/stamped-1.prom", usageData + "vllm-metrics/stamped-2.prom"}, 2, "", "vllm-metrics has no per-developer tokens"},
		{"no usage", []string{"usage", "calibrate", "../../examples/enterprise-hybrid.hcl", usageData + "litellm-spend/logs.csv", "--since", "2027-01-01"}, 2, "", "no usage"},
	})
}

// TestUsageImportStdin: "-" reads standard input.
func TestUsageImportStdin(t *testing.T) {
	f, err := os.Open(usageData + "litellm-spend/logs.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()
	code, stdout, stderr := runCLI("usage", "import", "-")
	if code != 0 || !strings.Contains(stdout, "litellm-spend (detected), 1 file(s)") || !strings.Contains(stdout, "DEVELOPERS  3") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}
