package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
)

// sideRules are the price book and policy folders one side of a diff is
// planned with: the working tree's for the head, REF's for the base.
type sideRules struct {
	// book is the price book alone (nil without one); cat the catalog
	// merged over the embedded one.
	book *modelcatalog.Catalog
	cat  *modelcatalog.Catalog
	ev   plan.Evaluator
	// bookID and policiesID fingerprint the two, "" when absent.
	bookID, policiesID string
	// policyFiles maps each policy file (path as given) to its digest.
	policyFiles map[string]string
}

// headRules reads the price book and policy folders of the working tree.
func headRules(f *planFlags) (sideRules, error) {
	r := sideRules{policyFiles: map[string]string{}}
	var raw []byte
	if f.catalog != "" {
		if _, err := specfile.Confine(f.catalog); err != nil {
			return r, invalid(fmt.Errorf("read price book: %w", err))
		}
		var err error
		if raw, err = specfile.ReadRegular(f.catalog, specfile.MaxPriceBookBytes); err != nil {
			return r, invalid(fmt.Errorf("read price book: %w", err))
		}
	}
	if err := r.setBook(f.catalog, raw); err != nil {
		return r, err
	}
	for _, dir := range f.policyDirs {
		if err := policyDigests(dir, r.policyFiles); err != nil {
			return r, invalid(fmt.Errorf("read policy folder %s: %w", dir, err))
		}
	}
	r.policiesID = filesID(r.policyFiles)
	ev, err := f.evaluator()
	if err != nil {
		return r, err
	}
	r.ev = ev
	return r, nil
}

// policyDigests digests each policy file the engine loads from dir in
// the working tree, keyed by its slash path.
func policyDigests(dir string, into map[string]string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return fs.SkipDir
			}
			return nil
		}
		if !policyFile(d.Name()) {
			return nil
		}
		// As the policies read it: confined, regular, bounded.
		if d.Type()&fs.ModeSymlink != 0 {
			if _, err := specfile.Confine(p); err != nil {
				return err
			}
		}
		raw, err := specfile.ReadRegular(p, specfile.MaxPolicyBytes)
		if err != nil {
			return err
		}
		into[filepath.ToSlash(p)] = digest(raw)
		return nil
	})
}

// baseRulesAt reads the price book and policy folders as they were at ref
// (a folder or book absent there is absent from the base) and compiles the
// base's policies from a temporary copy, removed by the returned cleanup.
func baseRulesAt(f *planFlags, ref string) (sideRules, func(), error) {
	r := sideRules{policyFiles: map[string]string{}}
	cleanup := func() {}
	if f.catalog != "" {
		raw, found, err := gitShow(ref, f.catalog)
		if err != nil {
			return r, cleanup, invalid(err)
		}
		if found {
			if err := r.setBook(ref+":"+f.catalog, raw); err != nil {
				return r, cleanup, err
			}
		} else if err := r.setBook("", nil); err != nil {
			return r, cleanup, err
		}
	} else if err := r.setBook("", nil); err != nil {
		return r, cleanup, err
	}
	tmp, err := os.MkdirTemp("", "costgate-base-")
	if err != nil {
		return r, cleanup, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	var dirs []string
	for i, dir := range f.policyDirs {
		files, err := gitTree(ref, dir)
		if err != nil {
			return r, cleanup, invalid(err)
		}
		if len(files) == 0 {
			continue // the folder is new in the change
		}
		root := filepath.Join(tmp, fmt.Sprint(i))
		for _, file := range files {
			raw, err := git("cat-file", "blob", file.object)
			if err != nil {
				return r, cleanup, invalid(fmt.Errorf("read %s at %s: %w", file.path, ref, err))
			}
			rel, err := filepath.Rel(filepath.Clean(dir), filepath.FromSlash(file.path))
			if err != nil || strings.HasPrefix(rel, "..") {
				return r, cleanup, invalid(fmt.Errorf("read %s at %s: outside %s", file.path, ref, dir))
			}
			dst := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
				return r, cleanup, err
			}
			if err := os.WriteFile(dst, raw, 0o600); err != nil {
				return r, cleanup, err
			}
			r.policyFiles[filepath.ToSlash(filepath.Join(dir, rel))] = digest(raw)
		}
		dirs = append(dirs, root)
	}
	r.policiesID = filesID(r.policyFiles)
	base := *f
	base.policyDirs = dirs
	ev, err := base.evaluator()
	if err != nil {
		return r, cleanup, fmt.Errorf("policies at %s: %w", ref, err)
	}
	r.ev = ev
	return r, cleanup, nil
}

// setBook parses a price book (none when raw is nil) and merges it over
// the embedded catalog.
func (r *sideRules) setBook(name string, raw []byte) error {
	r.cat = modelcatalog.Default()
	if raw == nil {
		return nil
	}
	// ParseBook keeps the book's text: Merge overlays only what it writes.
	b, err := modelcatalog.ParseBook(name, raw)
	if err != nil {
		return invalid(fmt.Errorf("price book: %w", err))
	}
	r.book, r.bookID = b, digest(raw)
	// MergeBook, not Merge: the book's suspicious figures are warnings on
	// this side's plans, as plan and check show them.
	r.cat = modelcatalog.MergeBook(r.cat, b, name)
	if err := r.cat.Validate(); err != nil {
		return invalid(fmt.Errorf("price book %s: %w", name, err))
	}
	return nil
}

// treeFile is one file of a folder at a revision.
type treeFile struct{ path, object string }

// gitTree lists the policy files below dir at ref as the engine loads
// them from a checkout: the folder found through any symlinks on its
// path, a file that is a link read as what it links to, and a hidden or
// testdata folder below dir skipped (dir's own name and its parents do
// not count, as they do not for the engine). None when dir is not a
// folder at ref.
func gitTree(ref, dir string) ([]treeFile, error) {
	tree, found, err := gitResolve(ref, dir)
	if err != nil || !found || tree.kind != "tree" {
		return nil, err
	}
	out, err := git("ls-tree", "-r", "-z", tree.id)
	if err != nil {
		return nil, fmt.Errorf("list %s at %s: %w", dir, ref, err)
	}
	var files []treeFile
	for _, entry := range bytes.Split(out, []byte{0}) {
		meta, rel, ok := bytes.Cut(entry, []byte{'\t'})
		if !ok {
			continue
		}
		fields := strings.Fields(string(meta))
		if len(fields) != 3 || fields[1] != "blob" || !policyFile(path.Base(string(rel))) || hiddenOrTestdata(string(rel)) {
			continue
		}
		p := filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(string(rel))))
		switch fields[0] {
		case "100644", "100755":
			files = append(files, treeFile{path: p, object: fields[2]})
		case "120000":
			obj, found, err := gitResolve(ref, p)
			if err != nil {
				return nil, err
			}
			if found && obj.kind == "blob" {
				files = append(files, treeFile{path: p, object: obj.id})
			}
		}
	}
	return files, nil
}

func hiddenOrTestdata(p string) bool {
	for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(p)), "/") {
		if part == "testdata" || (strings.HasPrefix(part, ".") && part != "." && part != "..") {
			return true
		}
	}
	return false
}

// policyFile reports whether the engine loads a file of this name.
func policyFile(name string) bool {
	return name == "data.json" || (strings.HasSuffix(name, ".rego") && !strings.HasSuffix(name, "_test.rego"))
}

func digest(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:8])
}

// filesID fingerprints a set of files; "" when there are none.
func filesID(files map[string]string) string {
	if len(files) == 0 {
		return ""
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\x00", n, files[n])
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ruleChanges says which price book and policy files the change edits,
// and what in them.
func ruleChanges(f *planFlags, base, head sideRules) []review.RuleChange {
	var out []review.RuleChange
	if base.bookID != head.bookID {
		c := review.RuleChange{Kind: "price book", File: f.catalog, Change: "modified", Details: modelcatalog.BookChanges(modelcatalog.Default(), base.book, head.book)}
		switch {
		case base.book == nil:
			c.Change = "added"
		case head.book == nil:
			c.Change = "removed"
		}
		out = append(out, c)
	}
	names := map[string]bool{}
	for n := range base.policyFiles {
		names[n] = true
	}
	for n := range head.policyFiles {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		b, inBase := base.policyFiles[n]
		h, inHead := head.policyFiles[n]
		switch {
		case !inBase:
			out = append(out, review.RuleChange{Kind: "policy", File: n, Change: "added"})
		case !inHead:
			out = append(out, review.RuleChange{Kind: "policy", File: n, Change: "removed"})
		case b != h:
			out = append(out, review.RuleChange{Kind: "policy", File: n, Change: "modified"})
		}
	}
	return out
}

// options are the plan options of this side; base is the spec before the
// change, for spec.loosened (nil on the base side); the spec is priced for
// deployment dep and its resources previewed by gate (planFlags.gate).
func (r sideRules) options(asOf time.Time, approvals *plan.Approvals, base *spec.Spec, dep modelcatalog.Deployment, gate func(plan.Evaluator, *modelcatalog.Catalog) func(context.Context, *plan.Plan) error) plan.Options {
	return plan.Options{Catalog: r.cat, AsOf: asOf, Policies: r.ev, Approvals: approvals, Base: base,
		Deployment: dep, Gate: gate(r.ev, r.cat)}
}
