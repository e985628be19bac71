package modelcatalog

import (
	"fmt"
	"strings"
)

// maxFieldChanges caps the fields BookChanges lists for one entry.
const maxFieldChanges = 8

// BookChanges lists, entry by entry, how the price book head differs from
// base in effect, each merged over catalog (the catalog both overlay),
// field by field: "managed claude-sonnet-4.6: prices[0].input_per_m 3 →
// 2.4", "instance p5.48xlarge@us-east-1 (now in the price book):
// gpu_hour_usd.reserved.low 3.5 → 3.1", "throughput x/h100/tp2 added".
// Entries are keyed as Merge keys them; a book or catalog may be nil (no
// price book on that side).
func BookChanges(catalog, base, head *Catalog) []string {
	if catalog == nil {
		catalog = &Catalog{}
	}
	if base == nil {
		base = &Catalog{}
	}
	if head == nil {
		head = &Catalog{}
	}
	mb, mh := Merge(catalog, base), Merge(catalog, head)
	db, dh := toDoc(mb), toDoc(mh)
	var out []string
	for _, s := range bookSections {
		names := map[string]string{}
		for _, c := range []*Catalog{base, head} {
			keys, shown := s.keys(c), s.keys(c)
			if s.names != nil {
				shown = s.names(c)
			}
			for i, k := range keys {
				names[k] = shown[i]
			}
		}
		before, after := entryDocs(db, s, mb), entryDocs(dh, s, mh)
		rawBase, rawHead := entryDocs(bookDoc(base), s, base), entryDocs(bookDoc(head), s, head)
		inBase, inHead := set(s.keys(base)...), set(s.keys(head)...)
		for _, k := range sortedKeys(names) {
			what := s.label + " " + names[k]
			b, hadIt := before[k]
			h, hasIt := after[k]
			switch {
			case !hadIt:
				out = append(out, what+" added")
			case !hasIt:
				out = append(out, what+" removed")
			case !inBase[k]:
				out = append(out, describeChanges(what+" (now in the price book)", b, h))
			case !inHead[k]:
				out = append(out, describeChanges(what+" (no longer in the price book)", b, h))
			case len(leafChanges("", b, h, nil)) > 0 || len(leafChanges("", rawBase[k], rawHead[k], nil)) > 0:
				// The book's entry changed, in effect or only in words.
				out = append(out, describeChanges(what, b, h))
			}
		}
	}
	for _, k := range []string{"tokens_per_task", "managed_prompt_ms_per_token"} {
		if ch := leafChanges(k, db[k], dh[k], nil); len(ch) > 0 {
			out = append(out, describeChanges(k, db[k], dh[k]))
		}
	}
	return out
}

// describeChanges is "what: field a → b, …" for the fields that differ
// between two decoded entries, at most maxFieldChanges of them.
func describeChanges(what string, b, h any) string {
	changes := leafChanges("", b, h, nil)
	if len(changes) == 0 {
		return what + ": no change in effect"
	}
	parts := make([]string, 0, min(len(changes), maxFieldChanges)+1)
	for _, c := range changes[:min(len(changes), maxFieldChanges)] {
		parts = append(parts, fmt.Sprintf("%s %s → %s", c.path, showLeaf(c.from), showLeaf(c.to)))
	}
	if n := len(changes) - maxFieldChanges; n > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", n))
	}
	return what + ": " + strings.Join(parts, ", ")
}

// discountLabel names a discount by what it applies to.
func discountLabel(d Discount) string {
	var parts []string
	for _, p := range [][2]string{{"vendor", d.Vendor}, {"model", d.Model}, {"provider", d.Provider}, {"from", d.EffectiveFrom}} {
		if p[1] != "" {
			parts = append(parts, p[0]+"="+p[1])
		}
	}
	if len(parts) == 0 {
		return "(all)"
	}
	return strings.Join(parts, ",")
}
