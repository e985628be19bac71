package specfile

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestLookAlikeRego: a backtick look-alike inside a raw string is refused
// at the look-alike; non-ASCII text in raw and quoted strings and
// comments is accepted.
func TestLookAlikeRego(t *testing.T) {
	rule := "deny contains {\"policy\": \"acme.cap\", \"msg\": \"over\"} if {\n\tinput.total > 3000\n}\n"
	for _, tt := range []struct {
		name, src string
		line, col int // 0: accepted
		want      string
	}{
		{"modifier letter grave accent", "package p\n\ndoc := `\nAcme cap (FIN-812).\u02cb\n\n" + rule + "\n# raw strings: ` # (backticks)\n", 4, 20, "U+02CB MODIFIER LETTER GRAVE ACCENT, which looks like `, which does not end the raw string opened at line 3, column 8"},
		{"reversed prime", "package p\n\nm := {\"k\": `a\u2035 b`}\n", 3, 14, "U+2035 REVERSED PRIME"},
		{"fullwidth grave accent", "package p\n\nx := `a\uff40`\n", 3, 8, "FULLWIDTH FORM OF '`'"},
		{"in a rule body", "package p\n\nallow if {\n\tx := `a\u02cb`\n\tx != \"\"\n}\n", 4, 9, "U+02CB"},
		{"text in raw strings", "package p\n\ndoc := `Обзор — 🚀 “quoted” ‘x’ ∗/`\n", 0, 0, ""},
		{"look-alike in a quoted string", "package p\n\nx := \"a\u02cb b\"\n", 0, 0, ""},
		{"look-alike in a comment", "package p\n\n# a \u02cb b `\nx := 1\n", 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mod, err := ast.ParseModuleWithOpts("p.rego", tt.src, ast.ParserOptions{RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			h, found := LookAlikeRego(mod, []byte(tt.src))
			assertLookAlike(t, h, found, tt.line, tt.col, tt.want)
		})
	}
}
