package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// runnerCommands returns the lines of out that a GitHub runner would act
// on as workflow commands: it splits lines at "\n" and "\r", trims leading
// whitespace before matching "::", and matches the legacy "##[" anywhere.
func runnerCommands(out string) []string {
	var cmds []string
	for _, line := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") || strings.Contains(line, "##[") {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// ownAnnotation is a workflow command costgate itself writes in the github
// format: an annotation on a spec file.
var ownAnnotation = regexp.MustCompile(`^::(error|warning|notice) file=[^:]*::[^\r\n]*$`)

// forgedSpec's unknown model id is long enough that the HCL diagnostic
// wraps its detail just before "::add-mask::", at the start of a line.
const forgedSpec = `team "forged" {
  developers           = 10
  tokens_per_developer = 1e6
  cost_center          = "x"
}
workload "a" {
  share      = 1
  complexity = "simple"
}
managed {
  simple_model  = "gpt-5.4-mini-and-a-long-long-long-long-long-long-name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ::add-mask::FORGED ##[error]legacy"
  complex_model = "claude-sonnet-4.6"
}
`

// forgedPolicy writes policy messages that try every way onto a line of
// their own.
const forgedPolicy = `package costgate.forge

deny contains {"policy": "forge.deny", "option": "*", "msg": "denied\n::error::FORGED deny\r::add-mask::FORGED ##[error]FORGED"}

warn contains {"policy": "forge.warn", "option": "*", "msg": "  ::warning::FORGED warn ##[add-mask]FORGED"}
`

// TestNoForgedWorkflowCommands: a spec, a policy folder, an override and a
// file name carry workflow commands; no command, in any format, prints a
// line a runner would act on, except costgate's own annotations in the
// github format.
func TestNoForgedWorkflowCommands(t *testing.T) {
	dir := t.TempDir()
	invalidSpec := writeFile(t, dir, "forged.hcl", forgedSpec)
	policyDir := writeFile(t, dir, "forge/forge.rego", forgedPolicy)
	policyDir = policyDir[:strings.LastIndexByte(policyDir, '/')]
	reason := "because\\n::error::FORGED reason ##[error]FORGED"
	blocked := blockedWith(t, strings.Replace(override("x", "spend.limit", "cfo@corp.example", "2026-12-20"), "because", reason, 1))
	named := writeFile(t, dir, "##[error]FORGED ::error::FORGED.hcl", forgedSpec[:strings.Index(forgedSpec, "managed")])
	var runs [][]string
	for _, f := range []string{"text", "json", "github"} {
		runs = append(runs, []string{"check", "--format", f, "--as-of", "2026-11-26", "--policy-dir", policyDir, "--", blocked, named})
	}
	for _, f := range []string{"text", "json", "markdown"} {
		runs = append(runs,
			[]string{"plan", "--format", f, "--as-of", "2026-11-26", "--policy-dir", policyDir, "--", blocked, named},
			[]string{"diff", "--format", f, "--as-of", "2026-11-26", "--policy-dir", policyDir, "--", "testdata/blocked.hcl", blocked})
	}
	runs = append(runs,
		[]string{"validate", invalidSpec},
		[]string{"check", "--format", "github", invalidSpec},
		[]string{"diff", invalidSpec, invalidSpec},
		[]string{"validate", "--", named, "no such ::error::FORGED.hcl"},
		[]string{"plan", "--catalog", "::error::FORGED ##[error]FORGED.json", "--", named},
	)
	for i, args := range runs {
		t.Run(fmt.Sprint(i, " ", args[0]), func(t *testing.T) {
			_, stdout, stderr := runCLI(args...)
			if !strings.Contains(stdout+stderr, "FORGED") {
				t.Fatalf("the forged text is not in the output, so the test proves nothing:\n%s\n%s", stdout, stderr)
			}
			github := args[1] == "--format" && args[2] == "github"
			for _, line := range runnerCommands(stdout) {
				if !github || !ownAnnotation.MatchString(line) {
					t.Errorf("stdout line read as a workflow command: %q", line)
				}
			}
			for _, line := range runnerCommands(stderr) {
				t.Errorf("stderr line read as a workflow command: %q", line)
			}
		})
	}
}
