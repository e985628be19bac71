package ci

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// codeowners reads .github/CODEOWNERS: its patterns, in order.
func codeowners(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../.github/CODEOWNERS")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		out = append(out, f[0])
	}
	return out
}

// owned reports whether a repository path (slash-separated, no leading
// slash) matches a CODEOWNERS pattern, for the forms the file uses: an
// anchored folder (/x/), an anchored file or glob (/go.mod,
// /Pulumi.*.yaml), and an unanchored glob (*.prices.json).
func owned(patterns []string, p string) bool {
	for _, pat := range patterns {
		switch {
		case strings.HasPrefix(pat, "/") && strings.HasSuffix(pat, "/"):
			if strings.HasPrefix(p, strings.TrimPrefix(pat, "/")) {
				return true
			}
		case strings.HasPrefix(pat, "/"):
			if ok, _ := path.Match(strings.TrimPrefix(pat, "/"), p); ok {
				return true
			}
		default:
			if ok, _ := path.Match(pat, path.Base(p)); ok {
				return true
			}
		}
	}
	return false
}

// TestCodeownersCoverWhatDecides: every path that decides, prices or
// provisions has owners: each Go package of the module, the workflow and
// its scripts, go.mod and go.sum, the stacks' configuration, price books.
func TestCodeownersCoverWhatDecides(t *testing.T) {
	patterns := codeowners(t)
	required := []string{
		".github/workflows/costgate.yml", ".github/scripts/approvals.js", ".github/scripts/costgate.sh", ".github/CODEOWNERS",
		"go.mod", "go.sum", "go.work", "go.work.sum", "vendor/modules.txt", "examples/levenshtein/go.mod", ".gitattributes", "teams/.gitattributes",
		"Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.acme-platform.yaml", "Pulumi.json", "Pulumi.prod.json", "Pulumi.yml",
		"modelcatalog/catalog.json", "prices/acme.json", "teams/acme.prices.json",
		"breakeven/cost.go", "costmodel/cost.go", "inference/perf/model.go", "stacks/program.go", "report/github.go",
		"review/review.go", "specfile/specfile.go", "cmd/costgate-pulumi/main.go", "cmd/costgate/main.go",
		"plan/build.go", "policies/plan/spend_limit.rego", "spec/spec.go", "units/money.go", "usage/usage.go",
	}
	// And every folder of the module that holds Go code, but the examples'.
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, "../"))
		// One module: another go.mod (the examples' too), a go.work or a
		// vendor folder changes what the gate's build compiles.
		if (d.Name() == "go.mod" || d.Name() == "go.work" || d.Name() == "vendor") && rel != "go.mod" {
			t.Errorf("%s: the repository is one module, built from go.mod and go.sum alone", rel)
		}
		// Pulumi reads Pulumi.json (and its Pulumi.<stack>.json) before
		// Pulumi.yaml: a project no gate reads.
		if json, _ := path.Match("Pulumi*.json", rel); json || rel == "Pulumi.yml" {
			t.Errorf("%s: the project and its stacks are Pulumi.yaml and Pulumi.<stack>.yaml alone", rel)
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != ".." {
			return fs.SkipDir
		}
		examples := strings.HasPrefix(rel, "examples/") || strings.HasPrefix(rel, "bench/")
		if !d.IsDir() && !examples && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			required = append(required, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range required {
		if !owned(patterns, p) {
			t.Errorf("%s has no code owner in .github/CODEOWNERS", p)
		}
	}
	// A spec is reviewed by the gate and the team, not by the owners.
	if owned(patterns, "teams/acme.hcl") {
		t.Error("team specs should not need the policy owners' review: the gate reviews them")
	}
}
