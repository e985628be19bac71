package specfile

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// LookAlikeHCL finds, with HCL's own lexer, the first delimiter look-alike
// of an HCL file where it would matter: a line inside a heredoc that reads
// as the heredoc's end marker once look-alikes are folded and invisible
// characters and spaces dropped ("ЕOT" with a Cyrillic Е, "EOT" followed
// by a zero-width space), and is not the marker, so HCL reads every line
// after it up to the next real marker as the heredoc's text; and a "*/"
// look-alike inside a block comment ("∗/" with U+2217), which leaves the
// comment open to the next "*/". Other non-ASCII text in strings,
// heredocs and comments is the author's.
func LookAlikeHCL(src []byte) (HiddenChar, bool) {
	// Both need their opener's bytes in src: a block comment's "/*", a
	// heredoc's "<<". Without either, no token below can match, and the
	// file need not be lexed a second time (most specs).
	if !bytes.Contains(src, []byte("/*")) && !bytes.Contains(src, []byte("<<")) {
		return HiddenChar{}, false
	}
	toks, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	var h HiddenChar
	found := false
	for i, tok := range toks {
		switch {
		case tok.Type == hclsyntax.TokenComment && bytes.HasPrefix(tok.Bytes, []byte("/*")):
			body := bytes.TrimSuffix(tok.Bytes[2:], []byte("*/"))
			if off, r, ok := commentEnd(body); ok {
				h, found = first(h, found, at(src, tok.Range.Start.Byte+2+off, fmt.Sprintf(
					"%s, in a \"*/\" that does not end the block comment opened at line %d, column %d: HCL reads what follows, up to the next */, as the comment",
					looksLike(r), tok.Range.Start.Line, tok.Range.Start.Column)))
			}
		case tok.Type == hclsyntax.TokenOHeredoc:
			if g, ok := heredocEnd(src, toks, i); ok {
				h, found = first(h, found, g)
			}
		}
	}
	return h, found
}

// commentEnd finds a "*/" look-alike in a block comment's text: a pair of
// characters that folds to "*/" and is not it.
func commentEnd(body []byte) (int, rune, bool) {
	prev, prevOff := rune(-1), 0
	for off, r := range string(body) {
		if Invisible(r) {
			continue
		}
		a, _ := LookAlike(r)
		p, _ := LookAlike(prev)
		if (r == '/' || a == '/') && (prev == '*' || p == '*') && (r != '/' || prev != '*') {
			if prev != '*' {
				return prevOff, prev, true
			}
			return off, r, true
		}
		prev, prevOff = r, off
	}
	return 0, 0, false
}

// heredocEnd checks the lines of the heredoc that toks[open] opens for a
// look-alike of its end marker.
func heredocEnd(src []byte, toks hclsyntax.Tokens, open int) (HiddenChar, bool) {
	opener := toks[open]
	marker := strings.TrimRight(strings.TrimPrefix(strings.TrimPrefix(string(opener.Bytes), "<<"), "-"), "\r\n")
	end, depth := len(src), 1
	for _, tok := range toks[open+1:] {
		switch tok.Type {
		case hclsyntax.TokenOHeredoc:
			depth++
		case hclsyntax.TokenCHeredoc:
			depth--
		}
		if depth == 0 {
			end = tok.Range.Start.Byte
			break
		}
	}
	want := fold(marker)
	start := opener.Range.End.Byte
	for _, line := range strings.SplitAfter(string(src[start:end]), "\n") {
		off := start
		start += len(line)
		text := strings.TrimRight(line, "\r\n")
		if strings.TrimFunc(text, unicode.IsSpace) == marker || fold(text) != want {
			continue // a nested heredoc's end, or text
		}
		// The first character that is not the marker's own.
		what := ""
		for k, r := range text {
			if _, ok := LookAlike(r); ok {
				what, off = looksLike(r), off+k
				break
			}
			if Invisible(r) {
				what, off = "an invisible character, "+RuneName(r), off+k
				break
			}
		}
		if what == "" { // the marker holds the look-alike, the line is ASCII
			for _, r := range marker {
				if _, ok := LookAlike(r); ok {
					what = fmt.Sprintf("the end marker's own %s", looksLike(r))
					break
				}
			}
			off += len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
		}
		return at(src, off, fmt.Sprintf(
			"%s, in a line that reads as the end marker %s of the heredoc opened at line %d and is not: HCL reads the lines after it, up to the next %s, as the heredoc's text",
			what, marker, opener.Range.Start.Line, marker)), true
	}
	return HiddenChar{}, false
}
