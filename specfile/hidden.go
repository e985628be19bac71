package specfile

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// HiddenChar is a character that makes text read otherwise than an editor
// or a diff shows it, and where it is.
type HiddenChar struct {
	// Summary is the kind: SummaryLineBreak, SummaryInvisible or
	// SummaryLookAlike.
	Summary string
	// What names it: "a carriage return without a line feed (U+000D)".
	What string
	// Line and Column (in characters) are 1-based; Byte is 0-based.
	Line, Column, Byte int
}

// The kinds of hidden text (HiddenChar.Summary).
const (
	SummaryLineBreak = "Hidden line break or text direction"
	SummaryInvisible = "Invisible character"
	SummaryLookAlike = "Look-alike delimiter"
)

// Hidden finds the first hidden character of src (UTF-8): a carriage
// return not followed by a line feed, NEL, the Unicode line and paragraph
// separators, a vertical tab or a form feed, which end a line on screen
// but not for HCL or Rego, so that a comment line ending in one swallows
// the next; a bidirectional control, which reorders text on screen
// (Trojan Source); or an invisible character (Invisible), which changes
// what a line reads as and shows nothing: a heredoc's end marker followed
// by a zero-width space ends nothing. CRLF line ends are plain line ends,
// and a byte-order mark is allowed as the first character (HCL, Rego and
// YAML skip it). The look-alikes of delimiters depend on the syntax:
// LookAlikeHCL, LookAlikeRego, LookAlikeYAML.
func Hidden(src []byte) (HiddenChar, bool) {
	line, col := 1, 1
	prev := rune(-1)
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		what, summary := "", SummaryLineBreak
		switch {
		case r == '\r' && (i+1 >= len(src) || src[i+1] != '\n'):
			what = "a carriage return without a line feed (U+000D)"
		case r == '\v', r == '\f', r == 0x85, r == 0x2028, r == 0x2029:
			what = fmt.Sprintf("a line break that ends no line for the parser (U+%04X)", r)
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			what = fmt.Sprintf("a bidirectional text control (U+%04X)", r)
		case r == 0xFEFF && i == 0:
		case Invisible(r):
			next, _ := utf8.DecodeRune(src[i+size:])
			if !inEmoji(prev, r, next) {
				what, summary = "an invisible character, "+RuneName(r)+", which shows as nothing", SummaryInvisible
			}
		}
		if what != "" {
			return HiddenChar{Summary: summary, What: what, Line: line, Column: col, Byte: i}, true
		}
		switch {
		case r == '\n':
			line, col = line+1, 1
		case r != 0xFEFF || i > 0: // a byte-order mark shows as nothing
			col++
		}
		prev = r
		i += size
	}
	return HiddenChar{}, false
}

// Invisible reports whether r is a character that shows as nothing: a
// format character (Unicode category Cf: zero-width space, joiners, word
// joiner, invisible operators, soft hyphen, byte-order mark, tag
// characters, ...), a variation selector (U+FE00–U+FE0F,
// U+E0100–U+E01EF), the combining grapheme joiner (U+034F), the Mongolian
// free variation selectors (U+180B–U+180F) or a Hangul filler (U+115F,
// U+1160, U+3164, U+FFA0).
func Invisible(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r),
		r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF,
		r == 0x034F, r >= 0x180B && r <= 0x180F,
		r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	}
	return false
}

// inEmoji reports whether the invisible r between prev and next is part
// of an emoji, where it joins or selects pictures and hides no text: an
// emoji or text presentation selector (U+FE0F, U+FE0E) after a symbol or
// before a keycap (U+20E3), a zero-width joiner (U+200D) between two
// emoji ("🧑‍💻", "🏳️‍🌈"). Every other invisible character is refused,
// tag characters (U+E0020–U+E007F) too, though they spell subdivision
// flags: they also spell hidden ASCII text.
func inEmoji(prev, r, next rune) bool {
	pictograph := func(c rune) bool {
		return unicode.Is(unicode.So, c) || c >= 0x2190 && c <= 0x21FF || c == 0x203C || c == 0x2049
	}
	switch r {
	case 0xFE0E, 0xFE0F:
		return pictograph(prev) || next == 0x20E3 && (prev >= '0' && prev <= '9' || prev == '#' || prev == '*')
	case 0x200D:
		skinTone := prev >= 0x1F3FB && prev <= 0x1F3FF
		return (pictograph(prev) || prev == 0xFE0F || skinTone) && pictograph(next)
	}
	return false
}
