package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

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

// listChunk is how many elements of a list are encoded before they are
// written: enough to keep every CPU busy, few enough that the output is
// never held whole.
const listChunk = 64

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
// elements are encoded concurrently, a chunk at a time, and written in
// order as each chunk is done, so that a thousand plans are neither
// encoded on one CPU nor buffered whole.
func writeJSONArray[T any](w io.Writer, vs []T) error {
	if len(vs) == 0 {
		return writeJSON(w, vs)
	}
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	bufs := make([]bytes.Buffer, min(len(vs), listChunk))
	for start := 0; start < len(vs); start += listChunk {
		chunk := vs[start:min(start+listChunk, len(vs))]
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, v := range chunk {
			g.Go(func() error {
				bufs[i].Reset()
				bufs[i].WriteString("  ")
				return encodeJSON(&bufs[i], v, "  ")
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for i := range chunk {
			b := bufs[i].Bytes()
			b = b[:len(b)-1] // the encoder's newline
			if start+i < len(vs)-1 {
				b = append(b, ",\n"...)
			} else {
				b = append(b, "\n]\n"...)
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
	}
	return nil
}
