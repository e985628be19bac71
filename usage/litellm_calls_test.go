package usage

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLiteLLMNonChatCalls: an editor embedding the repository through the
// same proxy every morning (call_type aembedding, 2M tokens) counted as
// coding tokens: twelve times the tokens a developer and a peak of 91.
// Calls that are no chat or completion are left out, and the notes count
// them.
func TestLiteLLMNonChatCalls(t *testing.T) {
	rows := `[
 {"request_id": "c1", "startTime": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 1000, "completion_tokens": 100, "call_type": "acompletion"},
 {"request_id": "c2", "startTime": "2026-11-02T11:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 1000, "completion_tokens": 100, "call_type": "anthropic_messages"},
 {"request_id": "e1", "startTime": "2026-11-02T08:00:00Z", "model": "text-embedding-3-large", "user": "alice", "prompt_tokens": 2000000, "completion_tokens": 0, "call_type": "aembedding"},
 {"request_id": "e2", "startTime": "2026-11-02T08:01:00Z", "model": "text-embedding-3-large", "user": "bob", "prompt_tokens": 2000000, "completion_tokens": 0, "call_type": "embedding"},
 {"request_id": "i1", "startTime": "2026-11-02T09:00:00Z", "model": "gpt-image-1", "user": "bob", "prompt_tokens": 50, "completion_tokens": 4000, "call_type": "image_generation"}
]`
	res, err := Import([]string{writeTemp(t, "spend.json", rows)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok := res.Tokens
	if tok.Developers != 1 || tok.Totals.Total() != 2200 || tok.Totals.Uncached != 2000 {
		t.Errorf("developers %d, tokens %+v: want alice's two chat calls only (2,200)", tok.Developers, tok.Totals)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"1 rows were aembedding calls", "1 rows were embedding calls", "1 rows were image_generation calls"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestLiteLLMFileReadOneWay: one proxy writes prompt_tokens one way. A
// row whose cache exceeds its prompt_tokens shows an older LiteLLM that
// leaves cache writes out; a row of the same file whose cache fits was
// read the current way and lost its writes from the uncached input
// (15,008 instead of 20,008). Order in the file does not matter.
func TestLiteLLMFileReadOneWay(t *testing.T) {
	older := `{"request_id": "r1", "startTime": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 118251, "completion_tokens": 10, "metadata": {"additional_usage_values": {"cache_read_input_tokens": 118243, "cache_creation_input_tokens": 9254}}}`
	fits := `{"request_id": "r2", "startTime": "2026-11-02T11:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 70000, "completion_tokens": 10, "metadata": {"additional_usage_values": {"cache_read_input_tokens": 50000, "cache_creation_input_tokens": 5000}}}`
	for name, body := range map[string]string{"older first": "[" + older + ",\n" + fits + "]", "older last": "[" + fits + ",\n" + older + "]"} {
		t.Run(name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, "spend.json", body)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tokens.Totals.Uncached; got != 20008 {
				t.Errorf("uncached %v, want 20,008 (8 + 20,000: both rows read as the older LiteLLM writes them)", got)
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), "and so is that of the 1 other rows with cache writes the spend logs hold") {
				t.Errorf("notes: %q", res.Notes)
			}
		})
	}
	// Alone, the fitting row is read the current way.
	res, err := Import([]string{writeTemp(t, "spend.json", "["+fits+"]")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tokens.Totals.Uncached; got != 15000 {
		t.Errorf("uncached %v, want 15,000", got)
	}
}

// TestLiteLLMDataSetReadOneWay: the files of one import are one proxy's
// rows, read one way whatever their cut and order. Read file by file, the
// fitting row lost its writes from the uncached input when it sat in
// another page than the older row (15,008), or when the page that held
// both was read after another page holding it (a duplicate, so never
// amended): 20,008 or 15,008 by the order of the arguments, exit 0.
func TestLiteLLMDataSetReadOneWay(t *testing.T) {
	older := `{"request_id": "r1", "startTime": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 118251, "completion_tokens": 10, "metadata": {"additional_usage_values": {"cache_read_input_tokens": 118243, "cache_creation_input_tokens": 9254}}}`
	fits := `{"request_id": "r2", "startTime": "2026-11-02T11:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 70000, "completion_tokens": 10, "metadata": {"additional_usage_values": {"cache_read_input_tokens": 50000, "cache_creation_input_tokens": 5000}}}`
	for _, c := range []struct {
		name  string
		files []string
	}{
		{"split, older first", []string{older, fits}},
		{"split, older last", []string{fits, older}},
		{"overlapping pages, both first", []string{older + "\n" + fits, fits}},
		{"overlapping pages, both last", []string{fits, older + "\n" + fits}},
		{"the older row twice", []string{older + "\n" + fits, older}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var paths []string
			for i, body := range c.files {
				paths = append(paths, writeTemp(t, fmt.Sprintf("spend-%d.jsonl", i), body+"\n"))
			}
			res, err := Import(paths, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tokens.Totals.Uncached; got != 20008 {
				t.Errorf("uncached %v, want 20,008 (8 + 20,000: both rows read as the older LiteLLM writes them)", got)
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), "1 rows had prompt_tokens below cache reads plus cache writes") {
				t.Errorf("notes: %q", res.Notes)
			}
		})
	}
}

// TestLiteLLMCSVCallTypes: the CSV export (\copy ... CSV HEADER) carries
// call_type as JSON does; its reader left it out, and an editor's
// embeddings counted as coding tokens there. A file without the column
// says that it cannot tell them apart.
func TestLiteLLMCSVCallTypes(t *testing.T) {
	csv := "request_id,startTime,model,user,prompt_tokens,completion_tokens,call_type\n" +
		"c1,2026-11-02T10:00:00Z,claude-sonnet-4.6,alice,1000,100,acompletion\n" +
		"e1,2026-11-02T08:00:00Z,text-embedding-3-large,alice,2000000,0,aembedding\n"
	res, err := Import([]string{writeTemp(t, "spend.csv", csv)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tokens.Totals.Total(); got != 1100 {
		t.Errorf("tokens %v, want the chat call's 1,100", got)
	}
	untyped := "request_id,startTime,model,user,prompt_tokens,completion_tokens\n" +
		"c1,2026-11-02T10:00:00Z,claude-sonnet-4.6,alice,1000,100\n"
	res, err = Import([]string{writeTemp(t, "spend.csv", untyped)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "carry no call_type") {
		t.Errorf("notes %q: want the missing call_type said", res.Notes)
	}
}

// TestLiteLLMWriteLifetimes: LiteLLM passes on Anthropic's split of the
// cache writes by lifetime (prompt_tokens_details.cache_creation_token_details,
// or usage_object.cache_creation); they were read as writes of the spec's
// lifetime, 26 % low on a team writing for an hour.
func TestLiteLLMWriteLifetimes(t *testing.T) {
	rows := `[
 {"request_id": "r1", "startTime": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 100000, "completion_tokens": 100, "call_type": "acompletion",
  "metadata": {"additional_usage_values": {"cache_read_input_tokens": 80000, "cache_creation_input_tokens": 19992, "prompt_tokens_details": {"text_tokens": 8, "cached_tokens": 80000, "cache_creation_token_details": {"ephemeral_1h_input_tokens": 19992, "ephemeral_5m_input_tokens": 0}}}}},
 {"request_id": "r2", "startTime": "2026-11-02T11:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 100000, "completion_tokens": 100, "call_type": "acompletion",
  "metadata": {"usage_object": {"cache_read_input_tokens": 80000, "cache_creation_input_tokens": 19992, "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 19992}}}}
]`
	res, err := Import([]string{writeTemp(t, "spend.json", rows)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok := res.Tokens
	month := 730.0 * 5 / 7 / 24 // a weekday's, a month's weekdays
	if h, w := tok.ModelCacheWrite1h["claude-sonnet-4.6"], tok.ModelBuckets["claude-sonnet-4.6"].CacheWrite; h != math.Round(19992*month) || w != math.Round(2*19992*month) {
		t.Errorf("1h writes %v of %v: want one row's of two", h, w)
	}
}

// TestLiteLLMFailedRequests: LiteLLM logs failed requests (a 429 retry
// storm) with estimated prompt tokens; they counted as served load (a
// peak of 13). They are left out, and the notes count them.
func TestLiteLLMFailedRequests(t *testing.T) {
	rows := `[
 {"request_id": "ok1", "startTime": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 1000, "completion_tokens": 100, "call_type": "acompletion", "status": "success"},
 {"request_id": "f1", "startTime": "2026-11-02T11:00:00Z", "model": "claude-sonnet-4.6", "user": "alice", "prompt_tokens": 90000, "completion_tokens": 0, "call_type": "acompletion", "status": "failure"}
]`
	res, err := Import([]string{writeTemp(t, "spend.json", rows)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Tokens.Totals.Total(); got != 1100 || !strings.Contains(strings.Join(res.Notes, "\n"), "1 rows were failed requests") {
		t.Errorf("tokens %v, notes %q: want the served request's 1,100 and the failure noted", got, res.Notes)
	}
}

// TestLiteLLMRowsWithoutTokens: a counted row with no token at all (a
// stream cut off, a provider whose usage LiteLLM did not capture) has an
// unknown usage, not none: a few are noted, and a file where they are
// more than a quarter of the rows is refused (half the developers of one
// vanished, and its totals halved, with exit 0).
func TestLiteLLMRowsWithoutTokens(t *testing.T) {
	rows := func(empty int) string {
		var b []string
		for i := range 8 {
			p, c := 1000, 100
			if i < empty {
				p, c = 0, 0
			}
			b = append(b, fmt.Sprintf(`{"request_id":"r%d","startTime":"2026-11-02T1%d:00:00Z","model":"claude-sonnet-4.6","user":"dev%d","prompt_tokens":%d,"completion_tokens":%d,"spend":0.0114,"call_type":"acompletion"}`, i, i, i, p, c))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	res, err := Import([]string{writeTemp(t, "one.json", rows(1))}, Options{})
	if err != nil || !strings.Contains(strings.Join(res.Notes, "\n"), "1 of 8 counted rows carry no token at all") {
		t.Errorf("one empty row: err %v, notes %v", err, res)
	}
	if _, err := Import([]string{writeTemp(t, "three.json", rows(3))}, Options{}); err == nil || !strings.Contains(err.Error(), "3 of its 8 counted rows carry no token at all") {
		t.Errorf("three empty rows of eight: err %v, want a refusal", err)
	}
}
