package specfile

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// LookAlikeYAML finds, in the nodes yaml.v3 reads from src, the first
// quote look-alike that would read as the end of a quoted value: a "”"
// (U+201D) in a double-quoted value, or a "’" in a single-quoted one,
// followed by the end of the line, a comment, ": " or, in a flow
// collection, a comma or bracket. YAML reads what follows, up to the next
// real quote, as the value's text. A look-alike inside the value's text
// ("the “Alpha” team", "Bob’s") is the author's. And a key spelled with
// look-alike letters that reads as an ASCII key ("cоstgate:spec" with a
// Cyrillic о): Pulumi passes it on as another namespace's key, which the
// gate does not read, while a reviewer reads costgate's. Nothing is found
// in a file YAML cannot read (its parse error says where).
func LookAlikeYAML(src []byte) (HiddenChar, bool) {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return HiddenChar{}, false
	}
	var h HiddenChar
	found := false
	var walk func(n *yaml.Node, flow bool)
	walk = func(n *yaml.Node, flow bool) {
		if n.Kind == yaml.ScalarNode && (n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle)) != 0 {
			if g, ok := quoteEnd(src, n, flow); ok {
				h, found = first(h, found, g)
			}
		}
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if g, ok := keyLookAlike(src, n.Content[i]); ok {
				h, found = first(h, found, g)
			}
		}
		for _, c := range n.Content {
			walk(c, flow || n.Style&yaml.FlowStyle != 0)
		}
	}
	walk(&doc, false)
	return h, found
}

// quoteEnd scans the quoted scalar n from its opening quote.
func quoteEnd(src []byte, n *yaml.Node, flow bool) (HiddenChar, bool) {
	open := offsetOf(src, n.Line, n.Column)
	quote := rune('"')
	if n.Style&yaml.SingleQuotedStyle != 0 {
		quote = '\''
	}
	if open < 0 || open >= len(src) || rune(src[open]) != quote {
		return HiddenChar{}, false
	}
	for i := open + 1; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case quote == '"' && r == '\\':
			_, esc := utf8.DecodeRune(src[i+1:])
			i += size + esc
			continue
		case r == quote && quote == '\'' && i+1 < len(src) && src[i+1] == '\'':
			i += 2
			continue
		case r == quote:
			return HiddenChar{}, false
		}
		if a, ok := LookAlike(r); ok && a == quote && readsAsEnd(src[i+size:], flow) {
			return at(src, i, fmt.Sprintf(
				"%s, which does not end the quoted value opened at line %d, column %d: YAML reads what follows, up to the next %c, as the value",
				looksLike(r), n.Line, n.Column, quote)), true
		}
		i += size
	}
	return HiddenChar{}, false
}

// readsAsEnd reports whether the text after a quote look-alike reads as
// the text after a value's end.
func readsAsEnd(rest []byte, flow bool) bool {
	rest = bytes.TrimLeft(rest, " \t")
	switch {
	case len(rest) == 0, rest[0] == '\n', rest[0] == '\r', rest[0] == '#':
		return true
	case rest[0] == ':':
		return len(rest) == 1 || rest[1] == ' ' || rest[1] == '\t' || rest[1] == '\n' || rest[1] == '\r'
	case flow:
		return rest[0] == ',' || rest[0] == ']' || rest[0] == '}'
	}
	return false
}

// offsetOf is the byte offset of line and column (1-based, in characters,
// as yaml.v3 counts them: a leading byte-order mark is not one), or -1.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		nl := bytes.IndexByte(src[off:], '\n')
		if nl < 0 {
			return -1
		}
		off += nl + 1
	}
	if line == 1 && bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		off = 3
	}
	for c := 1; c < col && off < len(src); c++ {
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}

// keyLookAlike finds a mapping key whose text in src holds a look-alike
// and folds to ASCII: it reads as an ASCII key and is another. A key in
// another script ("владелец") does not fold to ASCII and is the author's.
func keyLookAlike(src []byte, key *yaml.Node) (HiddenChar, bool) {
	if key.Kind != yaml.ScalarNode || fold(key.Value) == key.Value || !ascii(fold(key.Value)) {
		return HiddenChar{}, false
	}
	start := offsetOf(src, key.Line, key.Column)
	if start < 0 {
		return HiddenChar{}, false
	}
	for i := start; i < len(src) && src[i] != '\n'; {
		r, size := utf8.DecodeRune(src[i:])
		if _, ok := LookAlike(r); ok {
			return at(src, i, fmt.Sprintf("%s, in the key %q, which reads as %s and is another key: Pulumi passes it on under that name, and a reviewer reads %s",
				looksLike(r), key.Value, fold(key.Value), fold(key.Value))), true
		}
		i += size
	}
	return HiddenChar{}, false // written with escapes, which show
}

// ascii reports whether s is ASCII.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
