package usage

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/costgate/costgate/units"
)

// LiteLLM's spend logs: rows of the LiteLLM_SpendLogs table, one a
// request, as JSON (an array of rows from /spend/logs, pages of
// /spend/logs/ui or /spend/logs/v2 with a "data" array, or one row a line)
// or as CSV with a header row. prompt_tokens includes the cache for
// Anthropic and OpenAI models alike; the cache counts are in the metadata
// column's additional_usage_values.

type litellmRow struct {
	RequestID        str          `json:"request_id"`
	StartTime        stamp        `json:"startTime"`
	Model            str          `json:"model"`
	ModelGroup       str          `json:"model_group"`
	User             str          `json:"user"`
	EndUser          str          `json:"end_user"`
	APIKey           str          `json:"api_key"`
	PromptTokens     count        `json:"prompt_tokens"`
	CompletionTokens count        `json:"completion_tokens"`
	CacheHit         str          `json:"cache_hit"`
	CallType         str          `json:"call_type"`
	Status           str          `json:"status"`
	Metadata         litellmMetaF `json:"metadata"`
}

// litellmMetaF is the metadata column: an object, or a string holding one
// (a CSV export, a JSON column exported as text).
type litellmMetaF struct{ litellmMeta }

type litellmMeta struct {
	AdditionalUsageValues *litellmUsage `json:"additional_usage_values"`
	UsageObject           *litellmUsage `json:"usage_object"`
}

type litellmUsage struct {
	CacheReadInputTokens     count `json:"cache_read_input_tokens"`
	CacheCreationInputTokens count `json:"cache_creation_input_tokens"`
	// CacheCreation is Anthropic's split of the writes by lifetime, as
	// LiteLLM passes it on.
	CacheCreation       *cacheLifetimes `json:"cache_creation"`
	PromptTokensDetails *struct {
		CachedTokens        count `json:"cached_tokens"`
		CacheCreationTokens count `json:"cache_creation_tokens"`
		TextTokens          count `json:"text_tokens"`
		// CacheCreationTokenDetails is the same split under LiteLLM's
		// own name.
		CacheCreationTokenDetails *cacheLifetimes `json:"cache_creation_token_details"`
	} `json:"prompt_tokens_details"`
}

// cacheLifetimes are cache writes by the lifetime bought.
type cacheLifetimes struct {
	Ephemeral1h count `json:"ephemeral_1h_input_tokens"`
	Ephemeral5m count `json:"ephemeral_5m_input_tokens"`
}

// lifetimes is the first split of the writes by lifetime a row's usage
// gives; nil when none does.
func lifetimes(us ...*litellmUsage) *cacheLifetimes {
	for _, u := range us {
		if u == nil {
			continue
		}
		for _, c := range []*cacheLifetimes{u.CacheCreation, detailsLifetimes(u)} {
			if c != nil && (c.Ephemeral1h.Set || c.Ephemeral5m.Set) {
				return c
			}
		}
	}
	return nil
}

func detailsLifetimes(u *litellmUsage) *cacheLifetimes {
	if u.PromptTokensDetails == nil {
		return nil
	}
	return u.PromptTokensDetails.CacheCreationTokenDetails
}

func (m *litellmMetaF) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return valueError{"metadata is not a JSON string"}
		}
		if strings.TrimSpace(s) == "" {
			return nil
		}
		b = []byte(s)
	}
	if err := json.Unmarshal(b, &m.litellmMeta); err != nil {
		return valueError{"metadata is not a JSON object: " + jsonErrText(err)}
	}
	return nil
}

// uiPages are the pages of /spend/logs/ui (/spend/logs/v2) the files
// hold, by number, from each page's "page" and "total_pages": a page set
// with one missing would count a part of the rows as the whole. (Pages of
// two queries, two windows fetched apart, are not told apart: a page of
// one stands in for the same page of the other.)
type uiPages struct {
	in    *inputs
	total int
	// seen names the file holding each page.
	seen map[int]string
}

// add records a page; the fields are the page object's other than data,
// rows how many rows its data held.
func (u *uiPages) add(f *file, line, rows int, fields map[string]json.RawMessage) error {
	var page, total int
	if fields["page"] == nil || fields["total_pages"] == nil || json.Unmarshal(fields["page"], &page) != nil || json.Unmarshal(fields["total_pages"], &total) != nil {
		return nil // not a numbered page: nothing to check
	}
	switch {
	case rows == 0 && (total == 0 || page > total):
		// An empty window (LiteLLM says total_pages 0), or a page asked
		// past the last (the rows shifted while paging): no rows to count.
		return nil
	case page < 1 || page > total:
		return f.invalid(line, "spend logs page %d of %d holds %d rows: a page number runs from 1 to total_pages", page, total, rows)
	}
	u.total = max(u.total, total)
	if u.seen == nil {
		u.seen = map[int]string{}
	}
	if _, ok := u.seen[page]; !ok {
		u.seen[page] = f.name
	}
	return nil
}

// check finds the pages missing from 1 to the largest total_pages.
func (u *uiPages) check() error {
	if u.total == 0 {
		return nil
	}
	var missing, files []string
	for p := 1; p <= u.total; p++ {
		name, ok := u.seen[p]
		if !ok {
			missing = append(missing, strconv.Itoa(p))
		} else if !slices.Contains(files, name) {
			files = append(files, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	what := fmt.Sprintf("the spend log pages say total_pages %d, and page %s is not among the files: its rows are missing", u.total, missing[0])
	if len(missing) > 1 {
		what = fmt.Sprintf("the spend log pages say total_pages %d, and pages %s are not among the files: their rows are missing", u.total, units.AndList(missing))
	}
	if !u.in.opts.AllowGaps {
		return &RecordError{File: strings.Join(files, ", "), Msg: what + "; or read on with --allow-gaps"}
	}
	u.in.res.Gaps = append(u.in.res.Gaps, strings.Join(files, ", ")+": "+what)
	return nil
}

// litellmSet is what an import's LiteLLM files share: their UI pages,
// and one reading of prompt_tokens for all their rows. One proxy writes
// one way, and a row whose cache exceeds its prompt_tokens shows an
// older LiteLLM that leaves cache writes out; read per file, the same
// rows split across pages, or a request in two overlapping pages, read
// one way or the other by the files' order and cut.
type litellmSet struct {
	ui  *uiPages
	agg *aggregate
	// older counts the rows counted whose cache exceeds their prompt.
	older int64
	// split sums the cache writes of the rows whose prompt_tokens may or
	// may not include them (no text_tokens, room for both readings),
	// counted as the current LiteLLM writes them: once every file is read
	// they are added to the uncached input where some row shows an older
	// LiteLLM, which leaves them out. Keyed by the quarter hour (every
	// zone's hours start on one), developer and model.
	split     map[splitKey]float64
	splitRows int64
}

func newLiteLLMSet(in *inputs, agg *aggregate) *litellmSet {
	return &litellmSet{ui: &uiPages{in: in}, agg: agg, split: map[splitKey]float64{}}
}

// check checks the UI pages and reads the split rows as the files' other
// rows say their LiteLLM writes them.
func (s *litellmSet) check() error {
	if err := s.ui.check(); err != nil {
		return err
	}
	if s.older == 0 {
		return nil
	}
	for _, k := range slices.SortedFunc(maps.Keys(s.split), func(a, b splitKey) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.dev, b.dev), strings.Compare(a.model, b.model))
	}) {
		s.agg.amend(record{Start: k.at, Developer: k.dev, Model: k.model, Tokens: Buckets{Uncached: s.split[k]}})
	}
	s.ui.in.res.Notes = append(s.ui.in.res.Notes, fmt.Sprintf("%d rows had prompt_tokens below cache reads plus cache writes (an older LiteLLM that left cache writes out of prompt_tokens): their uncached input is prompt_tokens less cache reads, and so is that of the %d other rows with cache writes the spend logs hold (one proxy writes one way: every file of the import is read alike)", s.older, s.splitRows))
	return nil
}

// litellmReader counts one file's rows into an aggregation.
type litellmReader struct {
	set       *litellmSet
	agg       *aggregate
	cacheHits int64
	// others counts the rows of calls that are no chat (embeddings,
	// images, ...), by call_type: not the team's coding tokens.
	others map[string]int64
	// untyped counts the rows counted with no call_type to tell.
	untyped int64
	// failed counts the rows of failed requests (status failure).
	failed int64
	// counted counts the rows counted; empty those of them with no token
	// at all (a stream cut off, a provider whose usage LiteLLM did not
	// capture): their usage is unknown, not none.
	counted, empty int64
}

type splitKey struct {
	at         time.Time
	dev, model string
}

// nonChatCalls are the call_type prefixes of LiteLLM calls that are no
// chat or completion (each also comes as "a"+name, its async form):
// their tokens are not coding tokens and their bursts no coding peak
// (an editor embedding the repository every morning).
var nonChatCalls = []string{"embedding", "image", "moderation", "transcription", "speech", "rerank", "ocr", "create_batch", "retrieve_batch", "file", "create_file", "fine_tuning", "vector_store", "search", "video"}

// chatCall reports whether a row's call_type is a chat or completion
// call, or unknown (counted).
func chatCall(callType string) bool {
	c := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(callType)), "_")
	for _, p := range nonChatCalls {
		if strings.HasPrefix(c, p) || strings.HasPrefix(c, "a"+p) {
			return false
		}
	}
	return true
}

func readLiteLLM(f *file, set *litellmSet) error {
	r := &litellmReader{set: set, agg: set.agg, others: map[string]int64{}}
	head, _ := f.r.Peek(64)
	var err error
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		err = r.json(f)
	} else {
		err = r.csv(f)
	}
	if err != nil {
		return err
	}
	res := f.in.res
	for _, c := range slices.Sorted(maps.Keys(r.others)) {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d rows were %s calls, no chat or completion: their tokens are not counted", f.name, r.others[c], c))
	}
	if r.empty*4 > r.counted {
		return fmt.Errorf("%s: %d of its %d counted rows carry no token at all (prompt_tokens and completion_tokens 0: streams cut off, or a provider whose usage LiteLLM did not capture): their usage is unknown, and counted as none the figures would be low by as much as a quarter or more; export the rows with their usage, or leave those rows out", f.name, r.empty, r.counted)
	}
	if r.empty > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d of %d counted rows carry no token at all (streams cut off, or usage LiteLLM did not capture): their usage is unknown and counted as none", f.name, r.empty, r.counted))
	}
	if r.failed > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d rows were failed requests (status failure): LiteLLM estimates their prompt tokens, but no model served them, so they are not counted", f.name, r.failed))
	}
	if r.untyped > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d rows carry no call_type and are counted as chat or completion calls: an export without it cannot tell an editor's embeddings from coding tokens (export the call_type column)", f.name, r.untyped))
	}
	if r.cacheHits > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d rows were LiteLLM response-cache hits (cache_hit True): no model served them, so they are not counted", f.name, r.cacheHits))
	}
	return nil
}

func (r *litellmReader) json(f *file) error {
	s := f.jsonStream()
	row := func(line int) error {
		var row litellmRow
		mal, fatal := s.decode(&row, line)
		if fatal != nil {
			return fatal
		}
		if mal != nil {
			return f.in.invalid(mal.(*RecordError))
		}
		return r.row(f, line, &row)
	}
	return s.topValues(f, func(line int) error { return r.object(f, s, line) }, row, "record",
		"spend logs are JSON rows (objects) or an array of them")
}

// object reads an object whose '{' was read: a page with a "data" array of
// rows, or one row.
func (r *litellmReader) object(f *file, s *jsonStream, line int) error {
	fields := map[string]json.RawMessage{}
	isPage, rows := false, 0
	err := s.objectBody(func(key string, kline int) error {
		if key == "data" {
			isPage = true
			return s.arrayOf("data", "record", func(l int) error {
				rows++
				var row litellmRow
				mal, fatal := s.decode(&row, l)
				if fatal != nil {
					return fatal
				}
				if mal != nil {
					return f.in.invalid(mal.(*RecordError))
				}
				return r.row(f, l, &row)
			})
		}
		var raw json.RawMessage
		if err := s.dec.Decode(&raw); err != nil {
			return s.fail(err, kline)
		}
		fields[key] = raw
		return nil
	})
	if err != nil {
		return err
	}
	if isPage {
		return r.set.ui.add(f, line, rows, fields)
	}
	b, _ := json.Marshal(fields)
	var row litellmRow
	if err := json.Unmarshal(b, &row); err != nil {
		return f.invalid(line, "%s", jsonErrText(err))
	}
	return r.row(f, line, &row)
}

// csvColumns are the columns a CSV export must have.
var csvColumns = []string{"request_id", "startTime", "prompt_tokens", "completion_tokens"}

// tailReader remembers the last byte read: a CSV file cut inside its
// last row ends without a line end, and the row reads as a smaller count.
type tailReader struct {
	r    io.Reader
	last byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.last = p[n-1]
	}
	return n, err
}

func (r *litellmReader) csv(f *file) error {
	tail := &tailReader{r: f.r}
	cr := csv.NewReader(tail)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return f.errorf(1, "spend logs CSV: cannot read the header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range csvColumns {
		if _, ok := col[c]; !ok {
			return f.errorf(1, "spend logs CSV: the header has no %s column (want the LiteLLM_SpendLogs columns: %s, ...)", c, strings.Join(csvColumns, ", "))
		}
	}
	lastLine := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			if tail.last != '\n' && tail.last != '\r' {
				return f.errorf(lastLine, "spend logs CSV: the file ends inside this row, with no line end after it: it looks cut short (a count cut there reads as a smaller number); re-export it, or end the file with a newline if the row is whole")
			}
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
				err = pe.Err
			}
			if ierr := f.invalid(line, "spend logs CSV: %v", err); ierr != nil {
				return ierr
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		row, err := csvRow(get)
		if err != nil {
			if ierr := f.invalid(line, "%s", err.Error()); ierr != nil {
				return ierr
			}
			continue
		}
		if err := r.row(f, line, row); err != nil {
			return err
		}
	}
}

// csvRow builds a row from a CSV record's columns.
func csvRow(get func(string) string) (*litellmRow, error) {
	row := &litellmRow{}
	setStr := func(s *str, name string) {
		if v := get(name); v != "" {
			s.V, s.Set = v, true
		}
	}
	setStr(&row.RequestID, "request_id")
	setStr(&row.Model, "model")
	setStr(&row.ModelGroup, "model_group")
	setStr(&row.User, "user")
	setStr(&row.EndUser, "end_user")
	setStr(&row.APIKey, "api_key")
	setStr(&row.CacheHit, "cache_hit")
	setStr(&row.CallType, "call_type")
	setStr(&row.Status, "status")
	if v := get("startTime"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			return nil, fmt.Errorf("startTime %q is not a timestamp", v)
		}
		row.StartTime = stamp{t, true}
	}
	for _, c := range []struct {
		name string
		into *count
	}{{"prompt_tokens", &row.PromptTokens}, {"completion_tokens", &row.CompletionTokens}} {
		if v := get(c.name); v != "" {
			if err := c.into.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
				return nil, fmt.Errorf("%s: %v", c.name, err)
			}
		}
	}
	if v := get("metadata"); v != "" {
		if err := row.Metadata.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// leftOut reports, and counts, a row that is no served chat request: a
// response-cache hit, a failed request (LiteLLM logs one, a 429 or a
// timeout, with the prompt tokens it estimated: a retry storm is no load
// the team had), or a call that is no chat (embeddings, ...). A row
// without a call_type is counted, and so noted.
func (r *litellmReader) leftOut(row *litellmRow) bool {
	switch {
	case strings.EqualFold(row.CacheHit.V, "true"):
		r.cacheHits++
	case strings.EqualFold(strings.TrimSpace(row.Status.V), "failure"):
		r.failed++
	case row.CallType.V != "" && !chatCall(row.CallType.V):
		r.others[row.CallType.V]++
	default:
		if row.CallType.V == "" {
			r.untyped++
		}
		return false
	}
	return true
}

func (r *litellmReader) row(f *file, line int, row *litellmRow) error {
	switch {
	case !row.RequestID.Set || row.RequestID.V == "":
		return f.invalid(line, "a spend log row needs request_id")
	case !row.StartTime.Set:
		return f.invalid(line, "spend log row %q has no startTime", row.RequestID.V)
	case !row.PromptTokens.Set || !row.CompletionTokens.Set:
		return f.invalid(line, "spend log row %q needs prompt_tokens and completion_tokens", row.RequestID.V)
	}
	if r.leftOut(row) {
		return nil
	}
	r.counted++
	if row.PromptTokens.V == 0 && row.CompletionTokens.V == 0 {
		r.empty++
	}
	var read, write, text count
	for _, u := range []*litellmUsage{row.Metadata.AdditionalUsageValues, row.Metadata.UsageObject} {
		if u == nil {
			continue
		}
		if !read.Set {
			read = u.CacheReadInputTokens
		}
		if !write.Set {
			write = u.CacheCreationInputTokens
		}
		if d := u.PromptTokensDetails; d != nil {
			if !read.Set {
				read = d.CachedTokens
			}
			if !write.Set {
				write = d.CacheCreationTokens
			}
			if !text.Set {
				text = d.TextTokens
			}
		}
	}
	prompt := row.PromptTokens.V
	var uncached float64
	ambiguous, older := false, false
	switch {
	case text.Set && (text.V+read.V+write.V == prompt || text.V+read.V == prompt):
		// text_tokens is the uncached input whichever convention
		// prompt_tokens followed.
		uncached = text.V
	case prompt-read.V-write.V >= 0:
		uncached = prompt - read.V - write.V
		ambiguous = write.V > 0
	case prompt-read.V >= 0:
		uncached = prompt - read.V
		older = true
	default:
		return f.invalid(line, "spend log row %q: prompt_tokens %s is less than its cache reads %s", row.RequestID.V, fmtCount(prompt), fmtCount(read.V))
	}
	dev := first(row.User.V, row.EndUser.V, row.APIKey.V)
	if ok, err := f.identity(line, dev); !ok {
		return err
	}
	t := Buckets{Uncached: uncached, CacheRead: read.V, CacheWrite: write.V, Output: row.CompletionTokens.V}
	rec := record{Start: row.StartTime.T, Developer: dev, Model: first(row.Model.V, row.ModelGroup.V), Tokens: t, Request: true}
	if dup, err := r.agg.duplicate(keyOf("l", row.RequestID.V), t, requestWho(rec), f, line, "request_id"); dup {
		return err
	}
	if lt := lifetimes(row.Metadata.AdditionalUsageValues, row.Metadata.UsageObject); lt != nil && write.V > 0 {
		rec.Write1h, rec.WriteTTLs = min(lt.Ephemeral1h.V, write.V), true
	}
	r.agg.add(rec)
	switch {
	case older:
		r.set.older++
	case ambiguous:
		r.set.split[splitKey{rec.Start.Truncate(15 * time.Minute), rec.Developer, rec.Model}] += write.V
		r.set.splitRows++
	}
	return nil
}
