package specfile

import (
	"fmt"
	"strings"
	"unicode"
)

// lookAlike is a character that looks like an ASCII one.
type lookAlike struct {
	ascii rune
	name  string
}

// lookAlikes is the table LookAlike folds by: the Cyrillic and Greek
// letters that look like Latin ones, and the symbols that look like the
// delimiters of HCL, Rego and YAML (*, /, `, ", '). The fullwidth forms
// (U+FF01–U+FF5E) fold to their ASCII characters besides.
var lookAlikes = map[rune]lookAlike{
	// Cyrillic capital letters.
	0x0405: {'S', "CYRILLIC CAPITAL LETTER DZE"}, 0x0406: {'I', "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"},
	0x0408: {'J', "CYRILLIC CAPITAL LETTER JE"}, 0x0410: {'A', "CYRILLIC CAPITAL LETTER A"},
	0x0412: {'B', "CYRILLIC CAPITAL LETTER VE"}, 0x0415: {'E', "CYRILLIC CAPITAL LETTER IE"},
	0x041A: {'K', "CYRILLIC CAPITAL LETTER KA"}, 0x041C: {'M', "CYRILLIC CAPITAL LETTER EM"},
	0x041D: {'H', "CYRILLIC CAPITAL LETTER EN"}, 0x041E: {'O', "CYRILLIC CAPITAL LETTER O"},
	0x0420: {'P', "CYRILLIC CAPITAL LETTER ER"}, 0x0421: {'C', "CYRILLIC CAPITAL LETTER ES"},
	0x0422: {'T', "CYRILLIC CAPITAL LETTER TE"}, 0x0425: {'X', "CYRILLIC CAPITAL LETTER HA"},
	0x04AE: {'Y', "CYRILLIC CAPITAL LETTER STRAIGHT U"}, 0x04C0: {'I', "CYRILLIC LETTER PALOCHKA"},
	0x051A: {'Q', "CYRILLIC CAPITAL LETTER QA"}, 0x051C: {'W', "CYRILLIC CAPITAL LETTER WE"},
	// Cyrillic small letters.
	0x0430: {'a', "CYRILLIC SMALL LETTER A"}, 0x0435: {'e', "CYRILLIC SMALL LETTER IE"},
	0x043E: {'o', "CYRILLIC SMALL LETTER O"}, 0x0440: {'p', "CYRILLIC SMALL LETTER ER"},
	0x0441: {'c', "CYRILLIC SMALL LETTER ES"}, 0x0443: {'y', "CYRILLIC SMALL LETTER U"},
	0x0445: {'x', "CYRILLIC SMALL LETTER HA"}, 0x0455: {'s', "CYRILLIC SMALL LETTER DZE"},
	0x0456: {'i', "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"}, 0x0458: {'j', "CYRILLIC SMALL LETTER JE"},
	0x04BB: {'h', "CYRILLIC SMALL LETTER SHHA"}, 0x04CF: {'l', "CYRILLIC SMALL LETTER PALOCHKA"},
	0x0501: {'d', "CYRILLIC SMALL LETTER KOMI DE"}, 0x051B: {'q', "CYRILLIC SMALL LETTER QA"},
	0x051D: {'w', "CYRILLIC SMALL LETTER WE"},
	// Greek capital letters.
	0x0391: {'A', "GREEK CAPITAL LETTER ALPHA"}, 0x0392: {'B', "GREEK CAPITAL LETTER BETA"},
	0x0395: {'E', "GREEK CAPITAL LETTER EPSILON"}, 0x0396: {'Z', "GREEK CAPITAL LETTER ZETA"},
	0x0397: {'H', "GREEK CAPITAL LETTER ETA"}, 0x0399: {'I', "GREEK CAPITAL LETTER IOTA"},
	0x039A: {'K', "GREEK CAPITAL LETTER KAPPA"}, 0x039C: {'M', "GREEK CAPITAL LETTER MU"},
	0x039D: {'N', "GREEK CAPITAL LETTER NU"}, 0x039F: {'O', "GREEK CAPITAL LETTER OMICRON"},
	0x03A1: {'P', "GREEK CAPITAL LETTER RHO"}, 0x03A4: {'T', "GREEK CAPITAL LETTER TAU"},
	0x03A5: {'Y', "GREEK CAPITAL LETTER UPSILON"}, 0x03A7: {'X', "GREEK CAPITAL LETTER CHI"},
	// Greek small letters.
	0x03B1: {'a', "GREEK SMALL LETTER ALPHA"}, 0x03B9: {'i', "GREEK SMALL LETTER IOTA"},
	0x03BD: {'v', "GREEK SMALL LETTER NU"}, 0x03BF: {'o', "GREEK SMALL LETTER OMICRON"},
	0x03C1: {'p', "GREEK SMALL LETTER RHO"}, 0x03C5: {'u', "GREEK SMALL LETTER UPSILON"},
	// Delimiters.
	0x2217: {'*', "ASTERISK OPERATOR"}, 0x204E: {'*', "LOW ASTERISK"}, 0xFE61: {'*', "SMALL ASTERISK"},
	0x2215: {'/', "DIVISION SLASH"}, 0x2044: {'/', "FRACTION SLASH"},
	0x02CB: {'`', "MODIFIER LETTER GRAVE ACCENT"}, 0x2035: {'`', "REVERSED PRIME"},
	0x201C: {'"', "LEFT DOUBLE QUOTATION MARK"}, 0x201D: {'"', "RIGHT DOUBLE QUOTATION MARK"},
	0x201F: {'"', "DOUBLE HIGH-REVERSED-9 QUOTATION MARK"}, 0x2033: {'"', "DOUBLE PRIME"},
	0x02BA: {'"', "MODIFIER LETTER DOUBLE PRIME"},
	0x2018: {'\'', "LEFT SINGLE QUOTATION MARK"}, 0x2019: {'\'', "RIGHT SINGLE QUOTATION MARK"},
	0x201B: {'\'', "SINGLE HIGH-REVERSED-9 QUOTATION MARK"}, 0x2032: {'\'', "PRIME"},
	0x02B9: {'\'', "MODIFIER LETTER PRIME"},
}

// LookAlike returns the ASCII character a non-ASCII r looks like (the
// table lookAlikes and the fullwidth forms), if any.
func LookAlike(r rune) (rune, bool) {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0, true
	}
	l, ok := lookAlikes[r]
	return l.ascii, ok
}

// invisibleNames names the invisible characters met most.
var invisibleNames = map[rune]string{
	0x00AD: "SOFT HYPHEN", 0x034F: "COMBINING GRAPHEME JOINER", 0x061C: "ARABIC LETTER MARK",
	0x115F: "HANGUL CHOSEONG FILLER", 0x1160: "HANGUL JUNGSEONG FILLER", 0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER", 0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK", 0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION", 0x2062: "INVISIBLE TIMES", 0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS", 0x3164: "HANGUL FILLER", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
	0xFFA0: "HALFWIDTH HANGUL FILLER",
}

// RuneName is r's code point and, where known, its Unicode name:
// "U+0415 CYRILLIC CAPITAL LETTER IE".
func RuneName(r rune) string {
	name := ""
	switch l, ok := lookAlikes[r]; {
	case ok:
		name = l.name
	case r >= 0xFF01 && r <= 0xFF5E:
		name = fmt.Sprintf("FULLWIDTH FORM OF %q", r-0xFEE0)
	case invisibleNames[r] != "":
		name = invisibleNames[r]
	case r >= 0xFE00 && r <= 0xFE0F:
		name = fmt.Sprintf("VARIATION SELECTOR-%d", r-0xFE00+1)
	case r >= 0xE0100 && r <= 0xE01EF:
		name = fmt.Sprintf("VARIATION SELECTOR-%d", r-0xE0100+17)
	case r >= 0xE0000 && r <= 0xE007F:
		name = "TAG CHARACTER"
	}
	if name == "" {
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%04X %s", r, name)
}

// looksLike names a look-alike: "U+2217 ASTERISK OPERATOR, which looks
// like *".
func looksLike(r rune) string {
	a, _ := LookAlike(r)
	return fmt.Sprintf("%s, which looks like %c", RuneName(r), a)
}

// fold is s with every look-alike folded to its ASCII character, every
// invisible character dropped and the white space around it trimmed.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || Invisible(r) }) {
		if a, ok := LookAlike(r); ok {
			r = a
		}
		if !Invisible(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// at is the HiddenChar for what at byte off of src.
func at(src []byte, off int, what string) HiddenChar {
	line, col := 1, 1
	for i, r := range string(src[:off]) {
		switch {
		case r == '\n':
			line, col = line+1, 1
		case r != 0xFEFF || i > 0: // a byte-order mark shows as nothing
			col++
		}
	}
	return HiddenChar{Summary: SummaryLookAlike, What: what, Line: line, Column: col, Byte: off}
}

// first keeps the earlier of two findings.
func first(h HiddenChar, found bool, g HiddenChar) (HiddenChar, bool) {
	if !found || g.Byte < h.Byte {
		return g, true
	}
	return h, true
}
