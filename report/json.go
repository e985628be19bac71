package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

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
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
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
			var buf bytes.Buffer
			err := encodeElement(&buf, v, true)
			encoded[i] = buf.Bytes()
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
		buf.WriteString(prefix)
	}
	if err := encodeJSON(buf, v, prefix); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // the encoder's newline
	return nil
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
	var buf bytes.Buffer
	if err := encodeElement(&buf, p, n > 1); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
