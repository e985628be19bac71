package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/costgate/costgate/plan"
	"golang.org/x/sync/errgroup"
)

// writeJSON is the one JSON writer of every command: indented two spaces,
// one value a line, and no HTML escaping ("<", ">" and "&" stay as they
// are: the output is read by people and by JSON parsers, not embedded in
// HTML).
func writeJSON(w io.Writer, v any) error {
	return encodeJSON(w, v, "")
}

func encodeJSON(w io.Writer, v any, prefix string) error {
	out, err := appendJSON(nil, v, prefix)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// appendJSON appends v as encodeJSON writes it: what json.Encoder writes
// with SetIndent(prefix, "  ") and SetEscapeHTML(false), byte for byte.
// The encoder's own indentation is a second pass over its compact output
// through encoding/json's validating scanner, one function call a byte,
// and it builds the indented copy in a buffer of its own; here the compact
// output, already valid JSON, is indented in one plain loop straight into
// dst.
func appendJSON(dst []byte, v any, prefix string) ([]byte, error) {
	compact := compactBuffers.Get().(*bytes.Buffer)
	defer compactBuffers.Put(compact)
	compact.Reset()
	enc := json.NewEncoder(compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, fmt.Errorf("write json: %w", err)
	}
	src := compact.Bytes()
	// Indented JSON of costgate's shapes is about twice its compact size.
	dst = slices.Grow(dst, 2*len(src))
	return appendIndented(dst, src, prefix, "  "), nil
}

var compactBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// appendIndented appends src, one compact JSON value as json.Encoder
// writes it (valid, no space outside strings, a final newline), indented
// as encoding/json's Indent would: a newline, prefix and one indent a
// level after every opening bracket and comma, before every closing
// bracket, a space after every colon, and empty objects and arrays kept
// as {} and [].
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	start := 0 // src[start:i] is copied as it is
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			// Skip the string: to its closing quote, past escapes.
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			dst = append(dst, src[start:i+1]...)
			start = i + 1
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				// {} and [] stay as they are.
				dst = append(dst, src[i+1])
				i++
				start = i + 1
				continue
			}
			depth++
			dst = appendNewline(dst, prefix, indent, depth)
		case ',':
			dst = append(dst, src[start:i+1]...)
			start = i + 1
			dst = appendNewline(dst, prefix, indent, depth)
		case ':':
			dst = append(dst, src[start:i+1]...)
			dst = append(dst, ' ')
			start = i + 1
		case '}', ']':
			dst = append(dst, src[start:i]...)
			start = i
			depth--
			dst = appendNewline(dst, prefix, indent, depth)
		}
	}
	return append(dst, src[start:]...)
}

func appendNewline(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}

// writeJSONList writes vs as writeJSON would write the one element or the whole
// list, byte for byte: a command given one file writes one object, given
// several an array (writeJSONArray).
func writeJSONList[T any](w io.Writer, vs []T) error {
	if len(vs) == 1 {
		return writeJSON(w, vs[0])
	}
	return writeJSONArray(w, vs)
}

// writeJSONArray writes vs as writeJSON writes it, byte for byte. The
// elements are encoded concurrently, each into its own buffer, and
// written only when every one has encoded: an element that cannot be
// encoded (a NaN) fails the command before anything is written, never
// after half an array. A thousand plans do not come through here: plan
// encodes each as it is built (PlanEncoder); the lists that do (check
// results, diffs, frontiers) are a few kilobytes an element.
func writeJSONArray[T any](w io.Writer, vs []T) error {
	if len(vs) == 0 {
		return writeJSON(w, vs)
	}
	encoded := make([][]byte, len(vs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, v := range vs {
		g.Go(func() error {
			var err error
			encoded[i], err = appendElement(nil, v, "  ")
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return writeEncoded(w, encoded, true)
}

// encodeElement appends v to buf as writeJSONList writes it alone
// (inList false) or as an element of a list of several: indented, and
// without the encoder's final newline.
func encodeElement(buf *bytes.Buffer, v any, inList bool) error {
	prefix := ""
	if inList {
		prefix = "  "
	}
	out, err := appendElement(buf.AvailableBuffer(), v, prefix)
	if err != nil {
		return err
	}
	buf.Write(out)
	return nil
}

// appendElement appends v as encodeElement writes it, with the list's
// indentation prefix ("" alone).
func appendElement(dst []byte, v any, prefix string) ([]byte, error) {
	dst = append(dst, prefix...)
	dst, err := appendJSON(dst, v, prefix)
	if err != nil {
		return nil, err
	}
	return dst[:len(dst)-1], nil // the encoder's newline
}

// writeElement writes element i of n, encoded by encodeElement, with the
// list's brackets and separators around it (inList) or alone.
func writeElement(w io.Writer, b []byte, i, n int, inList bool) error {
	if inList && i == 0 {
		if _, err := io.WriteString(w, "[\n"); err != nil {
			return err
		}
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	end := "\n"
	switch {
	case inList && i < n-1:
		end = ",\n"
	case inList:
		end = "\n]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

// encodePlanJSON returns p's JSON as the json format writes it among n
// plans (alone when n is 1), for writeEncoded (PlanEncoder).
func encodePlanJSON(p *plan.Plan, n int) ([]byte, error) {
	prefix := ""
	if n > 1 {
		prefix = "  "
	}
	return appendElement(nil, p, prefix)
}

// writeEncoded writes elements encoded by encodeElement (in a list, or
// the one alone when inList is false) with the list's brackets and
// separators: "[]" when there are none.
func writeEncoded(w io.Writer, encoded [][]byte, inList bool) error {
	if len(encoded) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	for i, b := range encoded {
		if err := writeElement(w, b, i, len(encoded), inList); err != nil {
			return err
		}
	}
	return nil
}
