package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canary is in files a spec may not read: no output may quote it.
const canary = "canary-5f3a9c"

// hostileRepo makes a repository whose teams/ holds symlinks out of it and
// files that are not specs, next to one valid spec, and works in it.
func hostileRepo(t *testing.T) {
	t.Helper()
	top := t.TempDir()
	repo, outside := filepath.Join(top, "repo"), filepath.Join(top, "outside")
	for _, d := range []string{filepath.Join(repo, ".git"), filepath.Join(repo, "teams"), filepath.Join(repo, "policies"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	valid, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(repo, "teams", "ok.hcl"):       string(valid),
		filepath.Join(repo, "policies", "acme.rego"): "package costgate.acme\n\n" + canary + " := 1\n",
		filepath.Join(outside, "secret.hcl"):         "AWS_SECRET_ACCESS_KEY = \"" + canary + "\"\n",
		filepath.Join(repo, "teams", "binary.hcl"):   "\x00\x01" + canary + "\x00",
	}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"passwd.hcl": "/etc/passwd",
		"secret.hcl": "../../outside/secret.hcl",
		"policy.hcl": "../policies/acme.rego",
		"alias.hcl":  "ok.hcl",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(repo, "teams", name)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(repo)
}

// TestSpecsConfinedToTheRepository: every command that reads specs refuses
// a symlink out of the repository and a file that is not a spec, exits 2,
// and quotes nothing of it.
func TestSpecsConfinedToTheRepository(t *testing.T) {
	hostileRepo(t)
	bad := []struct{ path, want string }{
		{"teams/passwd.hcl", "is a symlink to /etc/passwd, outside the repository"},
		{"teams/secret.hcl", "outside the repository"},
		{"teams/policy.hcl", "which is not a spec file"},
		{"policies/acme.rego", "policies/acme.rego is not a spec file"},
		{"teams/binary.hcl", "Not a text file"},
	}
	commands := [][]string{
		{"validate"}, {"fmt"}, {"fmt", "--check"}, {"plan"}, {"check"}, {"breakeven"},
		{"diff", "teams/ok.hcl"},
	}
	for _, b := range bad {
		for _, c := range commands {
			args := append(append([]string{}, c...), b.path)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := runCLI(args...)
				if code != exitInvalid {
					t.Errorf("exit %d, want %d\nstderr: %s", code, exitInvalid, stderr)
				}
				if !strings.Contains(strings.Join(strings.Fields(stderr), " "), b.want) && !(c[0] == "fmt" && b.path == "teams/binary.hcl") {
					t.Errorf("stderr lacks %q:\n%s", b.want, stderr)
				}
				for _, leak := range []string{canary, "root:x:", "AWS_SECRET_ACCESS_KEY", "package costgate"} {
					if strings.Contains(stdout+stderr, leak) {
						t.Errorf("output quotes %q:\n%s%s", leak, stdout, stderr)
					}
				}
			})
		}
	}
	// A symlink inside the repository to a spec is a spec.
	if code, _, stderr := runCLI("validate", "teams/alias.hcl", "teams/ok.hcl"); code != exitOK {
		t.Errorf("validate of an in-repository symlink: exit %d\n%s", code, stderr)
	}
	if data, err := os.ReadFile("/etc/passwd"); err == nil && len(data) > 0 {
		// fmt wrote nothing through the link.
		if fi, _ := os.Lstat("teams/passwd.hcl"); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("fmt replaced the symlink")
		}
	}
}

// TestDoubleDashSpecs: after "--" every argument is a spec, even one that
// starts with "-" or holds spaces; before it, such a name is a flag.
func TestDoubleDashSpecs(t *testing.T) {
	hostileRepo(t)
	valid, err := os.ReadFile("teams/ok.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"-x.hcl", "a b.hcl", "--policy-dir=.hcl", "-"} {
		target := name
		if name == "-" {
			target = "-.hcl"
		}
		// Each file its own team: a team has one spec.
		own := strings.Replace(string(valid), `team "startup"`, fmt.Sprintf(`team "startup-%d"`, i), 1)
		if err := os.WriteFile(target, []byte(own), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][]string{{"validate"}, {"fmt", "--check"}, {"plan", "--as-of", "2026-11-26"}, {"check", "--as-of", "2026-11-26"}} {
		args := append(append([]string{}, c...), "--", "-x.hcl", "a b.hcl", "--policy-dir=.hcl")
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(args...)
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if c[0] == "validate" {
				for _, want := range []string{"-x.hcl: valid", "a b.hcl: valid", "--policy-dir=.hcl: valid"} {
					if !strings.Contains(stdout, want) {
						t.Errorf("stdout lacks %q:\n%s", want, stdout)
					}
				}
			}
			if c[0] == "plan" && strings.Count(stdout, "costgate plan: team startup") != 3 {
				t.Errorf("want three plans:\n%s", stdout)
			}
		})
	}
	// Without "--" a leading "-" is a flag, and an unknown one is a usage error.
	if code, _, stderr := runCLI("validate", "-x.hcl"); code != exitInvalid || !strings.Contains(stderr, "unknown shorthand flag") {
		t.Errorf("validate -x.hcl: exit %d, stderr %s", code, stderr)
	}
}

// TestRulesConfinedToTheRepository: a policy file, a price book or a stack
// file linked to a file outside the repository is refused unread, so that
// its lines never reach a parse error; a link inside the repository is
// followed.
func TestRulesConfinedToTheRepository(t *testing.T) {
	hostileRepo(t)
	outside := filepath.Join(filepath.Dir(mustGetwd(t)), "outside")
	files := map[string]string{
		filepath.Join(outside, "evil.rego"):  "package costgate.acme\n\n" + canary + " := {\n",
		filepath.Join(outside, "book.json"):  `{"` + canary + `": 1}`,
		filepath.Join(outside, "stack.yaml"): canary + "\n",
		"policies/acme/deny.rego":            "package costgate.acme\n\nwarn contains {\"policy\": \"acme.note\", \"option\": \"*\", \"msg\": \"noted\"} if true\n",
		"prices/inside.json":                 `{"as_of": "2026-11-20"}`,
	}
	for p, s := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"policies/linked/evil.rego": filepath.Join(outside, "evil.rego"),
		"prices/book.json":          filepath.Join(outside, "book.json"),
		"prices/alias.json":         "inside.json",
		"Pulumi.evil.yaml":          filepath.Join(outside, "stack.yaml"),
	}
	for name, target := range links {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"check", "teams/ok.hcl", "--policy-dir", "policies/linked"}, exitInvalid},
		{[]string{"plan", "teams/ok.hcl", "--catalog", "prices/book.json"}, exitInvalid},
		{[]string{"validate", "teams/ok.hcl", "--catalog", "prices/book.json"}, exitInvalid},
		{[]string{"diff", "teams/ok.hcl", "teams/ok.hcl", "--catalog", "prices/book.json"}, exitInvalid},
		{[]string{"check", "--stack-spec", "Pulumi.evil.yaml", "teams/ok.hcl"}, exitInvalid},
		{[]string{"plan", "teams/ok.hcl", "--stack-config", "Pulumi.evil.yaml"}, exitInvalid},
		{[]string{"check", "teams/ok.hcl", "--as-of", "2026-11-26", "--policy-dir", "policies/acme", "--catalog", "prices/alias.json"}, exitOK},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.want, stdout, stderr)
			}
			if tt.want == exitInvalid && !strings.Contains(strings.Join(strings.Fields(stderr), " "), "outside the repository") {
				t.Errorf("stderr does not say why:\n%s", stderr)
			}
			if strings.Contains(stdout+stderr, canary) {
				t.Errorf("output quotes the linked file:\n%s%s", stdout, stderr)
			}
		})
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
