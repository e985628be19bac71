package modelcatalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// ParseBook decodes a private price book (or a whole catalog) read from
// name, more strictly than Parse: a key repeated in any JSON object, a key
// the catalog does not have (matched exactly, not case-insensitively), and
// two entries for the same model, instance, GPU, throughput, line item or
// discount, are errors, because the later one would silently win or be
// ignored. An entry of a keyed section may say "replace": true. Errors name
// the file, line and column. It does not validate the figures: merge the
// book and call Validate. The result keeps the book's text (Raw), so that
// Merge overlays only the fields the book writes.
func ParseBook(name string, data []byte) (*Catalog, error) {
	at, err := scanJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	// null decodes into nothing: a book read as the embedded catalog.
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil, fmt.Errorf("%s:1:1: the price book is null, not an object such as {\"as_of\": \"2026-11-20\", \"discounts\": [...]}", name)
	}
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	// Unknown fields are refused by scanJSON, with their position; the
	// decoder would refuse "replace" too.
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s:%s", name, decodeError(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s:%d:%d: trailing data after the price book's object", name, lineOf(data, int(dec.InputOffset())), colOf(data, int(dec.InputOffset())))
	}
	if errs := duplicateEntries(&c, at); len(errs) > 0 {
		for i, e := range errs {
			errs[i] = fmt.Errorf("%s:%w", name, e)
		}
		return nil, errors.Join(errs...)
	}
	c.EntryPos, c.File, c.Raw = at, name, bytes.Clone(data)
	return &c, nil
}

// decodeError turns a JSON decoding error into "line:col: message".
func decodeError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%d:%d: %v", lineOf(data, int(syn.Offset)), colOf(data, int(syn.Offset)), syn)
	case errors.As(err, &typ):
		what := typ.Value
		if strings.HasPrefix(what, "number") && typ.Type != nil && typ.Type.Kind() == reflect.Float64 {
			what += " (not a finite number a float64 can hold)"
		}
		return fmt.Sprintf("%d:%d: %s: want %s, got a JSON %s", lineOf(data, int(typ.Offset)), colOf(data, int(typ.Offset)), typ.Field, typ.Type, what)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Sprintf("%d:%d: unexpected end of the price book", lineOf(data, len(data)), colOf(data, len(data)))
	}
	return fmt.Sprintf(" %v", err)
}

// jsonFrame is one open object or array while scanning.
type jsonFrame struct {
	object bool
	path   string
	// typ is the Go type the value decodes into; nil where it is not a
	// struct, map or slice of the catalog (the decoder reports those).
	typ reflect.Type
	// entry is true for an element of a keyed section ("managed[2]"),
	// which may say "replace".
	entry bool
	// keys maps each key seen in an object to the line it first appeared on.
	keys map[string]int
	// key is the object's key whose value comes next.
	key string
	// wantKey is true in an object when the next token is a key.
	wantKey bool
	// index counts an array's elements.
	index int
}

func (f *jsonFrame) describe() string {
	if f.path == "" {
		return "the top-level object"
	}
	return f.path
}

// maxBookDepth is how deep a price book's objects and arrays may nest:
// the catalog's deepest path (managed[0].prices[0].peak.windows_utc[0].days)
// is seven levels. A deeper book is refused before its paths, which grow
// with the depth, take memory quadratic in it.
const maxBookDepth = 32

// jsonScan is the state of scanJSON.
type jsonScan struct {
	data  []byte
	at    map[string]string
	stack []*jsonFrame
	// cur is the last offset pos was asked for, line its line and
	// lineStart the offset that line starts at: offsets come in order,
	// so each byte is counted once, not once a token.
	cur, line, lineStart int
}

// pos is the "line:col" of the byte offset off.
func (s *jsonScan) pos(off int) string {
	line, col := s.lineCol(off)
	return fmt.Sprintf("%d:%d", line, col)
}

// lineCol returns the 1-based line and column (in bytes) of off.
func (s *jsonScan) lineCol(off int) (int, int) {
	off = min(max(off, 0), len(s.data))
	if off < s.cur || s.line == 0 {
		s.cur, s.line, s.lineStart = 0, 1, 0
	}
	for i := s.cur; i < off; i++ {
		if s.data[i] == '\n' {
			s.line, s.lineStart = s.line+1, i+1
		}
	}
	s.cur = off
	return s.line, off - s.lineStart + 1
}

// scanJSON walks every token of data, refusing a key that repeats within
// one object or that the catalog's types do not have, and returns where
// each object and array starts by path ("managed[2]" → "14:5",
// "managed[2].prices[0]" → "16:7"; line and column), for error messages.
func scanJSON(data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	s := &jsonScan{data: data, at: map[string]string{}}
	for {
		start := skipSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err == io.EOF {
			if len(s.stack) > 0 {
				return nil, fmt.Errorf("%s: unexpected end of the price book", s.pos(len(data)))
			}
			return s.at, nil
		}
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return nil, fmt.Errorf("%s: %v", s.pos(int(syn.Offset)), syn)
			}
			return nil, fmt.Errorf("%s: %v", s.pos(start), err)
		}
		if err := s.token(tok, start); err != nil {
			return nil, err
		}
	}
}

// token takes one token that starts at byte start.
func (s *jsonScan) token(tok json.Token, start int) error {
	var top *jsonFrame
	if len(s.stack) > 0 {
		top = s.stack[len(s.stack)-1]
	}
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		s.stack = s.stack[:len(s.stack)-1]
		return nil
	}
	if top != nil && top.object && top.wantKey {
		return s.key(top, tok.(string), start)
	}
	// tok is a value.
	path, typ, entry := "", reflect.TypeOf(Catalog{}), false
	if top != nil {
		if top.object {
			path, typ = joinPath(top.path, top.key), fieldType(top.typ, top.key)
			top.wantKey = true
			if top.entry && top.key == "replace" {
				if _, ok := tok.(bool); !ok {
					return fmt.Errorf("%s: \"replace\" in %s is true or false", s.pos(start), top.path)
				}
			}
		} else {
			path, typ = fmt.Sprintf("%s[%d]", top.path, top.index), elemType(top.typ)
			top.index++
			entry = len(s.stack) == 2 && isSection(top.path)
		}
	}
	if tok == nil {
		if err := s.null(top, path, entry); err != nil {
			return fmt.Errorf("%s: %w", s.pos(start), err)
		}
	}
	if d, ok := tok.(json.Delim); ok {
		if len(s.stack) >= maxBookDepth {
			return fmt.Errorf("%s: %s is nested deeper than %d levels: no catalog field is", s.pos(start), path, maxBookDepth)
		}
		s.at[path] = s.pos(start)
		f := &jsonFrame{object: d == '{', path: path, typ: typ, entry: entry}
		if f.object {
			f.keys, f.wantKey = map[string]int{}, true
		}
		s.stack = append(s.stack, f)
	}
	return nil
}

// null refuses a null at path, inside top, where it would not remove an
// optional field but read as a zero value: a price of 0, an empty status
// or source, an empty element of a list, a tokens-per-task figure every
// catalog needs. entry is true for an element of a keyed section.
func (s *jsonScan) null(top *jsonFrame, path string, entry bool) error {
	switch {
	case top == nil:
		return nil
	case entry:
		return fmt.Errorf("%s is null: an entry is an object", path)
	case !top.object:
		return fmt.Errorf("%s is null: a list holds no nulls (write the list without it)", path)
	case top.path == "tokens_per_task", requiredScalar(top.typ, top.key) && len(s.stack) > 1:
		return fmt.Errorf("%s is null: the field is required, and null would leave it 0 or empty (a free price, a missing name) instead of removing it; write its value, or leave the key out to keep the catalog's", path)
	}
	return nil
}

// key takes an object's key.
func (s *jsonScan) key(top *jsonFrame, key string, start int) error {
	if first, dup := top.keys[key]; dup {
		return fmt.Errorf("%s: key %q appears twice in %s (first on line %d): the second would silently replace the first", s.pos(start), key, top.describe(), first)
	}
	if !knownField(top.typ, key) && !(top.entry && key == "replace") {
		return fmt.Errorf("%s: unknown field %q in %s: a misspelt key would be ignored", s.pos(start), key, top.describe())
	}
	top.keys[key], _ = s.lineCol(start)
	top.key, top.wantKey = key, false
	return nil
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// lineOf returns the 1-based line of the byte offset off.
func lineOf(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// colOf returns the 1-based column (in bytes) of the byte offset off.
func colOf(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return off - bytes.LastIndexByte(data[:off], '\n')
}

// duplicateEntries lists the entries of a book that share their key with
// an earlier entry of the same section, in every keyed section.
func duplicateEntries(c *Catalog, at map[string]string) []error {
	var errs []error
	for _, s := range bookSections {
		first := map[string]int{}
		for i, k := range s.keys(c) {
			j, dup := first[k]
			if !dup {
				first[k] = i
				continue
			}
			where := fmt.Sprintf("%s[%d]", s.name, i)
			pos, ok := at[where]
			if !ok {
				pos = "1:1"
			}
			errs = append(errs, fmt.Errorf("%s: %s %q is listed twice (%s[%d] and %s): the later entry would silently replace the earlier", pos, s.name, k, s.name, j, where))
		}
	}
	return errs
}
