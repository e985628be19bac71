package ci

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// costgateBinary builds cmd/costgate once for the tests that run the real
// CLI through the workflow's script.
func costgateBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds costgate")
	}
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "costgate-ci"); buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "costgate")
		out, err := exec.Command("go", "build", "-o", builtBin, "../cmd/costgate").CombinedOutput()
		if err != nil {
			buildErr = &exec.Error{Name: "go build: " + string(out), Err: err}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// TestCostgateScriptStackSpecs: with a base, check and diff get the spec
// folder and every stack config of the working directory; the deploy
// job's STACK_CONFIG passes its stack config alone, without the
// repository's price book (the stack's is the one pulumi up uses).
func TestCostgateScriptStackSpecs(t *testing.T) {
	dir := specTree(t, []string{"a.hcl", "B.HCL"}, []byte("x"))
	for _, f := range []string{"Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yml", "Pulumi.prod.yaml.bak"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("config: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A stack file may be a symlink: pulumi up follows it.
	if err := os.Symlink("Pulumi.prod.yaml", filepath.Join(dir, "Pulumi.stage.yaml")); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "costgate")
	if err := os.WriteFile(fake, []byte(fakeCostgate), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"COSTGATE=" + fake, "SPEC_DIR=teams", "COSTGATE_CATALOG=prices/a.json", "COSTGATE_POLICY_DIRS=policies/acme", "APPROVALS="}
	code, argv, stderr := scriptRun{dir: dir, args: []string{"check", "--base-ref", "abc"}, env: env}.run(t)
	want := []string{"check", "--catalog", "./prices/a.json", "--policy-dir", "./policies/acme", "--spec-dir", "teams",
		"--stack-spec", "./Pulumi.dev.yml", "--stack-spec", "./Pulumi.prod.yaml", "--stack-spec", "./Pulumi.stage.yaml", "--base-ref", "abc", "--", "teams/B.HCL", "teams/a.hcl"}
	if code != 0 || !slices.Equal(argv, want) {
		t.Errorf("exit %d, argv\n%q\nwant\n%q\n%s", code, argv, want, stderr)
	}
	code, argv, stderr = scriptRun{dir: dir, args: []string{"check", "--base-ref", "abc", "--format", "github"}, env: append(env, "STACK_CONFIG=Pulumi.prod.yaml")}.run(t)
	// The organisation's book goes to the deploy gate too, which refuses a
	// stack that does not name it.
	want = []string{"check", "--catalog", "./prices/a.json", "--policy-dir", "./policies/acme", "--stack-config", "Pulumi.prod.yaml", "--base-ref", "abc", "--format", "github", "--"}
	if code != 0 || !slices.Equal(argv, want) {
		t.Errorf("exit %d, argv\n%q\nwant\n%q\n%s", code, argv, want, stderr)
	}
	code, _, stderr = scriptRun{dir: dir, args: []string{"check"}, env: append(env, "STACK_CONFIG=../Pulumi.prod.yaml")}.run(t)
	if code != 2 || !strings.Contains(stderr, "STACK_CONFIG must be a relative path") {
		t.Errorf("exit %d, stderr %q; want the upward stack config refused", code, stderr)
	}
}

// gitIn runs git in dir.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=ci", "-c", "user.email=ci@example.invalid"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestGateMovesCaseAndRetargets runs the gate step as the workflow does
// (the real costgate, costgate.sh check --base-ref BASE_SHA) on pull
// requests that rename a spec to .HCL, move it next to a looser spec of
// its team in examples/, delete it for a new team, or are retargeted to a
// stricter base: each loosening is blocked.
func TestGateMovesCaseAndRetargets(t *testing.T) {
	bin := costgateBinary(t)
	raw, err := os.ReadFile("../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	loose := string(raw)
	strict := strings.Replace(loose, "team \"", "compliance {\n  code_may_leave_network = false\n}\n\nteam \"", 1)
	script, _ := filepath.Abs("../.github/scripts/costgate.sh")
	gate := func(t *testing.T, dir, base string) (int, string) {
		cmd := exec.Command("bash", script, "check", "--as-of", "2026-11-26", "--base-ref", base)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "COSTGATE="+bin, "SPEC_DIR=teams", "COSTGATE_CATALOG=", "COSTGATE_POLICY_DIRS=", "APPROVALS=")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		_ = cmd.Run()
		return cmd.ProcessState.ExitCode(), out.String()
	}
	write := func(t *testing.T, dir string, files map[string]string) {
		for name, body := range files {
			p := filepath.Join(dir, name)
			if body == "" {
				os.Remove(p)
				continue
			}
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name         string
		base, change map[string]string
		want         string
	}{
		{"renamed to .HCL and loosened", map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/acme.hcl": "", "teams/acme.HCL": loose}, "code_may_leave_network"},
		{"moved beside a looser spec of its team in examples/", map[string]string{"teams/acme.hcl": strict, "examples/acme.hcl": loose},
			map[string]string{"teams/acme.hcl": "", "teams/next/acme.hcl": loose}, "code_may_leave_network"},
		{"deleted for a new team", map[string]string{"teams/acme.hcl": strict},
			map[string]string{"teams/acme.hcl": "", "teams/acme-next.hcl": strings.Replace(loose, `team "startup"`, `team "startup-next"`, 1)}, "is deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.base)
			gitIn(t, dir, "init", "-q")
			gitIn(t, dir, "add", "-A")
			gitIn(t, dir, "commit", "-q", "-m", "base")
			base := gitIn(t, dir, "rev-parse", "HEAD")
			write(t, dir, tt.change)
			gitIn(t, dir, "add", "-A")
			gitIn(t, dir, "commit", "-q", "-m", "change")
			code, out := gate(t, dir, base)
			if code != 1 || !strings.Contains(out, "spec.loosened") || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want 1 with spec.loosened and %q:\n%s", code, tt.want, out)
			}
		})
	}
	// The stack file replaced by a symlink to a file that deploys another
	// team's spec: find -type f passed it over, so the stack's spec went
	// ungated (exit 0) while pulumi up follows the link. A link out of the
	// root is refused whatever it leads to: CODEOWNERS owns the link, not
	// its target, whose other keys (the vLLM image, the PrivateLink
	// principals) no gate compares.
	t.Run("a stack file made a symlink to one deploying another team", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"teams/acme.hcl": loose, "Pulumi.prod.yaml": "config:\n  costgate:spec: teams/acme.hcl\n"})
		gitIn(t, dir, "init", "-q")
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", "base")
		base := gitIn(t, dir, "rev-parse", "HEAD")
		write(t, dir, map[string]string{"Pulumi.prod.yaml": "", "deploy/prod.yaml": "config:\n  costgate:spec: deploy/other.hcl\n",
			"deploy/other.hcl": strings.Replace(loose, `team "startup"`, `team "other"`, 1)})
		if err := os.Symlink("deploy/prod.yaml", filepath.Join(dir, "Pulumi.prod.yaml")); err != nil {
			t.Fatal(err)
		}
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", "change")
		code, out := gate(t, dir, base)
		if code != 2 || !strings.Contains(out, "Pulumi.prod.yaml is a symlink to deploy/prod.yaml, which .github/CODEOWNERS does not own") {
			t.Errorf("exit %d, want 2 refusing the link:\n%s", code, out)
		}
	})
	// A pull request opened against a loose branch is allowed; retargeted
	// to main, whose spec is strict, the workflow runs again (edited) with
	// the new base.sha, and the same head is blocked.
	t.Run("retargeted to a stricter base", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"teams/acme.hcl": strict})
		gitIn(t, dir, "init", "-q", "-b", "main")
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", "strict")
		main := gitIn(t, dir, "rev-parse", "HEAD")
		gitIn(t, dir, "checkout", "-q", "-b", "release")
		write(t, dir, map[string]string{"teams/acme.hcl": loose})
		gitIn(t, dir, "commit", "-q", "-am", "loose release")
		release := gitIn(t, dir, "rev-parse", "HEAD")
		gitIn(t, dir, "checkout", "-q", "-b", "feature")
		write(t, dir, map[string]string{"teams/acme.hcl": strings.Replace(loose, "developers           = 10", "developers           = 11", 1)})
		gitIn(t, dir, "commit", "-q", "-am", "one more developer")
		if code, out := gate(t, dir, release); code != 0 {
			t.Fatalf("against release: exit %d, want 0:\n%s", code, out)
		}
		if code, out := gate(t, dir, main); code != 1 || !strings.Contains(out, "spec.loosened") {
			t.Errorf("retargeted to main: exit %d, want 1 with spec.loosened:\n%s", code, out)
		}
	})
}
