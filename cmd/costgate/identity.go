package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/costgate/costgate/stacks"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
)

// A spec's identity is its team, not its path: a pull request can rename
// a spec, change its letter case (acme.HCL), move it, or delete it and add
// a new team, and none of these may drop the compliance block and budget
// its base enforced. With --spec-dir, check and diff read every spec of
// those folders, at REF and in the working tree, and pair them by team.

// isSpecName reports whether a file name is a spec's: .hcl in any case.
func isSpecName(name string) bool {
	return strings.EqualFold(filepath.Ext(name), specfile.Ext)
}

// withSpecDirs adds to paths every spec (.hcl in any letter case, symlinks
// included: specfile refuses those that leave the repository) under the
// folders, in lexical order, that paths does not already name.
func withSpecDirs(paths, dirs []string) ([]string, error) {
	seen := map[string]bool{}
	for _, p := range paths {
		seen[filepath.Clean(p)] = true
	}
	out := append([]string(nil), paths...)
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !isSpecName(d.Name()) || seen[filepath.Clean(p)] {
				return nil
			}
			seen[filepath.Clean(p)] = true
			out = append(out, p)
			return nil
		})
		if err != nil {
			return nil, invalid(fmt.Errorf("--spec-dir %s: %w", specfile.Display(dir), bare(err)))
		}
	}
	return out, nil
}

func bare(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// baseSpec is one spec at REF.
type baseSpec struct {
	path string
	spec *spec.Spec
	// gated marks a spec a gate judged at REF: one in the --spec-dir
	// folders, or the spec a stack deployed. Only its overrides are
	// carried (plan.Options.BaseUngated).
	gated bool
}

// baseIndex is the specs of the spec folders at a revision, by team.
type baseIndex struct {
	parser *spec.Parser
	ref    string
	// dirs are the spec folders; explicit when given with --spec-dir
	// (then the working tree's specs in them are all gated, and a team
	// missing from them is deleted), else the head specs' own folders.
	dirs     []string
	explicit bool
	byTeam   map[string]baseSpec
	// unparsed are the files of the folders at ref that are no spec
	// there (they do not parse, with today's catalog and rules): their
	// teams are unknown, so a new team may be one of them.
	unparsed []string
	// stacks are the stack files read at ref (stackSpecAt), and
	// stackTexts their text (stackFileAt).
	stacks     map[string]stackAt
	stackTexts map[string]stackFile
	// deployedBy are, by team, the stack files at ref that deployed a
	// spec of the team (stackBases).
	deployedBy map[string][]string
	// org are the organisation's rules (--catalog, --policy-dir) before a
	// --stack-config's took their place: those a new stack is compared
	// with (newStackRules).
	org orgRules
}

// orgRules are the organisation's price book and policy folders.
type orgRules struct {
	book string
	dirs []string
	// root is the checkout book and dirs are read from (--rules-root),
	// "" for the working directory.
	root string
}

// sameFolder reports whether given (one of the organisation's
// --policy-dir) is d, a stack's policy folder, here or under the rules
// checkout.
func (o orgRules) sameFolder(given, d string) bool {
	return samePath(given, d) || sameRulePath(o.root, given, d)
}

// sameBook reports whether given (the organisation's --catalog) is the
// stack's book, here or under the rules checkout.
func (o orgRules) sameBook(given, stack string) bool { return sameRuleBook(o.root, given, stack) }

// newBaseIndex reads every .hcl file (any letter case) under the folders
// at ref that parses as a spec. Two of one team are an error: which one
// a head spec replaces would be a guess. Files that do not parse at ref
// have no team there; they are kept as unparsed.
func newBaseIndex(parser *spec.Parser, ref string, dirs []string, explicit bool) (*baseIndex, error) {
	b := &baseIndex{parser: parser, ref: ref, dirs: dirs, explicit: explicit, byTeam: map[string]baseSpec{}}
	if len(dirs) == 0 {
		return b, nil
	}
	args := append([]string{"ls-tree", "-r", "-z", "--name-only", ref, "--"}, cleanDirs(dirs)...)
	out, err := git(args...)
	if err != nil {
		return nil, fmt.Errorf("list specs at %s: %w", ref, err)
	}
	var paths []string
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" && isSpecName(p) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		src, _, err := gitShow(ref, p)
		if err != nil {
			b.unparsed = append(b.unparsed, p)
			continue
		}
		s, diags := parser.Parse(ref+":"+p, src)
		if diags.HasErrors() || s == nil {
			b.unparsed = append(b.unparsed, p)
			continue
		}
		if other, dup := b.byTeam[s.Team.Name]; dup {
			return nil, fmt.Errorf("%s and %s at %s are both team %q: a team has one spec, so which one a change replaces would be a guess; keep one", specfile.Display(other.path), specfile.Display(p), ref, s.Team.Name)
		}
		b.byTeam[s.Team.Name] = baseSpec{path: p, spec: s, gated: explicit}
	}
	return b, nil
}

// cleanDirs are the folders as git pathspecs relative to the working
// directory ("./teams/"), so that a folder named like an option or with
// glob characters is taken literally.
func cleanDirs(dirs []string) []string {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = ":(literal)./" + filepath.ToSlash(filepath.Clean(d)) + "/"
	}
	return out
}

// headDirs are the folders of the head specs, the spec folders when none
// is given.
func headDirs(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		if d := filepath.Dir(p); !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// reviewed is what a --base-ref review compares: each head's base (nil
// when new) and the loosenings of its identity, and the specs the change
// deletes.
type reviewed struct {
	bases []*spec.Spec
	// fresh marks a head with no base in a review: a spec new in the
	// change, whose figures are compared with the defaults
	// (plan.Options.NewSpec). Nil outside a review.
	fresh []bool
	// gated marks a head whose base a gate judged at REF (baseSpec.gated),
	// whose overrides are carried.
	gated   []bool
	extra   [][]plan.Loosening
	deleted []deletedSpec
	// deps are the deployments each head's base was gated with
	// (plan.Options.BaseDeployment); nil outside a review, and for a head
	// no stack deploys (its base priced as the head is).
	deps []*modelcatalog.Deployment
	// waivers are, for a head a stack deploys, the waiver rules its
	// stacks' own policy folders set at REF (stackWaivers): the change is
	// approved within them. Nil where none sets any.
	waivers []policies.WaiverRules
}

// baseDeployment is spec i's base deployment, nil when it is the head's.
func (rv *reviewed) baseDeployment(i int) *modelcatalog.Deployment {
	if i >= len(rv.deps) {
		return nil
	}
	return rv.deps[i]
}

// withinBase is ev with its waiver rules narrowed by spec i's base's
// (reviewed.waivers), or ev where there are none.
func (rv *reviewed) withinBase(i int, ev plan.Evaluator) plan.Evaluator {
	if i >= len(rv.waivers) || rv.waivers[i] == nil {
		return ev
	}
	return narrowed{ev, rv.waivers[i]}
}

// narrowed is an evaluator whose waiver rules are narrowed by a base's.
type narrowed struct {
	plan.Evaluator
	base policies.WaiverRules
}

func (n narrowed) WaiverRules() policies.WaiverRules {
	return n.Evaluator.WaiverRules().Within(n.base)
}

// isNew reports whether spec i is new in the change under review.
func (rv *reviewed) isNew(i int) bool { return i < len(rv.fresh) && rv.fresh[i] }

// ungated reports whether spec i's base is one no gate judged at REF: a
// file at the head's path outside the spec folders, or one in the head's
// folder (no --spec-dir) where a stack deploys the head. Merged unjudged,
// its overrides were never shown to need their approver's approval.
func (rv *reviewed) ungated(i int) bool { return i < len(rv.gated) && !rv.gated[i] }

// withDeleted appends the deleted specs to specs (with no measured usage)
// and their loosenings to rv: a deleted spec is gated on its deletion
// alone (spec.loosened, deletionOnly), as it will not be deployed.
func (rv *reviewed) withDeleted(specs []*spec.Spec, measured []*plan.Measured) ([]*spec.Spec, []*plan.Measured) {
	for _, d := range rv.deleted {
		specs = append(specs, d.spec)
		rv.bases = append(rv.bases, nil)
		if rv.fresh != nil {
			rv.fresh = append(rv.fresh, false)
			rv.gated = append(rv.gated, false)
		}
		rv.extra = append(rv.extra, []plan.Loosening{d.loosening})
		measured = append(measured, nil)
	}
	return specs, measured
}

// gatedPaths are the specs a review gates: paths, the spec of each
// --stack-spec and --stack-config, and every spec in the --spec-dir
// folders (which need baseRef).
func gatedPaths(f *planFlags, paths []string, baseRef string) ([]string, error) {
	if err := specDirsFor(f.specDirs, baseRef); err != nil {
		return nil, err
	}
	paths, err := f.stackSpecPaths(paths)
	if err != nil {
		return nil, err
	}
	return withSpecDirs(paths, f.specDirs)
}

// distinct drops a path given again (the same file once made absolute:
// "a.hcl", "./a.hcl" and "$PWD/a.hcl"), keeping the first: a spec is
// planned and gated once however often it is named.
func distinct(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := paths[:0:0]
	for _, p := range paths {
		key, err := filepath.Abs(p)
		if err != nil {
			key = filepath.Clean(p)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out
}

// oneSpecATeam refuses two specs of one team in one run, with or without a
// base: a team has one spec, one stack and one budget, and two files of
// it — each under the budget's limit, or one with another compliance
// block — would each be gated as if it were the team's whole load.
func oneSpecATeam(paths []string, specs []*spec.Spec) error {
	first := make(map[string]string, len(specs))
	for i, s := range specs {
		if other, dup := first[s.Team.Name]; dup {
			return fmt.Errorf("%s and %s are both team %q: a team has one spec (one stack, one budget), so each would be gated as the team's whole load; keep one, or give the other its own team name", specfile.Display(other), specfile.Display(paths[i]), s.Team.Name)
		}
		first[s.Team.Name] = paths[i]
	}
	return nil
}

// deletedSpec is a spec at REF whose team no head spec has.
type deletedSpec struct {
	spec      *spec.Spec
	loosening plan.Loosening
}

// review pairs each head spec with its base: the same team's spec in the
// folders at REF, else the spec a stack deployed for that team at REF
// (stackBases), else the file at the same path at REF, else none (two
// head specs of one team were refused before: oneSpecATeam). A head whose team replaces another
// (the base at its path had another team, or, with explicit folders, a
// team of the base is gone while this one is new) loosens its identity;
// with explicit folders, every base team that no head has is deleted.
func (b *baseIndex) review(paths []string, heads []*spec.Spec, stackOf map[string][]string) (reviewed, hcl.Diagnostics, error) {
	r := reviewed{bases: make([]*spec.Spec, len(heads)), fresh: make([]bool, len(heads)), gated: make([]bool, len(heads)), extra: make([][]plan.Loosening, len(heads)),
		deps: make([]*modelcatalog.Deployment, len(heads)), waivers: make([]policies.WaiverRules, len(heads))}
	headTeam := map[string]string{}
	for i, h := range heads {
		headTeam[h.Team.Name] = paths[i]
	}
	// The specs the stacks deployed at REF are bases as the folders' are
	// (a team's spec in the folders first): one moved anywhere keeps its
	// base, and a team no head spec has is gone (its stack deleted, or
	// pointed at nothing gated now).
	deployed, unknownStacks, err := b.stackBases(stackOf)
	if err != nil {
		return r, nil, err
	}
	b.addDeployed(deployed)
	var gone []string
	for team := range b.byTeam {
		if _, ok := headTeam[team]; !ok {
			gone = append(gone, team)
		}
	}
	sort.Strings(gone)
	var diags hcl.Diagnostics
	for i, h := range heads {
		if r.extra[i], r.deps[i], err = b.stackChanges(stackOf[filepath.Clean(paths[i])], h); err != nil {
			return r, nil, err
		}
		if r.waivers[i], err = b.stackWaivers(append(slices.Clone(stackOf[filepath.Clean(paths[i])]), b.deployedBy[h.Team.Name]...)); err != nil {
			return r, nil, err
		}
		if bs, ok := b.byTeam[h.Team.Name]; ok {
			// Without --spec-dir and without a stack (a laptop's check of
			// the specs given), the head's own folder is the gated one.
			r.bases[i], r.gated[i] = bs.spec, bs.gated || !b.explicit && len(stackOf[filepath.Clean(paths[i])]) == 0
			continue
		}
		base, more, err := b.atPath(paths[i])
		diags = append(diags, more...)
		if err != nil || more.HasErrors() {
			return r, diags, err
		}
		if base != nil && b.explicit && base.Team.Name == h.Team.Name {
			// The team's file at the head's path, outside the spec folders
			// and deployed by no stack at REF: no gate judged it when it was
			// merged, so its figures are no reviewed base. Compared with
			// them, a new stack deploying it had its $0.50 GPU-hour price
			// (the catalog's $6.88) pass as unchanged; it is a new spec.
			base = nil
		}
		r.bases[i], r.fresh[i] = base, base == nil
		switch {
		case base != nil && base.Team.Name != h.Team.Name:
			r.extra[i] = append(r.extra[i], plan.TeamLoosening(h, fmt.Sprintf("team changes from %q to %q at %s: the spec of team %q is no longer reviewed against its base", base.Team.Name, h.Team.Name, specfile.Display(paths[i]), base.Team.Name)))
		case b.explicit && len(gone) > 0:
			r.extra[i] = append(r.extra[i], plan.TeamLoosening(h, fmt.Sprintf("team %q is new while %s no longer specified: a team that replaces another starts without its compliance block and budget", h.Team.Name, b.goneList(gone))))
		case b.explicit && base == nil && len(b.unparsed) > 0:
			r.extra[i] = append(r.extra[i], plan.TeamLoosening(h, fmt.Sprintf("team %q is new while %s at %s does not parse, so its team is unknown: a team that replaces another starts without its compliance block and budget", h.Team.Name, displayList(b.unparsed), b.ref)))
		case base == nil && len(unknownStacks) > 0:
			r.extra[i] = append(r.extra[i], plan.TeamLoosening(h, fmt.Sprintf("team %q is new while %s, so the team it deployed is unknown: a team that replaces another starts without its compliance block and budget", h.Team.Name, units.AndList(unknownStacks))))
		}
	}
	if b.explicit {
		for _, team := range gone {
			bs := b.byTeam[team]
			r.deleted = append(r.deleted, deletedSpec{spec: bs.spec, loosening: plan.TeamLoosening(bs.spec,
				fmt.Sprintf("the spec of team %q (%s at %s) is deleted: its compliance block and budget go with it", team, specfile.Display(bs.path), b.ref))})
		}
	}
	return r, diags, nil
}

// addDeployed adds the specs the stacks deployed at REF to the teams'
// bases, a team's spec in the folders first; that spec, where a stack
// deployed it, was judged by the stack's gate.
func (b *baseIndex) addDeployed(deployed map[string]baseSpec) {
	for team, bs := range deployed {
		have, ok := b.byTeam[team]
		switch {
		case !ok:
			b.byTeam[team] = bs
		case samePath(have.path, bs.path):
			have.gated = true
			b.byTeam[team] = have
		}
	}
}

// displayList names files: "teams/a.hcl", "teams/a.hcl and teams/b.hcl".
func displayList(paths []string) string {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = specfile.Display(p)
	}
	return units.AndList(names)
}

// goneList names the base teams no head spec has.
func (b *baseIndex) goneList(gone []string) string {
	names := make([]string, len(gone))
	for i, t := range gone {
		names[i] = fmt.Sprintf("team %q (%s)", t, specfile.Display(b.byTeam[t].path))
	}
	verb := " is"
	if len(names) > 1 {
		verb = " are"
	}
	return strings.Join(names, ", ") + verb
}

// atPath reads the spec at path as it was at REF; nil when there was
// none. Its diagnostics are the base's own.
func (b *baseIndex) atPath(path string) (*spec.Spec, hcl.Diagnostics, error) {
	src, found, err := gitShow(b.ref, path)
	if err != nil || !found {
		return nil, nil, err
	}
	s, diags := b.parser.Parse(b.ref+":"+filepath.ToSlash(path), src)
	return s, diags, nil
}

// specDirsFor checks --spec-dir: each a folder; it needs --base-ref.
func specDirsFor(dirs []string, baseRef string) error {
	if len(dirs) == 0 {
		return nil
	}
	if baseRef == "" {
		return invalid(fmt.Errorf("--spec-dir needs --base-ref: it pairs each spec with its team's spec at that revision"))
	}
	for _, d := range dirs {
		info, err := os.Stat(d)
		if err != nil {
			return invalid(fmt.Errorf("--spec-dir %s: %w", specfile.Display(d), bare(err)))
		}
		if !info.IsDir() {
			return invalid(fmt.Errorf("--spec-dir %s is not a folder", specfile.Display(d)))
		}
	}
	return nil
}

// deletionOnly evaluates no policy: a deleted spec's plan is gated on its
// deletion alone (spec.loosened, which plan.Build adds), waived by the
// waiver rules of the policies it wraps.
type deletionOnly struct{ plan.Evaluator }

func (deletionOnly) EvaluatePlan(context.Context, any) (deny, warn []plan.Finding, err error) {
	return nil, nil, nil
}

func (deletionOnly) EvaluateResource(context.Context, map[string]any) (deny, warn []plan.Finding, err error) {
	return nil, nil, nil
}

// stackTeamChange is the loosening of a stack that now deploys another
// team's spec: the stack configuration at file named, at REF, a spec of
// another team than head. Two specs swapping their contents keep their
// teams' bases, but the stack that deployed one now deploys the other's
// compliance and budget. Nil when the stack, its spec or its team is
// unchanged or new.
func (b *baseIndex) stackTeamChange(file string, head *spec.Spec) (*plan.Loosening, error) {
	was, path, unreadable, err := b.stackSpecAt(file)
	if unreadable != "" {
		l := plan.TeamLoosening(head, unreadable+": the team it deployed, whose compliance block and budget a change may not drop, is unknown")
		return &l, nil
	}
	if err != nil || was == nil || was.Team.Name == head.Team.Name {
		return nil, err
	}
	l := plan.TeamLoosening(head, fmt.Sprintf("stack %s deployed team %q (%s) at %s and now deploys team %q: the stack's compliance block and budget are no longer its team's",
		specfile.Display(file), was.Team.Name, specfile.Display(filepath.ToSlash(path)), b.ref, head.Team.Name))
	return &l, nil
}

// stackAt is what a stack file named at REF (stackSpecAt).
type stackAt struct {
	spec             *spec.Spec
	path, unreadable string
}

// stackSpecAt is the spec the stack configuration at file named at REF,
// and its path; nil when the stack or its costgate:spec did not exist
// there. A stack file, or the spec it named, that cannot be read at REF
// is unreadable (a reason): its team there is unknown, so a head spec
// cannot be shown not to be it. Each file is read once a review (a head's
// stack is asked by stackTeamChange and by stackBases).
func (b *baseIndex) stackSpecAt(file string) (s *spec.Spec, path, unreadable string, err error) {
	if at, ok := b.stacks[file]; ok {
		return at.spec, at.path, at.unreadable, nil
	}
	s, path, unreadable, err = b.readStackAt(file)
	if err == nil {
		if b.stacks == nil {
			b.stacks = map[string]stackAt{}
		}
		b.stacks[file] = stackAt{s, path, unreadable}
	}
	return s, path, unreadable, err
}

// stackFile is a stack file's text at REF; found is false where the file
// was not there.
type stackFile struct {
	raw   []byte
	found bool
}

// stackFileAt is the stack file's text at REF (gitShow), read once a
// review: its spec, its rules and its deployment are each read from it.
func (b *baseIndex) stackFileAt(file string) ([]byte, bool, error) {
	if t, ok := b.stackTexts[file]; ok {
		return t.raw, t.found, nil
	}
	raw, found, err := gitShow(b.ref, file)
	if err != nil {
		return nil, false, err
	}
	if b.stackTexts == nil {
		b.stackTexts = map[string]stackFile{}
	}
	b.stackTexts[file] = stackFile{raw, found}
	return raw, found, nil
}

// readStackAt reads and parses what stackSpecAt returns.
func (b *baseIndex) readStackAt(file string) (s *spec.Spec, path, unreadable string, err error) {
	raw, found, err := b.stackFileAt(file)
	if err != nil || !found {
		return nil, "", "", err
	}
	path, perr := stacks.StackSpec(raw, filepath.Dir(file))
	if perr != nil {
		return nil, "", fmt.Sprintf("stack %s at %s does not read (%v)", specfile.Display(file), b.ref, perr), nil
	}
	if path == "" {
		return nil, "", "", nil
	}
	src, found, err := gitShow(b.ref, path)
	if err != nil {
		return nil, "", "", err
	}
	if !found {
		// The stack deployed a spec the base's tree does not hold where
		// it names it: its team is unknown, never new.
		return nil, "", fmt.Sprintf("%s, which stack %s deployed at %s, is not there", specfile.Display(filepath.ToSlash(path)), specfile.Display(file), b.ref), nil
	}
	was, diags := b.parser.Parse(b.ref+":"+filepath.ToSlash(path), src)
	if diags.HasErrors() || was == nil {
		return nil, "", fmt.Sprintf("%s, which stack %s deployed at %s, does not parse", specfile.Display(filepath.ToSlash(path)), specfile.Display(file), b.ref), nil
	}
	return was, path, "", nil
}

// stackBases are the specs the stack configurations at REF deployed, by
// team: every Pulumi.<stack>.yaml at REF in the repository's root and in
// the folders of the stacks given now. A spec a stack deploys is gated
// wherever it lives, so a pull request that moves it out of the spec
// folders (and points the stack, or a renamed stack, at the new path) is
// still compared with it, and one that deletes the stack is seen. Of two
// stacks deploying specs of one team, the first by path counts. Stacks
// that do not read at REF, or whose spec does not parse there, are
// unknown: their teams may be any head's.
func (b *baseIndex) stackBases(stackOf map[string][]string) (deployed map[string]baseSpec, unknown []string, err error) {
	deployed = map[string]baseSpec{}
	seen := map[string]bool{".": true}
	dirs := []string{"."}
	for _, files := range stackOf {
		for _, f := range files {
			if d := filepath.Dir(f); !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		ls, err := git("ls-tree", "-z", "--name-only", b.ref, "--", ":(literal)./"+filepath.ToSlash(filepath.Clean(d))+"/")
		if err != nil {
			return nil, nil, fmt.Errorf("list stacks at %s: %w", b.ref, err)
		}
		names := strings.Split(string(ls), "\x00")
		sort.Strings(names)
		for _, n := range names {
			base := filepath.Base(n)
			if !strings.HasPrefix(base, "Pulumi.") || !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")) || base == "Pulumi.yaml" || base == "Pulumi.yml" {
				continue
			}
			s, path, unreadable, err := b.stackSpecAt(n)
			if err != nil {
				return nil, nil, err
			}
			if unreadable != "" {
				unknown = append(unknown, unreadable)
				continue
			}
			if s == nil {
				continue
			}
			if b.deployedBy == nil {
				b.deployedBy = map[string][]string{}
			}
			b.deployedBy[s.Team.Name] = append(b.deployedBy[s.Team.Name], n)
			if _, ok := deployed[s.Team.Name]; !ok {
				deployed[s.Team.Name] = baseSpec{path: path, spec: s, gated: true}
			}
		}
	}
	return deployed, unknown, nil
}

// stackChanges are the loosenings of the stacks deploying head (files)
// since REF, and the deployment they deployed its team's spec with there
// (deploymentAt). Every stack deploying the spec is compared: of two, the
// one named first would otherwise go uncompared.
func (b *baseIndex) stackChanges(files []string, head *spec.Spec) ([]plan.Loosening, *modelcatalog.Deployment, error) {
	var out []plan.Loosening
	for _, file := range files {
		for _, change := range []func(string, *spec.Spec) (*plan.Loosening, error){b.stackTeamChange, b.stackRulesChange} {
			l, err := change(file, head)
			if err != nil {
				return nil, nil, err
			}
			if l != nil {
				out = append(out, *l)
			}
		}
	}
	dep, unreadable, err := b.deploymentAt(files, head.Team.Name)
	if unreadable != "" {
		out = append(out, plan.TeamLoosening(head, unreadable))
	}
	return out, dep, err
}

// deploymentAt is the deployment the stack files (those deploying the
// head now) deployed team's spec with at REF: of those that named a spec
// of the team there, the costlier (Deployment.Costlier, as the gate prices
// two stacks deploying one spec now); where none did, that of the stacks
// at REF that deployed the team under other names (stackBases: a stack
// file renamed, or replaced by another, deployed it with an existing VPC,
// and the program's default priced the base with its NAT gateway, so the
// new file dropping costgate:vpcId raised the bill a carried override
// waives unseen); the program's default where no stack did, as a review
// prices a spec no stack deploys; nil when no stack deploys the head (its
// base is priced as it is). A stack file whose deployment does not read
// at REF is unreadable (a reason): what its base was approved at is
// unknown.
func (b *baseIndex) deploymentAt(files []string, team string) (dep *modelcatalog.Deployment, unreadable string, err error) {
	if len(files) == 0 {
		return nil, "", nil
	}
	dep, unreadable, none, err := b.deploymentOf(files, team)
	if err != nil || unreadable != "" || !none {
		return dep, unreadable, err
	}
	dep, unreadable, _, err = b.deploymentOf(b.deployedBy[team], team)
	return dep, unreadable, err
}

// deploymentOf is deploymentAt over the stack files given; none reports
// that none of them deployed a spec of team at REF.
func (b *baseIndex) deploymentOf(files []string, team string) (dep *modelcatalog.Deployment, unreadable string, none bool, err error) {
	dep = &modelcatalog.Deployment{}
	first := true
	for _, file := range files {
		s, _, bad, err := b.stackSpecAt(file)
		if err != nil || bad != "" || s == nil || s.Team.Name != team {
			// bad is stackTeamChange's loosening already.
			if err != nil {
				return dep, "", first, err
			}
			continue
		}
		raw, _, err := b.stackFileAt(file)
		if err != nil {
			return dep, "", first, err
		}
		d, perr := stacks.StackDeployment(raw, filepath.Dir(file))
		if perr != nil {
			return dep, fmt.Sprintf("stack %s at %s does not read (%v): the deployment its team's overrides were approved with is unknown", specfile.Display(file), b.ref, perr), first, nil
		}
		if first {
			*dep, first = d, false
		} else {
			*dep = dep.Costlier(d)
		}
	}
	return dep, "", first, nil
}

// stackWaivers are the waiver rules the stack files (those deploying a
// head now, and those that deployed its team at REF) set at REF through
// policy folders of their own: the built-in rules as each data.json of
// those folders there narrowed them (policies.BaseWaivers). Nil when no
// such folder has one. The organisation's folders are left to the rules
// checkout's copy, which judges the head already. Who may approve a
// change is who might at the base: a stack's folder narrowing
// spec.loosened to finance, the narrowing dropped by the change that
// raised the team's budget, had any writer approve both.
func (b *baseIndex) stackWaivers(files []string) (policies.WaiverRules, error) {
	var docs [][]byte
	seen := map[string]bool{}
	for _, file := range files {
		raw, found, err := b.stackFileAt(file)
		if err != nil {
			return nil, err
		}
		if !found || seen[file] {
			continue
		}
		seen[file] = true
		_, dirs, perr := stacks.StackRules(raw, filepath.Dir(file))
		if perr != nil {
			continue // stackRulesChange's loosening
		}
		for _, d := range dirs {
			if slices.ContainsFunc(b.org.dirs, func(o string) bool { return b.org.sameFolder(o, d) }) {
				continue
			}
			tree, err := gitTree(b.ref, d)
			if err != nil {
				return nil, invalid(err)
			}
			for _, f := range tree {
				if path.Base(f.path) != "data.json" {
					continue
				}
				doc, err := git("cat-file", "blob", f.object)
				if err != nil {
					return nil, invalid(fmt.Errorf("read %s at %s: %w", f.path, b.ref, err))
				}
				docs = append(docs, doc)
			}
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	return policies.BaseWaivers(docs)
}

// stackRulesChange is the loosening of a stack whose price book or policy
// folders (costgate:catalog, costgate:policyDirs) change since REF:
// another book named, the book's text changed, a folder dropped or added,
// or one of its policy files removed, changed or added (policyFolderChanges). pulumi up decides with
// them, while the pull request's gate runs the default branch's rules, so
// without this a stack's book kept outside the reviewed price folders
// could be edited to change what is deployed with no denial. Nil when
// they are unchanged, or the stack is new.
func (b *baseIndex) stackRulesChange(file string, head *spec.Spec) (*plan.Loosening, error) {
	raw, found, err := b.stackFileAt(file)
	if err != nil {
		return nil, err
	}
	if !found {
		return b.newStackRules(file, head)
	}
	root := filepath.Dir(file)
	wasBook, wasDirs, perr := stacks.StackRules(raw, root)
	if perr != nil {
		// What the stack deployed with at REF is unknown: compared with
		// nothing, a book of its own at $0.50 an H100-hour passed unseen.
		l := plan.TeamLoosening(head, fmt.Sprintf("stack %s at %s does not read (%v): the price book and policy folders it deployed with there are unknown, and pulumi up decides with them",
			specfile.Display(file), b.ref, perr))
		return &l, nil
	}
	cfg, err := stacks.ReadStackConfig(file)
	if err != nil {
		return nil, invalid(err)
	}
	var changes []string
	switch {
	case filepath.Clean(wasBook) != filepath.Clean(cfg.CatalogPath):
		changes = append(changes, fmt.Sprintf("its price book changes from %s to %s", bookName(wasBook), bookName(cfg.CatalogPath)))
	case cfg.CatalogPath != "":
		was, found, err := gitShow(b.ref, cfg.CatalogPath)
		if err != nil {
			return nil, invalid(err)
		}
		now, err := specfile.ReadRegular(cfg.CatalogPath, specfile.MaxPriceBookBytes)
		if err != nil {
			return nil, invalid(fmt.Errorf("read price book: %w", err))
		}
		if !found || !bytes.Equal(was, now) {
			changes = append(changes, fmt.Sprintf("its price book %s changes", specfile.Display(filepath.ToSlash(cfg.CatalogPath))))
		}
	}
	folders, err := b.policyFolderChanges(wasDirs, cfg.PolicyDirs)
	if err != nil {
		return nil, err
	}
	changes = append(changes, folders...)
	if len(changes) == 0 {
		return nil, nil
	}
	l := plan.TeamLoosening(head, fmt.Sprintf("stack %s deploys with rules that change since %s (%s): pulumi up decides with them, and a change to them needs a reviewer's approval as a loosened spec does",
		specfile.Display(file), b.ref, strings.Join(changes, "; ")))
	return &l, nil
}

// newStackRules is the loosening of a stack new in the change that
// deploys head with rules of its own: a price book that is not the
// organisation's (--catalog), or policy folders it does not name
// (--policy-dir). At the base the team was judged with the organisation's
// rules alone; a new stack deploying an existing team with a book at
// $0.50 an H100-hour (the catalog's $6.88) had a fleet the base's prices
// deny pass with no approval, in the pull request's gate and the deploy
// gate, and a folder of its own, loaded after the organisation's, may
// override the organisation's data.
func (b *baseIndex) newStackRules(file string, head *spec.Spec) (*plan.Loosening, error) {
	cfg, err := stacks.ReadStackConfig(file)
	if err != nil {
		return nil, invalid(err)
	}
	var changes []string
	if cfg.CatalogPath != "" && (b.org.book == "" || !b.org.sameBook(b.org.book, cfg.CatalogPath)) {
		changes = append(changes, fmt.Sprintf("the stack is new and prices with its own price book %s where the organisation's is %s", bookName(cfg.CatalogPath), bookName(b.org.book)))
	}
	for _, d := range cfg.PolicyDirs {
		if !slices.ContainsFunc(b.org.dirs, func(o string) bool { return b.org.sameFolder(o, d) }) {
			changes = append(changes, fmt.Sprintf("the stack is new and adds its own policy folder %s", specfile.Display(filepath.ToSlash(d))))
		}
	}
	if len(changes) == 0 {
		return nil, nil
	}
	l := plan.TeamLoosening(head, fmt.Sprintf("stack %s deploys with rules that change since %s (%s): pulumi up decides with them, and a change to them needs a reviewer's approval as a loosened spec does",
		specfile.Display(file), b.ref, strings.Join(changes, "; ")))
	return &l, nil
}

// policyFolderChanges lists how a stack's policy folders differ from
// REF's: a folder dropped or added, and in a folder at both a policy file
// removed, changed or added. An added file is a change like the others:
// within a folder a later data.json overrides an earlier one's values, and
// a rule overrides its package's default, so a new file can switch an
// organisation rule off; a new folder can do the same to another's.
func (b *baseIndex) policyFolderChanges(wasDirs, nowDirs []string) ([]string, error) {
	was, now := map[string]bool{}, map[string]bool{}
	for _, d := range wasDirs {
		was[filepath.Clean(d)] = true
	}
	for _, d := range nowDirs {
		now[filepath.Clean(d)] = true
	}
	var changes []string
	// A later folder's data.json overrides an earlier one's, and pulumi up
	// loads them in the order listed: the folders kept, reordered, are
	// other rules.
	kept := func(dirs []string, in map[string]bool) []string {
		var out []string
		for _, d := range dirs {
			if d = filepath.Clean(d); in[d] && !slices.Contains(out, filepath.ToSlash(d)) {
				out = append(out, filepath.ToSlash(d))
			}
		}
		return out
	}
	if a, b := kept(wasDirs, now), kept(nowDirs, was); !slices.Equal(a, b) {
		changes = append(changes, fmt.Sprintf("its policy folders' order changes from %s to %s (a later folder's data.json overrides an earlier one's)", strings.Join(a, ", "), strings.Join(b, ", ")))
	}
	for _, dir := range slices.Sorted(maps.Keys(was)) {
		if !now[dir] {
			changes = append(changes, fmt.Sprintf("its policy folder %s is dropped", specfile.Display(filepath.ToSlash(dir))))
		}
	}
	for _, dir := range slices.Sorted(maps.Keys(now)) {
		if !was[dir] {
			changes = append(changes, fmt.Sprintf("its policy folder %s is added", specfile.Display(filepath.ToSlash(dir))))
			continue
		}
		files, err := gitTree(b.ref, dir)
		if err != nil {
			return nil, invalid(err)
		}
		head := map[string]string{}
		if err := policyDigests(dir, head); err != nil && !os.IsNotExist(err) {
			return nil, invalid(fmt.Errorf("read policy folder %s: %w", dir, err))
		}
		seen := map[string]bool{}
		for _, f := range files {
			raw, err := git("cat-file", "blob", f.object)
			if err != nil {
				return nil, invalid(fmt.Errorf("read %s at %s: %w", f.path, b.ref, err))
			}
			seen[f.path] = true
			switch d, ok := head[f.path]; {
			case !ok:
				changes = append(changes, fmt.Sprintf("its policy file %s is removed", specfile.Display(f.path)))
			case d != digest(raw):
				changes = append(changes, fmt.Sprintf("its policy file %s changes", specfile.Display(f.path)))
			}
		}
		for _, p := range slices.Sorted(maps.Keys(head)) {
			if !seen[p] {
				changes = append(changes, fmt.Sprintf("its policy file %s is added", specfile.Display(p)))
			}
		}
	}
	return changes, nil
}

// bookName names a stack's price book, or says it has none.
func bookName(path string) string {
	if path == "" {
		return "none (the embedded catalog)"
	}
	return specfile.Display(filepath.ToSlash(path))
}
