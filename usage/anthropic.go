package usage

import (
	"strings"
	"time"
)

// Anthropic's usage report, GET /v1/organizations/usage_report/messages:
// pages of time buckets, each with one result per group. The token fields
// are disjoint (uncached input, cache reads, cache writes by lifetime,
// output), so they map to the buckets as they are.

type anthropicResult struct {
	AccountID           str   `json:"account_id"`
	APIKeyID            str   `json:"api_key_id"`
	Model               str   `json:"model"`
	WorkspaceID         str   `json:"workspace_id"`
	ServiceAccountID    str   `json:"service_account_id"`
	ServiceTier         str   `json:"service_tier"`
	ContextWindow       str   `json:"context_window"`
	InferenceGeo        str   `json:"inference_geo"`
	Speed               str   `json:"speed"`
	UncachedInputTokens count `json:"uncached_input_tokens"`
	CacheReadInput      count `json:"cache_read_input_tokens"`
	CacheCreation       struct {
		Ephemeral1h count `json:"ephemeral_1h_input_tokens"`
		Ephemeral5m count `json:"ephemeral_5m_input_tokens"`
	} `json:"cache_creation"`
	// CacheCreationInput is the unsplit form some exports carry.
	CacheCreationInput count `json:"cache_creation_input_tokens"`
	OutputTokens       count `json:"output_tokens"`
}

// tierOf sorts a report result's service tier: left out (why) where no
// one waits on it, priced above standard (premium) where someone pays more
// to wait less; "" and false for the standard tier or none said.
func tierOf(tier string) (why string, premium bool) {
	t := strings.ToLower(tier)
	switch {
	case t == "batch":
		return batchTier, false
	case strings.HasPrefix(t, "flex"):
		return flexTier, false
	case strings.HasPrefix(t, "priority"), t == "scale":
		return "", true
	}
	return "", false
}

// fastMode keys the tokens of a report's fast-mode results (speed
// "fast") among the premium ones; no service tier has the name.
const fastMode = "\x00fast"

// flexTier says why a usage report's flex results are left out.
const flexTier = "of the flex tier (slower processing at batch-like prices, which may queue for minutes) are not counted: no one waits on them interactively, so they are no interactive load and no peak, and the plan prices interactive rates"

// batchTier says why a usage report's batch results are left out.
const batchTier = "of the batch tier (the batch APIs: half price, results within a day) are not counted: no one waits on them, so they are no interactive load and no peak, and the plan prices interactive rates"

// anthropicGroups are the report's group_by fields, in groupShape's order.
var anthropicGroups = []string{"account_id", "api_key_id", "model", "workspace_id", "service_account_id", "service_tier", "context_window", "inference_geo", "speed"}

func readAnthropic(f *file, set *pageSet, agg *aggregate) error {
	return readPages(f, set, agg.cover, func(start, end time.Time, line int, r *anthropicResult) error {
		if !r.UncachedInputTokens.Set || !r.OutputTokens.Set {
			return f.invalid(line, "a usage result needs uncached_input_tokens and output_tokens (is this the messages usage report?)")
		}
		write := r.CacheCreation.Ephemeral1h.V + r.CacheCreation.Ephemeral5m.V
		ttls := r.CacheCreation.Ephemeral1h.Set || r.CacheCreation.Ephemeral5m.Set
		if !ttls {
			write = r.CacheCreationInput.V
		}
		k := keyOf("a", start.Format(time.RFC3339), end.Format(time.RFC3339), r.AccountID.V, r.APIKeyID.V, r.Model.V,
			r.WorkspaceID.V, r.ServiceAccountID.V, r.ServiceTier.V, r.ContextWindow.V, r.InferenceGeo.V, r.Speed.V)
		set.grouped(groupShape(r.AccountID, r.APIKeyID, r.Model, r.WorkspaceID, r.ServiceAccountID, r.ServiceTier, r.ContextWindow, r.InferenceGeo, r.Speed), k)
		// A result read again from an overlapping page counts once, in the
		// notes as in the figures.
		t := Buckets{Uncached: r.UncachedInputTokens.V, CacheRead: r.CacheReadInput.V, CacheWrite: write, Output: r.OutputTokens.V}
		if dup, err := agg.duplicate(k, t, "", f, line, "bucket and group"); dup {
			return err
		}
		why, premium := tierOf(r.ServiceTier.V)
		if why != "" {
			agg.skipped[why]++
			return nil
		}
		if r.ServiceTier.V == "" {
			agg.untiered++
		}
		// A service account is no person: its tokens count in the shares,
		// the peak and the models, not per developer.
		dev := first(r.AccountID.V, r.APIKeyID.V)
		if r.ServiceAccountID.V != "" {
			dev = ""
		}
		if ok, err := f.identity(line, dev); !ok {
			return err
		}
		rec := record{Start: start, Width: end.Sub(start), Bucket: true, Developer: dev, Model: r.Model.V, Tokens: t,
			Write1h: r.CacheCreation.Ephemeral1h.V, WriteTTLs: ttls}
		n := agg.counted(rec)
		if r.ServiceAccountID.V != "" {
			agg.serviceAccounts[r.ServiceAccountID.V] += n
		}
		if premium {
			agg.premium[r.ServiceTier.V] += n
		}
		if strings.EqualFold(r.Speed.V, "fast") {
			// Fast mode bills a multiple of the standard rates, which the
			// catalog does not price: said, as a premium tier is.
			agg.premium[fastMode] += n
		}
		agg.add(rec)
		return nil
	})
}
