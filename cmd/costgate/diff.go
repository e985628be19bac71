package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
)

var diffFormats = report.FormatsOf[report.DiffOutputter]()

// newDiffCmd is long for its help text, which teaches the attribution;
// the work is in diffInputs, baseRulesAt and review.CompareWith.
func newDiffCmd() *cobra.Command {
	var f planFlags
	var baseRef, failAbove string
	cmd := &cobra.Command{
		Use:   "diff BASE HEAD | diff --base-ref REF SPEC...",
		Short: "Explain how a spec change moves each option's cost and the decision",
		Long: `diff plans two versions of a spec and shows what changed: each option's
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
spec's compliance block or raises its budget is reported as spec.loosened. --format markdown writes one pull-request comment for all the
specs, starting with the hidden marker <!-- costgate --> so that a CI bot
can find and update its comment.

The diff is informational and exits 0, unless --fail-on-increase-above is
given and the decided option's expected cost rises by more than it: an
amount in USD per month (500) or a percentage of the base (10%); then it
exits 1. Invalid specs, policies or flags exit 2.`,
		Example: `  costgate diff teams/acme.hcl teams/acme-next.hcl
  costgate diff --base-ref origin/main teams/*.hcl --format markdown > comment.md
  costgate diff old.hcl new.hcl --fail-on-increase-above 10% --as-of 2026-11-26`,
		Args: func(cmd *cobra.Command, args []string) error {
			if baseRef == "" && len(args) != 2 {
				return invalid(fmt.Errorf("diff takes BASE and HEAD spec files, or --base-ref REF and one or more specs; got %d argument(s)", len(args)))
			}
			if baseRef != "" && len(args) == 0 {
				return invalid(errors.New("diff --base-ref takes one or more spec paths"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, diffFormats); err != nil {
				return err
			}
			limit, err := parseIncreaseLimit(failAbove)
			if err != nil {
				return err
			}
			asOf, err := parseAsOf(f.asOf)
			if err != nil {
				return err
			}
			approvals, err := f.loadApprovals()
			if err != nil {
				return err
			}
			head, err := headRules(&f)
			if err != nil {
				return err
			}
			base := head
			if baseRef != "" {
				if err := gitVerify(baseRef); err != nil {
					return invalid(err)
				}
				var cleanup func()
				base, cleanup, err = baseRulesAt(&f, baseRef)
				defer cleanup()
				if err != nil {
					return err
				}
			}
			pairs, err := diffInputs(head.cat, baseRef, args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			changes := ruleChanges(&f, base, head)
			diffs := make([]*review.Diff, 0, len(pairs))
			for _, p := range pairs {
				d, err := review.CompareWith(cmd.Context(), p.base, p.head,
					review.Rules{Options: base.options(asOf, nil, nil), PriceBookID: base.bookID, PoliciesID: base.policiesID},
					review.Rules{Options: head.options(asOf, approvals, p.base), PriceBookID: head.bookID, PoliciesID: head.policiesID})
				if err != nil {
					return invalid(err)
				}
				d.RuleChanges = changes
				diffs = append(diffs, d)
			}
			out, err := report.Lookup[report.DiffOutputter](f.format)
			if err != nil {
				return invalid(err)
			}
			if err := out.Diffs(cmd.OutOrStdout(), diffs); err != nil {
				return err
			}
			return limit.check(diffs)
		},
	}
	f.register(cmd, strings.Join(diffFormats, "|"))
	cmd.Flags().StringVar(&baseRef, "base-ref", "", "git revision to read each spec's base from (git show REF:PATH); the arguments are then the head specs")
	cmd.Flags().StringVar(&failAbove, "fail-on-increase-above", "", "exit 1 when the decided option's expected cost rises by more than this: USD per month (500) or percent (10%)")
	return cmd
}

// specPair is one spec's base (nil when new) and head.
type specPair struct{ base, head *spec.Spec }

// diffInputs parses the specs to compare; diagnostics go to stderr.
func diffInputs(cat *modelcatalog.Catalog, baseRef string, args []string, stderr io.Writer) ([]specPair, error) {
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
		pairs = append(pairs, specPair{base, head})
	} else {
		if err := gitVerify(baseRef); err != nil {
			return nil, invalid(err)
		}
		bases := newBaseReader(parser, baseRef)
		for _, path := range args {
			head := parse(parser.ParseFile(path))
			if head == nil {
				continue
			}
			base, diags, err := bases.base(path, head)
			if err != nil {
				return nil, invalid(err)
			}
			if diags != nil {
				base = parse(base, diags)
			}
			pairs = append(pairs, specPair{base, head})
		}
	}
	if failed {
		return nil, errReported
	}
	return pairs, nil
}

// baseReader reads the base of each head spec at a revision.
type baseReader struct {
	parser *spec.Parser
	ref    string
	// byTeam maps a team name to its spec at ref, read once, when a head
	// spec is new at ref.
	byTeam map[string]*spec.Spec
}

func newBaseReader(parser *spec.Parser, ref string) *baseReader {
	return &baseReader{parser: parser, ref: ref}
}

// base returns head's spec as it was at the revision: the same path, or,
// for a path new there, the spec of the same team at any path (a renamed
// or moved spec), so that moving a file cannot hide a loosened compliance
// or budget block. It returns nil for a team new at the revision; diags
// are the base's own when it is read from the same path.
func (b *baseReader) base(path string, head *spec.Spec) (*spec.Spec, hcl.Diagnostics, error) {
	src, found, err := gitShow(b.ref, path)
	if err != nil {
		return nil, nil, err
	}
	if found {
		s, diags := b.parser.Parse(b.ref+":"+filepath.ToSlash(path), src)
		return s, diags, nil
	}
	if b.byTeam == nil {
		if b.byTeam, err = b.teams(); err != nil {
			return nil, nil, err
		}
	}
	return b.byTeam[head.Team.Name], nil, nil
}

// teams reads every .hcl file at the revision that parses as a spec, by
// team name; the first path in order wins. Files that do not parse are
// not specs of this team and are passed over.
func (b *baseReader) teams() (map[string]*spec.Spec, error) {
	out, err := git("ls-tree", "-r", "-z", "--full-name", "--name-only", b.ref)
	if err != nil {
		return nil, fmt.Errorf("list specs at %s: %w", b.ref, err)
	}
	byTeam := map[string]*spec.Spec{}
	for _, p := range strings.Split(string(out), "\x00") {
		if !strings.HasSuffix(p, ".hcl") {
			continue
		}
		src, err := git("show", b.ref+":"+p)
		if err != nil {
			continue
		}
		s, diags := b.parser.Parse(b.ref+":"+p, src)
		if diags.HasErrors() || s == nil {
			continue
		}
		if _, seen := byTeam[s.Team.Name]; !seen {
			byTeam[s.Team.Name] = s
		}
	}
	return byTeam, nil
}

// gitVerify checks that ref names a commit.
func gitVerify(ref string) error {
	if _, err := git("rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return fmt.Errorf("--base-ref %q is not a commit in this repository (in CI, fetch it first: git fetch origin %s)", ref, strings.TrimPrefix(ref, "origin/"))
	}
	return nil
}

// gitShow reads path as it was at ref; found is false when the file did
// not exist there.
func gitShow(ref, path string) (src []byte, found bool, err error) {
	rel := path
	if filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return nil, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
		}
		if rel, err = filepath.Rel(wd, path); err != nil {
			return nil, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
		}
	}
	// "./" makes git resolve the path from the working directory rather
	// than the repository root.
	obj := ref + ":./" + filepath.ToSlash(filepath.Clean(rel))
	if _, err := git("cat-file", "-e", obj); err != nil {
		return nil, false, nil
	}
	out, err := git("show", obj)
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	return out, true, nil
}

func git(args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	c := exec.Command("git", args...)
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return stdout.Bytes(), nil
}

// increaseLimit is --fail-on-increase-above: USD per month, or a percentage
// of the base's decided cost.
type increaseLimit struct {
	set     bool
	value   float64
	percent bool
}

func parseIncreaseLimit(s string) (increaseLimit, error) {
	if s == "" {
		return increaseLimit{}, nil
	}
	l := increaseLimit{set: true}
	num := strings.TrimSpace(s)
	if strings.HasSuffix(num, "%") {
		l.percent, num = true, strings.TrimSuffix(num, "%")
	}
	v, err := units.ParseUSD(num)
	if err != nil || v < 0 {
		return l, invalid(fmt.Errorf("--fail-on-increase-above %q: want an amount in USD per month such as 500, or a percentage such as 10%%", s))
	}
	l.value = float64(v)
	return l, nil
}

// check fails when a diff's decided cost rose by more than the limit. A
// side that is blocked has no decided cost to compare; check gates that.
func (l increaseLimit) check(diffs []*review.Diff) error {
	if !l.set {
		return nil
	}
	var over []string
	for _, d := range diffs {
		dc := d.Decision
		if dc.DeltaUSD == nil {
			continue
		}
		switch {
		case l.percent && dc.DeltaPct != nil && *dc.DeltaPct > l.value:
			over = append(over, fmt.Sprintf("%s: decided cost rises %.1f%% (%s/month), above the limit of %g%%", d.Spec, *dc.DeltaPct, units.USD(*dc.DeltaUSD).Whole(), l.value))
		case !l.percent && *dc.DeltaUSD > l.value:
			over = append(over, fmt.Sprintf("%s: decided cost rises %s/month, above the limit of %s", d.Spec, units.USD(*dc.DeltaUSD).Whole(), units.USD(l.value).Whole()))
		}
	}
	if len(over) == 0 {
		return nil
	}
	return &exitError{code: exitBlocked, err: errors.New(strings.Join(over, "; "))}
}
