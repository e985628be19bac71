package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// hostileSpecs are the spec package's hostile inputs.
func hostileSpecs(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../../spec/testdata/hostile/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 40 {
		t.Fatalf("found %d hostile specs, want at least 40", len(paths))
	}
	return paths
}

// runNoPanic runs the CLI in process and turns a panic into a failure
// that names the arguments: Go exits 2 on a panic, the same code as
// invalid input, so the exit code alone cannot tell them apart.
func runNoPanic(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("costgate %s panicked: %v\n%s", strings.Join(args, " "), r, debug.Stack())
		}
	}()
	return runCLI(args...)
}

// TestHostileSpecsCLI runs every hostile spec through validate, plan and
// check: each must exit 2 (invalid input), print its diagnostics on stderr
// naming the file, and print nothing on stdout.
func TestHostileSpecsCLI(t *testing.T) {
	for _, path := range hostileSpecs(t) {
		for _, cmd := range []string{"validate", "plan", "check"} {
			t.Run(filepath.Base(path)+"/"+cmd, func(t *testing.T) {
				code, stdout, stderr := runNoPanic(t, cmd, path)
				if code != exitInvalid {
					t.Errorf("exit %d, want %d\nstderr: %.2000s", code, exitInvalid, stderr)
				}
				if !strings.Contains(stderr, path+":") {
					t.Errorf("stderr does not name %s:\n%.2000s", path, stderr)
				}
				if cmd != "validate" && stdout != "" {
					t.Errorf("stdout holds output for an invalid spec:\n%.2000s", stdout)
				}
				if strings.Contains(stdout, ": valid") {
					t.Errorf("a hostile spec was reported valid:\n%s", stdout)
				}
			})
		}
	}
}

// TestHostileAmongValid: one hostile spec among valid ones fails the run
// and says which.
func TestHostileAmongValid(t *testing.T) {
	hostile := hostileSpecs(t)[0]
	code, _, stderr := runNoPanic(t, "plan", "../../examples/startup-10.hcl", hostile, "../../examples/regulated.hcl", "--format", "json")
	if code != exitInvalid || !strings.Contains(stderr, hostile) {
		t.Errorf("exit %d, want %d naming %s:\n%s", code, exitInvalid, hostile, stderr)
	}
}

// largeHostile writes hostile specs too big to keep in the repository.
func largeHostile(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(20261126, 2))
	garbage := make([]byte, 1<<20)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	rest := "  tokens_per_developer = [2e6, 5e6]\n  cost_center          = \"platform\"\n}\n\nworkload \"chat\" {\n  share      = 1\n  complexity = \"complex\"\n}\n"
	files := map[string][]byte{
		"1mb-string.hcl":  []byte("team \"acme\" {\n  developers           = \"" + strings.Repeat("9", 1<<20) + "\"\n" + rest),
		"1mb-number.hcl":  []byte("team \"acme\" {\n  developers           = " + strings.Repeat("9", 1<<20) + "\n" + rest),
		"1mb-garbage.hcl": garbage,
	}
	out := map[string]string{}
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = path
	}
	return out
}

// hostileTimeout bounds one CLI run on a megabyte of hostile input; a
// valid spec plans in well under a second.
const hostileTimeout = 20 * time.Second

// TestHostileLargeCLI runs megabyte-sized hostile specs through validate
// in a child process, so that a run that does not finish can be stopped:
// each must exit 2 within hostileTimeout, name the file and not panic.
func TestHostileLargeCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI on megabyte inputs")
	}
	for name, path := range largeHostile(t) {
		t.Run(name, func(t *testing.T) {
			code, stderr, err := runChild(t, hostileTimeout, "validate", path)
			if err != nil {
				t.Fatal(err)
			}
			if code != exitInvalid {
				t.Errorf("exit %d, want %d", code, exitInvalid)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
				t.Errorf("costgate panicked:\n%.4000s", stderr)
			}
			if !strings.Contains(stderr, path+":") {
				t.Errorf("stderr does not name %s:\n%.2000s", path, stderr)
			}
			if len(stderr) > 64<<10 {
				t.Errorf("stderr is %d bytes for one spec; a person cannot read that", len(stderr))
			}
		})
	}
}

// childArgsEnv carries the arguments of runChild to the child process.
const childArgsEnv = "COSTGATE_TEST_CHILD_ARGS"

// TestMain lets the test binary stand in for costgate in runChild.
func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(99)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runChild runs costgate with args in a child process and kills it after
// timeout.
func runChild(t *testing.T, timeout time.Duration, args ...string) (code int, stderr string, err error) {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		return 0, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw))
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &errb
	start := time.Now()
	err = cmd.Run()
	if ctx.Err() != nil {
		return 0, errb.String(), fmt.Errorf("costgate %s ran for %v without finishing (killed); stderr so far is %d bytes",
			strings.Join(args, " "), time.Since(start).Round(time.Second), errb.Len())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), errb.String(), nil
	}
	return 0, errb.String(), err
}

// brokenPolicies are policy folders whose rules compile and then fail
// while evaluating.
var brokenPolicies = map[string]string{
	"plan-divide-by-zero.rego": `package costgate.team.broken

deny contains v if {
	some o in input.options
	o.monthly_usd.expected / 0 > 1
	v := {"policy": "team.ratio", "option": o.architecture, "msg": "too costly"}
}
`,
	"plan-conflict.rego": `package costgate.team.broken

limit := 100 if count(input.options) > 0

limit := 200 if count(input.options) > 1

deny contains v if {
	some o in input.options
	o.monthly_usd.expected > limit
	v := {"policy": "team.limit", "option": o.architecture, "msg": "over the limit"}
}
`,
	"resource-divide-by-zero.rego": `package costgate.resources.team.broken

deny contains v if {
	count(input.__name) / 0 > 1
	v := {"policy": "team.resource", "msg": "never"}
}
`,
}

// TestBrokenPolicyDirNeverAllows: with a --policy-dir whose rule errors
// at run time, plan and check block (exit 1) or refuse (exit 2), on specs
// that the built-in policies allow; never exit 0.
func TestBrokenPolicyDirNeverAllows(t *testing.T) {
	for name, rego := range brokenPolicies {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rego), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"plan", "check"} {
			t.Run(name+"/"+cmd, func(t *testing.T) {
				code, stdout, stderr := runNoPanic(t, cmd, "../../examples/startup-10.hcl", "../../examples/regulated.hcl",
					"--policy-dir", dir, "--as-of", "2026-11-26", "--format", "json")
				if code != exitBlocked && code != exitInvalid {
					t.Fatalf("exit %d with a failing policy, want %d or %d\nstdout: %.2000s\nstderr: %s", code, exitBlocked, exitInvalid, stdout, stderr)
				}
				if strings.Contains(stdout, `"allowed": true`) {
					t.Errorf("an option is allowed despite the failing policy:\n%.2000s", stdout)
				}
				if !strings.Contains(stdout+stderr, "divide by zero") && !strings.Contains(stdout+stderr, "conflict") {
					t.Errorf("output does not carry the policy error:\n%.2000s\n%s", stdout, stderr)
				}
			})
		}
	}
	// The same specs are allowed without the broken folder, so the exit
	// codes above come from the policy error.
	if code, _, stderr := runNoPanic(t, "check", "../../examples/startup-10.hcl", "../../examples/regulated.hcl", "--as-of", "2026-11-26"); code != exitOK {
		t.Fatalf("check without the broken policies: exit %d, want 0\n%s", code, stderr)
	}
}

// TestPlanIgnoresPulumiSecrets: the Pulumi engine hands a program its
// configuration, secrets included, in PULUMI_CONFIG. costgate plan runs
// the program's code in process, so a CI job that sets both must still
// print no secret.
func TestPlanIgnoresPulumiSecrets(t *testing.T) {
	sentinels := map[string]string{
		"costgate:vllmApiKey":   "SENTINEL-vllm-7f3a9c",
		"costgate:hfToken":      "SENTINEL-hf-2b8e41",
		"costgate:providerKeys": `{"openai":"SENTINEL-openai-c04d1e","anthropic":"SENTINEL-anthropic-5e9f20"}`,
		"costgate:spec":         "examples/enterprise-hybrid.hcl",
	}
	raw, err := json.Marshal(sentinels)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw))
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", `["costgate:vllmApiKey","costgate:hfToken","costgate:providerKeys"]`)
	for _, format := range []string{"text", "json", "markdown"} {
		for _, spec := range []string{"enterprise-hybrid", "regulated", "company-50"} {
			t.Run(spec+"/"+format, func(t *testing.T) {
				_, stdout, stderr := runNoPanic(t, "plan", "../../examples/"+spec+".hcl", "--format", format, "--as-of", "2026-11-26")
				if stdout == "" {
					t.Fatalf("no output: %s", stderr)
				}
				if strings.Contains(stdout+stderr, "SENTINEL") {
					t.Errorf("a secret reached the output:\n%s", stdout)
				}
			})
		}
	}
}

// TestPlanJSONListIsEachPlan: plan's JSON for several specs is the array
// of each spec's own JSON plan, indented one level, byte for byte, and
// its exit code is that of the most severe plan.
func TestPlanJSONListIsEachPlan(t *testing.T) {
	specs := []string{"../../examples/startup-10.hcl", "../../examples/seed/200-devs-mixed.hcl", "../../examples/regulated.hcl", "../../examples/enterprise-hybrid.hcl"}
	want := "[\n"
	wantCode := exitOK
	for i, s := range specs {
		code, out, stderr := runCLI("plan", s, "--format", "json", "--as-of", "2026-11-26")
		if code > exitBlocked {
			t.Fatalf("plan %s: exit %d: %s", s, code, stderr)
		}
		wantCode = max(wantCode, code)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for j := range lines {
			lines[j] = "  " + lines[j]
		}
		want += strings.Join(lines, "\n")
		if i < len(specs)-1 {
			want += ",\n"
		}
	}
	want += "\n]\n"
	code, got, stderr := runCLI(append(append([]string{"plan"}, specs...), "--format", "json", "--as-of", "2026-11-26")...)
	if code != wantCode {
		t.Errorf("exit %d, want %d: %s", code, wantCode, stderr)
	}
	if got != want {
		t.Errorf("the list differs from each plan's own JSON (%d against %d bytes)", len(got), len(want))
	}
}
