package policies

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The built-in policies are sealed: a policy folder may add packages
// beside them, never add to them. Built-in findings are computed by a
// compiler that holds only the built-in modules and data, so no user
// module can reach them; the checks here reject the attempt up front, so
// that a folder that tries is invalid input rather than a silent no-op.

// waiversKey is the one key of the built-ins' data a policy folder may
// set, and then only to narrow it (waivers.go).
const waiversKey = "waivers"

// seal is what the built-in modules and data occupy.
type seal struct {
	// packages are the built-in package paths, test packages included.
	packages []ast.Ref
	// rules are the ground paths of every built-in rule.
	rules []ast.Ref
	// data are the paths of the built-in data's leaves.
	data []ast.Ref
	// dataRoots are the built-in data's documents under data.costgate
	// (data.costgate.waivers): nothing of a folder may lie inside one.
	dataRoots []ast.Ref
	// waivers are the built-in waiver rules, which folders may narrow.
	waivers WaiverRules
}

// openPackage may hold user sub-packages: resource policies of a team live
// below it (package costgate.resources.acme).
var openPackage = resourceRef

func newSeal(builtin *sources) *seal {
	s := &seal{}
	seen := map[string]bool{}
	for _, name := range builtin.sortedNames() {
		mod := builtin.modules[name]
		if p := mod.Package.Path; !seen[p.String()] {
			seen[p.String()] = true
			s.packages = append(s.packages, p)
		}
		for _, r := range mod.Rules {
			s.rules = append(s.rules, groundRef(r))
		}
	}
	s.data = leafPaths(ast.DefaultRootRef, builtin.data)
	s.waivers = WaiverRules{}
	if cg, ok := builtin.data["costgate"].(map[string]any); ok {
		for _, k := range sortedKeys(cg) {
			s.dataRoots = append(s.dataRoots, ast.MustParseRef("data.costgate").Append(ast.StringTerm(k)))
		}
	}
	return s
}

// addTestPackages seals the built-in test packages too, so that a folder
// cannot add a test_ rule that would run as if it were a built-in test.
func (s *seal) addTestPackages(names []string) {
	for _, n := range names {
		s.packages = append(s.packages, ast.MustParseRef("data."+n))
	}
}

// builtinTestPackages lists the built-in test packages; they are not
// loaded by New, but are sealed all the same.
func builtinTestPackages() ([]string, error) {
	src, err := loadBuiltin(true)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, mod := range src.modules {
		if p := strings.TrimPrefix(mod.Package.Path.String(), "data."); strings.HasSuffix(p, "_test") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// check rejects a user module or data document that lands inside a
// built-in package, rule or data key, and waiver rules that would widen
// the built-in ones; it returns the waiver rules as the folders narrowed
// them. The error names file and line.
func (s *seal) check(user *sources) (WaiverRules, error) {
	if err := s.checkModules(user); err != nil {
		return nil, err
	}
	rules := s.waivers.clone()
	for _, f := range user.dataFiles {
		if err := rules.narrow(f.name, f.doc); err != nil {
			return nil, err
		}
	}
	return rules, nil
}

func (s *seal) checkModules(user *sources) error {
	for _, name := range user.sortedNames() {
		mod := user.modules[name]
		if err := s.checkPath(mod.Package.Path, true); err != nil {
			return fmt.Errorf("%s: package %s %s; put your policies in a package of their own, such as package costgate.acme (resource policies: package costgate.resources.acme)", mod.Package.Location, packageName(mod.Package.Path), err)
		}
		for _, r := range mod.Rules {
			p := groundRef(r)
			if err := s.checkPath(p, false); err != nil {
				return fmt.Errorf("%s: rule %s %s; built-in policies cannot be changed from a policy folder", r.Location, strings.TrimPrefix(p.String(), "data."), err)
			}
		}
	}
	for _, file := range user.dataFiles {
		for _, p := range leafPaths(ast.DefaultRootRef, file.doc) {
			if isWaivers(p) {
				continue
			}
			if err := s.checkData(p); err != nil {
				return fmt.Errorf("%s: key %s %s; a policy folder's data may not set the built-in policies' data (only %s, to narrow it)", file.name, strings.TrimPrefix(p.String(), "data."), err, "costgate."+waiversKey)
			}
		}
	}
	return nil
}

// groundRef is the document a rule writes, up to its first variable: the
// whole ref for `p.q.r := 1` or `deny contains v`, data.pkg.p for a ref
// rule `p[x].q := 1`, whose key is only known when it is evaluated. A rule
// with a variable in its ref may write anything below that prefix, so the
// prefix is what is compared with the built-ins (checkPath compares both
// ways: a built-in below it overlaps too).
func groundRef(r *ast.Rule) ast.Ref {
	return r.Ref().GroundPrefix()
}

// checkPath rejects a path that shares a document with the built-ins. A
// rule may not be a prefix of a built-in path nor lie inside one; a
// package may not lie inside one (its rules are checked one by one, so
// package costgate itself is fine).
func (s *seal) checkPath(p ast.Ref, isPackage bool) error {
	for _, pkg := range s.packages {
		inside := p.HasPrefix(pkg) || (!isPackage && pkg.HasPrefix(p))
		if !inside {
			continue
		}
		// Below the open package, a sub-package of its own is fine.
		if pkg.Equal(openPackage) && len(p) > len(pkg)+boolInt(!isPackage) {
			continue
		}
		return fmt.Errorf("adds to the built-in package %s", packageName(pkg))
	}
	for _, r := range s.rules {
		if p.HasPrefix(r) || (!isPackage && r.HasPrefix(p)) {
			return fmt.Errorf("overlaps the built-in rule %s", strings.TrimPrefix(r.String(), "data."))
		}
	}
	for _, d := range s.data {
		if p.HasPrefix(d) || (!isPackage && d.HasPrefix(p)) {
			return fmt.Errorf("overlaps the built-in data %s", strings.TrimPrefix(d.String(), "data."))
		}
	}
	for _, d := range s.dataRoots {
		if p.HasPrefix(d) {
			return fmt.Errorf("overlaps the built-in data %s", strings.TrimPrefix(d.String(), "data."))
		}
	}
	return nil
}

// checkData rejects a data path inside built-in data or packages.
func (s *seal) checkData(p ast.Ref) error {
	for _, d := range s.data {
		if related(p, d) {
			return fmt.Errorf("overlaps the built-in data %s", strings.TrimPrefix(d.String(), "data."))
		}
	}
	for _, pkg := range s.packages {
		if related(p, pkg) && !(pkg.Equal(openPackage) && len(p) > len(pkg)+1) {
			return fmt.Errorf("lies in the built-in package %s", packageName(pkg))
		}
	}
	for _, r := range s.rules {
		if related(p, r) {
			return fmt.Errorf("overlaps the built-in rule %s", strings.TrimPrefix(r.String(), "data."))
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// related reports whether one of a and b is a prefix of the other: the two
// paths name the same document or one holds the other.
func related(a, b ast.Ref) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return b.HasPrefix(a)
}

func packageName(p ast.Ref) string { return strings.TrimPrefix(p.String(), "data.") }

// isWaivers reports whether p lies under data.costgate.waivers.
func isWaivers(p ast.Ref) bool {
	return len(p) >= 3 && p[1].Value.Compare(ast.String("costgate")) == 0 && p[2].Value.Compare(ast.String(waiversKey)) == 0
}

// leafPaths lists the paths of doc's non-object values (and of its empty
// objects) below root.
func leafPaths(root ast.Ref, doc map[string]any) []ast.Ref {
	var out []ast.Ref
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := root.Append(ast.StringTerm(k))
		if sub, ok := doc[k].(map[string]any); ok && len(sub) > 0 {
			out = append(out, leafPaths(p, sub)...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// policyID is what a policy id looks like: dotted lowercase words.
var policyID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\z`)

// policyIDs collects every string in the modules that reads as a policy
// id: the ids those policies can report. An override naming anything else
// waives nothing any loaded policy emits.
func policyIDs(src *sources) map[string]bool {
	ids := map[string]bool{}
	for _, mod := range src.modules {
		ast.WalkTerms(mod, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok && policyID.MatchString(string(s)) {
				ids[string(s)] = true
			}
			return false
		})
	}
	return ids
}
