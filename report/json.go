package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON is the one JSON writer of every command: indented two spaces,
// one value a line, and no HTML escaping ("<", ">" and "&" stay as they
// are: the output is read by people and by JSON parsers, not embedded in
// HTML).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// oneOrAll is the single value of a one-element list, else the list: a
// command given one file writes one object, given several an array.
func oneOrAll[T any](vs []T) any {
	if len(vs) == 1 {
		return vs[0]
	}
	return vs
}
