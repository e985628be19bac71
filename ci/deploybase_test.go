package ci

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestDeployBaseStep runs the deploy job's "Last deployed commit" step
// with a pulumi that answers the stack's outputs and history: the base is
// the deployedCommit the stack records; a stack never deployed takes the
// push's before; a destroyed one (a history, no outputs), one deployed by
// hand (outputs without deployedCommit) and an older commit than the
// deployed one stop the job. A destroyed stack had taken the push's
// before, and a change an earlier deploy gate blocked was deployed by the
// next push.
func TestDeployBaseStep(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq not installed")
	}
	script := stepRun(t, "deploy", "Last deployed commit")
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	commit := func(msg string) string {
		git("commit", "-q", "--allow-empty", "-m", msg)
		return git("rev-parse", "HEAD")
	}
	m0, m1, m2 := commit("m0"), commit("m1"), commit("m2")
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "pulumi"), []byte("#!/usr/bin/env bash\ncase $2 in\noutput) cat \"$OUTPUTS\" ;;\nhistory) cat \"$HISTORY\" ;;\nesac\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, outputs, history string
		want                   string // DEPLOYED_SHA, or "" when the step stops
		why                    string
	}{
		{"deployed by this workflow", `{"deployedCommit": "` + m0 + `", "url": "x"}`, `[]`, m0, ""},
		{"never deployed", `{}`, `[]`, m1, ""},
		{"destroyed", `{}`, `[{"version": 1, "kind": "update", "result": "succeeded", "environment": {"git.head": "` + m0 + `"}}, {"version": 2, "kind": "destroy", "result": "succeeded", "environment": {"git.head": "` + m2 + `"}}]`,
			"", "Its history's last successful update ran commit " + m0},
		{"deployed by hand", `{"url": "x"}`, `[]`, "", "records no deployedCommit"},
		{"an older commit than the deployed one", `{"deployedCommit": "` + m2 + `"}`, `[]`, "", "does not descend from the one the stack last deployed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, text string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			env := write("env", "")
			cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "OUTPUTS="+write("outputs", tt.outputs), "HISTORY="+write("history", tt.history),
				"PULUMI_STACK=org/costgate/prod", "BEFORE_SHA="+m1, "GITHUB_SHA="+m1, "GITHUB_ENV="+env)
			out, err := cmd.CombinedOutput()
			got, _ := os.ReadFile(env)
			switch {
			case tt.want != "" && (err != nil || strings.TrimSpace(string(got)) != "DEPLOYED_SHA="+tt.want):
				t.Errorf("err %v, GITHUB_ENV %q, want DEPLOYED_SHA=%s\n%s", err, got, tt.want, out)
			case tt.want == "" && (err == nil || !strings.Contains(string(out), tt.why)):
				t.Errorf("err %v, want the step to stop with %q\n%s", err, tt.why, out)
			}
		})
	}
}

// stepRun is the run script of the step named name in job id.
func stepRun(t *testing.T, id, name string) string {
	t.Helper()
	j := parseWorkflow(t).Jobs[id]
	if j == nil {
		t.Fatalf("no job %s", id)
	}
	for _, s := range j.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && s.Name != nil && s.Name.Value == name && r.Run != nil {
			return r.Run.Value
		}
	}
	t.Fatalf("job %s has no run step %q", id, name)
	return ""
}
