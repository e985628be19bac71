package policies

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// typeRef is the resource type in a resource rule's input.
var typeRef = ast.MustParseRef("input.__type")

// typeGuard is the resource types a rule's body tests input.__type against
// (input.__type == "aws:..." or input.__type in {...} written out), or nil.
func typeGuard(r *ast.Rule) map[string]bool {
	var types map[string]bool
	add := func(t *ast.Term) {
		if s, ok := t.Value.(ast.String); ok {
			if types == nil {
				types = map[string]bool{}
			}
			types[string(s)] = true
		}
	}
	for _, expr := range r.Body {
		if !expr.IsCall() || len(expr.Operands()) != 2 {
			continue
		}
		lhs, rhs := expr.Operand(0), expr.Operand(1)
		if ref, ok := lhs.Value.(ast.Ref); !ok || !ref.Equal(typeRef) {
			continue
		}
		switch op := expr.Operator(); {
		case op.Equal(ast.Equal.Ref()):
			add(rhs)
		case op.Equal(ast.Member.Ref()):
			if set, ok := rhs.Value.(ast.Set); ok {
				set.Foreach(add)
			}
		}
	}
	return types
}

// helperGaps checks the convention of policies/resources/README.md ("Rule
// index") on the resource policies' modules: a deny or warn rule that reads
// a helper set (a multi-value rule such as ingress or acl_grants, directly
// or through another) must name, in its own type guard, every type the
// helper's rules are guarded by, or OPA's rule index skips the rule for a
// type the helper reads and that type is never checked. It returns one
// message for each type a rule leaves out, and for each helper with a rule
// that has no guard of its own nor reads a guarded helper.
func helperGaps(mods []*ast.Module) []string {
	helpers := map[string][]*ast.Rule{}
	var findings []*ast.Rule
	for _, mod := range mods {
		if !mod.Package.Path.Equal(resourceRef) {
			continue
		}
		for _, r := range mod.Rules {
			name := r.Head.Ref()[0].Value.String()
			switch {
			case name == denyRule || name == warnRule:
				findings = append(findings, r)
			case r.Head.RuleKind() == ast.MultiValue && len(r.Head.Ref()) == 1:
				helpers[name] = append(helpers[name], r)
			}
		}
	}
	// uses is the helpers a rule's body reads.
	uses := func(r *ast.Rule) []string {
		seen := map[string]bool{}
		ast.WalkVars(r.Body, func(v ast.Var) bool {
			if _, ok := helpers[string(v)]; ok {
				seen[string(v)] = true
			}
			return false
		})
		return slices.Sorted(maps.Keys(seen))
	}
	var gaps []string
	memo := map[string]map[string]bool{}
	var typesOf func(name string, path []string) map[string]bool
	typesOf = func(name string, path []string) map[string]bool {
		if t, ok := memo[name]; ok || slices.Contains(path, name) {
			return t
		}
		all := map[string]bool{}
		for _, r := range helpers[name] {
			g := typeGuard(r)
			if g == nil {
				for _, h := range uses(r) {
					maps.Copy(all, typesOf(h, append(path, name)))
				}
				if len(uses(r)) == 0 {
					gaps = append(gaps, fmt.Sprintf("%s:%d: a rule of helper %s reads no input type: lead it with input.__type == \"…\" or input.__type in {…}", r.Location.File, r.Location.Row, name))
				}
				continue
			}
			maps.Copy(all, g)
		}
		memo[name] = all
		return all
	}
	for _, r := range findings {
		guard := typeGuard(r)
		for _, h := range uses(r) {
			for _, typ := range slices.Sorted(maps.Keys(typesOf(h, nil))) {
				if !guard[typ] {
					gaps = append(gaps, fmt.Sprintf("%s:%d: the rule reads %s, which reads %s, but its type guard leaves %s out: OPA's rule index skips the rule there", r.Location.File, r.Location.Row, h, typ, typ))
				}
			}
		}
	}
	slices.Sort(gaps)
	return slices.Compact(gaps)
}

// TestHelperTypesGuarded keeps the types of every helper set in the guard
// of each rule that reads it: a type added to a helper alone would be read
// and never judged.
func TestHelperTypesGuarded(t *testing.T) {
	src, err := loadBuiltin(false)
	if err != nil {
		t.Fatal(err)
	}
	var mods []*ast.Module
	for _, name := range src.sortedNames() {
		mods = append(mods, src.modules[name])
	}
	for _, gap := range helperGaps(mods) {
		t.Error(gap)
	}

	// The check finds a type added to a helper only, through a chain of
	// helpers, and a helper rule with no guard.
	mod := ast.MustParseModuleWithOpts(`package costgate.resources

docs contains d if {
	input.__type == "aws:iam/policy:Policy"
	d := input.policy
}

docs contains d if {
	input.__type in {"aws:iam/role:Role", "aws:iam/userPolicy:UserPolicy"}
	d := input.inline
}

statements contains s if {
	some d in docs
	some s in d.Statement
}

loose contains x if {
	x := input.anything
}

deny contains {"policy": "p", "msg": "m"} if {
	input.__type in {"aws:iam/policy:Policy", "aws:iam/role:Role"}
	some s in statements
	some x in loose
}
`, parserOptions)
	want := []string{
		"a rule of helper loose reads no input type",
		"the rule reads statements, which reads aws:iam/userPolicy:UserPolicy, but its type guard leaves aws:iam/userPolicy:UserPolicy out",
	}
	got := helperGaps([]*ast.Module{mod})
	if len(got) != len(want) {
		t.Fatalf("helperGaps found %d gaps, want %d: %q", len(got), len(want), got)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
			t.Errorf("helperGaps missed %q: %q", w, got)
		}
	}
}
