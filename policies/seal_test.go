package policies_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/costgate/costgate/policies"
)

// A policy folder comes from whoever writes the pull request. Each case is
// an attempt to switch a built-in denial off; each must fail closed:
// rejected as invalid input naming the file and line, or, where the module
// is legal Rego that only touches its own package, leaving every built-in
// finding in place.

// rejectedShadows are folders New must refuse.
var rejectedShadows = []struct {
	name  string
	files map[string]string
	want  []string // in the error; DIR is the folder
}{
	{
		name:  "function named like a built-in, in a built-in package",
		files: map[string]string{"x.rego": "package costgate.compliance\n\nsprintf(_, _) := \"\" if false\n"},
		want:  []string{"DIR/x.rego:1", "package costgate.compliance adds to the built-in package costgate.compliance"},
	},
	{
		name:  "count shadowed in compliance",
		files: map[string]string{"x.rego": "package costgate.compliance\n\ncount(_) := 0\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.compliance"},
	},
	{
		name:  "latency helper redefined",
		files: map[string]string{"x.rego": "package costgate.latency\n\nwithin_target(_) if true\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.latency"},
	},
	{
		name:  "resource helper redefined",
		files: map[string]string{"x.rego": "package costgate.resources\n\nis_secret(_) if true\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.resources"},
	},
	{
		name:  "resource deny added in the built-in package",
		files: map[string]string{"x.rego": "package costgate.resources\n\ndeny contains {\"policy\": \"acme.x\", \"msg\": \"x\"} if false\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.resources"},
	},
	{
		name:  "ref-head rule into a built-in package",
		files: map[string]string{"x.rego": "package costgate\n\ncompliance.deny contains {\"policy\": \"x.y\", \"option\": \"*\", \"msg\": \"x\"} if false\n"},
		want:  []string{"DIR/x.rego:3", "rule costgate.compliance.deny adds to the built-in package costgate.compliance"},
	},
	{
		name:  "rule whose value is a whole built-in package",
		files: map[string]string{"x.rego": "package costgate\n\ncompliance := {}\n"},
		want:  []string{"DIR/x.rego:3", "costgate.compliance"},
	},
	{
		name:  "partial object over the resources package",
		files: map[string]string{"x.rego": "package costgate\n\nresources[k] := 1 if k := \"deny\"\n"},
		want:  []string{"DIR/x.rego:3", "costgate.resources"},
	},
	{
		name:  "default rule in a built-in package",
		files: map[string]string{"x.rego": "package costgate.spend\n\ndefault over_limit(_) := false\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.spend"},
	},
	{
		name:  "library function replaced",
		files: map[string]string{"x.rego": "package costgate.lib\n\nusd(_) := \"\"\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.lib"},
	},
	{
		name:  "sub-package of a sealed package",
		files: map[string]string{"x.rego": "package costgate.compliance.extra\n\nx := 1\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.compliance"},
	},
	{
		name:  "package quoted as a string ref",
		files: map[string]string{"x.rego": "package costgate[\"checklist\"]\n\nx := 1\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.checklist"},
	},
	{
		name:  "resource sub-package named like a built-in rule",
		files: map[string]string{"x.rego": "package costgate.resources.deny\n\nx := 1\n"},
		want:  []string{"DIR/x.rego:1", "costgate.resources.deny"},
	},
	{
		name:  "a built-in test package",
		files: map[string]string{"x.rego": "package costgate.spend_test\n\ntest_x if true\n"},
		want:  []string{"DIR/x.rego:1", "built-in package costgate.spend_test"},
	},
	{
		name:  "package over the built-in data",
		files: map[string]string{"x.rego": "package costgate\n\nwaivers[\"spend.limit\"] := {\"max_days\": 9999, \"approvers\": [\"*\"]}\n"},
		want:  []string{"DIR/x.rego:3", "costgate.waivers", "overlaps the built-in data"},
	},
	{
		name:  "rule over the waiver rules",
		files: map[string]string{"x.rego": "package costgate\n\nwaivers := {}\n"},
		want:  []string{"DIR/x.rego:3", "costgate.waivers"},
	},
	{
		name:  "data inside the built-in library package",
		files: map[string]string{"data.json": `{"costgate": {"lib": {"usd": 0}}}`},
		want:  []string{"DIR/data.json", "costgate.lib", "may not set the built-in policies' data"},
	},
	{
		name:  "data inside a built-in package",
		files: map[string]string{"data.json": `{"costgate": {"compliance": {"allowed": true}}}`},
		want:  []string{"DIR/data.json", "built-in package costgate.compliance"},
	},
	{
		name:  "data replacing the whole costgate document",
		files: map[string]string{"data.json": `{"costgate": 1}`},
		want:  []string{"DIR/data.json", "key costgate "},
	},
	{
		name:  "waiver rule that widens",
		files: map[string]string{"data.json": `{"costgate": {"waivers": {"compliance.external_api": {"max_days": 9999, "approvers": ["*"]}}}}`},
		want:  []string{"DIR/data.json", "compliance.external_api is not waivable", "may only narrow"},
	},
	{
		name:  "waiver rule for a resource policy",
		files: map[string]string{"data.json": `{"costgate": {"waivers": {"resources.plaintext_secret": {"max_days": 1, "approvers": ["*"]}}}}`},
		want:  []string{"DIR/data.json", "resources.plaintext_secret is not waivable"},
	},
	{
		name:  "second folder shadowing after a legal first",
		files: map[string]string{"a/ok.rego": "package costgate.acme\n\nx := 1\n", "b/bad.rego": "package costgate.checklist\n\nmin_met := 0\n"},
		want:  []string{"DIR/b/bad.rego:1", "costgate.checklist"},
	},
}

func TestSealRejectsShadowing(t *testing.T) {
	for _, tt := range rejectedShadows {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, tt.files)
			_, err := policies.New(policies.Options{Dirs: []string{dir}})
			if err == nil {
				t.Fatal("New accepted the folder, want it refused")
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "DIR", filepath.ToSlash(dir)); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The Rego test runner loads folders the same way.
			if _, err := policies.RunTests(context.Background(), dir); err == nil {
				t.Error("RunTests accepted the folder, want it refused")
			}
		})
	}
}

// legalShadows compile, and must leave every built-in finding in place.
var legalShadows = []struct {
	name  string
	files map[string]string
}{
	{"function named like a built-in in its own package", map[string]string{"x.rego": "package costgate.acme\n\nis_secret(_) if true\n\nwithin_target(_) if true\n"}},
	{"import alias of a built-in package", map[string]string{"x.rego": "package costgate.acme\n\nimport data.costgate.compliance as c\n\nwarn contains {\"policy\": \"acme.seen\", \"option\": \"*\", \"msg\": \"seen\"} if count(c.deny) > 100\n"}},
	{"with replacing input and data in its own rule", map[string]string{"x.rego": "package costgate.acme\n\nquiet if {\n\tcount(data.costgate.compliance.deny) == 0 with input as {}\n}\n\nquiet2 if {\n\tdata.costgate.lib.usd(1) with data.costgate.waivers as {}\n}\n"}},
	{"default deny in its own package", map[string]string{"x.rego": "package costgate.acme\n\ndeny contains {\"policy\": \"acme.never\", \"option\": \"*\", \"msg\": \"never\"} if false\n"}},
	{"resource policies in a sub-package", map[string]string{"x.rego": "package costgate.resources.acme\n\ndeny contains {\"policy\": \"acme.never\", \"msg\": \"never\"} if false\n"}},
	{"package with a built-in name as prefix", map[string]string{"x.rego": "package costgate.compliance_extra\n\nx := 1\n"}},
	{"data of its own", map[string]string{"data.json": `{"acme": {"threshold": 0}, "costgate": {"acme": {"a": 1}}}`}},
	{"waivers only narrowed", map[string]string{"data.json": `{"costgate": {"waivers": {"spend.limit": {"max_days": 7, "approvers": ["cfo@acme.example"]}, "spend.approval": false}}}`}},
}

func TestSealKeepsBuiltinFindings(t *testing.T) {
	ctx := context.Background()
	for _, planName := range []string{"code_stays_inside", "over_budget", "latency", "provider_allow_list"} {
		want, err := engine(t).EvaluatePlan(ctx, loadPlan(t, planName))
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Deny) == 0 {
			t.Fatalf("plan %s has no built-in denial to protect", planName)
		}
		for _, tt := range legalShadows {
			t.Run(planName+"/"+tt.name, func(t *testing.T) {
				e, err := policies.New(policies.Options{Dirs: []string{writeDir(t, tt.files)}})
				if err != nil {
					t.Fatalf("New refused a folder that only touches its own package: %v", err)
				}
				got, err := e.EvaluatePlan(ctx, loadPlan(t, planName))
				if err != nil {
					t.Fatalf("EvaluatePlan: %v", err)
				}
				if diff := cmp.Diff(want.Deny, filterBuiltin(got.Deny)); diff != "" {
					t.Errorf("built-in denials changed (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(want.Warn, filterBuiltin(got.Warn)); diff != "" {
					t.Errorf("built-in warnings changed (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func filterBuiltin(fs []finding) []finding {
	out := []finding{}
	for _, f := range fs {
		if !strings.HasPrefix(f.Policy, "acme.") {
			out = append(out, f)
		}
	}
	return out
}

// refRules is a corpus of ref-head rules (general refs in rule heads: a
// variable before the last term, a string key, a multi-value rule under a
// longer ref): the seal compares the ground prefix of each rule's ref
// with the built-ins, so a rule whose ref may land in a built-in document
// is refused, and one that stays in a document of its own compiles.
var refRules = []struct {
	name   string
	module string
	want   string // in the error; empty: the folder is legal
}{
	{"variable key over a built-in package", "package costgate\n\ncompliance[x] := 1 if x := \"deny\"\n", "costgate.compliance"},
	{"variable in the middle, over a built-in package", "package costgate\n\nspend[k].deny := {\"policy\": \"x.y\", \"option\": \"*\", \"msg\": \"x\"} if k := \"limit\"\n", "costgate.spend"},
	{"multi-value rule under a built-in package", "package costgate\n\nlatency.deny contains {\"policy\": \"x.y\", \"option\": \"*\", \"msg\": \"x\"} if false\n", "costgate.latency"},
	{"string keys into a built-in rule", "package costgate\n\nlib[\"usd\"] := 0\n", "costgate.lib"},
	{"variable key over the waiver rules", "package costgate\n\nwaivers[k].approvers := [\"*\"] if k := \"spend.limit\"\n", "costgate.waivers"},
	{"variable key over a built-in test package", "package costgate\n\nquality_test[k] := true if k := \"test_floor\"\n", "costgate.quality_test"},
	{"variable key in a resource sub-package over a built-in rule", "package costgate\n\nresources[k].x := 1 if k := \"deny\"\n", "costgate.resources"},
	{"variable key in its own document", "package costgate\n\nacme[k].x := 1 if k := \"compliance\"\n", ""},
	{"variable in the middle in its own package", "package costgate.acme\n\nlimits[team].max := 5 if team := \"a\"\n", ""},
	{"multi-value ref rule in its own package", "package costgate.acme\n\nreport.deny contains {\"policy\": \"acme.never\", \"option\": \"*\", \"msg\": \"never\"} if false\n", ""},
}

func TestSealRefRules(t *testing.T) {
	ctx := context.Background()
	want, err := engine(t).EvaluatePlan(ctx, loadPlan(t, "over_budget"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range refRules {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"x.rego": tt.module})
			e, err := policies.New(policies.Options{Dirs: []string{dir}})
			if tt.want != "" {
				if err == nil {
					t.Fatal("New accepted the folder, want it refused")
				}
				if !strings.Contains(err.Error(), filepath.ToSlash(dir)+"/x.rego:") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not name the file and line and %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("New refused a ref rule in a document of its own: %v", err)
			}
			got, err := e.EvaluatePlan(ctx, loadPlan(t, "over_budget"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Deny, filterBuiltin(got.Deny)); diff != "" {
				t.Errorf("built-in denials changed (-want +got):\n%s", diff)
			}
		})
	}
}
