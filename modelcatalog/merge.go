package modelcatalog

import (
	"encoding/json"
	"fmt"
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
// catalog; neither input is modified. An override entry replaces the base
// entry with the same key as a whole — managed and open models and GPUs by
// id, instances by type and region, throughput by model, GPU and
// tensor-parallel size, line items by name, tokens_per_task by complexity,
// providers by id, discounts by vendor, model, provider and
// effective_from, managed_prompt_ms_per_token when the override has it —
// and entries with new keys are appended in the override's order. The
// merged as_of is the older of the two, because a plan can be no fresher
// than the oldest figures it uses. A nil catalog counts as empty.
func Merge(base, override *Catalog) *Catalog {
	out := clone(base)
	if override == nil {
		return out
	}
	ov := clone(override)
	out.Managed = mergeBy(out.Managed, ov.Managed, func(m ManagedModel) string { return m.ID })
	out.OpenModels = mergeBy(out.OpenModels, ov.OpenModels, func(m OpenModel) string { return m.ID })
	out.GPUs = mergeBy(out.GPUs, ov.GPUs, func(g GPU) string { return g.ID })
	out.Instances = mergeBy(out.Instances, ov.Instances, instanceKey)
	out.Throughput = mergeBy(out.Throughput, ov.Throughput, throughputKey)
	out.FixedCosts = mergeBy(out.FixedCosts, ov.FixedCosts, func(l FixedCost) string { return l.Name })
	if len(ov.TokensPerTask) > 0 && out.TokensPerTask == nil {
		out.TokensPerTask = map[string]Figure{}
	}
	for k, v := range ov.TokensPerTask {
		out.TokensPerTask[k] = v
	}
	out.Providers = mergeBy(out.Providers, ov.Providers, func(p Provider) string { return p.ID })
	if ov.ManagedPromptMsPerToken != nil {
		out.ManagedPromptMsPerToken = ov.ManagedPromptMsPerToken
	}
	out.Discounts = mergeBy(out.Discounts, ov.Discounts, discountKey)
	out.AsOf = olderDate(out.AsOf, ov.AsOf)
	return out
}

func discountKey(d Discount) string {
	return d.Vendor + "|" + d.Model + "|" + d.Provider + "|" + d.EffectiveFrom
}

func instanceKey(in Instance) string { return in.Type + "@" + in.Region }

func throughputKey(t Throughput) string {
	return t.Model + "/" + t.GPU + "/tp" + strconv.Itoa(t.TensorParallel)
}

// mergeBy replaces the entries of base whose key an override entry shares,
// in place, and appends the rest of override.
func mergeBy[T any](base, override []T, key func(T) string) []T {
	at := make(map[string]int, len(base))
	for i, b := range base {
		at[key(b)] = i
	}
	for _, o := range override {
		k := key(o)
		if i, ok := at[k]; ok {
			base[i] = o
			continue
		}
		at[k] = len(base)
		base = append(base, o)
	}
	return base
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
	data, err := json.Marshal(c)
	if err != nil {
		// Catalog holds only strings, numbers, slices and maps: it always encodes.
		panic(fmt.Sprintf("clone catalog: %v", err))
	}
	var out Catalog
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("clone catalog: %v", err))
	}
	return &out
}
