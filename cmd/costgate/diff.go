package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	pathpkg "path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
)

var diffFormats = report.FormatsOf[report.DiffOutputter]()

// diffLong is diff's --help.
const diffLong = `diff plans two versions of a spec and shows what changed: each option's
monthly cost (expected, low, high), the decision, the policy results that
appeared or cleared, and which inputs moved the cost.

The attribution applies the inputs that differ one at a time, in the spec
language's order (team, workloads, managed, model, self_hosted, compliance,
organization, budget, quality, override), re-planning after each: every row
is what that input adds on top of the rows above, and the rows add up
exactly to the total change. Order matters when inputs interact (a bigger
team and a pricier model), which is why the order is fixed and reported.

Give two spec files, or --base-ref REF and the spec paths of the working
tree: the base of each is "git show REF:PATH", and a spec absent at REF is
shown as new. With --base-ref the base is also priced and gated with the
price book (--catalog) and policy folders (--policy-dir) as they were at
REF, and the head with the working tree's, so the diff shows what the
change would do once merged: a change to a price book or a policy folder is
listed, and its effect on each spec is a row of the attribution ("price
book", "policies") after the spec's own inputs. A change that loosens a
spec's compliance block or raises its budget is reported as spec.loosened;
--spec-dir pairs specs by team as check does (a rename, a move or a change
of letter case keeps the base; a deletion or a replaced team is
spec.loosened). With --stack-spec or --stack-config both sides are priced
for the stack's deployment (its router and database, PrivateLink, an
existing VPC), as check prices them. --format markdown writes one
pull-request comment for all the specs, starting with the hidden marker
<!-- costgate --> so that a CI bot can find and update its comment.

The diff is informational and exits 0, unless --fail-on-increase-above is
given and the decided option's expected cost rises by more than it: an
amount in USD per month (500) or a percentage of the base (10%); then it
exits 1. Invalid specs, policies or flags exit 2.`

// newDiffCmd is long for its help text, which teaches the attribution;
// the work is in diffInputs, baseRulesAt and review.CompareWith.
func newDiffCmd() *cobra.Command {
	var f planFlags
	var baseRef, failAbove string
	cmd := &cobra.Command{
		Use:   "diff BASE HEAD | diff --base-ref REF SPEC...",
		Short: "Explain how a spec change moves each option's cost and the decision",
		Long:  diffLong,
		Example: `  costgate diff examples/article-lineup.hcl examples/current-lineup.hcl --as-of 2026-11-30
  costgate diff teams/acme.hcl teams/acme-next.hcl
  costgate diff --base-ref origin/main teams/*.hcl --format markdown > comment.md
  costgate diff old.hcl new.hcl --fail-on-increase-above 10% --as-of 2026-11-26`,
		Args: func(cmd *cobra.Command, args []string) error {
			if baseRef == "" && len(args) != 2 {
				return invalid(fmt.Errorf("diff takes BASE and HEAD spec files, or --base-ref REF and one or more specs; got %d argument(s)", len(args)))
			}
			if baseRef != "" && len(args) == 0 && len(f.specDirs) == 0 && len(f.stackSpecs) == 0 && f.stackConfig == "" {
				return invalid(errors.New("diff --base-ref takes one or more spec paths"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, diffFormats); err != nil {
				return err
			}
			limit, err := review.ParseIncreaseLimit(failAbove)
			if err != nil {
				return invalid(fmt.Errorf("--fail-on-increase-above %w", err))
			}
			asOf, err := parseAsOf(f.asOf)
			if err != nil {
				return err
			}
			approvals, err := f.loadApprovals()
			if err != nil {
				return err
			}
			if args, err = gatedPaths(&f, args, baseRef); err != nil {
				return err
			}
			base, head, cleanup, err := diffRules(&f, baseRef)
			defer cleanup()
			if err != nil {
				return err
			}
			pairs, err := diffInputs(head.cat, baseRef, f.specDirs, f.stackOf, f.org, args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			diffs, err := compareAll(cmd.Context(), &f, pairs, base, head, asOf, approvals, ruleChanges(&f, base, head))
			if err != nil {
				return err
			}
			out, err := report.Lookup[report.DiffOutputter](f.format)
			if err != nil {
				return invalid(err)
			}
			if err := out.Diffs(cmd.OutOrStdout(), diffs); err != nil {
				return err
			}
			if over := limit.Exceeded(diffs); len(over) > 0 {
				return &exitError{code: exitBlocked, err: errors.New(strings.Join(over, "; "))}
			}
			return nil
		},
	}
	f.register(cmd, strings.Join(diffFormats, "|"))
	cmd.Flags().StringVar(&baseRef, "base-ref", "", "git revision to read each spec's base from (git show REF:PATH); the arguments are then the head specs")
	f.registerSpecDirs(cmd)
	cmd.Flags().StringVar(&failAbove, "fail-on-increase-above", "", "exit 1 when the decided option's expected cost rises by more than this: USD per month (500) or percent (10%)")
	return cmd
}

// diffRules reads the head's price book and policies (the working tree's)
// and the base's (as they were at baseRef; the head's without one). Call
// cleanup when done, also after an error.
func diffRules(f *planFlags, baseRef string) (base, head sideRules, cleanup func(), err error) {
	cleanup = func() {}
	if head, err = headRules(f); err != nil {
		return base, head, cleanup, err
	}
	if baseRef == "" {
		return head, head, cleanup, nil
	}
	if err := gitVerify(baseRef); err != nil {
		return base, head, cleanup, invalid(err)
	}
	base, cleanup, err = baseRulesAt(f, baseRef)
	return base, head, cleanup, err
}

// compareAll compares each pair, the base under the base's rules and the
// head under the head's, with the rules' changes on every diff. Both sides
// are previewed with the configuration of each stack deploying the spec
// (else --stack-config's), as check gates them; the head is priced for
// the deployment the head's stacks give it (--stack-spec, --stack-config:
// the router, PrivateLink, an existing VPC) and the base for the one they
// gave it at REF, so a change of the stack's deployment shows in the
// bill.
func compareAll(ctx context.Context, f *planFlags, pairs []specPair, base, head sideRules, asOf time.Time, approvals *plan.Approvals, changes []review.RuleChange) ([]*review.Diff, error) {
	diffs := make([]*review.Diff, 0, len(pairs))
	for _, p := range pairs {
		dep := f.deployment(p.head.Filename)
		gate := func(ev plan.Evaluator, cat *modelcatalog.Catalog) func(context.Context, *plan.Plan) error {
			return f.gate(ev, cat, p.head.Filename)
		}
		headOpts := head.options(asOf, approvals, p.base, dep, gate)
		headOpts.Loosened, headOpts.NewSpec, headOpts.BaseDeployment = p.extra, p.fresh, p.baseDep
		baseDep := dep
		if p.baseDep != nil {
			baseDep = *p.baseDep
		}
		d, err := review.CompareWith(ctx, p.base, p.head,
			review.Rules{Options: base.options(asOf, nil, nil, baseDep, gate), PriceBookID: base.bookID, PoliciesID: base.policiesID},
			review.Rules{Options: headOpts, PriceBookID: head.bookID, PoliciesID: head.policiesID})
		if err != nil {
			return nil, invalid(err)
		}
		d.RuleChanges = changes
		diffs = append(diffs, d)
	}
	return diffs, nil
}

// specPair is one spec's base (nil when new) and head, and the loosenings
// of its identity (a deletion, a replaced team).
type specPair struct {
	base, head *spec.Spec
	// fresh: the head is new in the change under review (NewSpec).
	fresh bool
	extra []plan.Loosening
	// baseDep is the deployment the base was gated with at REF
	// (plan.Options.BaseDeployment); nil without a base revision.
	baseDep *modelcatalog.Deployment
}

// diffInputs parses the specs to compare; diagnostics go to stderr.
func diffInputs(cat *modelcatalog.Catalog, baseRef string, specDirs []string, stackOf map[string][]string, org orgRules, args []string, stderr io.Writer) ([]specPair, error) {
	parser := spec.NewParser(cat)
	failed := false
	parse := func(s *spec.Spec, diags hcl.Diagnostics) *spec.Spec {
		if len(diags) > 0 {
			if err := parser.WriteDiagnostics(stderr, diags); err != nil {
				fmt.Fprintf(stderr, "costgate: %v\n", err)
			}
		}
		if diags.HasErrors() {
			failed = true
			return nil
		}
		return s
	}
	var pairs []specPair
	if baseRef == "" {
		base := parse(parser.ParseFile(args[0]))
		head := parse(parser.ParseFile(args[1]))
		pairs = append(pairs, specPair{base: base, head: head})
	} else {
		heads := make([]*spec.Spec, 0, len(args))
		for _, path := range args {
			heads = append(heads, parse(parser.ParseFile(path)))
		}
		if failed {
			return nil, errReported
		}
		rv, err := baseSpecs(parser, baseRef, specDirs, stackOf, org, args, heads, stderr)
		if err != nil {
			return nil, err
		}
		for i, h := range heads {
			pairs = append(pairs, specPair{base: rv.bases[i], head: h, fresh: rv.isNew(i), extra: rv.extra[i], baseDep: rv.baseDeployment(i)})
		}
		// A deleted spec is shown against itself, with its deletion.
		for _, d := range rv.deleted {
			pairs = append(pairs, specPair{base: d.spec, head: d.spec, extra: []plan.Loosening{d.loosening}})
		}
	}
	if failed {
		return nil, errReported
	}
	return pairs, nil
}

// gitVerify checks that ref names a commit.
func gitVerify(ref string) error {
	if _, err := git("rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return fmt.Errorf("--base-ref %q is not a commit in this repository (in CI, fetch it first: git fetch origin %s)", ref, strings.TrimPrefix(ref, "origin/"))
	}
	return nil
}

// gitShow reads path as it was at ref; found is false when the file did
// not exist there. Symlinks are followed as a checkout follows them, in
// every component of the path and inside the repository: a spec kept as a
// link to another file, or in a folder that is a link to another folder,
// is read as that file at ref, not as the link's text or as missing.
func gitShow(ref, path string) (src []byte, found bool, err error) {
	obj, found, err := gitResolve(ref, path)
	if err != nil || !found {
		return nil, false, err
	}
	if obj.kind != "blob" {
		return nil, false, fmt.Errorf("read %s at %s: a %s, not a file", path, ref, obj.kind)
	}
	out, err := git("cat-file", "blob", obj.id)
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	return out, true, nil
}

// gitObject is an object of a revision's tree: its id and kind ("blob",
// "tree").
type gitObject struct{ id, kind string }

// gitResolve finds path, relative to the working directory, in ref's tree
// as a checkout reads it: git cat-file --follow-symlinks follows a link in
// any component of the path while it stays in the tree. found is false
// when nothing is there (a link to a missing path included); a link that
// leaves the repository, or loops, is an error.
func gitResolve(ref, path string) (obj gitObject, found bool, err error) {
	rel := path
	if filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
		}
		if rel, err = filepath.Rel(wd, path); err != nil {
			return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
		}
	}
	rel = filepath.ToSlash(filepath.Clean(rel))
	if strings.ContainsRune(rel, 0) || !inRepository(rel) {
		return obj, false, fmt.Errorf("read %s at %s: not a path in the repository", specfile.Display(path), ref)
	}
	// "./" makes git resolve the path from the working directory rather
	// than the repository root; -z takes a name that holds a newline.
	out, err := gitInput(ref+":./"+rel+"\x00", "cat-file", "--batch-check", "--follow-symlinks", "-z")
	if err != nil {
		return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	head, _, _ := strings.Cut(string(out), "\n")
	fields := strings.Fields(head)
	if len(fields) == 3 && isObjectID(fields[0]) {
		return gitObject{id: fields[0], kind: fields[1]}, true, nil
	}
	if len(fields) == 2 && slices.Contains([]string{"dangling", "notdir", "symlink", "loop"}, fields[0]) {
		if _, err := strconv.ParseUint(fields[1], 10, 64); err == nil {
			// git does not clean a link's target ("./real" is dangling to
			// it), where the operating system and pulumi up follow it: a
			// link on the path is resolved as they resolve it.
			return gitWalk(ref, path, rel)
		}
	}
	if strings.HasSuffix(strings.TrimSuffix(string(out), "\n"), " missing") {
		return obj, false, nil
	}
	return obj, false, fmt.Errorf("read %s at %s: git cat-file answered %q", path, ref, head)
}

// gitWalk resolves rel, relative to the working directory, in ref's tree
// one component at a time as the operating system does: a symlink's
// target is read from the link's folder, its ".." steps up from where the
// walk has really got to (never taken off the text before it: "sub/.."
// through a link sub is the link's target's parent), and the rest of the
// path follows from there. A link out of the repository, or more than
// maxLinkHops links, is an error.
func gitWalk(ref, path, rel string) (obj gitObject, found bool, err error) {
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	parts := splitPath(pathpkg.Join(strings.TrimSpace(string(prefix)), rel))
	cur := "" // the folder reached, with no link in it
	for hops := 0; len(parts) > 0; {
		name := parts[0]
		parts = parts[1:]
		if name == ".." {
			if cur == "" {
				return obj, false, fmt.Errorf("read %s at %s: a symlink on its path leads out of the repository", path, ref)
			}
			if cur = pathpkg.Dir(cur); cur == "." {
				cur = ""
			}
			continue
		}
		next := pathpkg.Join(cur, name)
		out, err := git("ls-tree", "-z", ref, "--", ":(top,literal)"+next)
		if err != nil {
			return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
		}
		meta, _, ok := strings.Cut(string(out), "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 {
			return obj, false, nil // nothing there
		}
		if fields[0] == "120000" {
			if hops++; hops > maxLinkHops {
				return obj, false, fmt.Errorf("read %s at %s: more than %d symlinks on its path (a loop?)", path, ref, maxLinkHops)
			}
			target, err := git("cat-file", "blob", fields[2])
			if err != nil {
				return obj, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
			}
			if pathpkg.IsAbs(string(target)) {
				return obj, false, fmt.Errorf("read %s at %s: a symlink to %s, which does not stay in the repository", path, ref, specfile.Display(string(target)))
			}
			parts = append(splitPath(string(target)), parts...) // from the link's folder, cur
			continue
		}
		if len(parts) == 0 {
			return gitObject{id: fields[2], kind: fields[1]}, true, nil
		}
		if fields[1] != "tree" {
			return obj, false, nil // a file where a folder would be
		}
		cur = next
	}
	return obj, false, nil
}

// splitPath is a slash path's components, without empty and "." ones
// (".." kept: gitWalk steps up for it).
func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// maxLinkHops bounds the symlinks gitWalk follows on one path.
const maxLinkHops = 40

// isObjectID reports whether s is how git writes an object's id: 40
// (SHA-1) or 64 (SHA-256) lowercase hex digits.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// inRepository reports whether path, relative to the working directory,
// stays inside the repository's top level.
func inRepository(path string) bool {
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return false
	}
	p := filepath.Clean(filepath.Join(filepath.FromSlash(strings.TrimSpace(string(prefix))), path))
	return p != ".." && !strings.HasPrefix(p, ".."+string(filepath.Separator))
}

func git(args ...string) ([]byte, error) { return gitInput("", args...) }

// gitInput runs git with stdin as its standard input.
func gitInput(stdin string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	c := exec.Command("git", args...)
	c.Stdin = strings.NewReader(stdin)
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return stdout.Bytes(), nil
}
