package specfile

import (
	"bytes"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// LookAlikeRego finds, in a module OPA parsed from src, the first
// backtick look-alike inside a raw string ("ˋ", U+02CB): a reader takes it
// for the string's end, and Rego reads what follows, up to the next
// backtick, as string text. Other non-ASCII text in strings is the
// author's.
func LookAlikeRego(mod *ast.Module, src []byte) (HiddenChar, bool) {
	var h HiddenChar
	found := false
	ast.WalkTerms(mod, func(t *ast.Term) bool {
		if _, ok := t.Value.(ast.String); !ok || t.Location == nil || !bytes.HasPrefix(t.Location.Text, []byte("`")) {
			return false
		}
		loc := t.Location
		for k, r := range string(loc.Text[1:]) {
			if a, ok := LookAlike(r); ok && a == '`' && loc.Offset+1+k < len(src) {
				h, found = first(h, found, at(src, loc.Offset+1+k, fmt.Sprintf(
					"%s, which does not end the raw string opened at line %d, column %d: Rego reads what follows, up to the next `, as the string",
					looksLike(r), loc.Row, loc.Col)))
				break
			}
		}
		return false
	})
	return h, found
}
