package modelcatalog

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// BookChanges lists, entry by entry, how the price book head differs from
// base ("managed claude-sonnet-5.5: input_per_m changed", "instances
// p5.48xlarge@us-east-1 added"), keyed as Merge keys them. Either may be
// nil (no price book on that side).
func BookChanges(base, head *Catalog) []string {
	if base == nil {
		base = &Catalog{}
	}
	if head == nil {
		head = &Catalog{}
	}
	var out []string
	section := func(name string, b, h map[string]any) {
		keys := map[string]bool{}
		for k := range b {
			keys[k] = true
		}
		for k := range h {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			bv, inBase := b[k]
			hv, inHead := h[k]
			switch {
			case !inBase:
				out = append(out, fmt.Sprintf("%s %s added", name, k))
			case !inHead:
				out = append(out, fmt.Sprintf("%s %s removed", name, k))
			case !reflect.DeepEqual(bv, hv):
				out = append(out, fmt.Sprintf("%s %s: %s changed", name, k, changedFields(bv, hv)))
			}
		}
	}
	section("managed", keyed(base.Managed, func(m ManagedModel) string { return m.ID }), keyed(head.Managed, func(m ManagedModel) string { return m.ID }))
	section("open model", keyed(base.OpenModels, func(m OpenModel) string { return m.ID }), keyed(head.OpenModels, func(m OpenModel) string { return m.ID }))
	section("gpu", keyed(base.GPUs, func(g GPU) string { return g.ID }), keyed(head.GPUs, func(g GPU) string { return g.ID }))
	section("instance", keyed(base.Instances, instanceKey), keyed(head.Instances, instanceKey))
	section("throughput", keyed(base.Throughput, throughputKey), keyed(head.Throughput, throughputKey))
	section("line item", keyed(base.FixedCosts, func(l FixedCost) string { return l.Name }), keyed(head.FixedCosts, func(l FixedCost) string { return l.Name }))
	section("discount", keyed(base.Discounts, discountLabel), keyed(head.Discounts, discountLabel))
	section("provider", keyed(base.Providers, func(p Provider) string { return p.ID }), keyed(head.Providers, func(p Provider) string { return p.ID }))
	tpt := func(c *Catalog) map[string]any {
		out := map[string]any{}
		for k, v := range c.TokensPerTask {
			out[k] = generic(v)
		}
		return out
	}
	section("tokens_per_task", tpt(base), tpt(head))
	return out
}

// keyed maps entries to their JSON form by key.
func keyed[T any](list []T, key func(T) string) map[string]any {
	out := make(map[string]any, len(list))
	for _, v := range list {
		out[key(v)] = generic(v)
	}
	return out
}

// generic is v as decoded JSON, for comparing field by field.
func generic(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return string(raw)
	}
	return out
}

// changedFields names the top-level fields that differ.
func changedFields(b, h any) string {
	bm, ok1 := b.(map[string]any)
	hm, ok2 := h.(map[string]any)
	if !ok1 || !ok2 {
		return "value"
	}
	var names []string
	for k := range bm {
		if !reflect.DeepEqual(bm[k], hm[k]) {
			names = append(names, k)
		}
	}
	for k := range hm {
		if _, ok := bm[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "value"
	}
	s := names[0]
	for _, n := range names[1:] {
		s += ", " + n
	}
	return s
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
