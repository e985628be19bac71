package ci

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

const workflowPath = "../.github/workflows/costgate.yml"

// TestWorkflowLints runs actionlint over every workflow: syntax, expression
// types, action inputs, untrusted input in scripts, and shellcheck of the
// run steps where shellcheck is installed.
func TestWorkflowLints(t *testing.T) {
	files, err := filepath.Glob("../.github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflow found: %v", err)
	}
	shellcheck, _ := exec.LookPath("shellcheck")
	if shellcheck == "" {
		t.Log("shellcheck is not installed: actionlint checks the run steps without it")
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

func parseWorkflow(t *testing.T) *actionlint.Workflow {
	t.Helper()
	src, err := os.ReadFile(workflowPath)
	if err != nil {
		t.Fatal(err)
	}
	w, errs := actionlint.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("parse: %v", errs[0])
	}
	return w
}

func scope(j *actionlint.Job, name string) string {
	if j.Permissions == nil {
		return ""
	}
	if s, ok := j.Permissions.Scopes[name]; ok && s.Value != nil {
		return s.Value.Value
	}
	return ""
}

func runs(j *actionlint.Job) []string {
	var out []string
	for _, s := range j.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			out = append(out, r.Run.Value)
		}
	}
	return out
}

func uses(j *actionlint.Job) []*actionlint.ExecAction {
	var out []*actionlint.ExecAction
	for _, s := range j.Steps {
		if a, ok := s.Exec.(*actionlint.ExecAction); ok {
			out = append(out, a)
		}
	}
	return out
}

func input(a *actionlint.ExecAction, name string) string {
	if in, ok := a.Inputs[name]; ok && in.Value != nil {
		return in.Value.Value
	}
	return ""
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)

// TestWorkflowTrustModel checks the properties docs/CI.md promises, so that
// an edit of the workflow that breaks one fails here.
func TestWorkflowTrustModel(t *testing.T) {
	w := parseWorkflow(t)
	events := map[string]bool{}
	for _, e := range w.On {
		events[e.EventName()] = true
	}
	for _, e := range []string{"pull_request", "pull_request_review", "push"} {
		if !events[e] {
			t.Errorf("the workflow does not run on %s", e)
		}
	}
	// Builds read go.mod and go.sum alone (a go.work or vendor/ of the
	// pull request's would swap the gate's code).
	if w.Env == nil || w.Env.Vars["gowork"] == nil || w.Env.Vars["gowork"].Value.Value != "off" ||
		w.Env.Vars["goflags"] == nil || !strings.Contains(w.Env.Vars["goflags"].Value.Value, "-mod=readonly") {
		t.Error("the workflow's env must set GOWORK: off and GOFLAGS: -mod=readonly for every job's builds")
	}
	for id, j := range w.Jobs {
		for _, name := range []string{"gowork", "goflags"} {
			if j.Env != nil && j.Env.Vars[name] != nil {
				t.Errorf("job %s sets %s again", id, strings.ToUpper(name))
			}
		}
	}
	if w.Permissions == nil || w.Permissions.All != nil || len(w.Permissions.Scopes) != 0 {
		t.Error("the workflow's default permissions must be none (permissions: {}); jobs ask for their own")
	}
	for id, j := range w.Jobs {
		if j.TimeoutMinutes == nil {
			t.Errorf("job %s has no timeout-minutes", id)
		}
		if j.Permissions == nil {
			t.Errorf("job %s does not state its permissions", id)
		}
		for _, a := range uses(j) {
			if !pinned.MatchString(a.Uses.Value) {
				t.Errorf("job %s uses %s, not pinned to a commit", id, a.Uses.Value)
			}
			if strings.HasPrefix(a.Uses.Value, "actions/checkout@") && input(a, "persist-credentials") != "false" {
				t.Errorf("job %s checks out with the token left in .git/config", id)
			}
		}
		for _, r := range runs(j) {
			// A file list in a variable expanded unquoted splits on spaces
			// and turns "-x.hcl" into a flag: lists go through costgate.sh.
			if regexp.MustCompile(`costgate (validate|fmt|check|plan|diff)`).MatchString(r) && !strings.Contains(r, "costgate.sh") {
				t.Errorf("job %s runs costgate without .github/scripts/costgate.sh: %q", id, r)
			}
			if regexp.MustCompile(`\$\{\{`).MatchString(r) {
				t.Errorf("job %s interpolates an expression into a script (pass it through env): %q", id, r)
			}
		}
		writes := scope(j, "pull-requests") == "write" || scope(j, "contents") == "write" || scope(j, "id-token") == "write"
		checksOutHead := false
		for _, a := range uses(j) {
			if strings.HasPrefix(a.Uses.Value, "actions/checkout@") && !strings.Contains(input(a, "ref"), "default_branch") {
				checksOutHead = true
			}
		}
		switch {
		case id == "comment":
			if len(runs(j)) > 0 || checksOutHead || scope(j, "contents") != "" || scope(j, "id-token") != "" {
				t.Error("the comment job may only download the gate's Markdown and post it: no checkout, no run step, no other permission")
			}
			commentChecksDigest(t, w, j)
		case id == "deploy":
			// Runs main after the merge, in the production environment.
			if j.Environment == nil || j.Environment.Name == nil || j.Environment.Name.Value != "production" {
				t.Error("deploy must run in the production environment")
			}
			deployReadsApprovals(t, j)
		case id == "preview":
			if len(j.Needs) == 0 || j.Needs[0].Value != "gate" {
				t.Error("preview must wait for the gate")
			}
			if scope(j, "pull-requests") == "write" || scope(j, "contents") == "write" {
				t.Error("preview runs the pull request's program: no write token")
			}
		case checksOutHead && writes:
			t.Errorf("job %s runs the pull request's code with a write token or cloud credentials", id)
		}
	}
	gate := w.Jobs["gate"]
	if gate == nil {
		t.Fatal("no gate job")
	}
	built := false
	for _, s := range gate.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && strings.Contains(r.Run.Value, "go build") {
			built = r.WorkingDirectory != nil && r.WorkingDirectory.Value == "rules"
		}
	}
	if !built {
		t.Error("the gate must build costgate from the default branch's checkout (working-directory: rules)")
	}
	for _, a := range uses(gate) {
		if strings.HasPrefix(a.Uses.Value, "actions/checkout@") && input(a, "path") == "rules" && input(a, "ref") != "${{ github.event.repository.default_branch }}" {
			t.Errorf("the gate's rules come from %q, want the default branch (a pull request into another branch is gated the same way)", input(a, "ref"))
		}
	}
	gateRuns := strings.Join(runs(gate), "\n")
	for _, want := range []string{"costgate.sh\" check", "--base-ref \"$BASE_SHA\""} {
		if !strings.Contains(gateRuns, want) {
			t.Errorf("the gate job does not run %q", want)
		}
	}
	if gate.Env.Vars["base_sha"].Value.Value != "${{ github.event.pull_request.base.sha }}" {
		t.Error("the specs' base must be the pull request's base commit, which a retarget changes")
	}
	if !strings.Contains(gate.Env.Vars["rules_dir"].Value.Value, "/rules") || !strings.Contains(gate.Env.Vars["scripts"].Value.Value, "/rules/") {
		t.Error("the gate must take its rules and scripts from the default branch's checkout")
	}
}

// commentChecksDigest: the comment job posts the artifact only where its
// SHA-256 is the one the gate job wrote to its outputs (the run's
// artifacts can be replaced by code the run executes: the pull request's
// policy tests).
func commentChecksDigest(t *testing.T, w *actionlint.Workflow, j *actionlint.Job) {
	t.Helper()
	gate := w.Jobs["gate"]
	if gate == nil || gate.Outputs == nil || gate.Outputs["digest"] == nil || !strings.Contains(gate.Outputs["digest"].Value.Value, "steps.diff.outputs.digest") {
		t.Error("the gate job must output the comment's digest (steps.diff.outputs.digest)")
	}
	if !strings.Contains(strings.Join(runs(gate), "\n"), `sha256sum "$RUNNER_TEMP/comment/costgate-comment.md"`) {
		t.Error("the gate job's diff step must write the comment's sha256 to its outputs")
	}
	found := false
	for _, a := range uses(j) {
		if strings.HasPrefix(a.Uses.Value, "actions/github-script@") {
			script := input(a, "script")
			found = strings.Contains(script, "createHash('sha256')") && strings.Contains(script, "process.env.COMMENT_DIGEST") && strings.Contains(script, "setFailed")
		}
	}
	env := ""
	for _, s := range j.Steps {
		if s.Env != nil && s.Env.Vars["comment_digest"] != nil {
			env = s.Env.Vars["comment_digest"].Value.Value
		}
	}
	if !found || env != "${{ needs.gate.outputs.digest }}" {
		t.Error("the comment job must refuse an artifact whose SHA-256 is not the gate job's digest output")
	}
}

// TestWorkflowRetargetCacheAndSecrets: the gate runs again when a pull
// request is retargeted; no build that gates shares a Go cache with a job
// that runs pull-request code; preview never holds the deployed stack's
// token; deploy gates the stack's config against the commit before the
// merge, with the history to read it; output of pull-request code cannot
// act as workflow commands.
func TestWorkflowRetargetCacheAndSecrets(t *testing.T) {
	w := parseWorkflow(t)
	var types []string
	for _, e := range w.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook.Value == "pull_request" {
			for _, ty := range we.Types {
				types = append(types, ty.Value)
			}
		}
	}
	for _, want := range []string{"opened", "synchronize", "reopened", "edited"} {
		if !slices.Contains(types, want) {
			t.Errorf("pull_request types %q lack %q (a retargeted pull request must be gated again)", types, want)
		}
	}
	for _, id := range []string{"gate", "deploy"} {
		for _, a := range uses(w.Jobs[id]) {
			if strings.HasPrefix(a.Uses.Value, "actions/setup-go@") && input(a, "cache") != "false" {
				t.Errorf("job %s builds costgate with setup-go's cache on: a cache a pull request's job wrote could reach the gate's build", id)
			}
		}
	}
	preview := w.Jobs["preview"]
	if preview == nil {
		t.Fatal("no preview job")
	}
	src := readWorkflow(t)
	job := src[strings.Index(src, "\n  preview:"):strings.Index(src, "\n  deploy:")]
	for _, bad := range []string{"secrets.PULUMI_ACCESS_TOKEN", "vars.PULUMI_STACK ", "vars.PULUMI_STACK}", "AWS_ROLE_ARN }}"} {
		if strings.Contains(job, bad) {
			t.Errorf("preview references %s: it must never hold the deployed stack's credentials", bad)
		}
	}
	if preview.Environment == nil || preview.Environment.Name == nil || preview.Environment.Name.Value != "preview" {
		t.Error("preview must run in the preview environment, whose token reaches only the preview stack")
	}
	for _, id := range []string{"preview", "policy-tests", "deploy"} {
		for _, r := range runs(w.Jobs[id]) {
			if (strings.Contains(r, "pulumi preview") || strings.Contains(r, "pulumi up") || strings.Contains(r, "go test")) && !strings.Contains(r, `echo "::stop-commands::$token"`) {
				t.Errorf("job %s prints the pull request's output without ::stop-commands::: %q", id, r)
			}
		}
	}
	deploy := w.Jobs["deploy"]
	deep := false
	for _, a := range uses(deploy) {
		if strings.HasPrefix(a.Uses.Value, "actions/checkout@") && input(a, "fetch-depth") == "0" {
			deep = true
		}
	}
	if !deep {
		t.Error("deploy must fetch the history --base-ref reads (fetch-depth: 0)")
	}
	deployRuns := strings.Join(runs(deploy), "\n")
	if !strings.Contains(deployRuns, `check --base-ref "$DEPLOYED_SHA"`) || !strings.Contains(deployRuns, "STACK_CONFIG=") {
		t.Error("deploy must gate the stack's config with --base-ref set to the commit the stack last deployed")
	}
	if deploy.Env.Vars["before_sha"].Value.Value != "${{ github.event.before }}" || !strings.Contains(deployRuns, "deployed=$BEFORE_SHA") {
		t.Error("a stack this workflow never deployed compares with the commit before the merge (github.event.before)")
	}
}

func readWorkflow(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../.github/workflows/costgate.yml")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// deployReadsApprovals: pulumi up's program reads the approvals file the
// deploy job's gate read (COSTGATE_APPROVALS): without it the program
// refuses every override, and with another file it would decide otherwise
// than the gate. It reads what the gate passed (COSTGATE_GATED, the file
// the gate writes with --gated-out), and deploys only the same.
func deployReadsApprovals(t *testing.T, j *actionlint.Job) {
	t.Helper()
	approvals, gated := j.Env.Vars["approvals"], j.Env.Vars["gated"]
	if approvals == nil || gated == nil {
		t.Error("deploy has no APPROVALS or GATED file")
		return
	}
	// Beside the checkout, never in it: a link the merged pull request
	// committed at .approvals.json was written through.
	for _, name := range []string{"costgate", "approvals", "gated"} {
		if v := j.Env.Vars[name]; v == nil || !strings.HasPrefix(v.Value.Value, "${{ github.workspace }}/../") {
			t.Errorf("deploy's %s must live beside the checkout (github.workspace/../), not in it", strings.ToUpper(name))
		}
	}
	deployRuns := strings.Join(runs(j), "\n")
	if !strings.Contains(deployRuns, `check --base-ref "$DEPLOYED_SHA" --format github --gated-out "$GATED"`) {
		t.Error("the deploy gate must compare with the last deployed commit and write what it passes (--gated-out \"$GATED\")")
	}
	// The last deployed commit is the stack's output, which the program
	// records from COSTGATE_COMMIT: compared with the push's before, a
	// change one deploy gate blocked was deployed by the next push.
	if !strings.Contains(deployRuns, "pulumi stack output") || !strings.Contains(deployRuns, ".deployedCommit") {
		t.Error("deploy must read the stack's deployedCommit output for the gate's base")
	}
	// A re-run of an older deploy put an older commit over the deployed
	// one; a stack deployed by hand (no deployedCommit, other outputs)
	// fell back to the push's before.
	if !strings.Contains(deployRuns, `git merge-base --is-ancestor "$deployed" "$GITHUB_SHA"`) || !strings.Contains(deployRuns, `jq 'length'`) {
		t.Error("deploy must refuse a commit that does not descend from the deployed one, and a deployed stack without deployedCommit")
	}
	for _, s := range j.Steps {
		r, ok := s.Exec.(*actionlint.ExecRun)
		if !ok || !strings.Contains(r.Run.Value, "pulumi up") {
			continue
		}
		for name, want := range map[string]string{"costgate_approvals": approvals.Value.Value, "costgate_gated": gated.Value.Value, "costgate_commit": "${{ github.sha }}"} {
			if s.Env == nil || s.Env.Vars[name] == nil || s.Env.Vars[name].Value.Value != want {
				t.Errorf("the pulumi up step must set %s to the deploy gate's %s", strings.ToUpper(name), want)
			}
		}
		return
	}
	t.Error("deploy runs no pulumi up")
}
