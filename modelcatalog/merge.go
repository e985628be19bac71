package modelcatalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/costgate/costgate/specfile"
)

// LoadFile reads and parses a catalog or a private price book from path
// with ParseBook (repeated keys and entries are errors). It does not
// validate: call Validate on the result, or on the merged catalog.
func LoadFile(path string) (*Catalog, error) {
	// A book linked to a file outside the repository is not read: its
	// keys would be quoted in the parse error.
	if _, err := specfile.Confine(path); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	data, err := specfile.ReadRegular(path, specfile.MaxPriceBookBytes)
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	c, err := ParseBook(path, data)
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	return c, nil
}

// Merge overlays override (a private price book) on base and returns a new
// catalog; neither input is modified. A book entry whose key matches a base
// entry overlays it field by field, as a JSON merge patch (RFC 7386):
// nested objects merge by key, a list (prices, providers) replaces the
// base's whole, null removes a field; an entry with "replace": true
// replaces the base entry whole. The keys: managed and open models,
// architectures, GPUs and providers by id, instances by type and region, throughput
// by model, GPU and tensor-parallel size, line items by name, discounts by
// vendor, model, provider and effective_from. Entries with new keys are
// appended in the book's order. tokens_per_task and
// managed_prompt_ms_per_token merge by key the same way. The merged as_of
// is the older of the two, because a plan can be no fresher than the
// oldest figures it uses. A nil catalog counts as empty.
//
// The book is what ParseBook read (Raw), or, for one built in Go, its
// JSON encoding. The result's Origin names the book's line of each entry
// it touched, and its BookProblems the figures it changes without a
// source; Validate reports both.
func Merge(base, override *Catalog) *Catalog {
	if base == nil {
		base = &Catalog{}
	}
	if override == nil {
		return clone(base)
	}
	doc, book := toDoc(base), bookDoc(override)
	o := &overlay{file: override.File, pos: override.EntryPos, origin: map[string]string{}}
	for k, v := range base.Origin {
		o.origin[k] = v
	}
	for _, s := range bookSections {
		doc[s.name] = o.section(s, doc[s.name], book[s.name], s.keys(base), s.keys(override))
	}
	for _, k := range sortedKeys(book) {
		// A top-level null leaves the catalog's value, as decoding does.
		if v := book[k]; v != nil && !isSection(k) && k != "as_of" {
			doc[k] = o.patch(k, doc[k], v, nil)
		}
	}
	doc["as_of"] = olderDate(base.AsOf, override.AsOf)
	// Every value comes from a catalog or a book that decoded.
	out := recode(doc, "merge catalog")
	if len(o.origin) > 0 {
		out.Origin = o.origin
	}
	out.BookProblems = append(slices.Clip(base.BookProblems), o.problems...)
	return out
}

func discountKey(d Discount) string {
	return d.Vendor + "|" + d.Model + "|" + d.Provider + "|" + d.EffectiveFrom
}

func instanceKey(in Instance) string { return in.Type + "@" + in.Region }

func throughputKey(t Throughput) string {
	return t.Model + "/" + t.GPU + "/tp" + strconv.Itoa(t.TensorParallel)
}

// olderDate returns the earlier of two YYYY-MM-DD dates; an empty date
// yields to the other. The format sorts lexically.
func olderDate(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case b < a:
		return b
	default:
		return a
	}
}

// clone deep-copies a catalog, so that merged results share no maps or
// slices with their inputs.
func clone(c *Catalog) *Catalog {
	if c == nil {
		return &Catalog{}
	}
	return recode(c, "clone catalog")
}

// recode is v (a catalog, or its decoded JSON) encoded and decoded as a
// new Catalog. Catalog holds only strings, numbers, slices and maps, so
// it always encodes and decodes: a failure is a bug, and panics.
func recode(v any, what string) *Catalog {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", what, err))
	}
	var out Catalog
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("%s: %v", what, err))
	}
	return &out
}
