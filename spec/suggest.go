package spec

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
)

// suggest returns the candidate the user most likely meant by given, or ""
// when none is close. Close means a few edits away (scaled with the word's
// length, so that "claude-sonet-4.6" finds "claude-sonnet-4.6" but "x" does
// not find "h100"), or the only candidate containing given.
func suggest(given string, candidates []string) string {
	g := strings.ToLower(strings.TrimSpace(given))
	if g == "" {
		return ""
	}
	limit := max(2, len(g)/4)
	best, bestDist := "", -1
	for _, c := range candidates {
		dist := levenshtein.Distance(g, strings.ToLower(c), nil)
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if bestDist >= 0 && bestDist <= limit && bestDist < len(g) {
		return best
	}
	if len(g) >= 4 {
		var hit string
		n := 0
		for _, c := range candidates {
			if strings.Contains(strings.ToLower(c), g) {
				hit = c
				n++
			}
		}
		if n == 1 {
			return hit
		}
	}
	return ""
}

// didYouMean is suggest rendered as a sentence to append to a Detail, with
// a leading space, or "" when there is no suggestion.
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}
