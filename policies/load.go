package policies

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/specfile"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
)

// builtin holds the built-in plan policies and the resource policies, with
// their Rego tests, which RunTests runs and New leaves out.
//
//go:embed plan resources
var builtin embed.FS

// builtinPrefix names embedded files the way they sit in the repository, so
// an error in a built-in policy points at a file a reviewer can open.
const builtinPrefix = "policies/"

// dataFile is the only JSON file name loaded as Rego data, as in an OPA
// bundle; other JSON files in a policy folder (fixtures) are left alone.
const dataFile = "data.json"

// testSuffix marks Rego test files: run by RunTests, never evaluated.
const testSuffix = "_test.rego"

// sources is what a set of policy folders holds, in load order.
type sources struct {
	modules map[string]*ast.Module
	// names keeps the module names in load order, for Policies.
	names []string
	// data is every data.json merged; later folders override earlier ones.
	data map[string]any
	// dataFiles are the data.json files as read, for the seal's errors.
	dataFiles []dataDoc
	// dirOf maps each module name to the policy folder it came from.
	dirOf map[string]string
}

// dataDoc is one data.json document.
type dataDoc struct {
	name string
	doc  map[string]any
}

// maxPolicyFile bounds one policy or data file: policies are source code,
// and a folder from a pull request must not make loading itself the attack.
const maxPolicyFile = specfile.MaxPolicyBytes

func newSources() *sources {
	return &sources{modules: map[string]*ast.Module{}, data: map[string]any{}, dirOf: map[string]string{}}
}

// sortedNames lists the module names, sorted.
func (s *sources) sortedNames() []string {
	names := slices.Clone(s.names)
	sort.Strings(names)
	return names
}

// parserOptions parses every file as Rego v1, the only syntax OPA 1.x
// accepts without flags, so `opa test` and the engine agree.
var parserOptions = ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true}

// loadBuiltin reads the embedded policies. Test files are read only when
// withTests is set.
func loadBuiltin(withTests bool) (*sources, error) {
	src := newSources()
	err := fs.WalkDir(builtin, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(p, d, ".")
		}
		if !wanted(d.Name(), withTests) {
			return nil
		}
		raw, err := builtin.ReadFile(p)
		if err != nil {
			return err
		}
		return src.add(builtinPrefix+p, raw)
	})
	if err != nil {
		return nil, fmt.Errorf("load built-in policies: %w", err)
	}
	return src, nil
}

// loadDirs reads the extra policy folders, in order.
func loadDirs(dirs []string, withTests bool) (*sources, error) {
	src := newSources()
	for _, dir := range dirs {
		if err := src.addDir(dir, withTests); err != nil {
			return nil, fmt.Errorf("load policy folder %s: %w", dir, err)
		}
	}
	return src, nil
}

// addDir walks one extra policy folder in lexical order.
func (s *sources) addDir(dir string, withTests bool) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errors.New("not a folder")
	}
	found := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipDir(p, d, dir)
		}
		if !wanted(d.Name(), withTests) {
			return nil
		}
		// A policy file linked to a secret outside the repository would
		// be read, and its lines quoted in the parse error; one linked out
		// of its folder is changed where the folder's owners (CODEOWNERS)
		// do not review: a pull request editing only the link's target in
		// teams/ loosened the organisation's rule with any writer's
		// approval.
		if d.Type()&fs.ModeSymlink != 0 {
			real, err := specfile.Confine(p)
			if err != nil {
				return err
			}
			if err := inFolder(p, real, dir); err != nil {
				return err
			}
		}
		raw, err := readBounded(p)
		if err != nil {
			return err
		}
		found++
		name := filepath.ToSlash(p)
		s.dirOf[name] = dir
		return s.add(name, raw)
	})
	if err != nil {
		return err
	}
	if found == 0 {
		// An empty folder is most likely a mistyped path; loading nothing
		// would quietly drop the team's policies.
		return errors.New("no .rego or data.json files")
	}
	return nil
}

// inFolder refuses a policy file p (a symlink, resolved to real) that
// leads out of its policy folder dir.
func inFolder(p, real, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	folder, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(folder, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is a symlink to %s, outside its policy folder %s: the folder's reviewers would not see a change to it; keep the file itself in the folder", specfile.Display(p), specfile.Display(real), specfile.Display(dir))
	}
	return nil
}

// skipDir skips hidden folders and Go's testdata folders below the root:
// fixtures there (broken policies, sample plans) are not policies.
func skipDir(p string, d fs.DirEntry, root string) error {
	if p == root {
		return nil
	}
	if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
		return fs.SkipDir
	}
	return nil
}

// wanted reports whether a file is a policy, a test (when tests are
// wanted) or Rego data.
func wanted(name string, withTests bool) bool {
	switch {
	case name == dataFile:
		return true
	case strings.HasSuffix(name, testSuffix):
		return withTests
	default:
		return strings.HasSuffix(name, ".rego")
	}
}

// add parses one file into the sources.
func (s *sources) add(name string, raw []byte) error {
	if path.Base(name) == dataFile {
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		if err := checkDataFile(name, raw); err != nil {
			return err
		}
		var doc any
		if err := util.UnmarshalJSON(raw, &doc); err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			return fmt.Errorf("parse %s: data must be a JSON object", name)
		}
		s.dataFiles = append(s.dataFiles, dataDoc{name: name, doc: obj})
		mergeData(s.data, deepCopy(obj))
		return nil
	}
	if _, dup := s.modules[name]; dup {
		return fmt.Errorf("%s is loaded twice", name)
	}
	// A byte-order mark would otherwise be a parse error at 1:1 that
	// nobody can see in an editor.
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	// A comment ending in a line break Rego does not see swallows the
	// next line: the owners who review the folder would approve a rule
	// that is not there. So does an invisible character.
	if h, found := specfile.Hidden(raw); found {
		return fmt.Errorf("%s:%d:%d: holds %s, which shows the text otherwise than Rego reads it; remove it", name, h.Line, h.Column, h.What)
	}
	mod, err := ast.ParseModuleWithOpts(name, string(raw), parserOptions)
	if err != nil {
		return err
	}
	// A raw string "closed" by a backtick look-alike runs on to the next
	// backtick: the rules a reviewer reads after it are string text.
	if h, found := specfile.LookAlikeRego(mod, raw); found {
		return fmt.Errorf("%s:%d:%d: holds %s; a reviewer reads the text after it as live, Rego does not: write the delimiter in ASCII, or reword the text", name, h.Line, h.Column, h.What)
	}
	s.modules[name] = mod
	s.names = append(s.names, name)
	return nil
}

// readBounded reads a policy file of at most maxPolicyFile bytes.
func readBounded(p string) ([]byte, error) {
	return specfile.ReadRegular(p, maxPolicyFile)
}

// deepCopy copies the objects of a JSON document, so that merging one
// file's data never changes another's.
func deepCopy(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}

// mergeData merges src into dst: objects merge key by key, anything else
// in src replaces what dst holds, so a team's data.json can change one
// built-in threshold without restating the others.
func mergeData(dst, src map[string]any) {
	for k, v := range src {
		sub, isObj := v.(map[string]any)
		have, hadObj := dst[k].(map[string]any)
		if isObj && hadObj {
			mergeData(have, sub)
			continue
		}
		dst[k] = v
	}
}

// policyFiles lists the loaded Rego files other than tests, sorted.
func (s *sources) policyFiles() []string {
	var out []string
	for _, n := range s.names {
		if !strings.HasSuffix(n, testSuffix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// capabilities are OPA's built-ins minus the nondeterministic ones
// (http.send, time.now_ns, rand.intn, ...): a plan is computed offline and
// the same spec must give the same plan, so a policy may not reach the
// network or the clock. Policies read the plan's as_of date instead.
func capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	c.Builtins = slices.DeleteFunc(slices.Clone(c.Builtins), func(b *ast.Builtin) bool {
		return b.Nondeterministic
	})
	return c
}
