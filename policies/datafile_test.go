package policies

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataFileReadsAsShown: a policy folder's data.json is refused where
// a reviewer would read it otherwise than the policies do (a key given
// twice, an invisible character in a key), and read past a byte-order
// mark as a Rego file is.
func TestDataFileReadsAsShown(t *testing.T) {
	for _, tt := range []struct{ name, data, want string }{
		{"a waiver narrowed, then given again wider",
			`{"costgate": {"waivers": {"spend.limit": {"max_days": 30, "approvers": ["@cfo"]},` + "\n" + `"spend.limit": {"max_days": 90, "approvers": ["*"]}}}}`,
			`data.json:2:1: key "spend.limit" is given twice in one object (first at line 1)`},
		{"the root given twice", `{"costgate": {"acme": {"cap": 100}}, "costgate": {}}`, `key "costgate" is given twice`},
		{"a zero-width space in a key", "{\"costgate\": {\"acme\": {\"cap\u200b\": 100}}}", "U+200B"},
		{"the same key in two objects", `{"costgate": {"acme": {"cap": 100}, "beta": {"cap": 100, "list": [{"a": 1}, {"a": 2}]}}}`, ""},
		{"a byte-order mark", "\ufeff{\"costgate\": {\"acme\": {\"cap\": 100}}}", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "data.json"), []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{Dirs: []string{dir}})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
