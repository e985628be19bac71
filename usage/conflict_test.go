package usage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRepeatsThatDisagree: the same record (a report's bucket and group, a
// request id, a counter's point at one time) in two files with other
// token counts is an error in either order, naming both places; the same
// file twice is a repeat, counted once. Before, whichever file came first
// counted: an Anthropic bucket exported before its late usage arrived (100
// tokens) and after (900) gave 100 or 900 by the order of the arguments.
func TestRepeatsThatDisagree(t *testing.T) {
	dir := filepath.Join("testdata", "conflict")
	for _, tc := range []struct{ name, a, b string }{
		{"anthropic bucket", "anthropic-early.json", "anthropic-late.json"},
		{"openai bucket", "openai-early.json", "openai-late.json"},
		{"litellm request id", "litellm-a.json", "litellm-b.json"},
		{"claude code request id", "otel-ev-a.jsonl", "otel-ev-b.jsonl"},
		{"claude code cumulative point", "otel-cum-a.jsonl", "otel-cum-b.jsonl"},
		// A request id repeated with the same tokens but another
		// developer, model or time counted as whichever file came first:
		// mallory's or alice's, Opus's or GPT-5.5's, exit 0.
		{"litellm request id, another developer", "litellm-a.json", "litellm-other-user.json"},
		{"litellm request id, another model", "litellm-a.json", "litellm-other-model.json"},
		{"litellm request id, another hour", "litellm-a.json", "litellm-other-time.json"},
		{"claude code request id, another developer", "otel-ev-a.jsonl", "otel-ev-other-user.jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := filepath.Join(dir, tc.a), filepath.Join(dir, tc.b)
			for _, order := range [][]string{{a, b}, {b, a}} {
				_, err := Import(order, Options{})
				if err == nil {
					t.Fatalf("Import(%v) succeeded; want the disagreement refused", order)
				}
				for _, want := range []string{tc.a, tc.b, "disagree"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Import(%v): %v; want it to name %q", order, err, want)
					}
				}
			}
			one, err := Import([]string{a}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			twice, err := Import([]string{a, a}, Options{})
			if err != nil {
				t.Fatalf("the same file twice: %v", err)
			}
			if twice.Tokens.Totals != one.Tokens.Totals || twice.Duplicates == 0 {
				t.Errorf("the same file twice: tokens %+v, %d duplicates; want %+v and the repeats counted", twice.Tokens.Totals, twice.Duplicates, one.Tokens.Totals)
			}
		})
	}
}

// TestRepeatsThatAgree: a request exported twice, its time written
// another way (to the millisecond, without a zone) and its developer
// another way (with spaces around it), is one request.
func TestRepeatsThatAgree(t *testing.T) {
	a := filepath.Join("testdata", "conflict", "litellm-a.json")
	b := filepath.Join("testdata", "conflict", "litellm-same-request.json")
	one, err := Import([]string{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	both, err := Import([]string{a, b}, Options{})
	if err != nil {
		t.Fatalf("the same request written another way: %v", err)
	}
	if both.Tokens.Totals != one.Tokens.Totals || both.Duplicates != 1 {
		t.Errorf("the same request twice: tokens %+v, %d duplicates; want %+v and one repeat", both.Tokens.Totals, both.Duplicates, one.Tokens.Totals)
	}
}

// TestTwoGroupings: the same hours exported with two group_by settings
// (account and model; account, key and model) hold the same usage under
// keys that never match: 4,000 tokens counted as 6,000, no note. Refused
// in either order, naming both files and both groupings.
func TestTwoGroupings(t *testing.T) {
	a := filepath.Join("testdata", "conflict", "anthropic-by-account.json")
	b := filepath.Join("testdata", "conflict", "anthropic-by-account-and-key.json")
	for _, order := range [][]string{{a, b}, {b, a}} {
		_, err := Import(order, Options{})
		if err == nil {
			t.Fatalf("Import(%v) succeeded; want two groupings refused", order)
		}
		for _, want := range []string{a, b, "account_id, model", "account_id, api_key_id, model"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Import(%v): %v; want %q named", order, err, want)
			}
		}
	}
	for _, f := range []string{a, b} {
		if _, err := Import([]string{f, f}, Options{}); err != nil {
			t.Errorf("one grouping, twice: %v", err)
		}
	}
	// Two groupings in one file (cat a.json b.json) count twice as well.
	one := filepath.Join("testdata", "conflict", "anthropic-two-groupings-one-file.jsonl")
	if _, err := Import([]string{one}, Options{}); err == nil || !strings.Contains(err.Error(), "grouped by other fields") {
		t.Errorf("two groupings in one file: %v", err)
	}
	// One grouping exported twice over overlapping hours, where a group
	// field is null on some rows (a Workbench row has no API key, a key's
	// row no account): the same grouping, counted once. Compared file by
	// file, the two unions of fields differed and it was refused.
	early := filepath.Join("testdata", "conflict", "anthropic-export-0900-1200.json")
	late := filepath.Join("testdata", "conflict", "anthropic-export-1000-1200.json")
	res, err := Import([]string{early, late}, Options{})
	if err != nil {
		t.Fatalf("one grouping exported twice: %v", err)
	}
	alone, err := Import([]string{early}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tokens.Totals != alone.Tokens.Totals {
		t.Errorf("one grouping exported twice: %+v, want the first export's %+v", res.Tokens.Totals, alone.Tokens.Totals)
	}
	// The same grouping exported before and after late rows arrived: in the
	// early export an hour held only a Workbench row (no api_key_id), in the
	// later one that row and keyed rows too. The fields set in each differ,
	// but the buckets share a row: one grouping, and the later export's
	// figures (it was refused as two groupings).
	earlier := filepath.Join("testdata", "conflict", "anthropic-late-early.json")
	later := filepath.Join("testdata", "conflict", "anthropic-late-later.json")
	both, err := Import([]string{earlier, later}, Options{})
	if err != nil {
		t.Fatalf("an export and its later re-export: %v", err)
	}
	last, err := Import([]string{later}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if both.Tokens.Totals != last.Tokens.Totals {
		t.Errorf("an export and its later re-export: %+v, want the later one's %+v", both.Tokens.Totals, last.Tokens.Totals)
	}
}

// TestTwoGroupingsSharingNullRows: two groupings of the same hours whose
// rows match where the finer grouping's extra field is null (OAuth users
// have no api_key_id, the default workspace no workspace_id) were taken
// for one grouping exported twice: the API keys' usage counted in both,
// 51,000 uncached tokens for 30,000 and 27,000 for 15,000. Refused in
// either order, naming both files.
func TestTwoGroupingsSharingNullRows(t *testing.T) {
	dir := filepath.Join("testdata", "conflict")
	for _, tc := range []struct{ coarse, fine string }{
		{"anthropic-oauth-by-account.json", "anthropic-oauth-by-account-and-key.json"},
		{"anthropic-default-ws-by-key.json", "anthropic-default-ws-by-key-and-ws.json"},
	} {
		a, b := filepath.Join(dir, tc.coarse), filepath.Join(dir, tc.fine)
		for _, order := range [][]string{{a, b}, {b, a}} {
			res, err := Import(order, Options{})
			if err == nil {
				t.Errorf("Import(%v): %+v; want two groupings refused", order, res.Tokens.Totals)
				continue
			}
			for _, want := range []string{a, b, "grouped by other fields"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Import(%v): %v; want %q named", order, err, want)
				}
			}
		}
		for _, f := range []string{a, b} {
			if _, err := Import([]string{f, f}, Options{}); err != nil {
				t.Errorf("one grouping, twice: %v", err)
			}
		}
	}
}

// TestCumulativeThroughTwoCollectors: a cumulative counter whose exports
// alternate between two collectors, each adding a resource attribute of
// its own (collector.instance), is one counter: split in two by the
// collectors' attributes, each half counted its first point whole from the
// counter's start (19,000 tokens for 10,000).
func TestCumulativeThroughTwoCollectors(t *testing.T) {
	dir := filepath.Join("testdata", "conflict")
	one, err := Import([]string{filepath.Join(dir, "otel-cum-one-collector.jsonl")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	two, err := Import([]string{filepath.Join(dir, "otel-cum-collector-0.jsonl"), filepath.Join(dir, "otel-cum-collector-1.jsonl")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if two.Tokens.Totals != one.Tokens.Totals {
		t.Errorf("through two collectors %+v, through one %+v", two.Tokens.Totals, one.Tokens.Totals)
	}
}

// TestDeltaPointsWithoutSessions: delta points without a session.id
// (OTEL_METRICS_INCLUDE_SESSION_ID=false) put two sessions of one developer
// on one model in one series, where a point inside another's interval is
// dropped as a repeat; the import says so.
func TestDeltaPointsWithoutSessions(t *testing.T) {
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	line := otlpPointLine("a@x", "claude-sonnet-4-6", "output", start, start.Add(time.Minute), 100, 1)
	without := strings.Replace(line, `,{"key":"session.id","value":{"stringValue":"s-a@x"}}`, "", 1)
	if without == line {
		t.Fatal("the point has no session.id to take out")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		content string
		noted   bool
	}{{line, false}, {without, true}} {
		p := filepath.Join(dir, "m.jsonl")
		if err := os.WriteFile(p, []byte(tc.content+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Import([]string{p}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(strings.Join(res.Notes, "\n"), "carry no session.id"); got != tc.noted {
			t.Errorf("session.id taken out %v: noted %v (%q)", tc.noted, got, res.Notes)
		}
	}
}

// TestOneCounterInTwoTemporalities: one session's input counter exported
// as delta points in one file and as cumulative points in another (a
// collector's raw pipeline and its deltatocumulative one) counted 120,000
// tokens for 60,000, no note. Refused in either order naming both files;
// each file alone, or twice, reads 60,000.
func TestOneCounterInTwoTemporalities(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var delta, cumul []string
	for i := range 60 {
		from, to := start.Add(time.Duration(i)*time.Minute), start.Add(time.Duration(i+1)*time.Minute)
		delta = append(delta, otlpPointLine("a@x", "claude-sonnet-4-6", "input", from, to, 1000, 1))
		cumul = append(cumul, otlpPointLine("a@x", "claude-sonnet-4-6", "input", start, to, float64(1000*(i+1)), 2))
	}
	d, c := writeLines(t, dir, "delta.jsonl", delta), writeLines(t, dir, "cumul.jsonl", cumul)
	for _, files := range [][]string{{d}, {c}, {d, d}, {c, c}} {
		res, err := Import(files, Options{})
		if err != nil {
			t.Fatalf("%v: %v", files, err)
		}
		if got := res.Tokens.Totals.Total(); got != 60000 {
			t.Errorf("%v: %v tokens, want 60,000", files, got)
		}
	}
	for _, files := range [][]string{{d, c}, {c, d}} {
		res, err := Import(files, Options{})
		if err == nil {
			t.Fatalf("%v: %v tokens; want the two temporalities refused", files, res.Tokens.Totals.Total())
		}
		for _, w := range []string{d + ":1", c + ":1", "delta", "cumulative"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %v; want %q named", files, err, w)
			}
		}
	}
}

// TestRepeatsCountOnceInTheNotes: a report page read twice counts its
// results once in the notes as in the figures: its batch-tier results
// (left out) and the results without a service tier were counted per
// copy, 2 and 4 where 1 and 2 were read.
func TestRepeatsCountOnceInTheNotes(t *testing.T) {
	f := filepath.Join("testdata", "conflict", "anthropic-batch-tier.json")
	one, err := Import([]string{f}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Import([]string{f, f}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(twice.Notes, one.Notes) || twice.Tokens.Totals != one.Tokens.Totals || twice.Duplicates != 4 {
		t.Errorf("read twice: notes %q, %d duplicates; want the notes read once, %q, and 4 duplicates", twice.Notes, twice.Duplicates, one.Notes)
	}
	if !slices.ContainsFunc(one.Notes, func(n string) bool { return strings.HasPrefix(n, "2 records of the batch tier") }) {
		t.Errorf("no note counts the 2 batch-tier results: %q", one.Notes)
	}
	// Cut into overlapping pages, its buckets and results reversed, and
	// read in either order: the same notes and figures.
	raw, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Data []struct {
			Start   string            `json:"starting_at"`
			End     string            `json:"ending_at"`
			Results []json.RawMessage `json:"results"`
		} `json:"data"`
		HasMore bool `json:"has_more"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	first := page
	first.Data = page.Data[:1]
	all := page
	all.Data = slices.Clone(page.Data)
	slices.Reverse(all.Data)
	for i := range all.Data {
		all.Data[i].Results = slices.Clone(all.Data[i].Results)
		slices.Reverse(all.Data[i].Results)
	}
	dir := t.TempDir()
	var paths []string
	for i, p := range []any{first, all} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("page%d.json", i))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	for _, order := range [][]string{paths, {paths[1], paths[0]}} {
		cut, err := Import(order, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cut.Notes, one.Notes) || cut.Tokens.Totals != one.Tokens.Totals {
			t.Errorf("overlapping pages %v: notes %q, tokens %+v; want %q and %+v", order, cut.Notes, cut.Tokens.Totals, one.Notes, one.Tokens.Totals)
		}
	}
}
