package modelcatalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// How a provider authenticates the gateway's calls.
const (
	// AuthAPIKey: the gateway keeps the provider's API key in a secret,
	// and LiteLLM reads it from the environment variable APIKeyEnv.
	AuthAPIKey = "api_key"
	// AuthIAM: the gateway's AWS role invokes the models with IAM, so no
	// key is kept. This is Amazon Bedrock: a model it sells is invoked by
	// its bedrock_id, through its inference profiles.
	AuthIAM = "iam"
)

// Provider is a route managed models are sold through: a vendor's own API
// or a cloud that resells them. Every fact costgate needs to price, call
// and deploy a route lives here, so that a new direct-API provider is a
// catalog entry.
type Provider struct {
	ID   string `json:"id"`   // what models' providers and a spec's managed.provider name
	Name string `json:"name"` // display name
	// Auth is AuthAPIKey or AuthIAM.
	Auth string `json:"auth"`
	// APIKeyEnv is the environment variable LiteLLM reads the key from
	// (AuthAPIKey only), e.g. "ANTHROPIC_API_KEY".
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// LiteLLM says how LiteLLM names the provider.
	LiteLLM LiteLLMRoute `json:"litellm"`
	// PromptCache lists the cache lifetimes the provider sells writes
	// for; nil when it sells none (implicit or automatic caching).
	PromptCache *PromptCache `json:"prompt_cache,omitempty"`
	// RegionalSurchargePercent is what a regional inference profile or an
	// in-region call adds to every price line over the global profile,
	// which bills the vendor's list price; nil when the provider has no
	// regional pricing.
	RegionalSurchargePercent *Figure `json:"regional_surcharge_percent,omitempty"`
	// InferenceProfiles are the id prefixes of the provider's cross-region
	// inference profiles; nil when it has none.
	InferenceProfiles *InferenceProfiles `json:"inference_profiles,omitempty"`
	Source
}

// LiteLLMRoute is how LiteLLM names a provider.
type LiteLLMRoute struct {
	// Prefix starts a LiteLLM model name on this route: "anthropic" in
	// "anthropic/claude-sonnet-4-6".
	Prefix string `json:"prefix"`
	// PriceTableProviders are the litellm_provider values of LiteLLM's
	// price table that sell the provider's models at its list price,
	// preferred first; empty when imports do not read this provider.
	PriceTableProviders []string `json:"price_table_providers,omitempty"`
	// CacheWriteTTL is the cache lifetime the price table's single
	// cache_creation_input_token_cost is for; empty when it is not read.
	CacheWriteTTL string `json:"cache_write_ttl,omitempty"`
}

// PromptCache lists the prompt-cache lifetimes a provider sells writes
// for, as Go durations ("5m", "1h").
type PromptCache struct {
	TTLs []string `json:"ttls"`
	Source
}

// InferenceProfiles are the id prefixes of cross-region inference
// profiles: global ones bill the list price, regional ones the surcharge.
type InferenceProfiles struct {
	GlobalPrefixes   []string `json:"global_prefixes"`
	RegionalPrefixes []string `json:"regional_prefixes"`
	Source
}

// Provider returns the provider with the id.
func (c *Catalog) Provider(id string) (*Provider, bool) {
	for i := range c.Providers {
		if c.Providers[i].ID == id {
			return &c.Providers[i], true
		}
	}
	return nil, false
}

// RouteProvider returns the provider a route to m buys through: provider,
// or the model's vendor when provider is empty.
func (c *Catalog) RouteProvider(m *ManagedModel, provider string) (*Provider, error) {
	if provider == "" {
		provider = m.Vendor
	}
	p, ok := c.Provider(provider)
	if !ok {
		return nil, fmt.Errorf("%s: provider %q is not in the catalog's providers", m.ID, provider)
	}
	return p, nil
}

// KeyedByAPIKey reports whether the gateway keeps an API key for p.
func (p *Provider) KeyedByAPIKey() bool { return p.Auth == AuthAPIKey }

// ModelID is the id m is called by on p: its bedrock_id on an IAM
// provider (Bedrock), its api_id elsewhere; "" when p does not serve it.
func (p *Provider) ModelID(m *ManagedModel) string {
	if p.Auth == AuthIAM {
		return m.BedrockID
	}
	return m.APIID
}

// LiteLLMModel is the model name a LiteLLM proxy config calls m by on p:
// "anthropic/claude-sonnet-4-6", "bedrock/global.anthropic.claude-sonnet-4-6".
func (p *Provider) LiteLLMModel(m *ManagedModel) string {
	return p.LiteLLM.Prefix + "/" + p.ModelID(m)
}

// ProfilePrefix is the inference-profile prefix id starts with ("global.",
// "us."), and whether that profile is global; "" when id names no profile.
func (p *Provider) ProfilePrefix(id string) (prefix string, global bool) {
	if p.InferenceProfiles == nil {
		return "", false
	}
	for _, g := range p.InferenceProfiles.GlobalPrefixes {
		if strings.HasPrefix(id, g) {
			return g, true
		}
	}
	for _, r := range p.InferenceProfiles.RegionalPrefixes {
		if strings.HasPrefix(id, r) {
			return r, false
		}
	}
	return "", false
}

// ProfilePrefix is the inference-profile prefix of id among every
// provider's, and whether that profile is global; "" when id names no
// profile (a foundation model).
func (c *Catalog) ProfilePrefix(id string) (prefix string, global bool) {
	for i := range c.Providers {
		if prefix, global = c.Providers[i].ProfilePrefix(id); prefix != "" {
			return prefix, global
		}
	}
	return "", false
}

// ProfilePrefixes lists every provider's inference-profile prefixes,
// longest first, so that the first match is the whole prefix.
func (c *Catalog) ProfilePrefixes() []string {
	var out []string
	for _, p := range c.Providers {
		if ip := p.InferenceProfiles; ip != nil {
			for _, x := range append(slices.Clone(ip.GlobalPrefixes), ip.RegionalPrefixes...) {
				if !slices.Contains(out, x) {
					out = append(out, x)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// CacheTTLs lists the cache lifetimes any provider sells, shortest first:
// what a spec's team.cache_ttl may ask for.
func (c *Catalog) CacheTTLs() []string {
	var out []string
	for _, p := range c.Providers {
		if p.PromptCache == nil {
			continue
		}
		for _, t := range p.PromptCache.TTLs {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return ttlMinutes(a) - ttlMinutes(b) })
	return out
}

// maxCacheTTLMinutes is the longest cache lifetime a provider may sell:
// the longest month, the span a plan prices.
const maxCacheTTLMinutes = 744 * 60

// ttlMinutes is a cache lifetime ("5m", "1h", "12h") in whole minutes; -1
// when it is not a positive Go duration of whole minutes.
func ttlMinutes(ttl string) int {
	d, err := time.ParseDuration(ttl)
	if err != nil || d <= 0 || d%time.Minute != 0 {
		return -1
	}
	return int(d / time.Minute)
}

var (
	providerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*\z`)
	// envPattern is a provider key's variable: a name ending in _API_KEY,
	// which no variable the router sets for itself (LITELLM_*,
	// DATABASE_URL) or a process reads (PATH, LD_PRELOAD, AWS_*) is.
	envPattern    = regexp.MustCompile(`^[A-Z][A-Z0-9_]*_API_KEY\z`)
	prefixPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*\.\z`)
)

// providers checks the providers section and returns the providers by id.
func (v *validator) providers(c *Catalog) map[string]*Provider {
	byID := map[string]*Provider{}
	seen := map[string]bool{}
	owners := map[string]string{}
	for i := range c.Providers {
		p := &c.Providers[i]
		at := v.entry("providers", i, p.ID)
		v.id(at, "provider", p.ID, seen)
		byID[p.ID] = p
		v.providerClaims(at, p, owners)
		if p.ID != "" && !providerIDPattern.MatchString(p.ID) {
			v.add(at, "id %q is not lowercase letters, digits, _ and -", p.ID)
		}
		v.source(at, p.Source)
		v.nonEmpty(at, "name", p.Name)
		v.providerAuth(at, p)
		if !providerIDPattern.MatchString(p.LiteLLM.Prefix) {
			v.add(at, "litellm.prefix %q is not lowercase letters, digits, _ and -", p.LiteLLM.Prefix)
		}
		v.providerCache(at, p)
		if f := p.RegionalSurchargePercent; f != nil {
			v.source(at+" regional_surcharge_percent", f.Source)
			v.nonNegative(at, "regional_surcharge_percent", f.Value)
			if f.Value > 100 {
				v.add(at, "regional_surcharge_percent %g is above 100: a surcharge that more than doubles every line is a typo", f.Value)
			}
		}
		if ip := p.InferenceProfiles; ip != nil {
			v.source(at+" inference_profiles", ip.Source)
			if len(ip.GlobalPrefixes)+len(ip.RegionalPrefixes) == 0 {
				v.add(at, "inference_profiles lists no prefixes")
			}
			for _, x := range append(slices.Clone(ip.GlobalPrefixes), ip.RegionalPrefixes...) {
				if !prefixPattern.MatchString(x) {
					v.add(at, "inference profile prefix %q is not a lowercase word ending in \".\"", x)
				}
			}
		}
	}
	return byID
}

// providerClaims checks that p names no other provider's key variable,
// LiteLLM prefix or inference-profile prefix (owners maps each claimed one
// to its provider): two providers sharing a key variable would read one
// secret, calls on one LiteLLM prefix would go to the other, and usage and
// the gateway's role would take another's profiles for p's.
func (v *validator) providerClaims(at string, p *Provider, owners map[string]string) {
	claim := func(what, value string) {
		if value == "" {
			return
		}
		if owner, taken := owners[what+" "+value]; taken && owner != p.ID {
			v.add(at, "%s %q is already %s's: a provider's routes, keys and profiles are its own", what, value, owner)
			return
		}
		owners[what+" "+value] = p.ID
	}
	claim("api_key_env", p.APIKeyEnv)
	claim("litellm.prefix", p.LiteLLM.Prefix)
	if ip := p.InferenceProfiles; ip != nil {
		for _, x := range append(slices.Clone(ip.GlobalPrefixes), ip.RegionalPrefixes...) {
			claim("inference profile prefix", x)
		}
	}
}

// fleetKeyEnv is the variable the router reads the vLLM fleet's key from.
const fleetKeyEnv = "VLLM_API_KEY"

// providerAuth checks a provider's auth kind and its key variable.
func (v *validator) providerAuth(at string, p *Provider) {
	switch p.Auth {
	case AuthAPIKey:
		if !envPattern.MatchString(p.APIKeyEnv) || p.APIKeyEnv == fleetKeyEnv {
			v.add(at, "api_key_env %q is not a provider key's name (A-Z, 0-9 and _, ending in _API_KEY, not %s): the router's container shares one environment with its own keys and database URL", p.APIKeyEnv, fleetKeyEnv)
		}
	case AuthIAM:
		if p.APIKeyEnv != "" {
			v.add(at, "api_key_env %q on an %s provider, which keeps no key", p.APIKeyEnv, AuthIAM)
		}
	default:
		v.add(at, "auth %q is not one of %s, %s", p.Auth, AuthAPIKey, AuthIAM)
	}
}

// providerCache checks a provider's cache lifetimes and the one LiteLLM's
// price table prices.
func (v *validator) providerCache(at string, p *Provider) {
	var ttls []string
	if pc := p.PromptCache; pc != nil {
		v.source(at+" prompt_cache", pc.Source)
		if len(pc.TTLs) == 0 {
			v.add(at, "prompt_cache lists no ttls")
		}
		for _, t := range pc.TTLs {
			switch m := ttlMinutes(t); {
			case m < 0:
				v.add(at, "prompt_cache ttl %q is not a whole number of minutes (\"5m\", \"1h\")", t)
			case m > maxCacheTTLMinutes:
				v.add(at, "prompt_cache ttl %q is longer than %dh: a plan prices a month, and no provider sells a cache that outlives it", t, maxCacheTTLMinutes/60)
			}
		}
		ttls = pc.TTLs
	}
	if t := p.LiteLLM.CacheWriteTTL; t != "" && !slices.Contains(ttls, t) {
		v.add(at, "litellm.cache_write_ttl %q is not one of its prompt_cache ttls", t)
	}
}

// modelProviders checks that a managed model's providers and its vendor
// (whom a route naming no provider buys from) are in the providers
// section, and that a model sold through an IAM provider has its Bedrock
// id.
func (v *validator) modelProviders(at string, m ManagedModel, byID map[string]*Provider) {
	if _, ok := byID[m.Vendor]; !ok && m.Vendor != "" {
		v.add(at, "vendor %q is not in the catalog's providers: a route that names no provider buys from the vendor", m.Vendor)
	}
	for _, id := range m.Providers {
		p, ok := byID[id]
		switch {
		case !ok:
			v.add(at, "provider %q is not in the catalog's providers", id)
		case p.Auth == AuthIAM && m.BedrockID == "":
			v.add(at, "sold through %s, which calls models by bedrock_id, but has no bedrock_id", id)
		}
	}
}
