package usage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// otlpEvent and otlpPoint write one api_request event and one delta
// token.usage point of a developer at t, as a collector's file exporter
// writes them.
func otlpEvent(dev, id string, t time.Time) string {
	return fmt.Sprintf(`{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"scope":{"name":"com.anthropic.claude_code"},"logRecords":[{"timeUnixNano":"%d","body":{"stringValue":"claude_code.api_request"},"attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"model","value":{"stringValue":"claude-sonnet-4-6"}},{"key":"input_tokens","value":{"intValue":"100"}},{"key":"output_tokens","value":{"intValue":"50"}},{"key":"user.email","value":{"stringValue":"%s"}},{"key":"request_id","value":{"stringValue":"%s"}}]}]}]}]}`, t.UnixNano(), dev, id)
}

func otlpUsagePoint(dev string, t time.Time) string {
	return fmt.Sprintf(`{"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"scope":{"name":"com.anthropic.claude_code"},"metrics":[{"name":"claude_code.token.usage","sum":{"dataPoints":[{"attributes":[{"key":"type","value":{"stringValue":"input"}},{"key":"model","value":{"stringValue":"claude-sonnet-4-6"}},{"key":"session.id","value":{"stringValue":"s-%s"}},{"key":"user.email","value":{"stringValue":"%s"}}],"startTimeUnixNano":"%d","timeUnixNano":"%d","asInt":"100"}],"aggregationTemporality":1,"isMonotonic":true}}]}]}]}`, dev, dev, t.Add(-time.Minute).UnixNano(), t.UnixNano())
}

// TestEventsCoverTheMetrics: events and metrics count the same requests
// only where both were exported. Alice's machine exported both, Bob's the
// metrics only: the events alone counted one developer of two, and the
// note said the metrics' points were the events' requests. Files whose
// metrics reach a developer or an hour no event covers are refused; where
// the events cover them, the events count.
func TestEventsCoverTheMetrics(t *testing.T) {
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var both, bobToo, laterLogs []string
	for h := range 8 {
		at := day.Add(time.Duration(h) * time.Hour)
		both = append(both, otlpEvent("alice@x.com", fmt.Sprint("a", h), at), otlpUsagePoint("alice@x.com", at))
		bobToo = append(bobToo, otlpEvent("alice@x.com", fmt.Sprint("a", h), at), otlpUsagePoint("alice@x.com", at), otlpUsagePoint("bob@x.com", at))
		if h >= 6 {
			laterLogs = append(laterLogs, otlpEvent("alice@x.com", fmt.Sprint("a", h), at))
		}
		laterLogs = append(laterLogs, otlpUsagePoint("alice@x.com", at))
	}
	res, err := Import([]string{writeTemp(t, "both.jsonl", strings.Join(both, "\n")+"\n")}, Options{})
	if err != nil {
		t.Fatalf("events and metrics of the same requests: %v", err)
	}
	if res.Source != SourceEvents || res.Tokens.Developers != 1 || res.Tokens.Totals.Uncached != 800 {
		t.Errorf("source %q, %d developers, %+v: want the events, 8 × 100 input", res.Source, res.Tokens.Developers, res.Tokens.Totals)
	}
	// Events on Monday and Friday only, metrics all week (the logs
	// pipeline down midweek); and a second machine of Alice's that sends
	// metrics and no logs, on the same days and hours.
	var gap, second []string
	for d := range 5 {
		for h := range 8 {
			at := day.Add(time.Duration(24*d+h) * time.Hour)
			if d == 0 || d == 4 {
				gap = append(gap, otlpEvent("alice@x.com", fmt.Sprint("g", d, h), at))
			}
			gap = append(gap, otlpUsagePoint("alice@x.com", at))
			second = append(second, otlpEvent("alice@x.com", fmt.Sprint("m", d, h), at), otlpUsagePoint("alice@x.com", at),
				strings.Replace(otlpUsagePoint("alice@x.com", at.Add(time.Minute)), `"s-alice@x.com"`, `"s2-alice@x.com"`, 1))
		}
	}
	for name, lines := range map[string][]string{"a machine without logs": bobToo, "logs switched on later": laterLogs,
		"logs missing midweek": gap, "a second machine without logs": second} {
		_, err := Import([]string{writeTemp(t, "x.jsonl", strings.Join(lines, "\n")+"\n")}, Options{})
		if err == nil || !strings.Contains(err.Error(), "the metrics reach further") {
			t.Errorf("%s: %v, want a refusal naming what the events do not cover", name, err)
		}
	}
}

// TestOneInstallOnePerson: records of one install (user.id) carry the
// login's email in the morning and none in the afternoon (an API key):
// they counted as two developers, halving the tokens per developer. An
// install seen with two people's emails stays two.
func TestOneInstallOnePerson(t *testing.T) {
	event := func(email, install, id string, at time.Time) string {
		attrs := fmt.Sprintf(`{"key":"user.id","value":{"stringValue":"%s"}}`, install)
		if email != "" {
			attrs += fmt.Sprintf(`,{"key":"user.email","value":{"stringValue":"%s"}}`, email)
		}
		return fmt.Sprintf(`{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"scope":{"name":"com.anthropic.claude_code"},"logRecords":[{"timeUnixNano":"%d","body":{"stringValue":"claude_code.api_request"},"attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"model","value":{"stringValue":"claude-sonnet-4-6"}},{"key":"input_tokens","value":{"intValue":"100"}},{"key":"output_tokens","value":{"intValue":"50"}},{"key":"request_id","value":{"stringValue":"%s"}},%s]}]}]}]}`, at.UnixNano(), id, attrs)
	}
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var one, shared []string
	for h := range 8 {
		at := day.Add(time.Duration(h) * time.Hour)
		email := "alice@x.com"
		if h >= 4 {
			email = ""
		}
		one = append(one, event(email, "anon-a", fmt.Sprint("r", h), at))
		who := []string{"alice@x.com", "bob@x.com", ""}[h%3]
		shared = append(shared, event(who, "anon-shared", fmt.Sprint("s", h), at))
	}
	res, err := Import([]string{writeTemp(t, "one.jsonl", strings.Join(one, "\n")+"\n")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tokens.Developers != 1 {
		t.Errorf("one install, one person: %d developers", res.Tokens.Developers)
	}
	res, err = Import([]string{writeTemp(t, "shared.jsonl", strings.Join(shared, "\n")+"\n")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tokens.Developers != 3 {
		t.Errorf("an install two people used: %d developers, want alice, bob and the install apart", res.Tokens.Developers)
	}
}

// TestLastRequestBeforeMidnight: a developer's last request of the week
// at 23:59:50, exported at 00:00:40, is a metric point whose interval's
// middle falls on Saturday, a day with no event: a complete export was
// refused as missing that day's events.
func TestLastRequestBeforeMidnight(t *testing.T) {
	fri := time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)
	var lines []string
	for h := range 8 {
		at := fri.Add(time.Duration(h) * time.Hour)
		lines = append(lines, otlpEvent("alice@x.com", fmt.Sprint("a", h), at), otlpUsagePoint("alice@x.com", at))
	}
	late := time.Date(2026, 11, 6, 23, 59, 50, 0, time.UTC)
	lines = append(lines, otlpEvent("alice@x.com", "late", late),
		strings.Replace(otlpUsagePoint("alice@x.com", late.Add(50*time.Second)), fmt.Sprint(late.Add(50*time.Second-time.Minute).UnixNano()), fmt.Sprint(late.Add(-10*time.Second).UnixNano()), 1))
	if _, err := Import([]string{writeTemp(t, "fri.jsonl", strings.Join(lines, "\n")+"\n")}, Options{}); err != nil {
		t.Errorf("a complete export refused: %v", err)
	}
}

// TestAnonymousInstallsAreNoDevelopers: where the developers' records
// carry emails, an install that never sends one (Claude Code in CI, a new
// user.id each run) is no developer: 60 runs were 60 developers beside
// the team's 10. Where no record names a person, each install is one.
func TestAnonymousInstallsAreNoDevelopers(t *testing.T) {
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	anon := func(id string, n int) string {
		e := otlpEvent("EMAIL", fmt.Sprintf("%s-%d", id, n), day.Add(time.Duration(n)*time.Minute))
		return strings.Replace(e, `{"key":"user.email","value":{"stringValue":"EMAIL"}}`, `{"key":"user.id","value":{"stringValue":"`+id+`"}}`, 1)
	}
	var mixed, bare []string
	for i := range 3 {
		mixed = append(mixed, otlpEvent(fmt.Sprintf("dev%d@acme.example", i), fmt.Sprintf("d%d", i), day.Add(time.Duration(i)*time.Hour)))
	}
	for r := range 5 {
		mixed = append(mixed, anon(fmt.Sprintf("ci-run-%d", r), r))
		bare = append(bare, anon(fmt.Sprintf("install-%d", r), r))
	}
	for _, tc := range []struct {
		name  string
		lines []string
		devs  int
		note  string
	}{
		{"emails and anonymous installs", mixed, 3, "5 installs (user.id) never sent an email or account id"},
		{"installs alone", bare, 5, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, "events.jsonl", strings.Join(tc.lines, "\n"))}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(res.Notes, "\n")
			if res.Tokens.Developers != tc.devs || res.Tokens.Totals.Total() != float64(150*len(tc.lines)) ||
				tc.note != "" && !strings.Contains(notes, tc.note) || tc.note == "" && strings.Contains(notes, "never sent") {
				t.Errorf("%d developers, %v tokens, notes %q: want %d developers, every token", res.Tokens.Developers, res.Tokens.Totals.Total(), res.Notes, tc.devs)
			}
		})
	}
}
