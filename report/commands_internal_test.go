package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAppendDefusedAsDefuseCommands holds the escaping of CommandSafe's
// writes to DefuseCommands on text made of the pieces that matter: "::"
// and ":::" at and after a line's start, "##[", both line breaks, ASCII
// and Unicode whitespace, control and format characters, invalid UTF-8.
func TestAppendDefusedAsDefuseCommands(t *testing.T) {
	pieces := []string{"::", ":", ":::", "##[", "#", "[", "\n", "\r", "\r\n", " ", "\t", "\x00", "\x7f",
		"\u00a0", "\u2028", "\u200b", "\ufeff", "\x85", "\xc2\x85", "\xff", "é", "a", "urn:pulumi:s::p::t::n", `"`, "\\"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		want := DefuseCommands(s)
		if got := string(appendDefused([]byte("keep"), []byte(s))); got != "keep"+want {
			t.Fatalf("appendDefused(%q) = %q, want %q", s, got, "keep"+want)
		}
	}
}
