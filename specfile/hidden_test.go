package specfile

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestHiddenInvisible: an invisible character is refused wherever it is,
// at its line and column, named by code point; emoji sequences that join
// pictures with one, a leading byte-order mark and other non-ASCII text
// (names, accents, CJK, emoji) are accepted.
func TestHiddenInvisible(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		line, col int // 0: accepted
		want      string
	}{
		{"zero-width space after a heredoc marker", "a = <<EOT\nx\nEOT\u200b\nEOT\n", 3, 4, "U+200B ZERO WIDTH SPACE"},
		{"zero-width non-joiner", "# a\u200cb\n", 1, 4, "U+200C"},
		{"zero-width joiner in a word", "name = \"ab\u200dc\"\n", 1, 11, "U+200D ZERO WIDTH JOINER"},
		{"word joiner", "x\u2060 = 1\n", 1, 2, "U+2060 WORD JOINER"},
		{"invisible plus", "x = 1\u2064\n", 1, 6, "U+2064 INVISIBLE PLUS"},
		{"byte-order mark past the start", "x = 1\n\ufeffy = 2\n", 2, 1, "U+FEFF"},
		{"soft hyphen", "reason = \"in\u00adternal\"\n", 1, 13, "U+00AD SOFT HYPHEN"},
		{"tag character", "# ok\U000E0041\U000E0042\n", 1, 5, "U+E0041 TAG CHARACTER"},
		{"tag characters of a flag", "# \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F\n", 1, 4, "U+E0067"},
		{"variation selector after a letter", "EOT\ufe0f\n", 1, 4, "U+FE0F VARIATION SELECTOR-16"},
		{"variation selector supplement", "x = \"a\U000E0100\"\n", 1, 7, "U+E0100 VARIATION SELECTOR-17"},
		{"left-to-right mark", "x = 1 # \u200e\n", 1, 9, "U+200E LEFT-TO-RIGHT MARK"},
		{"Mongolian vowel separator", "x\u180e\n", 1, 2, "U+180E"},
		{"Hangul filler", "\u3164 = 1\n", 1, 1, "U+3164 HANGUL FILLER"},
		{"zero-width joiner after an emoji before a letter", "# \U0001F600\u200dx\n", 1, 4, "U+200D"},
		{"bidirectional control stays a line-break kind", "# \u202e\n", 1, 3, "bidirectional"},
		{"leading byte-order mark", "\ufeffx = 1\n", 0, 0, ""},
		{"names and accents", "name = \"Zoë Ünal, Дмитрий, 山田\"\n", 0, 0, ""},
		{"emoji", "# 🚀 ready ✅\n", 0, 0, ""},
		{"emoji presentation", "# ❤️ ⚠️ ↔️ ‼️\n", 0, 0, ""},
		{"keycap", "# 1️⃣ #️⃣\n", 0, 0, ""},
		{"joined emoji", "# 🧑‍💻 👩🏽‍💻 🏳️‍🌈 👨‍👩‍👧\n", 0, 0, ""},
		{"CRLF", "x = 1\r\ny = 2\r\n", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, found := Hidden([]byte(tt.src))
			switch {
			case tt.line == 0 && found:
				t.Fatalf("refused at %d:%d: %s", h.Line, h.Column, h.What)
			case tt.line == 0:
				return
			case !found:
				t.Fatal("accepted")
			case h.Line != tt.line || h.Column != tt.col || !strings.Contains(h.What, tt.want):
				t.Errorf("%d:%d %s (%s), want %d:%d %s", h.Line, h.Column, h.What, h.Summary, tt.line, tt.col, tt.want)
			}
			if strings.Contains(tt.want, "U+") && h.Summary != SummaryInvisible {
				t.Errorf("summary %q", h.Summary)
			}
			if r, _ := utf8.DecodeRuneInString(tt.src[h.Byte:]); !Invisible(r) && h.Summary == SummaryInvisible {
				t.Errorf("byte %d is %U", h.Byte, r)
			}
		})
	}
}

// FuzzHidden: no input panics the checks, and what they find is where
// they say it is.
func FuzzHidden(f *testing.F) {
	for _, s := range []string{
		"a = <<EOT\nx\nEOT\u200b\nEOT\n", "# 🧑‍💻 ❤️\n", "\ufeffx = 1\n", "x\u2060 = 1\n",
		"a = <<EOT\nx\n\u0415OT\nEOT\n", "/* a \u2217/ b */\n", "a = <<-EOT\n  x ${<<EOT\ny\nEOT\n}\n  \uff25OT\n",
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte("package p\n\ndoc := `\nx\u02cb\n\n# `\n"))
	f.Add([]byte("k: \"a\u201d\n  b: 1 # \"\n"))
	f.Add([]byte("k: {x: 'a\u2019, y: '}\n"))
	rego := func(src []byte) (HiddenChar, bool) {
		mod, err := ast.ParseModuleWithOpts("p.rego", string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return HiddenChar{}, false
		}
		return LookAlikeRego(mod, src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, check := range []func([]byte) (HiddenChar, bool){Hidden, LookAlikeHCL, rego, LookAlikeYAML} {
			h, found := check(src)
			if !found {
				continue
			}
			if h.Byte < 0 || h.Byte >= len(src) || h.What == "" || h.Summary == "" {
				t.Fatalf("%+v in %q", h, src)
			}
			if want := at(src, h.Byte, ""); want.Line != h.Line || want.Column != h.Column {
				t.Fatalf("%d:%d, byte %d is at %d:%d", h.Line, h.Column, h.Byte, want.Line, want.Column)
			}
		}
	})
}
