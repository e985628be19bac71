package modelcatalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// bookSection is a list of the catalog whose entries a price book matches
// by key.
type bookSection struct {
	// name is the JSON key ("managed"), label the entry's kind in a
	// sentence ("open model").
	name, label string
	// keyFields are the fields the key is made of.
	keyFields []string
	// keys returns the key of each entry of the section, in order.
	keys func(c *Catalog) []string
	// names returns how each entry is named to a reader; nil means its key.
	names func(c *Catalog) []string
}

func keysOf[T any](list []T, key func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = key(v)
	}
	return out
}

func modelID(m ManagedModel) string { return m.ID }
func openID(m OpenModel) string     { return m.ID }

// bookSections are the keyed sections, in the catalog's order.
var bookSections = []bookSection{
	{name: "managed", label: "managed", keyFields: []string{"id"},
		keys: func(c *Catalog) []string { return keysOf(c.Managed, modelID) }},
	{name: "open_models", label: "open model", keyFields: []string{"id"},
		keys: func(c *Catalog) []string { return keysOf(c.OpenModels, openID) }},
	{name: "architectures", label: "architecture", keyFields: []string{"id"},
		keys: func(c *Catalog) []string { return keysOf(c.Architectures, openID) }},
	{name: "gpus", label: "gpu", keyFields: []string{"id"},
		keys: func(c *Catalog) []string { return keysOf(c.GPUs, func(g GPU) string { return g.ID }) }},
	{name: "instances", label: "instance", keyFields: []string{"type", "region"},
		keys: func(c *Catalog) []string { return keysOf(c.Instances, instanceKey) }},
	{name: "throughput", label: "throughput", keyFields: []string{"model", "gpu", "tensor_parallel"},
		keys: func(c *Catalog) []string { return keysOf(c.Throughput, throughputKey) }},
	{name: "line_items", label: "line item", keyFields: []string{"name"},
		keys: func(c *Catalog) []string { return keysOf(c.FixedCosts, func(l FixedCost) string { return l.Name }) }},
	{name: "providers", label: "provider", keyFields: []string{"id"},
		keys: func(c *Catalog) []string { return keysOf(c.Providers, func(p Provider) string { return p.ID }) }},
	{name: "discounts", label: "discount", keyFields: []string{"vendor", "model", "provider", "effective_from"},
		keys:  func(c *Catalog) []string { return keysOf(c.Discounts, discountKey) },
		names: func(c *Catalog) []string { return keysOf(c.Discounts, discountLabel) }},
}

// isSection reports whether a top-level key names a keyed section.
func isSection(name string) bool {
	return slices.ContainsFunc(bookSections, func(s bookSection) bool { return s.name == name })
}

// overlay merges a price book's JSON onto a catalog's, recording where
// each entry it touched came from and the figures it changes without a
// source.
type overlay struct {
	file string
	pos  map[string]string
	// origin maps a merged entry ("managed[12]") to the book's
	// "file:line:col"; problems are Catalog.BookProblems.
	origin   map[string]string
	problems []string
}

// toDoc is c as decoded JSON, numbers kept as written.
func toDoc(c any) map[string]any {
	data, err := json.Marshal(c)
	if err != nil {
		// The catalog's types hold only strings, numbers, slices and maps.
		panic(fmt.Sprintf("encode catalog: %v", err))
	}
	return decodeDoc(data)
}

func decodeDoc(data []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		panic(fmt.Sprintf("decode catalog: %v", err))
	}
	return out
}

// bookDoc is the book as its author wrote it: its text when ParseBook
// read it, else its JSON encoding (a book built in Go, whose every encoded
// field counts as written).
func bookDoc(c *Catalog) map[string]any {
	if c.Raw != nil {
		return decodeDoc(c.Raw)
	}
	return toDoc(c)
}

// where is the book's "file:line:col" of path, or "" when unknown.
func (o *overlay) where(path string) string {
	p, ok := o.pos[path]
	if !ok || o.file == "" {
		return ""
	}
	return o.file + ":" + p
}

// section merges the book's entries of s (bookList, keyed by bookKeys)
// onto the catalog's (baseList, keyed by baseKeys): a new key is
// appended whole, "replace": true replaces the entry, anything else
// overlays it field by field.
func (o *overlay) section(s bookSection, baseList, bookList any, baseKeys, bookKeys []string) any {
	book, _ := bookList.([]any)
	if len(book) == 0 {
		return baseList
	}
	out, _ := baseList.([]any)
	at := make(map[string]int, len(out))
	for i, k := range baseKeys {
		at[k] = i
	}
	for i, e := range book {
		path := fmt.Sprintf("%s[%d]", s.name, i)
		entry, _ := e.(map[string]any)
		replace := entry["replace"] == true
		delete(entry, "replace")
		j, ok := at[bookKeys[i]]
		switch {
		case !ok:
			j = len(out)
			at[bookKeys[i]] = j
			out = append(out, entry)
		case replace:
			out[j] = entry
		default:
			out[j] = o.patch(path, out[j], entry, s.keyFields)
		}
		if w := o.where(path); w != "" {
			o.origin[fmt.Sprintf("%s[%d]", s.name, j)] = w
		}
	}
	return out
}

// patch applies a book's value p at path to the catalog's value base, as
// a JSON merge patch (RFC 7386): objects merge key by key, null removes a
// key, anything else (a list included) replaces. An object with a source
// that gives a new source takes the book's source, as_of, estimate and
// note together; one that changes a number without giving a source is a
// problem. keyFields are not figures.
func (o *overlay) patch(path string, base, p any, keyFields []string) any {
	po, ok := p.(map[string]any)
	if !ok {
		return p
	}
	bo, ok := base.(map[string]any)
	if !ok {
		bo = map[string]any{}
	}
	if _, sourced := bo["source"]; sourced {
		if _, given := po["source"]; given {
			delete(bo, "as_of")
			delete(bo, "estimate")
			delete(bo, "note")
		} else if k := changedNumber(bo, po, keyFields); k != "" {
			o.problem(path, k)
		}
	}
	keys := make([]string, 0, len(po))
	for k := range po {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if po[k] == nil {
			delete(bo, k)
			continue
		}
		bo[k] = o.patch(joinPath(path, k), bo[k], po[k], nil)
	}
	return bo
}

func (o *overlay) problem(path, field string) {
	at := o.where(path)
	if at == "" {
		at = path
	} else {
		at += ": " + path
	}
	o.problems = append(o.problems, fmt.Sprintf("%s changes %s without its own source and as_of: the catalog's source would be credited with the price book's figure", at, field))
}

// changedNumber returns the first field (in key order) of p that sets a
// number other than base's, keys aside; "" when none.
func changedNumber(base, p map[string]any, keyFields []string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		n, ok := p[k].(json.Number)
		if !ok || slices.Contains(keyFields, k) {
			continue
		}
		if !sameNumber(n, base[k]) {
			return k
		}
	}
	return ""
}

// sameNumber reports whether b is a JSON number equal to a.
func sameNumber(a json.Number, b any) bool {
	bn, ok := b.(json.Number)
	if !ok {
		return false
	}
	if a == bn {
		return true
	}
	x, err1 := strconv.ParseFloat(string(a), 64)
	y, err2 := strconv.ParseFloat(string(bn), 64)
	return err1 == nil && err2 == nil && x == y
}
