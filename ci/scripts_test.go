package ci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/specfile"
)

// hostileNames are spec file names a pull request can add: each must reach
// costgate as one argument, after "--", and run nothing.
var hostileNames = []string{
	"plain.hcl",
	"a b.hcl",
	"  two  spaces .hcl",
	"-x.hcl",
	"--policy-dir .hcl",
	"--policy-dir=evil.hcl",
	"-.hcl",
	"$(touch pwned-subst).hcl",
	"`touch pwned-backtick`.hcl",
	"${IFS}ifs.hcl",
	"*.hcl",
	"?.hcl",
	"[ab].hcl",
	"{a,b}.hcl",
	"new\nline.hcl",
	"tab\there.hcl",
	"quote'single.hcl",
	"quote\"double.hcl",
	"semi;touch pwned-semi.hcl",
	"pipe|touch pwned-pipe.hcl",
	"amp&&touch pwned-amp.hcl",
	"back\\slash.hcl",
	"~tilde.hcl",
	"ünïcödé.hcl",
	"sub dir/-nested.hcl",
	"sub dir/$(id).hcl",
	"UPPER.HCL",
	"mixed.Hcl",
}

// fakeCostgate records its arguments, NUL-separated, in $ARGS_OUT.
const fakeCostgate = "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > \"$ARGS_OUT\"\n"

type scriptRun struct {
	dir  string
	args []string
	env  []string
}

func (r scriptRun) run(t *testing.T) (code int, argv []string, stderr string) {
	t.Helper()
	script, err := filepath.Abs("../.github/scripts/costgate.sh")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "args")
	cmd := exec.Command("bash", append([]string{script}, r.args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "ARGS_OUT="+out)
	cmd.Env = append(cmd.Env, r.env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(out); err == nil {
		argv = strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	}
	return code, argv, errb.String()
}

// specTree writes each name under dir/teams with content.
func specTree(t *testing.T, names []string, content []byte) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		p := filepath.Join(dir, "teams", n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Not specs: never passed.
	for _, n := range []string{"README.md", "notes.hcl.bak", ".hcl.d/x.txt"} {
		p := filepath.Join(dir, "teams", n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func wantSpecs(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "teams/" + n
	}
	slices.Sort(out) // byte order, as LC_ALL=C sort -z
	return out
}

func noPwned(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "pwned") {
			t.Errorf("a file name ran a command: %s exists", p)
		}
		return nil
	})
}

// TestCostgateScriptHostileNames runs the workflow's costgate step with a
// fake costgate and checks the exact argument vector it receives.
func TestCostgateScriptHostileNames(t *testing.T) {
	dir := specTree(t, hostileNames, []byte("x"))
	fake := filepath.Join(t.TempDir(), "costgate")
	if err := os.WriteFile(fake, []byte(fakeCostgate), 0o755); err != nil {
		t.Fatal(err)
	}
	rules := "/rules dir"
	specs := wantSpecs(hostileNames)
	tests := []struct {
		name string
		args []string
		env  []string
		want []string // before "--" and the specs
	}{
		{"validate", []string{"validate"}, nil, []string{"validate"}},
		{"fmt takes no rules", []string{"fmt", "--check"}, []string{"COSTGATE_CATALOG=prices/acme.json", "COSTGATE_POLICY_DIRS=policies/acme"}, []string{"fmt", "--check"}},
		{"validate takes the price book", []string{"validate"}, []string{"COSTGATE_CATALOG=prices/a b.json"}, []string{"validate", "--catalog", rules + "/prices/a b.json"}},
		{"check takes every rule", []string{"check", "--base-ref", "abc123", "--format", "github"},
			[]string{"COSTGATE_CATALOG=prices/acme.json", "COSTGATE_POLICY_DIRS=policies/acme\npolicies/with space\n\npolicies/$(touch pwned-dir)", "APPROVALS=/tmp/approvals file.json"},
			[]string{"check", "--catalog", rules + "/prices/acme.json", "--policy-dir", rules + "/policies/acme", "--policy-dir", rules + "/policies/with space",
				"--policy-dir", rules + "/policies/$(touch pwned-dir)", "--rules-root", rules, "--approvals", "/tmp/approvals file.json", "--spec-dir", "teams", "--base-ref", "abc123", "--format", "github"}},
		{"check without a base gets no --spec-dir", []string{"check", "--format", "github"}, nil, []string{"check", "--format", "github"}},
		// diff reads each side's own rules: the paths stay relative.
		{"diff", []string{"diff", "--base-ref", "abc123", "--format", "markdown"}, []string{"APPROVALS=a.json", "COSTGATE_CATALOG=prices/acme.json", "COSTGATE_POLICY_DIRS=policies/acme"},
			[]string{"diff", "--catalog", "prices/acme.json", "--policy-dir", "policies/acme", "--approvals", "a.json", "--spec-dir", "teams", "--base-ref", "abc123", "--format", "markdown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"COSTGATE=" + fake, "RULES_DIR=" + rules, "SPEC_DIR=teams", "COSTGATE_CATALOG=", "COSTGATE_POLICY_DIRS=", "APPROVALS="}, tt.env...)
			code, argv, stderr := scriptRun{dir: dir, args: tt.args, env: env}.run(t)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := append(append(append([]string{}, tt.want...), "--"), specs...)
			if !slices.Equal(argv, want) {
				t.Errorf("costgate got\n%q\nwant\n%q", argv, want)
			}
			noPwned(t, dir)
		})
	}
}

func TestCostgateScriptRefuses(t *testing.T) {
	dir := specTree(t, []string{"ok.hcl"}, []byte("x"))
	empty := t.TempDir()
	os.MkdirAll(filepath.Join(empty, "teams"), 0o755)
	tests := []struct {
		name string
		dir  string
		env  []string
		want string
	}{
		{"spec folder upwards", dir, []string{"SPEC_DIR=../teams"}, "SPEC_DIR must be a relative path"},
		{"spec folder absolute", dir, []string{"SPEC_DIR=/etc"}, "SPEC_DIR must be a relative path"},
		{"spec folder as a flag", dir, []string{"SPEC_DIR=-delete"}, "SPEC_DIR must be a relative path"},
		{"price book upwards", dir, []string{"COSTGATE_CATALOG=../../etc/passwd"}, "COSTGATE_CATALOG must be a relative path"},
		{"policy folder as a flag", dir, []string{"COSTGATE_POLICY_DIRS=policies\n--policy-timeout=0"}, "COSTGATE_POLICY_DIRS must be a relative path"},
		// Rules outside the paths CODEOWNERS owns: a pull request no owner
		// reviews could loosen what every later gate applies.
		{"policy folder no owner reviews", dir, []string{"COSTGATE_POLICY_DIRS=policies/acme\nteams/rules"}, "COSTGATE_POLICY_DIRS names teams/rules: keep the organisation's rules under policies/"},
		{"policy folder beside the owned one", dir, []string{"COSTGATE_POLICY_DIRS=policies-acme"}, "COSTGATE_POLICY_DIRS names policies-acme"},
		{"price book no owner reviews", dir, []string{"COSTGATE_CATALOG=config/acme.json"}, "COSTGATE_CATALOG names config/acme.json"},
		{"no spec folder", dir, []string{"SPEC_DIR=nope"}, "no spec folder nope"},
		// Pulumi reads Pulumi.json before Pulumi.yaml: a project no gate
		// reads.
		{"a JSON project", projectTree(t, "Pulumi.json"), nil, "Pulumi.json: the project and its stacks are Pulumi.yaml and Pulumi.<stack>.yaml alone"},
		{"a JSON stack", projectTree(t, "Pulumi.prod.json"), nil, "Pulumi.prod.json: the project"},
		{"a .yml project", projectTree(t, "Pulumi.yml"), nil, "Pulumi.yml: the project"},
		{"no spec", empty, nil, "no spec (*.hcl) to check"},
		// The project file linked to an unowned one: a pull request
		// editing the target chose the program pulumi up runs.
		{"a linked project", linkedTree(t, "Pulumi.yaml", "deploy/project.yaml"), nil, "Pulumi.yaml is a symlink"},
		{"a stack linked into a folder", linkedTree(t, "Pulumi.prod.yaml", "deploy/prod.yaml"), nil, "Pulumi.prod.yaml is a symlink to deploy/prod.yaml, which .github/CODEOWNERS does not own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"COSTGATE=/bin/false", "COSTGATE_CATALOG=", "COSTGATE_POLICY_DIRS=", "SPEC_DIR=teams"}, tt.env...)
			code, _, stderr := scriptRun{dir: tt.dir, args: []string{"check"}, env: env}.run(t)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestCostgateScriptSpecList: the deploy job names its one spec in a
// NUL-separated file.
func TestCostgateScriptSpecList(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "specs")
	name := "teams/-a b\n$(x).hcl"
	if err := os.WriteFile(list, []byte(name+"\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(dir, "costgate")
	if err := os.WriteFile(fake, []byte(fakeCostgate), 0o755); err != nil {
		t.Fatal(err)
	}
	code, argv, stderr := scriptRun{dir: dir, args: []string{"check", "--format", "github"}, env: []string{"COSTGATE=" + fake, "SPEC_LIST=" + list, "COSTGATE_CATALOG=", "COSTGATE_POLICY_DIRS=", "APPROVALS="}}.run(t)
	if code != 0 || !slices.Equal(argv, []string{"check", "--format", "github", "--", name}) {
		t.Errorf("exit %d, argv %q, stderr %s", code, argv, stderr)
	}
}

// TestCostgateScriptWithTheRealCLI: the real costgate, through the
// workflow's step, validates and checks specs with hostile names: each is
// read as a spec, none as a flag.
func TestCostgateScriptWithTheRealCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds costgate")
	}
	// go test caches a result by the files the test opens: open the
	// module's sources, so that a change to costgate runs this again.
	filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, ".json") || filepath.Base(p) == "go.mod") {
			if f, err := os.Open(p); err == nil {
				f.Close()
			}
		}
		return nil
	})
	bin := filepath.Join(t.TempDir(), "costgate")
	build := exec.Command("go", "build", "-o", bin, "../cmd/costgate")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build costgate: %v\n%s", err, out)
	}
	spec, err := os.ReadFile("../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	dir := specTree(t, hostileNames, spec)
	// One team a spec: two specs of one team are invalid with --spec-dir.
	for i, s := range wantSpecs(hostileNames) {
		team := strings.Replace(string(spec), `team "startup"`, fmt.Sprintf(`team "t%02d"`, i), 1)
		if err := os.WriteFile(filepath.Join(dir, s), []byte(team), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A git repository with the specs committed: the base of diff and
	// check --base-ref, and the root costgate confines specs to.
	for _, g := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "commit", "-q", "-m", "specs"}} {
		cmd := exec.Command("git", g...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", g, err, out)
		}
	}
	approvals := filepath.Join(t.TempDir(), "approvals file.json")
	if err := os.WriteFile(approvals, []byte(`{"approved_by": ["@octocat"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"COSTGATE=" + bin, "SPEC_DIR=teams", "COSTGATE_CATALOG=", "COSTGATE_POLICY_DIRS=", "APPROVALS=" + approvals}
	script, _ := filepath.Abs("../.github/scripts/costgate.sh")
	for _, args := range [][]string{{"validate"}, {"fmt", "--check"}, {"check", "--as-of", "2026-11-26", "--base-ref", "HEAD"}, {"diff", "--as-of", "2026-11-26", "--base-ref", "HEAD", "--format", "markdown"}} {
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command("bash", append([]string{script}, args...)...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), env...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
			}
			if args[0] == "validate" {
				for _, s := range wantSpecs(hostileNames) {
					// A control character in a name is shown escaped.
					if !strings.Contains(out.String(), specfile.Display(s)+": valid") {
						t.Errorf("no %q in the output:\n%s", s+": valid", out.String())
					}
				}
			}
		})
	}
	noPwned(t, dir)
}

// TestApprovals runs .github/scripts/approvals.js, which the workflow
// requires from the default branch, on reviews as GitHub lists them and
// the reviewers' permissions as the collaborator-permission API gives them.
func TestApprovals(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the workflow's github-script step runs approvals.js")
	}
	review := func(login, state, commit, at string) map[string]any {
		return map[string]any{"user": map[string]any{"login": login, "type": "User"}, "state": state, "commit_id": commit, "submitted_at": at}
	}
	bot := review("renovate[bot]", "APPROVED", "head", "2026-12-01T10:00:00Z")
	bot["user"].(map[string]any)["type"] = "Bot"
	writers := map[string]any{
		"octocat": map[string]any{"permission": "write", "role_name": "write"},
		"alice":   map[string]any{"permission": "admin", "role_name": "admin"},
		"zed":     map[string]any{"permission": "write", "role_name": "maintain"},
		"author":  map[string]any{"permission": "admin", "role_name": "admin"},
		"reader":  map[string]any{"permission": "read", "role_name": "read"},
		"triager": map[string]any{"permission": "read", "role_name": "triage"},
		"legacy":  map[string]any{"permission": "write"},
		"nobody":  map[string]any{"permission": "none", "role_name": ""},
	}
	tests := []struct {
		name    string
		reviews []map[string]any
		want    []string
	}{
		{"none", nil, []string{}},
		{"one approval of the head", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{"@octocat"}},
		{"approval of an earlier push", []map[string]any{review("octocat", "APPROVED", "old", "2026-12-01T10:00:00Z")}, []string{}},
		{"approved, then changes requested", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("octocat", "CHANGES_REQUESTED", "head", "2026-12-01T11:00:00Z")}, []string{}},
		{"changes requested, then approved", []map[string]any{review("octocat", "CHANGES_REQUESTED", "head", "2026-12-01T10:00:00Z"), review("octocat", "APPROVED", "head", "2026-12-01T11:00:00Z")}, []string{"@octocat"}},
		{"a comment after an approval keeps it", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("octocat", "COMMENTED", "head", "2026-12-01T11:00:00Z")}, []string{"@octocat"}},
		{"dismissed", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("octocat", "DISMISSED", "head", "2026-12-01T11:00:00Z")}, []string{}},
		{"the author never counts, admin or not", []map[string]any{review("Author", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"bots never count", []map[string]any{bot}, []string{}},
		{"pending reviews do not count", []map[string]any{review("octocat", "PENDING", "head", "")}, []string{}},
		{"several, sorted, once each", []map[string]any{review("zed", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("Alice", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("alice", "APPROVED", "head", "2026-12-01T12:00:00Z")}, []string{"@alice", "@zed"}},
		// A second account of the author's, on a public repository.
		{"an account that is not a collaborator", []map[string]any{review("sockpuppet", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"an account with no permission", []map[string]any{review("nobody", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"read access", []map[string]any{review("reader", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"triage access", []map[string]any{review("triager", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"write in the legacy permission field", []map[string]any{review("legacy", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{"@legacy"}},
		{"a writer among outsiders", []map[string]any{review("sockpuppet", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("reader", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{"@octocat"}},
		// The base changed at 2026-12-01T11:00:00Z (since): an approval
		// of the same head against the earlier base does not count.
		{"approved before the base changed", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z")}, []string{}},
		{"approved after the base changed", []map[string]any{review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z"), review("alice", "APPROVED", "head", "2026-12-01T12:00:00Z")}, []string{"@alice"}},
		{"changes requested before the base changed, approved after", []map[string]any{review("octocat", "CHANGES_REQUESTED", "head", "2026-12-01T10:00:00Z"), review("octocat", "APPROVED", "head", "2026-12-01T11:30:00Z")}, []string{"@octocat"}},
	}
	retargeted := map[string]bool{"approved before the base changed": true, "approved after the base changed": true, "changes requested before the base changed, approved after": true}
	abs, _ := filepath.Abs("../.github/scripts/approvals.js")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := map[string]any{"reviews": tt.reviews, "headSha": "head", "author": "author", "permissions": writers}
			if retargeted[tt.name] {
				args["since"] = "2026-12-01T11:00:00Z"
			}
			in, _ := json.Marshal(args)
			script := `const {approvals} = require(process.argv[1]); let s = ''; process.stdin.on('data', d => s += d).on('end', () => process.stdout.write(JSON.stringify(approvals(JSON.parse(s)))));`
			if got := runApprovals(t, node, script, abs, in); !slices.Equal(got, tt.want) {
				t.Errorf("approved_by %q, want %q", got, tt.want)
			}
		})
	}
	// write asks the API for each approver's permission; an account it
	// does not know as a collaborator (404) does not count.
	t.Run("write with the GitHub client", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "approvals.json")
		// The base changed twice; alice approved between the two, against
		// a base the pull request no longer has. zed approved after the
		// merge (11:00), which GitHub accepts: it approved nothing the
		// merge carried.
		in, _ := json.Marshal(map[string]any{"path": out, "reviews": []map[string]any{
			review("octocat", "APPROVED", "head", "2026-12-01T10:00:00Z"),
			review("sockpuppet", "APPROVED", "head", "2026-12-01T10:00:00Z"),
			review("reader", "APPROVED", "head", "2026-12-01T10:00:00Z"),
			review("alice", "APPROVED", "head", "2026-12-01T08:30:00Z"),
			review("zed", "APPROVED", "head", "2026-12-01T12:00:00Z"),
		}, "events": []map[string]any{
			{"event": "base_ref_changed", "created_at": "2026-12-01T08:00:00Z"},
			{"event": "labeled", "created_at": "2026-12-01T09:30:00Z"},
			{"event": "base_ref_changed", "created_at": "2026-12-01T09:00:00Z"},
		}, "permissions": writers, "merged_at": "2026-12-01T11:00:00Z"})
		script := `const {write} = require(process.argv[1]); let s = ''; process.stdin.on('data', d => s += d).on('end', async () => {
  const a = JSON.parse(s);
  const github = {
    paginate: async (fn, params) => fn === github.rest.pulls.listReviews && params.pull_number === 7 ? a.reviews :
      fn === github.rest.issues.listEventsForTimeline && params.issue_number === 7 ? a.events : [],
    rest: {
      pulls: { listReviews: () => {} },
      issues: { listEventsForTimeline: () => {} },
      repos: { getCollaboratorPermissionLevel: async ({ owner, repo, username }) => {
        const p = a.permissions[username.toLowerCase()];
        if (owner !== 'o' || repo !== 'r' || !p) { const e = new Error('Not Found'); e.status = 404; throw e; }
        return { data: p };
      } },
    },
  };
  const out = await write({ github, owner: 'o', repo: 'r', pull: { number: 7, head: { sha: 'head' }, user: { login: 'author' }, merged_at: a.merged_at }, path: a.path });
  process.stdout.write(JSON.stringify(out));
});`
		got := runApprovals(t, node, script, abs, in)
		if !slices.Equal(got, []string{"@octocat"}) {
			t.Errorf("approved_by %q, want [@octocat]", got)
		}
		file, err := os.ReadFile(out)
		if err != nil || string(file) != "{\"approved_by\":[\"@octocat\"]}\n" {
			t.Errorf("approvals file %q (%v)", file, err)
		}
	})
}

// runApprovals runs script under node with approvals.js's path and in on
// standard input, and returns approved_by.
func runApprovals(t *testing.T, node, script, abs string, in []byte) []string {
	t.Helper()
	cmd := exec.Command(node, "-e", script, abs)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got struct {
		ApprovedBy []string `json:"approved_by"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	return got.ApprovedBy
}

// linkedTree is a spec tree with name a symlink to target beside it.
func linkedTree(t *testing.T, name, target string) string {
	dir := specTree(t, []string{"ok.hcl"}, []byte("x"))
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(target)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, target), []byte("name: costgate\nruntime: go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// projectTree is a spec tree with a file of the given name beside it.
func projectTree(t *testing.T, name string) string {
	dir := specTree(t, []string{"ok.hcl"}, []byte("x"))
	if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
