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
// name, more strictly than Parse: a key repeated in any JSON object, and
// two entries for the same model, instance, GPU, throughput, line item or
// discount, are errors, because the later one would silently win. Errors
// name the file, line and column. It does not validate the figures: merge
// the book and call Validate.
func ParseBook(name string, data []byte) (*Catalog, error) {
	at, err := scanJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
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
	c.EntryPos = at
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
	// Unknown fields and the like carry no offset.
	return fmt.Sprintf(" %v", err)
}

// jsonFrame is one open object or array while scanning.
type jsonFrame struct {
	object bool
	path   string
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

// scanJSON walks every token of data, refusing a key that repeats within
// one object, and returns the offset where each element of the top-level
// arrays starts ("managed[2]" → "14:5", line and column), for error
// messages.
func scanJSON(data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	at := map[string]string{}
	var stack []*jsonFrame
	pos := func(off int) string { return fmt.Sprintf("%d:%d", lineOf(data, off), colOf(data, off)) }
	for {
		start := skipSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return nil, fmt.Errorf("%s: unexpected end of the price book", pos(len(data)))
			}
			return at, nil
		}
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return nil, fmt.Errorf("%s: %v", pos(int(syn.Offset)), syn)
			}
			return nil, fmt.Errorf("%s: %v", pos(start), err)
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.object && top.wantKey {
			key, _ := tok.(string)
			if first, dup := top.keys[key]; dup {
				return nil, fmt.Errorf("%s: key %q appears twice in %s (first on line %d): the second would silently replace the first", pos(start), key, top.describe(), first)
			}
			top.keys[key] = lineOf(data, start)
			top.key, top.wantKey = key, false
			continue
		}
		// tok is a value.
		path := ""
		if top != nil {
			if top.object {
				path = joinPath(top.path, top.key)
				top.wantKey = true
			} else {
				path = fmt.Sprintf("%s[%d]", top.path, top.index)
				if len(stack) == 2 {
					at[path] = pos(start)
				}
				top.index++
			}
		}
		if d, ok := tok.(json.Delim); ok {
			f := &jsonFrame{object: d == '{', path: path}
			if f.object {
				f.keys, f.wantKey = map[string]int{}, true
			}
			stack = append(stack, f)
		}
	}
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
// an earlier entry of the same section.
func duplicateEntries(c *Catalog, at map[string]string) []error {
	var errs []error
	check := func(section string, n int, key func(int) string) {
		first := map[string]int{}
		for i := 0; i < n; i++ {
			k := key(i)
			if j, dup := first[k]; dup {
				where := fmt.Sprintf("%s[%d]", section, i)
				pos, ok := at[where]
				if !ok {
					pos = "1:1"
				}
				errs = append(errs, fmt.Errorf("%s: %s %q is listed twice (%s[%d] and %s): the later entry would silently replace the earlier", pos, section, k, section, j, where))
				continue
			}
			first[k] = i
		}
	}
	check("managed", len(c.Managed), func(i int) string { return c.Managed[i].ID })
	check("open_models", len(c.OpenModels), func(i int) string { return c.OpenModels[i].ID })
	check("gpus", len(c.GPUs), func(i int) string { return c.GPUs[i].ID })
	check("instances", len(c.Instances), func(i int) string { return instanceKey(c.Instances[i]) })
	check("throughput", len(c.Throughput), func(i int) string { return throughputKey(c.Throughput[i]) })
	check("line_items", len(c.FixedCosts), func(i int) string { return c.FixedCosts[i].Name })
	check("discounts", len(c.Discounts), func(i int) string { return discountKey(c.Discounts[i]) })
	return errs
}
