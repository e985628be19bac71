package modelcatalog

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// SuspiciousFactor is how far a price book's price may sit above or below
// the embedded catalog's before the plan warns: list prices of one model
// move by far less between revisions, so ten times off is a typo (per
// token for per million, cents for dollars) more often than a deal.
const SuspiciousFactor = 10

// SuspiciousDiscount is the discount, in percent, from which a price book's
// discount warns: 90 % off leaves a tenth of the list price, as far below
// it as SuspiciousFactor allows a price to be. Negotiated discounts on
// list prices run in the tens of percent.
const SuspiciousDiscount = 100.0 - 100.0/SuspiciousFactor

// BookWarning is a figure of a price book that validates but would make
// something free, or far cheaper or dearer than the catalog says, by
// accident.
type BookWarning struct {
	// File is the price book.
	File string `json:"file"`
	// Entry names the entry, with its line where known:
	// `managed[0] "claude-sonnet-4.6" (line 4) price from 2026-01-01`.
	Entry string `json:"entry"`
	// Field is the figure, e.g. "input_per_m".
	Field   string `json:"field"`
	Message string `json:"message"`
}

// String is the warning as one sentence naming file, entry and figure.
func (w BookWarning) String() string {
	if w.Field == "" {
		return fmt.Sprintf("price book %s, %s: %s", w.File, w.Entry, w.Message)
	}
	return fmt.Sprintf("price book %s, %s, %s: %s", w.File, w.Entry, w.Field, w.Message)
}

// MergeBook overlays a price book read from file on base, as Merge does,
// and records on the result the book's suspicious figures (CheckBook)
// after base's own.
func MergeBook(base, book *Catalog, file string) *Catalog {
	out := Merge(base, book)
	if base != nil {
		out.BookWarnings = append(out.BookWarnings, base.BookWarnings...)
		out.BookWarnings = append(out.BookWarnings, keepWindows(base, out, file)...)
	}
	if book != nil {
		out.BookWarnings = append(out.BookWarnings, checkBook(base, book, out, file)...)
	}
	return out
}

// keepWindows restores in merged every context window of base's managed
// models that a book removes (null, an entry replaced without it, or a
// new id for the model, sameModel, without it), and says so: without a
// window no route refuses a prompt the model cannot take, and the sealed
// policy that denies it (managed.context_window) has nothing to judge. A
// book changes a window by writing a number; a new id keeps only the
// windows of the providers it is sold through.
func keepWindows(base, merged *Catalog, file string) []BookWarning {
	var out []BookWarning
	for i := range merged.Managed {
		m := &merged.Managed[i]
		b, known := base.ManagedModel(m.ID)
		if !known {
			// A new id for a catalog model (sameModel) takes its window.
			if b = sameModel(base, m); b == nil {
				continue
			}
		}
		entry := fmt.Sprintf("managed %q", m.ID)
		if !known {
			entry += fmt.Sprintf(" as the catalog's %q", b.ID)
		}
		if m.MaxInputTokens == nil && b.MaxInputTokens != nil {
			w := *b.MaxInputTokens
			m.MaxInputTokens = &w
			out = append(out, windowKept(file, entry, "max_input_tokens", w.Value))
		}
		for _, p := range sortedKeys(b.MaxInputByProvider) {
			if _, has := m.MaxInputByProvider[p]; has || (!known && !slices.Contains(m.Providers, p)) {
				continue
			}
			if m.MaxInputByProvider == nil {
				m.MaxInputByProvider = map[string]Figure{}
			}
			m.MaxInputByProvider[p] = b.MaxInputByProvider[p]
			out = append(out, windowKept(file, entry, "max_input_tokens_by_provider."+p, b.MaxInputByProvider[p].Value))
		}
	}
	return out
}

func windowKept(file, entry, field string, tokens float64) BookWarning {
	return BookWarning{File: file, Entry: entry, Field: field, Message: fmt.Sprintf(
		"the book removes the model's context window; the catalog's %.0f tokens are kept, since without one no route refuses a prompt the model cannot take: write a number to change it", tokens)}
}

// CheckBook returns the figures of book that validate but are likely a
// mistake, judged on what the book changes once merged over base (a field
// the book leaves out is base's, never suspicious): a price of zero, a
// discount of SuspiciousDiscount % or more (a tenth of the list price or
// less, the same factor as below), or a price more than SuspiciousFactor
// times above or below base's for the same entry (the same model's price
// in effect on the book price's date, the same instance and pricing model,
// the same line item); a tokens-per-task figure that far off base's; and
// every figure that is not a price (a time to first token, a quality
// score, a throughput, a GPU's memory or bandwidth, a model's size) that
// the book changes or removes: a book is there to say what the
// organisation pays, and a pull request that edits one is hostile input.
// A figure equal to base's is never suspicious. A book entry base lacks
// that is the same thing as one of base's (counterparts: a new id a route
// calls a catalog model by, a catalog instance type in a new Region) is
// held to that entry's figures and facts, and a model's to its prices; a
// new instance to the prices of its GPU. Other book entries with no
// counterpart in base are checked for zero prices, and a new model's
// prices against the cheapest the catalog lists: ten times below it warns.
func CheckBook(base, book *Catalog, file string) []BookWarning {
	if book == nil {
		return nil
	}
	return checkBook(base, book, Merge(base, book), file)
}

// checkBook is CheckBook with the merged catalog at hand.
func checkBook(base, book, merged *Catalog, file string) []BookWarning {
	if base == nil {
		base = &Catalog{}
	}
	c := bookChecker{file: file, pos: book.EntryPos}
	c.managedPrices(base, book, merged)
	c.hourPrices(base, book, merged)
	c.newTypes(base, book, merged)
	c.figures(base, book, merged)
	c.discounts(book, merged)
	return c.out
}

// byKey indexes list by key, the first entry of each key winning (as
// the catalog's own lookups do), so that a book of many entries is
// checked in linear time.
func byKey[T any](list []T, key func(T) string) map[string]*T {
	out := make(map[string]*T, len(list))
	for i := range list {
		if k := key(list[i]); out[k] == nil {
			out[k] = &list[i]
		}
	}
	return out
}

// managedPrices checks the prices of the managed models the book writes,
// as merged, against base's.
func (c *bookChecker) managedPrices(base, book, merged *Catalog) {
	mergedByID, baseByID := byKey(merged.Managed, modelID), byKey(base.Managed, modelID)
	floorIn, floorOut := cheapestRates(base)
	for i, bk := range book.Managed {
		m, bm := mergedByID[bk.ID], baseByID[bk.ID]
		if m == nil {
			continue
		}
		same := bm
		if same == nil {
			// A new id for a catalog model (one the route calls by the
			// same id) is that model, held to its prices: Opus re-added at
			// 1/100 of its price under another name was silent.
			same = sameModel(base, m)
		}
		for _, p := range m.Prices {
			entry := c.entry("managed", i, bk.ID) + " price from " + p.EffectiveFrom
			if same == nil {
				// A new model has no price of its own to compare with.
				c.floor(entry, "input_per_m", p.InputPerM, floorIn)
				c.floor(entry, "output_per_m", p.OutputPerM, floorOut)
			}
			var ref *Price
			if same != nil {
				if bp, ok := same.PriceOn(p.EffectiveFrom); ok {
					ref = &bp
				} else if len(same.Prices) > 0 {
					ref = &same.Prices[0]
				}
			}
			c.price(entry, p, ref)
		}
	}
}

// sameModel is the model of c that a route to m calls, or nil: the one
// that shares an id with m (modelIDs). A managed entry of a book that
// the catalog lacks under its own id is that model, whatever its id,
// name or vendor: Opus on Bedrock under a new id, at 1/50 of its price,
// was matched by its api_id only and was silent.
func sameModel(c *Catalog, m *ManagedModel) *ManagedModel {
	ids := modelIDs(c, m)
	if len(ids) == 0 {
		return nil
	}
	for i := range c.Managed {
		b := &c.Managed[i]
		for _, id := range modelIDs(c, b) {
			if slices.Contains(ids, id) {
				return b
			}
		}
	}
	return nil
}

// modelIDs are the ids a route may call m by, as c's routes name
// them: its api_id (Provider.ModelID off Bedrock), its bedrock_id and
// bedrock_regional_ids (Bedrock, which ForBedrock calls in a geography),
// and the API ids it retired, which the vendor may still answer to. A
// Bedrock id is taken without its inference-profile prefix ("global.",
// "us."), the foundation model every profile of it invokes; an id
// without its snapshot suffix (snapshotSuffix); case is ignored.
func modelIDs(c *Catalog, m *ManagedModel) []string {
	var out []string
	add := func(id string) {
		id = strings.ToLower(id)
		if prefix, _ := c.ProfilePrefix(id); prefix != "" {
			id = strings.TrimPrefix(id, prefix)
		}
		id = snapshotSuffix.ReplaceAllString(id, "")
		if id != "" {
			out = append(out, id)
		}
	}
	add(m.APIID)
	add(m.BedrockID)
	for _, id := range m.BedrockRegionalIDs {
		add(id)
	}
	for _, id := range m.FormerAPIIDs {
		add(id)
	}
	return out
}

// snapshotSuffix is what names one snapshot or variant of a model
// after its name: a date ("-20251101", "@20251101" on Vertex), a
// Bedrock version ("-v1:0", "-v2") and a Bedrock context-window variant
// (":200k"). The alias and its snapshots bill as one model: Opus added
// by a book as "anthropic.claude-opus-4-8-v1:0" or
// "claude-opus-4-8-20261101", at 1/50 of its price, was a new model with
// no price to be held to.
var snapshotSuffix = regexp.MustCompile(`([-@]\d{8})?(-v\d+(:\d+)?)?(:\d+k)?\z`)

// cheapestRates are the lowest positive input and output prices any
// managed model of c has ever listed; 0 when it lists none.
func cheapestRates(c *Catalog) (in, out float64) {
	low := func(cur, v float64) float64 {
		if v > 0 && (cur == 0 || v < cur) {
			return v
		}
		return cur
	}
	for _, m := range c.Managed {
		for _, p := range m.Prices {
			in, out = low(in, p.InputPerM), low(out, p.OutputPerM)
		}
	}
	return in, out
}

// floor warns when v, a new model's price, is more than SuspiciousFactor
// times below floor, the catalog's cheapest for the same line (zero is
// price's to warn of).
func (c *bookChecker) floor(entry, field string, v, floor float64) {
	if v > 0 && floor > 0 && v < floor/SuspiciousFactor {
		c.add(entry, field, fmt.Sprintf("%g is 1/%.3g of the cheapest %s in the embedded catalog (%g; less than a %dth): check the unit",
			v, floor/v, field, floor, SuspiciousFactor))
	}
}

// hourPrices checks the GPU-hour prices and line items the book writes, as
// merged, against base's.
func (c *bookChecker) hourPrices(base, book, merged *Catalog) {
	mergedIn, baseIn := byKey(merged.Instances, instanceKey), byKey(base.Instances, instanceKey)
	for i, bk := range book.Instances {
		in, ref := mergedIn[instanceKey(bk)], baseIn[instanceKey(bk)]
		if in == nil {
			continue
		}
		entry := c.entry("instances", i, instanceKey(bk))
		for _, pm := range sortedKeys(in.GPUHourUSD) {
			r := in.GPUHourUSD[pm]
			var low, high *float64
			if ref != nil {
				if rr, ok := ref.GPUHourUSD[pm]; ok {
					low, high = &rr.Low, &rr.High
				}
			} else if rr, ok := gpuHourRange(base, in.GPU, pm); ok {
				// An instance the catalog lacks (another Region, another
				// type) is held to the catalog's prices of its GPU under
				// the pricing model: an H100 at 0.50 in a new Region was
				// silent where the same price in us-east-1 warned.
				low, high = &rr.Low, &rr.High
			}
			c.figure(entry, "gpu_hour_usd."+pm+".low", r.Low, low, "every GPU-hour")
			c.figure(entry, "gpu_hour_usd."+pm+".high", r.High, high, "every GPU-hour")
		}
	}
	name := func(l FixedCost) string { return l.Name }
	mergedItems, baseItems := byKey(merged.FixedCosts, name), byKey(base.FixedCosts, name)
	for i, bk := range book.FixedCosts {
		if l := mergedItems[bk.Name]; l != nil {
			var ref *float64
			if b := baseItems[bk.Name]; b != nil {
				ref = &b.MonthlyUSD
			}
			c.figure(c.entry("line_items", i, bk.Name), "monthly_usd", l.MonthlyUSD, ref, "this line item")
		}
	}
}

// newTypes checks the instances of a type the catalog lists in no
// Region (counterparts holds the others to their type's facts): one of a
// family the catalog has ("p5" of p5.4xlarge) carries that family's GPU,
// as every size of an AWS family does, and one of a family it lacks says
// its facts are the book's own. A p5.4xlarge said to carry B200s, or a
// type AWS does not sell, was sized, priced and launched as written with
// no warning.
func (c *bookChecker) newTypes(base, book, merged *Catalog) {
	mergedIn, baseTypes, baseFamilies := byKey(merged.Instances, instanceKey), byKey(base.Instances, instanceType), byKey(base.Instances, instanceFamily)
	for i, bk := range book.Instances {
		in := mergedIn[instanceKey(bk)]
		if in == nil || baseTypes[instanceType(bk)] != nil {
			continue
		}
		entry := c.entry("instances", i, instanceKey(bk))
		ref := baseFamilies[instanceFamily(bk)]
		switch {
		case ref == nil:
			c.add(entry, "type", fmt.Sprintf("%s is of a family (%s) the catalog lists in no Region: its GPU (%s), GPUs (%d), vCPUs, memory, network and quotas are the book's own, checked against nothing; sizing, billing and the launch take them as written (AWS's instance types: https://aws.amazon.com/ec2/instance-types/)", in.Type, instanceFamily(bk), in.GPU, in.GPUs))
		case !strings.EqualFold(ref.GPU, in.GPU):
			c.add(entry, "gpu", fmt.Sprintf("sets %q where every %s type the catalog lists carries %q (%s): an AWS instance family has one GPU in every size", in.GPU, instanceFamily(bk), ref.GPU, ref.Type))
		}
	}
}

// gpuHourRange is the catalog's GPU-hour price range of gpu under pricing
// model pm, over every instance type and Region that sells it.
func gpuHourRange(c *Catalog, gpu, pm string) (PriceRange, bool) {
	out, ok := PriceRange{}, false
	for _, in := range c.Instances {
		r, has := in.GPUHourUSD[pm]
		if in.GPU != gpu || !has {
			continue
		}
		if !ok {
			out, ok = r, true
			continue
		}
		out.Low, out.High = min(out.Low, r.Low), max(out.High, r.High)
	}
	return out, ok
}

// discounts warns of a discount that leaves a tenth of the price or less.
func (c *bookChecker) discounts(book, merged *Catalog) {
	mergedByKey := byKey(merged.Discounts, discountKey)
	for i, bk := range book.Discounts {
		d := bk
		if m := mergedByKey[discountKey(bk)]; m != nil {
			d = *m
		}
		what := d.Model + d.Vendor + d.Provider
		switch {
		case d.PercentOff >= 100:
			c.add(c.entry("discounts", i, what), "percent_off", fmt.Sprintf("a discount of %g %% makes every token it covers free", d.PercentOff))
		case d.PercentOff >= SuspiciousDiscount:
			c.add(c.entry("discounts", i, what), "percent_off", fmt.Sprintf("a discount of %g %% leaves 1/%.3g of the list price on every token it covers (%g %% or more is a tenth or less): check the figure",
				d.PercentOff, 100/(100-d.PercentOff), SuspiciousDiscount))
		}
	}
}

type bookChecker struct {
	file string
	pos  map[string]string
	out  []BookWarning
}

// entry names the i-th entry of a section, with its line where known.
func (c *bookChecker) entry(section string, i int, id string) string {
	key := fmt.Sprintf("%s[%d]", section, i)
	s := fmt.Sprintf("%s %q", key, id)
	if p, ok := c.pos[key]; ok {
		line, _, _ := strings.Cut(p, ":")
		s += " (line " + line + ")"
	}
	return s
}

func (c *bookChecker) add(entry, field, msg string) {
	c.out = append(c.out, BookWarning{File: c.file, Entry: entry, Field: field, Message: msg})
}

// price checks every line of a managed price against ref, the catalog's
// price for the same model (nil when the model is new).
func (c *bookChecker) price(entry string, p Price, ref *Price) {
	var r Price
	if ref != nil {
		r = *ref
	}
	has := ref != nil
	c.figure(entry, "input_per_m", p.InputPerM, opt(has, r.InputPerM), "every input token")
	c.figure(entry, "output_per_m", p.OutputPerM, opt(has, r.OutputPerM), "every output token")
	if p.CacheReadPerM != nil {
		c.figure(entry, "cache_read_per_m", *p.CacheReadPerM, r.CacheReadPerM, "every cached input token")
	}
	c.cacheWrites(entry, "cache_write_per_m", p.CacheWritePerM, r.CacheWritePerM)
	for i, t := range p.Tiers {
		var rt *PriceTier
		for j := range r.Tiers {
			if r.Tiers[j].AbovePromptTokens == t.AbovePromptTokens {
				rt = &r.Tiers[j]
			}
		}
		field := fmt.Sprintf("tiers[%d].", i)
		var rin, rout, rcache *float64
		var rw map[string]float64
		if rt != nil {
			rin, rout, rcache, rw = &rt.InputPerM, &rt.OutputPerM, rt.CacheReadPerM, rt.CacheWritePerM
		}
		c.figure(entry, field+"input_per_m", t.InputPerM, rin, "every input token of a long prompt")
		c.figure(entry, field+"output_per_m", t.OutputPerM, rout, "every output token of a long prompt")
		if t.CacheReadPerM != nil {
			c.figure(entry, field+"cache_read_per_m", *t.CacheReadPerM, rcache, "every cached input token of a long prompt")
		}
		c.cacheWrites(entry, field+"cache_write_per_m", t.CacheWritePerM, rw)
	}
	if pk := p.Peak; pk != nil {
		var rin, rout, rcache *float64
		var rw map[string]float64
		if r.Peak != nil {
			rin, rout, rcache, rw = &r.Peak.InputPerM, &r.Peak.OutputPerM, r.Peak.CacheReadPerM, r.Peak.CacheWritePerM
		}
		c.figure(entry, "peak.input_per_m", pk.InputPerM, rin, "every input token at peak hours")
		c.figure(entry, "peak.output_per_m", pk.OutputPerM, rout, "every output token at peak hours")
		if pk.CacheReadPerM != nil {
			c.figure(entry, "peak.cache_read_per_m", *pk.CacheReadPerM, rcache, "every cached input token at peak hours")
		}
		c.cacheWrites(entry, "peak.cache_write_per_m", pk.CacheWritePerM, rw)
	}
}

func (c *bookChecker) cacheWrites(entry, field string, w, ref map[string]float64) {
	ttls := make([]string, 0, len(w))
	for k := range w {
		ttls = append(ttls, k)
	}
	sort.Strings(ttls)
	for _, ttl := range ttls {
		var r *float64
		if v, ok := ref[ttl]; ok {
			r = &v
		}
		c.figure(entry, field+"."+ttl, w[ttl], r, "every cache write")
	}
}

// figure warns when v is zero, or more than SuspiciousFactor times off
// ref (nil: no counterpart in the catalog). v equal to ref passes.
func (c *bookChecker) figure(entry, field string, v float64, ref *float64, what string) {
	if ref != nil && v == *ref {
		return
	}
	switch {
	case v == 0:
		msg := "a price of 0 makes " + what + " free"
		if ref != nil {
			msg += fmt.Sprintf(" (the embedded catalog has %g)", *ref)
		}
		c.add(entry, field, msg)
	case ref == nil || *ref <= 0:
	case v > *ref*SuspiciousFactor:
		c.add(entry, field, fmt.Sprintf("%g is %.3g times the embedded catalog's %g (more than %d×): check the unit", v, v / *ref, *ref, SuspiciousFactor))
	case v < *ref/SuspiciousFactor:
		c.add(entry, field, fmt.Sprintf("%g is 1/%.3g of the embedded catalog's %g (less than a %dth): check the unit", v, *ref/v, *ref, SuspiciousFactor))
	}
}

// ratio warns when v is more than SuspiciousFactor times off ref; zero is
// left to Validate (these figures must be positive).
func (c *bookChecker) ratio(entry, field string, v float64, ref *float64) {
	if ref == nil || *ref <= 0 || v <= 0 || v == *ref {
		return
	}
	switch {
	case v > *ref*SuspiciousFactor:
		c.add(entry, field, fmt.Sprintf("%g is %.3g times the embedded catalog's %g (more than %d×): check the unit", v, v / *ref, *ref, SuspiciousFactor))
	case v < *ref/SuspiciousFactor:
		c.add(entry, field, fmt.Sprintf("%g is 1/%.3g of the embedded catalog's %g (less than a %dth): check the unit", v, *ref/v, *ref, SuspiciousFactor))
	}
}

func opt(ok bool, v float64) *float64 {
	if !ok {
		return nil
	}
	return &v
}
