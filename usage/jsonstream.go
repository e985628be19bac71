package usage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// jsonStream decodes a file of JSON values element by element, so that a
// page or an array of any size is read in bounded memory, and names the
// line of each element.
type jsonStream struct {
	f   *file
	pos *posReader
	dec *json.Decoder
}

func (f *file) jsonStream() *jsonStream {
	pos := &posReader{r: f.r}
	dec := json.NewDecoder(pos)
	dec.UseNumber()
	return &jsonStream{f: f, pos: pos, dec: dec}
}

// line is the line the next value starts on; the bytes before it are
// forgotten.
func (s *jsonStream) line() int {
	off := s.dec.InputOffset()
	s.pos.forget(off)
	return s.pos.lineAt(off)
}

// fail turns a decoder error into one naming the file and line.
func (s *jsonStream) fail(err error, line int) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return s.f.errorf(s.pos.lineAt(se.Offset-1), "invalid JSON: %v", se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return s.f.errorf(s.pos.lineAt(s.dec.InputOffset()), "invalid JSON: the file ends inside a value")
	}
	var re *RecordError
	if errors.As(err, &re) {
		return err
	}
	return s.f.errorf(line, "%v", err)
}

// topToken reads the next top-level token; io.EOF at the end of the file.
func (s *jsonStream) topToken() (json.Token, error) {
	line := s.line()
	t, err := s.dec.Token()
	if err != nil && err != io.EOF {
		return nil, s.fail(err, line)
	}
	return t, err
}

// topValues reads the file's top-level values to its end: an object (its
// '{' read) goes to object, an array's elements one by one to elem, and
// anything else is an error saying what the file should hold (want).
func (s *jsonStream) topValues(f *file, object, elem func(line int) error, elemWhat, want string) error {
	for {
		line := s.line()
		t, err := s.topToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'):
			err = object(line)
		case json.Delim('['):
			err = s.records(elemWhat, elem)
		default:
			return f.errorf(line, "%s, not %s", want, describe(t))
		}
		if err != nil {
			return err
		}
	}
}

// token reads the next token inside a value: the end of the file is an
// error.
func (s *jsonStream) token() (json.Token, error) {
	line := s.line()
	t, err := s.dec.Token()
	if err != nil {
		return nil, s.fail(err, line)
	}
	return t, nil
}

// objectBody walks an object whose '{' was read: fn reads each key's value.
func (s *jsonStream) objectBody(fn func(key string, line int) error) error {
	for s.dec.More() {
		line := s.line()
		t, err := s.dec.Token()
		if err != nil {
			return s.fail(err, line)
		}
		key, _ := t.(string)
		if err := fn(key, s.line()); err != nil {
			return err
		}
	}
	_, err := s.token()
	return err
}

// object walks the next value, which must be an object.
func (s *jsonStream) object(what string, fn func(key string, line int) error) error {
	line := s.line()
	t, err := s.token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return s.f.errorf(line, "%s must be a JSON object, not %s", what, describe(t))
	}
	return s.objectBody(fn)
}

// arrayBody walks an array whose '[' was read: fn reads each element.
func (s *jsonStream) arrayBody(fn func(line int) error) error {
	for s.dec.More() {
		if err := fn(s.line()); err != nil {
			return err
		}
	}
	_, err := s.token()
	return err
}

// records walks an array of records whose '[' was read, as arrayBody
// does. Records that start on the array's own line (a one-line array, as
// LiteLLM's /spend/logs and the usage APIs write) are named by their
// index too (what, e.g. "record 57"): the line alone names all of them.
func (s *jsonStream) records(what string, fn func(line int) error) error {
	open := s.pos.lineAt(s.dec.InputOffset() - 1)
	outerRec, outerWhat, outerLine := s.f.rec, s.f.recWhat, s.f.recLine
	defer func() { s.f.rec, s.f.recWhat, s.f.recLine = outerRec, outerWhat, outerLine }()
	for i := 1; s.dec.More(); i++ {
		line := s.line()
		s.f.rec, s.f.recWhat, s.f.recLine = 0, what, line
		if line == open {
			s.f.rec = i
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	s.f.rec = outerRec
	_, err := s.token()
	return err
}

// array walks the next value, which must be an array (null is empty).
func (s *jsonStream) array(what string, fn func(line int) error) error {
	return s.arrayOf(what, "", fn)
}

// arrayOf walks the next value, an array (null is empty) whose elements
// are records named rec when rec is not empty (see records).
func (s *jsonStream) arrayOf(what, rec string, fn func(line int) error) error {
	line := s.line()
	t, err := s.token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if t != json.Delim('[') {
		return s.f.errorf(line, "%s must be a JSON array, not %s", what, describe(t))
	}
	if rec != "" {
		return s.records(rec, fn)
	}
	return s.arrayBody(fn)
}

// decode reads the next value into v. A value of the wrong type is a
// malformed record (the decoder has read past it); invalid JSON is fatal.
func (s *jsonStream) decode(v any, line int) (malformed error, fatal error) {
	err := s.dec.Decode(v)
	if err == nil {
		return nil, nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return s.f.errorf(line, "%s", typeErrorText(te)), nil
	}
	var re *RecordError
	if errors.As(err, &re) {
		re.File, re.Line = s.f.name, line
		re.Record, re.What = s.f.recAt(line)
		return re, nil
	}
	var ve valueError
	if errors.As(err, &ve) {
		return s.f.errorf(line, "%s", ve.msg), nil
	}
	return nil, s.fail(err, line)
}

// skip reads past the next value.
func (s *jsonStream) skip(line int) error {
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return s.fail(err, line)
	}
	return nil
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

func typeErrorText(te *json.UnmarshalTypeError) string {
	field := te.Field
	if field == "" {
		field = "value"
	}
	return fmt.Sprintf("%s: want %s, got a JSON %s", field, goTypeName(te.Type.String()), te.Value)
}

func goTypeName(t string) string {
	switch {
	case strings.Contains(t, "int"), strings.Contains(t, "Int"), strings.Contains(t, "float"), strings.Contains(t, "count"):
		return "a number"
	case strings.Contains(t, "string"), strings.Contains(t, "Time"):
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// valueError is a field with a value of the right JSON type but a wrong
// value (a negative count, an unreadable time).
type valueError struct{ msg string }

func (e valueError) Error() string { return e.msg }

// MaxRecordTokens bounds the tokens of one record — a request, a report
// row, a metric point's value — of one kind (input, cache reads, cache
// writes, output): a trillion, a million times a long request's context
// and more than a large team uses in a month. Above it a count is a
// corrupt export (an overflowed or mis-scaled field), not usage.
const MaxRecordTokens = 1e12

// count is a token count: a JSON number or a decimal string (OTLP writes
// 64-bit integers as strings), whole, not negative and at most
// MaxRecordTokens (exports write whole numbers as doubles too: 1000.0 is
// a count, 1000.5 is not). Set records that the field was present.
type count struct {
	V   float64
	Set bool
}

func (c *count) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) >= 2 && b[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return valueError{fmt.Sprintf("token count %s is not a number", b)}
		}
	}
	v, err := parseCount(strings.TrimSpace(s))
	if err != nil {
		return valueError{fmt.Sprintf("token count %s %s", b, err.Error())}
	}
	c.V, c.Set = v, true
	return nil
}

// parseCount reads a token count, saying what is wrong with one that is
// not.
func parseCount(s string) (float64, error) {
	// ParseFloat also reads hexadecimal (0x1p4), Inf and NaN, which no
	// export writes: a corrupt field, not a count.
	if strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || strings.ContainsRune(".eE+-", r)) }) >= 0 {
		return 0, errors.New("is not a number")
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange), math.IsNaN(v):
		return 0, errors.New("is not a number")
	case v < 0:
		return 0, errors.New("is negative")
	case v > MaxRecordTokens || math.IsInf(v, 0):
		return 0, fmt.Errorf("is above %.0e, the most one record may count", MaxRecordTokens)
	case v != math.Trunc(v):
		return 0, errors.New("is not a whole number")
	}
	return v, nil
}

// nanos is a Unix time in nanoseconds, a JSON number or a decimal string.
type nanos int64

func (n *nanos) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f < 0 || f > math.MaxInt64 {
			return valueError{fmt.Sprintf("time %s is not a count of nanoseconds", b)}
		}
		v = int64(f)
	}
	if v < 0 {
		return valueError{fmt.Sprintf("time %s is negative", b)}
	}
	*n = nanos(v)
	return nil
}

// timeLayouts are the timestamp layouts the formats write: RFC 3339, and
// the SQL forms of a database export (UTC when no zone is given).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	time.DateOnly,
}

// parseTime reads a timestamp in any of timeLayouts.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// stamp is a JSON timestamp: an RFC 3339 or SQL string, or Unix seconds.
type stamp struct {
	T   time.Time
	Set bool
}

func (t *stamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return valueError{fmt.Sprintf("time %s is not a string", b)}
		}
		v, ok := parseTime(s)
		if !ok {
			return valueError{fmt.Sprintf("time %q is not RFC 3339 (2026-11-17T09:20:02Z)", s)}
		}
		t.T, t.Set = v, true
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > 1e11 {
		return valueError{fmt.Sprintf("time %s is not Unix seconds", b)}
	}
	sec, frac := math.Modf(f)
	t.T, t.Set = time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	return nil
}
