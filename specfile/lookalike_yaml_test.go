package specfile

import (
	"testing"
)

// TestLookAlikeYAML: a quote look-alike that reads as the end of a quoted
// value (followed by the end of the line, a comment, ": ", or in a flow
// collection a comma or bracket) is refused at the look-alike; curly
// quotes inside a value's text, and other non-ASCII text, are accepted.
// A key spelled with look-alike letters that reads as an ASCII key is
// refused too; a key in another script is accepted.
func TestLookAlikeYAML(t *testing.T) {
	const principals = "  costgate:consumerPrincipals:\n    - arn:aws:iam::123456789012:role/gateway-client\n"
	for _, tt := range []struct {
		name, src string
		line, col int // 0: accepted
		want      string
	}{
		{"right double quotation mark at the end of a line", "config:\n  acme:owner: \"platform team, INC-4711\u201d\n" + principals + "  # owner strings are quoted with \" # see INC-4711\n", 2, 39, "U+201D RIGHT DOUBLE QUOTATION MARK, which looks like \", which does not end the quoted value opened at line 2, column 15"},
		{"before a comment", "config:\n  acme:owner: \"a\u201d # INC-1\n  b: c # \"\n", 2, 17, "U+201D"},
		{"right single quotation mark", "config:\n  acme:owner: 'a\u2019\n  b: c # '\n", 2, 17, "U+2019 RIGHT SINGLE QUOTATION MARK"},
		{"fullwidth quotation mark", "config:\n  acme:owner: \"a\uff02   \n  b: c # \"\n", 2, 17, "FULLWIDTH FORM OF '\"'"},
		{"double prime before a colon", "k: \"a\u2033: b\"\n", 1, 6, "U+2033 DOUBLE PRIME"},
		{"in a flow mapping", "config:\n  k: {x: \"a\u201d, y: \"}\n", 2, 12, "U+201D"},
		{"quoted key", "\"a\u201d : x\": 1\n", 1, 3, "U+201D"},
		{"after an escaped quote", "k: \"a \\\" b\u201d\n  c\"\n", 1, 11, "U+201D"},
		{"curly quotes inside the text", "config:\n  acme:team: \"the \u201cAlpha\u201d team\"\n  acme:owner: 'Bob\u2019s team'\n  acme:x: \"Alpha\u201d\"\n", 0, 0, ""},
		{"non-ASCII text", "config:\n  acme:owner: \"Zoë — Дмитрий 🚀\"\n  acme:note: plain “quoted” text\n", 0, 0, ""},
		{"plain scalar", "k: a\u201d\n", 0, 0, ""},
		{"block scalar", "k: |\n  a\u201d\n  b\n", 0, 0, ""},
		{"comma outside a flow collection", "k: \"a\u201d, b\"\n", 0, 0, ""},
		{"single-quote escape", "k: 'it''s a\u2019 b'\n", 0, 0, ""},
		{"leading byte-order mark", "\ufeffk: \"a\u201d\n  b\"\n", 1, 6, "U+201D"},
		{"not YAML", "k: \"a\u201d\n", 0, 0, ""},
		{"a key with a Cyrillic o", "config:\n  costgate:spec: a.hcl\n  c\u043estgate:consumerPrincipals:\n    - arn:aws:iam::123456789012:role/x\n", 3, 4, "U+043E CYRILLIC SMALL LETTER O, which looks like o, in the key \"c\u043estgate:consumerPrincipals\", which reads as costgate:consumerPrincipals"},
		{"a quoted key with a Greek Alpha", "\"\u0391WS:region\": x\n", 1, 2, "U+0391 GREEK CAPITAL LETTER ALPHA"},
		{"a key with a fullwidth colon", "costgate\uff1aspec: a.hcl\n", 1, 9, "FULLWIDTH FORM OF ':'"},
		{"a key in another script", "config:\n  acme:владелец: Дмитрий\n  acme:Zoë: x\n", 0, 0, ""},
		{"a key written with escapes", "\"c\\u043estgate:spec\": a.hcl\n", 0, 0, ""},
		{"a look-alike in a value", "k: c\u043estgate\n", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, found := LookAlikeYAML([]byte(tt.src))
			assertLookAlike(t, h, found, tt.line, tt.col, tt.want)
		})
	}
}
