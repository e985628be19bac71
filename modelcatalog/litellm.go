package modelcatalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// LiteLLMEntry is one model of LiteLLM's public price table
// (model_prices_and_context_window.json, BerriAI/litellm). Costs are USD
// per token; a missing cost is nil.
type LiteLLMEntry struct {
	InputCostPerToken           *float64 `json:"input_cost_per_token"`
	OutputCostPerToken          *float64 `json:"output_cost_per_token"`
	CacheReadInputTokenCost     *float64 `json:"cache_read_input_token_cost"`
	CacheCreationInputTokenCost *float64 `json:"cache_creation_input_token_cost"`
	Provider                    string   `json:"litellm_provider"`
	MaxInputTokens              int      `json:"max_input_tokens"`
	Mode                        string   `json:"mode"`
}

// ImportChange is one price line an import changed.
type ImportChange struct {
	Model, Line string
	// From is nil when the catalog had no such line.
	From *float64
	To   float64
}

// ImportResult is a price book made from LiteLLM's table.
type ImportResult struct {
	Book *Catalog
	// Changes lists the lines that differ from the catalog's price in
	// effect on the import date, model by model.
	Changes []ImportChange
	// Unchanged lists the models whose LiteLLM prices match the catalog's.
	Unchanged []string
	// Missing lists the catalog's models LiteLLM's table has no entry for.
	Missing []string
}

// ImportLiteLLM reads LiteLLM's price table and returns a price book for
// the models cat knows: an entry matches a model when its key, with any
// "provider/" prefix removed, is the model's API id, and its
// litellm_provider is one of the price_table_providers of the vendor's
// own provider entry (which sell at the vendor's list price). A model whose
// LiteLLM price differs from the catalog's price in effect on asOf gets a
// new price effective asOf. The price book repeats the model's entry as a
// whole (Merge replaces entries whole) with every older price kept, and
// carries the tiers, peak rates and other cache lifetimes LiteLLM's four
// fields cannot express over from the catalog's price, saying so in the
// note.
func ImportLiteLLM(cat *Catalog, data []byte, asOf, source string) (*ImportResult, error) {
	// A byte order mark, which an editor may write, is no value: the same
	// table with and without it is the same book.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var table map[string]json.RawMessage
	if err := json.Unmarshal(data, &table); err != nil {
		// Python's json module writes NaN and Infinity, which JSON has not.
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("import litellm: line %d column %d: %w", lineOf(data, int(syn.Offset)), colOf(data, int(syn.Offset)), err)
		}
		return nil, fmt.Errorf("import litellm: %w", err)
	}
	if err := onceEachKey(data); err != nil {
		return nil, fmt.Errorf("import litellm: %w", err)
	}
	byAPIID := map[string][]string{}
	for key := range table {
		bare := key
		if i := strings.LastIndex(key, "/"); i >= 0 {
			bare = key[i+1:]
		}
		byAPIID[bare] = append(byAPIID[bare], key)
	}
	res := &ImportResult{Book: &Catalog{AsOf: asOf}}
	for _, m := range cat.Managed {
		// The vendor's own API sells at its list price.
		var route LiteLLMRoute
		if direct, ok := cat.Provider(m.Vendor); ok {
			route = direct.LiteLLM
		}
		e, key, err := pickLiteLLM(table, byAPIID[m.APIID], route.PriceTableProviders)
		if err != nil {
			return nil, fmt.Errorf("import litellm: %w", err)
		}
		if e == nil {
			res.Missing = append(res.Missing, m.ID)
			continue
		}
		if err := checkLiteLLMCosts(key, *e); err != nil {
			return nil, fmt.Errorf("import litellm: %w", err)
		}
		price, changes, ok := importedPrice(m, *e, key, asOf, source, route.CacheWriteTTL)
		if !ok {
			res.Unchanged = append(res.Unchanged, m.ID)
			continue
		}
		res.Changes = append(res.Changes, changes...)
		entry := clone(&Catalog{Managed: []ManagedModel{m}}).Managed[0]
		entry.Prices = slices.DeleteFunc(entry.Prices, func(p Price) bool { return p.EffectiveFrom == asOf })
		entry.Prices = append(entry.Prices, price)
		sort.Slice(entry.Prices, func(i, j int) bool { return entry.Prices[i].EffectiveFrom < entry.Prices[j].EffectiveFrom })
		res.Book.Managed = append(res.Book.Managed, entry)
	}
	return res, nil
}

// onceEachKey refuses a table that names a model twice: JSON keeps the
// last of two equal keys, so which prices were imported depended on their
// order in the file, and nothing said so.
func onceEachKey(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the object's '{', checked by Unmarshal
		return err
	}
	seen := map[string]int64{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		at := dec.InputOffset() // just past the key, on its line
		if first, dup := seen[key]; dup {
			return fmt.Errorf("line %d: the table names %q again (first at line %d): JSON keeps the last, so which prices count would depend on the order; keep one", lineOf(data, int(at)), key, lineOf(data, int(first)))
		}
		seen[key] = at
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// pickLiteLLM returns the chat entry among keys whose provider comes first
// in providers, and its key. Two entries of that provider that price the
// model differently ("claude-x" and "anthropic/claude-x") are an error:
// which one counted depended on their names' order.
func pickLiteLLM(table map[string]json.RawMessage, keys []string, providers []string) (*LiteLLMEntry, string, error) {
	sort.Strings(keys)
	var best *LiteLLMEntry
	bestKey, bestRank := "", len(providers)
	for _, k := range keys {
		var e LiteLLMEntry
		dec := json.NewDecoder(bytes.NewReader(table[k]))
		if err := dec.Decode(&e); err != nil {
			return nil, "", fmt.Errorf("entry %q: %w", k, err)
		}
		if e.Mode != "" && e.Mode != "chat" && e.Mode != "responses" {
			continue
		}
		rank := slices.Index(providers, e.Provider)
		if rank < 0 || rank > bestRank || e.InputCostPerToken == nil || e.OutputCostPerToken == nil {
			continue
		}
		if rank == bestRank {
			if !samePrices(*best, e) {
				return nil, "", fmt.Errorf("entries %q and %q of provider %s price the model differently: keep the one that is right", bestKey, k, e.Provider)
			}
			continue
		}
		best, bestKey, bestRank = &e, k, rank
	}
	return best, bestKey, nil
}

// samePrices reports whether two entries carry the same four costs.
func samePrices(a, b LiteLLMEntry) bool {
	same := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return same(a.InputCostPerToken, b.InputCostPerToken) && same(a.OutputCostPerToken, b.OutputCostPerToken) &&
		same(a.CacheReadInputTokenCost, b.CacheReadInputTokenCost) && same(a.CacheCreationInputTokenCost, b.CacheCreationInputTokenCost)
}

// importedPrice builds the price LiteLLM's entry gives, on the catalog's
// price in effect on asOf, and reports whether any line changed. writeTTL
// is the cache lifetime the entry's cache-creation cost is for; "" skips it.
func importedPrice(m ManagedModel, e LiteLLMEntry, key, asOf, source, writeTTL string) (Price, []ImportChange, bool) {
	cur, had := m.PriceOn(asOf)
	p := cur
	p.EffectiveFrom, p.EffectiveUntil = asOf, ""
	var changes []ImportChange
	set := func(line string, from *float64, to float64) {
		if from == nil || *from != to {
			changes = append(changes, ImportChange{Model: m.ID, Line: line, From: from, To: to})
		}
	}
	ptr := func(v float64) *float64 { return &v }
	var fromIn, fromOut *float64
	if had {
		fromIn, fromOut = ptr(cur.InputPerM), ptr(cur.OutputPerM)
	}
	p.InputPerM = perMillion(*e.InputCostPerToken)
	set("input_per_m", fromIn, p.InputPerM)
	p.OutputPerM = perMillion(*e.OutputCostPerToken)
	set("output_per_m", fromOut, p.OutputPerM)
	fields := []string{"input", "output"}
	if e.CacheReadInputTokenCost != nil {
		v := perMillion(*e.CacheReadInputTokenCost)
		set("cache_read_per_m", cur.CacheReadPerM, v)
		p.CacheReadPerM = &v
		fields = append(fields, "cache read")
	}
	if e.CacheCreationInputTokenCost != nil {
		if ttl := writeTTL; ttl != "" {
			v := perMillion(*e.CacheCreationInputTokenCost)
			var from *float64
			if old, ok := cur.CacheWritePerM[ttl]; ok {
				from = &old
			}
			set("cache_write_per_m."+ttl, from, v)
			w := make(map[string]float64, len(cur.CacheWritePerM)+1)
			for k, x := range cur.CacheWritePerM {
				w[k] = x
			}
			w[ttl] = v
			p.CacheWritePerM = w
			fields = append(fields, "cache write ("+ttl+")")
		}
	}
	if len(changes) == 0 {
		return Price{}, nil, false
	}
	note := fmt.Sprintf("Imported from LiteLLM's price table, entry %q: %s.", key, strings.Join(fields, ", "))
	if had && (len(cur.Tiers) > 0 || cur.Peak != nil || len(cur.CacheWritePerM) > 0) {
		note += fmt.Sprintf(" Tiers, peak rates and other cache lifetimes are carried over from the price effective %s: check them against the vendor's page.", cur.EffectiveFrom)
	}
	if e.MaxInputTokens > 0 {
		note += fmt.Sprintf(" Max input %d tokens.", e.MaxInputTokens)
	}
	p.Source = Source{Source: source, AsOf: asOf, Note: note}
	return p, changes, true
}

// perMillion converts a per-token cost to per million tokens, rounded to
// ten significant digits so that 3e-06 becomes 3, not 2.9999999999999996.
// Rounding to significant digits never turns a non-zero cost into zero
// (the smallest float64 times a million is still above zero);
// checkLiteLLMCosts refuses the costs it cannot convert.
func perMillion(perToken float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(perToken*1e6, 'g', 10, 64), 64)
	return v
}

// checkLiteLLMCosts refuses an entry whose costs are negative, or too
// large to convert to a finite price per million tokens (JSON has no NaN
// or infinity; the decoder refuses non-numbers).
func checkLiteLLMCosts(key string, e LiteLLMEntry) error {
	costs := []struct {
		field string
		v     *float64
	}{
		{"input_cost_per_token", e.InputCostPerToken},
		{"output_cost_per_token", e.OutputCostPerToken},
		{"cache_read_input_token_cost", e.CacheReadInputTokenCost},
		{"cache_creation_input_token_cost", e.CacheCreationInputTokenCost},
	}
	for _, c := range costs {
		if c.v == nil {
			continue
		}
		v := *c.v
		pm := perMillion(v)
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			return fmt.Errorf("entry %q: %s %g is not a finite non-negative cost", key, c.field, v)
		case math.IsInf(pm, 0) || pm > MaxTokenPricePerM:
			return fmt.Errorf("entry %q: %s %g is %g a million tokens, above any price sold (the bound is %d)", key, c.field, v, pm, MaxTokenPricePerM)
		}
	}
	return nil
}
