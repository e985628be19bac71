package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextBytes bounds one text from a spec or a policy (a policy message,
// an override reason, a name) in Markdown output: longer text is cut, and
// says so, so that one message cannot fill a pull-request comment.
const MaxTextBytes = 1000

// zwsp is a zero-width space as an HTML entity. After "@" it stops GitHub
// from mentioning the login that follows; inside "://" and "www." it stops
// the autolinker. The entity, not the character, because the autolinker
// reads the source text.
const zwsp = "&#8203;"

// mdEscaper escapes every character that starts Markdown or HTML syntax
// inline: emphasis, code, links and images ("[" and "]": no link or image
// starts without them), headings, table cells, HTML tags and entities,
// and GitHub's $math$. "_" is left alone: inside a word (self_hosted) it
// is literal, and around one it only italicises. Line breaks are folded by mdText before it runs.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`,
	"`", "\\`",
	"*", `\*`,
	"~", `\~`,
	"[", `\[`,
	"]", `\]`,
	"#", `\#`,
	"|", `\|`,
	"<", "&lt;",
	">", "&gt;",
	"&", "&amp;",
	"@", "@"+zwsp,
	"$", `\$`,
)

// mdText makes text from a spec or a policy safe anywhere inside a line of
// GitHub Markdown, table cells included: it renders as the same characters
// and can open no heading, list, quote, link, image, HTML element,
// @-mention, code span or table cell, and cannot end the line. Text longer
// than MaxTextBytes is cut.
func mdText(s string) string {
	s = strings.TrimLeft(oneLine(clip(s)), " ")
	s = mdEscaper.Replace(s)
	return breakAutolinks(blockStart(s))
}

// blockStart escapes what would open a block where the text starts a list
// item or a line: a bullet, quote or setext underline ("-", "+", ">",
// "="), or an ordered-list number ("1." "2)").
func blockStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return `\` + s
	}
	digits := 0
	for digits < len(s) && digits < 10 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// breakAutolinks puts a zero-width space into "://" and "www." so that
// GitHub does not turn a URL in the text into a link.
func breakAutolinks(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(strings.ToLower(s), "www.") {
		return s
	}
	s = strings.ReplaceAll(s, "://", ":"+zwsp+"//")
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+4 <= len(s) && strings.EqualFold(s[i:i+4], "www.") {
			b.WriteString(s[i:i+3] + zwsp + ".")
			i += 4
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// mdCode shows text from a spec or a policy as an inline code span, safe
// inside a table cell: a fence longer than any run of backticks in the
// text, line breaks folded, and "|" escaped (GitHub's tables split on it
// even inside code). Empty text is shown as a dash.
func mdCode(s string) string {
	s = oneLine(clip(s))
	if s == "" {
		return "-"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// oneLine replaces line breaks and other control or invisible formatting
// characters (which could hide or reorder text: bidi overrides) by
// spaces, and invalid UTF-8 by U+FFFD.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return invisible(r) || r == utf8.RuneError }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case invisible(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clip cuts s to MaxTextBytes on a rune boundary and says how much was cut.
func clip(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	cut := MaxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " … (" + strconv.Itoa(len(s)-cut) + " more bytes cut)"
}

// CommentLimit is the most characters GitHub takes in a pull-request
// comment.
const CommentLimit = 65536

// CommentBudget is what Markdown output (the PR comment, a plan's
// Markdown) may fill: the limit less a margin, counted in bytes, which are
// never fewer than characters.
const CommentBudget = CommentLimit - 1536

// summaryReserve is the part of the budget kept for the summary of the
// sections that do not fit.
const summaryReserve = 8192

// section is one spec's part of a Markdown document: in full, and as one
// line for the summary.
type section struct {
	full  func(*strings.Builder)
	short string
	// alert marks a spec a reviewer must not miss: blocked, or loosened
	// (spec.loosened, which any writer's approval waives).
	alert bool
}

// writeWithin writes the sections in full, separated by rules, while they
// fit in budget bytes with room left for a summary; the rest are listed
// one line each, as many as fit, then counted. The output says that it
// was summarised and why. The sections marked alert come first, in their
// order, then the others: specs a change adds or pads (long names, many
// findings) cannot push a blocked or loosened spec out of the comment.
func writeWithin(b *strings.Builder, sections []section, budget int) {
	sections = alertsFirst(sections)
	start := b.Len()
	full := budget - summaryReserve
	shown := 0
	for i, s := range sections {
		var sb strings.Builder
		if i > 0 {
			sb.WriteString("\n---\n\n")
		}
		s.full(&sb)
		// Sections are all or nothing: a cut one could leave a <details>
		// open. The last may use the reserve when nothing follows it.
		room := full
		if i == len(sections)-1 {
			room = budget
		}
		if b.Len()-start+sb.Len() > room {
			break
		}
		b.WriteString(sb.String())
		shown++
	}
	if shown == len(sections) {
		return
	}
	rest := sections[shown:]
	fmt.Fprintf(b, "\n---\n\n**Summarised:** %d of %d specs are shown in full; the other %d would take this comment past GitHub's limit of %d characters. Run costgate locally for each in full.\n\n",
		shown, len(sections), len(rest), CommentLimit)
	for i, s := range rest {
		line := "- " + s.short + "\n"
		tail := fmt.Sprintf("- … and %d more.\n", len(rest)-i)
		if n := alerts(rest[i:]); n > 0 {
			tail = fmt.Sprintf("- … and %d more, %d of them blocked or loosened.\n", len(rest)-i, n)
		}
		if b.Len()-start+len(line)+len(tail) > budget {
			b.WriteString(tail)
			return
		}
		b.WriteString(line)
	}
}

// alertsFirst orders the sections marked alert before the others, each
// group in its own order.
func alertsFirst(sections []section) []section {
	out := make([]section, 0, len(sections))
	for _, first := range []bool{true, false} {
		for _, s := range sections {
			if s.alert == first {
				out = append(out, s)
			}
		}
	}
	return out
}

// alerts counts the sections marked alert.
func alerts(sections []section) int {
	n := 0
	for _, s := range sections {
		if s.alert {
			n++
		}
	}
	return n
}

// plain makes text from a spec or a policy safe in terminal and CI-log
// output: control characters (a newline that would start a forged
// "::error::" workflow command or a fake line of the report, an ANSI
// escape that would recolour or erase it) and invisible formatting
// characters (bidi overrides) are shown as escapes, \n or \u202e, and
// tabs as spaces, so that a tabwriter column cannot be broken.
func plain(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case invisible(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// invisible reports whether r is a control character, a line or paragraph
// separator, or an invisible formatting character.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
