package policies

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyFileLinkedOutOfItsFolder: a policy file or data.json that is a
// symlink leading out of its policy folder is refused (the folder's owners
// review the folder, and a change to the link's target in teams/ needed
// any writer's approval only); one leading within the folder is read.
func TestPolicyFileLinkedOutOfItsFolder(t *testing.T) {
	repo := t.TempDir()
	for _, d := range []string{".git", "policies/research/shared", "teams/rules"} {
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const rule = "package costgate.research\n\nwarn contains {\"policy\": \"research.note\", \"option\": \"*\", \"msg\": \"a note\"} if {\n\tinput.inputs.team == \"nobody\"\n}\n"
	for _, f := range []string{"policies/research/shared/note.rego", "teams/rules/cap.rego"} {
		if err := os.WriteFile(filepath.Join(repo, f), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(repo)
	link := func(target, name string) {
		t.Helper()
		os.Remove(name)
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	link("shared/note.rego", "policies/research/note.rego")
	if _, err := loadDirs([]string{"policies/research"}, false); err != nil {
		t.Errorf("a link within the folder: %v", err)
	}
	for _, name := range []string{"policies/research/cap.rego", "policies/research/data.json"} {
		link("../../teams/rules/cap.rego", name)
		_, err := loadDirs([]string{"policies/research"}, false)
		if err == nil || !strings.Contains(err.Error(), "outside its policy folder policies/research") {
			t.Errorf("%s linked to teams/: %v", name, err)
		}
		os.Remove(name)
	}
}
