package specfile

import (
	"fmt"
	"unicode/utf8"
)

// HiddenChar is a character that makes text read otherwise than an editor
// or a diff shows it, and where it is.
type HiddenChar struct {
	// What names it: "a carriage return without a line feed (U+000D)".
	What string
	// Line and Column (in characters) are 1-based; Byte is 0-based.
	Line, Column, Byte int
}

// Hidden finds the first hidden character of src (UTF-8): a carriage
// return not followed by a line feed, NEL, the Unicode line and paragraph
// separators, a vertical tab or a form feed, which end a line on screen
// but not for HCL or Rego, so that a comment line ending in one swallows
// the next; or a bidirectional control, which reorders text on screen
// (Trojan Source). CRLF line ends are plain line ends.
func Hidden(src []byte) (HiddenChar, bool) {
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		what := ""
		switch {
		case r == '\r' && (i+1 >= len(src) || src[i+1] != '\n'):
			what = "a carriage return without a line feed (U+000D)"
		case r == '\v', r == '\f', r == 0x85, r == 0x2028, r == 0x2029:
			what = fmt.Sprintf("a line break that ends no line for the parser (U+%04X)", r)
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			what = fmt.Sprintf("a bidirectional text control (U+%04X)", r)
		}
		if what != "" {
			return HiddenChar{What: what, Line: line, Column: col, Byte: i}, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return HiddenChar{}, false
}
