package modelcatalog

import (
	"encoding/json"
	"fmt"
	"slices"
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
// provider's auth) or adds for what the catalog has (counterparts), the
// prompt TTFT, and tokens per task (any change warns, SuspiciousFactor
// off says so).
func (c *bookChecker) figures(base, book, merged *Catalog) {
	bdoc, mdoc := toDoc(base), toDoc(merged)
	same := counterparts(base, book, merged)
	for _, s := range bookSections {
		before, after := entryDocs(bdoc, s, base), entryDocs(mdoc, s, merged)
		names := s.keys(book)
		if s.names != nil {
			names = s.names(book)
		}
		for i, k := range s.keys(book) {
			b, known := before[k]
			entry := c.entry(s.name, i, names[i])
			own := priceFields[s.name]
			if !known {
				if sizes[s.name] {
					c.add(entry, "", fmt.Sprintf("adds this %s entry, which the catalog lacks: %s", s.label, addsFigure))
					continue
				}
				ref, ok := same[s.name][k]
				if !ok {
					continue
				}
				// A new entry for what the catalog has is held to its
				// figures and facts, as an override of it is.
				b, entry = before[ref], fmt.Sprintf("%s as the catalog's %q", entry, ref)
				own = slices.Concat(own, ownFields[s.name])
			}
			for _, ch := range leafChanges("", b, after[k], nil) {
				if !under(ch.path, own...) && !describes(ch.path) && (known || !unsold(after[k], ch.path)) {
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

// counterparts maps, by section, each key of an entry book adds (base
// lacks it) to the key of base's entry that is the same thing: the model
// a route to a new managed id calls (sameModel), and the instance type
// the catalog lists in another Region (its GPUs, vCPUs, memory, network
// and quotas are AWS's facts of the type, in every Region). Such an
// entry's own figures would replace those unseen: a new id of Opus with a
// window of 10M tokens and a TTFT of 150 ms cleared managed.context_window
// and latency.ttft, and a g6.12xlarge (four L4s) in a new Region said to
// carry H100s was sized as four H100s, with no warning.
func counterparts(base, book, merged *Catalog) map[string]map[string]string {
	out := map[string]map[string]string{"managed": {}, "instances": {}}
	mergedByID, baseByID := byKey(merged.Managed, modelID), byKey(base.Managed, modelID)
	for _, bk := range book.Managed {
		if m := mergedByID[bk.ID]; m != nil && baseByID[bk.ID] == nil {
			if ref := sameModel(base, m); ref != nil {
				out["managed"][bk.ID] = ref.ID
			}
		}
	}
	mergedIn, baseIn, baseTypes := byKey(merged.Instances, instanceKey), byKey(base.Instances, instanceKey), byKey(base.Instances, instanceType)
	for _, bk := range book.Instances {
		k := instanceKey(bk)
		if mergedIn[k] != nil && baseIn[k] == nil {
			if ref := baseTypes[instanceType(bk)]; ref != nil {
				out["instances"][k] = instanceKey(*ref)
			}
		}
	}
	return out
}

// instanceType is an instance's type as AWS matches it (any case), and
// instanceFamily its family ("p5" of p5.48xlarge), whose every size
// carries one GPU.
func instanceType(in Instance) string { return strings.ToLower(in.Type) }

func instanceFamily(in Instance) string {
	f, _, _ := strings.Cut(instanceType(in), ".")
	return f
}

// ownFields are, by section, the fields a new entry for what the catalog
// has (counterparts) keeps as its own: a model's ids, the providers it
// is sold through, its status and successor; an instance's Region (and
// its type, which differs in case only).
var ownFields = map[string][]string{
	"managed":   {"id", "api_id", "former_api_ids", "bedrock_id", "bedrock_regional_ids", "providers", "status", "successor"},
	"instances": {"type", "region"},
}

// byProvider are a managed model's figures keyed by provider id.
var byProvider = []string{"ttft_ms_by_provider", "max_input_tokens_by_provider", "rate_limits"}

// unsold reports whether path is a figure, keyed by provider (byProvider),
// of a provider the managed entry doc is not sold through: a new id of a
// model on Bedrock only leaves out the vendor API's rate limit.
func unsold(doc any, path string) bool {
	e, _ := doc.(map[string]any)
	providers, _ := e["providers"].([]any)
	for _, f := range byProvider {
		if under(path, f) && len(path) > len(f) {
			p, _, _ := strings.Cut(path[len(f)+1:], ".")
			return !slices.Contains(providers, any(p))
		}
	}
	return false
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
