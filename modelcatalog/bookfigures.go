package modelcatalog

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// priceFields are, per section, the fields that are prices (checked by
// bookChecker.price and figure): every other number a book changes is a
// figure a book is not there to change.
var priceFields = map[string][]string{
	"managed":    {"prices"},
	"instances":  {"gpu_hour_usd"},
	"line_items": {"monthly_usd"},
	"discounts":  {"percent_off"},
}

// describes reports whether a leaf only describes a figure (its name,
// source, date, estimate flag or note): a book may change those quietly.
func describes(path string) bool {
	last := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		last = path[i+1:]
	}
	switch last {
	case "name", "source", "as_of", "estimate", "note":
		return true
	}
	return false
}

// figures checks what the book changes that is not a price: every number
// and fact of an entry the book overlays or replaces (a TTFT, a quality
// score, a throughput, a GPU's memory or bandwidth, a model's size, a
// provider's auth), the prompt TTFT, and tokens per task (any change
// warns, SuspiciousFactor off says so).
func (c *bookChecker) figures(base, book, merged *Catalog) {
	bdoc, mdoc := toDoc(base), toDoc(merged)
	for _, s := range bookSections {
		before, after := entryDocs(bdoc, s, base), entryDocs(mdoc, s, merged)
		names := s.keys(book)
		if s.names != nil {
			names = s.names(book)
		}
		for i, k := range s.keys(book) {
			b, known := before[k]
			entry := c.entry(s.name, i, names[i])
			if !known {
				if sizes[s.name] {
					c.add(entry, "", fmt.Sprintf("adds this %s entry, which the catalog lacks: %s", s.label, addsFigure))
				}
				continue
			}
			for _, ch := range leafChanges("", b, after[k], nil) {
				if !under(ch.path, priceFields[s.name]...) && !describes(ch.path) {
					c.figureChange(entry, ch)
				}
			}
		}
	}
	if book.ManagedPromptMsPerToken != nil {
		for _, ch := range leafChanges("", bdoc["managed_prompt_ms_per_token"], mdoc["managed_prompt_ms_per_token"], nil) {
			c.figureChange("managed_prompt_ms_per_token", ch)
		}
	}
	for _, k := range sortedKeys(book.TokensPerTask) {
		f, ok := base.TokensPerTask[k]
		if !ok {
			continue
		}
		// Tokens per task divide the quality gap: any change moves it.
		from, to := f.Value, merged.TokensPerTask[k].Value
		if from > 0 && to > 0 && to <= from*SuspiciousFactor && to >= from/SuspiciousFactor {
			if to != from {
				c.figureChange("tokens_per_task."+k, leafChange{path: "value", from: numberLeaf(from), to: numberLeaf(to)})
			}
			continue
		}
		c.ratio("tokens_per_task."+k, "value", to, &from)
	}
}

// sizes are the sections whose new entries bring figures the fleet is
// sized by: a book's throughput row, open model, architecture or GPU
// warns (addsFigure). A model or instance type a book adds brings prices,
// checked as prices; a provider it adds, the gateway those models go
// through.
var sizes = map[string]bool{"throughput": true, "open_models": true, "architectures": true, "gpus": true}

// addsFigure is why a book's new entry of a section in sizes warns: every
// figure it brings is unreviewed by the catalog, and one throughput row
// of a model calibrates that model's fleets on every GPU.
const addsFigure = "a price book is there for prices, and a figure it brings changes how plans size, score or deploy (one throughput row calibrates the model's fleets on every GPU): check its source"

// figureChange warns of a figure or fact of base's the book changes or
// removes.
func (c *bookChecker) figureChange(entry string, ch leafChange) {
	const why = "a price book that changes a figure or fact that is not a price changes how every plan prices, sizes, scores or deploys: check its source"
	from, isNum := number(ch.from)
	to, ok := number(ch.to)
	switch {
	case ch.from != absent && (ch.to == absent || ch.to == nil):
		c.add(entry, ch.path, fmt.Sprintf("removes the catalog's %s, which becomes %s: %s", showLeaf(ch.from), showLeaf(ch.to), why))
		return
	case !isNum || !ok:
		c.add(entry, ch.path, fmt.Sprintf("sets %s where the catalog has %s: %s", showLeaf(ch.to), showLeaf(ch.from), why))
		return
	}
	msg := fmt.Sprintf("overrides the catalog's %s with %s: %s", showLeaf(ch.from), showLeaf(ch.to), why)
	if from > 0 && to > 0 && (to > from*SuspiciousFactor || to < from/SuspiciousFactor) {
		msg += fmt.Sprintf(" (%.3g times the catalog's, more than %d× off: check the unit)", to/from, SuspiciousFactor)
	}
	c.add(entry, ch.path, msg)
}

// numberLeaf is a number as a decoded JSON leaf.
func numberLeaf(v float64) json.Number {
	return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
}
