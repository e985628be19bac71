package usage

import (
	"strconv"
	"strings"
	"time"
)

// OpenAI's usage API, GET /v1/organization/usage/completions: pages of
// time buckets (Unix seconds), each with one result per group. Its
// input_tokens includes cached and cache-write tokens: uncached input is
// input_uncached_tokens when present, else input_tokens less the cached
// and cache-write tokens.

type openAIResult struct {
	UserID                str   `json:"user_id"`
	APIKeyID              str   `json:"api_key_id"`
	ProjectID             str   `json:"project_id"`
	Model                 str   `json:"model"`
	Batch                 str   `json:"batch"`
	ServiceTier           str   `json:"service_tier"`
	APISource             str   `json:"api_source"`
	InputTokens           count `json:"input_tokens"`
	InputCachedTokens     count `json:"input_cached_tokens"`
	InputCacheWriteTokens count `json:"input_cache_write_tokens"`
	InputUncachedTokens   count `json:"input_uncached_tokens"`
	OutputTokens          count `json:"output_tokens"`
}

// openAIGroups are the report's group_by fields, in groupShape's order.
var openAIGroups = []string{"user_id", "api_key_id", "project_id", "model", "batch", "service_tier", "api_source"}

func readOpenAI(f *file, set *pageSet, agg *aggregate) error {
	return readPages(f, set, agg.cover, func(start, end time.Time, line int, r *openAIResult) error {
		if !r.OutputTokens.Set || (!r.InputTokens.Set && !r.InputUncachedTokens.Set) {
			return f.invalid(line, "a usage result needs input_tokens and output_tokens (is this the completions usage report?)")
		}
		read, write := r.InputCachedTokens.V, r.InputCacheWriteTokens.V
		uncached := r.InputUncachedTokens.V
		if r.InputUncachedTokens.Set && r.InputTokens.Set && uncached+read+write != r.InputTokens.V {
			return f.invalid(line, "input_uncached_tokens %s, input_cached_tokens %s and input_cache_write_tokens %s add up to %s, not input_tokens %s, which they divide",
				fmtCount(uncached), fmtCount(read), fmtCount(write), fmtCount(uncached+read+write), fmtCount(r.InputTokens.V))
		}
		if !r.InputUncachedTokens.Set {
			uncached = r.InputTokens.V - read - write
			if uncached < 0 {
				return f.invalid(line, "input_tokens %s is less than input_cached_tokens %s plus input_cache_write_tokens %s; OpenAI's input_tokens includes both",
					fmtCount(r.InputTokens.V), fmtCount(read), fmtCount(write))
			}
		}
		k := keyOf("o", strconv.FormatInt(start.Unix(), 10), strconv.FormatInt(end.Unix(), 10), r.UserID.V, r.APIKeyID.V, r.ProjectID.V,
			r.Model.V, r.Batch.V, r.ServiceTier.V, r.APISource.V)
		set.grouped(groupShape(r.UserID, r.APIKeyID, r.ProjectID, r.Model, r.Batch, r.ServiceTier, r.APISource), k)
		// A result read again from an overlapping page counts once, in the
		// notes as in the figures.
		t := Buckets{Uncached: uncached, CacheRead: read, CacheWrite: write, Output: r.OutputTokens.V}
		if dup, err := agg.duplicate(k, t, "", f, line, "bucket and group"); dup {
			return err
		}
		why, premium := tierOf(r.ServiceTier.V)
		if strings.EqualFold(r.Batch.V, "true") {
			why = batchTier
		}
		if why != "" {
			agg.skipped[why]++
			return nil
		}
		if r.Batch.V == "" && r.ServiceTier.V == "" {
			agg.untiered++
		}
		// A project is no person: grouped by project alone, a team of 30
		// read as 3 developers ten times as heavy.
		dev := first(r.UserID.V, r.APIKeyID.V)
		if ok, err := f.identity(line, dev); !ok {
			return err
		}
		rec := record{Start: start, Width: end.Sub(start), Bucket: true, Developer: dev, Model: r.Model.V, Tokens: t}
		if premium {
			agg.premium[r.ServiceTier.V] += agg.counted(rec)
		}
		agg.add(rec)
		return nil
	})
}

func fmtCount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
