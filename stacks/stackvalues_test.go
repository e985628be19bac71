package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStackValuesOfTheirOwnForm: a time zone EC2 Auto Scaling cannot take
// and a capacity block end that is no date are refused when the stack
// file is read, naming its line; they passed every gate of a fleet that
// did not use them, and the end date was repeated in reminders as written.
func TestStackValuesOfTheirOwnForm(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "team.hcl"), []byte("team \"a\" {\n  developers = 1\n  tokens_per_developer = 1e6\n}\nworkload \"w\" {\n  share = 1\n  complexity = \"simple\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		line, want string
	}{
		{"costgate:timeZone: Mars/Olympus", `:3: costgate:timeZone: "Mars/Olympus" is not an IANA time zone`},
		{"costgate:timeZone: Local", `:3: costgate:timeZone: "Local" is not an IANA time zone`},
		{"costgate:capacityBlockEnd: 2026-02-30", `:3: costgate:capacityBlockEnd: "2026-02-30" is not a date`},
		{"costgate:capacityBlockEnd: next tuesday", `:3: costgate:capacityBlockEnd: "next tuesday" is not a date`},
		{"costgate:timeZone: America/Los_Angeles", ""},
		{`costgate:capacityBlockEnd: "2027-01-15"`, ""},
		// Unquoted, YAML reads a date, which Pulumi gives the program as
		// "2027-01-15 00:00:00 +0000 UTC".
		{"costgate:capacityBlockEnd: 2027-01-15", `:3: costgate:capacityBlockEnd: "2027-01-15" (tag !!timestamp) reads in Pulumi as "2027-01-15 00:00:00 +0000 UTC": write the value itself, quoted`},
	} {
		path := filepath.Join(dir, "Pulumi.s.yaml")
		if err := os.WriteFile(path, []byte("config:\n  costgate:spec: team.hcl\n  "+tt.line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadStackConfig(path)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), path+tt.want)) {
			t.Errorf("%s: %v, want %q", tt.line, err, tt.want)
		}
	}
}
