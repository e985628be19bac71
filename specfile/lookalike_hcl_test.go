package specfile

import (
	"strings"
	"testing"
)

// TestLookAlikeHCL: a heredoc line that reads as the end marker and is
// not, or a "*/" look-alike in a block comment, is refused at the
// look-alike, named with what it looks like; non-ASCII text in heredocs,
// strings and comments, and nested heredocs, are accepted.
func TestLookAlikeHCL(t *testing.T) {
	heredoc := func(end string) string {
		return "override \"q1\" {\n  reason = <<EOT\nQuarterly review.\n" + end + "\n}\n\ncompliance {\n  code_may_leave_network = false\n}\n"
	}
	for _, tt := range []struct {
		name, src string
		line, col int // 0: accepted
		want      string
	}{
		{"Cyrillic Ie in the end marker", heredoc("\u0415OT"), 4, 1, "U+0415 CYRILLIC CAPITAL LETTER IE, which looks like E, in a line that reads as the end marker EOT of the heredoc opened at line 2"},
		{"Greek Omicron in the end marker", heredoc("E\u039fT"), 4, 2, "U+039F GREEK CAPITAL LETTER OMICRON, which looks like O"},
		{"fullwidth end marker", heredoc("\uff25\uff2f\uff34"), 4, 1, "FULLWIDTH FORM OF 'E'"},
		{"indented look-alike of an indented heredoc", "a = <<-END\n    x\n    \u0415ND\n    END\n", 3, 5, "U+0415"},
		{"ASCII line, look-alike marker", "a = <<\u0415OT\nx\nEOT\n\u0415OT\n", 3, 1, "the end marker's own U+0415"},
		{"look-alike in a second heredoc", heredoc("EOT") + "b = <<EOF\ny\nE\u041eF\nEOF\n", 12, 2, "end marker EOF of the heredoc opened at line 10"},
		{"unterminated heredoc", "a = <<EOT\nx\nE\u041eT\n", 3, 2, "U+041E"},
		{"asterisk operator ends a comment", "/* SEC-1234 \u2217/\nx = 1\n/* end */\n", 1, 13, "U+2217 ASTERISK OPERATOR, which looks like *, in a \"*/\" that does not end the block comment opened at line 1, column 1"},
		{"division slash ends a comment", "x = 1\n  /* a *\u2215\ny = 2 */\n", 2, 9, "U+2215 DIVISION SLASH"},
		{"fullwidth asterisk", "/* a \uff0a/ */\n", 1, 6, "FULLWIDTH FORM OF '*'"},
		{"low asterisk and fraction slash", "/* a \u204e\u2044 */\n", 1, 6, "U+204E LOW ASTERISK"},
		{"small asterisk", "/*\n a \ufe61/\n*/\n", 2, 4, "U+FE61 SMALL ASTERISK"},
		{"Cyrillic text in a heredoc", heredoc("EOT") + "d = <<EOT\nОбзор EOT расходов, ЕОТ-2026\n🚀 done\nEOT\n", 0, 0, ""},
		{"a line that only starts like the marker", "a = <<EOT\n\u0415OTX\nEOT\n", 0, 0, ""},
		{"nested heredoc with the same marker", "a = <<EOT\nx ${<<EOT\ny\nEOT\n}\nEOT\n", 0, 0, ""},
		{"real markers with spaces", "a = <<EOT\nx\n  EOT  \nb = <<-EOT\n  y\n\u3000EOT\n", 0, 0, ""},
		{"asterisk operator alone in a comment", "/* 2 \u2217 3 = 6, a/b, a * b */\n", 0, 0, ""},
		{"look-alikes in line comments and strings", "# ∗/ ЕOT\n// ∗/\nx = \"∗/ “quoted” ˋ\"\n", 0, 0, ""},
		{"comment in a heredoc", "a = <<EOT\n/* x \u2217/\nEOT\n", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, found := LookAlikeHCL([]byte(tt.src))
			assertLookAlike(t, h, found, tt.line, tt.col, tt.want)
		})
	}
}

// assertLookAlike checks a LookAlike* answer: refused at line:col with
// want in its description, or accepted where line is 0.
func assertLookAlike(t *testing.T, h HiddenChar, found bool, line, col int, want string) {
	t.Helper()
	switch {
	case line == 0 && found:
		t.Fatalf("refused at %d:%d: %s", h.Line, h.Column, h.What)
	case line == 0:
	case !found:
		t.Fatal("accepted")
	case h.Line != line || h.Column != col || !strings.Contains(h.What, want) || h.Summary != SummaryLookAlike:
		t.Errorf("%d:%d %s, want %d:%d %s", h.Line, h.Column, h.What, line, col, want)
	}
}
