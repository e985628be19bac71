package usage

import (
	"regexp"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
)

// modelMapper maps the model ids exports carry — API ids with or without a
// date, Bedrock profile ids, provider-prefixed LiteLLM ids, Hugging Face
// repositories vLLM serves — to catalog ids.
type modelMapper struct {
	ids   map[string]string
	cache map[string]mapped
	// profilePrefixes are the catalog providers' inference-profile
	// prefixes ("global.", "us."), longest first.
	profilePrefixes []string
}

type mapped struct {
	id string
	ok bool
}

func newModelMapper(cat *modelcatalog.Catalog) *modelMapper {
	m := &modelMapper{ids: map[string]string{}, cache: map[string]mapped{}, profilePrefixes: cat.ProfilePrefixes()}
	put := func(k, id string) {
		if k = strings.ToLower(k); k != "" {
			if _, taken := m.ids[k]; !taken {
				m.ids[k] = id
			}
		}
	}
	// Catalog ids first, so an API id never shadows another model's id.
	for _, mm := range cat.Managed {
		put(mm.ID, mm.ID)
	}
	for _, om := range cat.OpenModels {
		put(om.ID, om.ID)
	}
	for _, mm := range cat.Managed {
		put(mm.APIID, mm.ID)
		for _, id := range mm.FormerAPIIDs {
			put(id, mm.ID)
		}
		put(mm.BedrockID, mm.ID)
		for _, r := range mm.BedrockRegionalIDs {
			put(r, mm.ID)
		}
	}
	for _, om := range cat.OpenModels {
		put(om.HFRepo, om.ID)
	}
	return m
}

var (
	// dateSuffix is a snapshot date: -20250929, -2026-03-05, @20250929.
	dateSuffix = regexp.MustCompile(`(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2})\z`)
	// versionSuffix is a Bedrock model version: -v1:0, -v2.
	versionSuffix = regexp.MustCompile(`-v\d+(?::\d+)?\z`)
	// contextSuffix is Claude Code's context marker: [1m].
	contextSuffix = regexp.MustCompile(`\[[^\]]*\]\z`)
)

// lookup returns the catalog id of an export's model id.
func (m *modelMapper) lookup(raw string) (string, bool) {
	if r, ok := m.cache[raw]; ok {
		return r.id, r.ok
	}
	id, ok := m.resolve(raw)
	m.cache[raw] = mapped{id, ok}
	return id, ok
}

func (m *modelMapper) resolve(raw string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return "", false
	}
	// Try the id as given, then with a provider prefix ("anthropic/",
	// "bedrock/", "hosted_vllm/") taken off, one segment at a time.
	for cand := s; ; {
		if id, ok := m.try(cand); ok {
			return id, true
		}
		i := strings.IndexByte(cand, '/')
		if i < 0 {
			return "", false
		}
		cand = cand[i+1:]
	}
}

// try matches one candidate as is, then without its suffixes and
// prefixes.
func (m *modelMapper) try(s string) (string, bool) {
	if id, ok := m.ids[s]; ok {
		return id, true
	}
	s = contextSuffix.ReplaceAllString(s, "")
	s = versionSuffix.ReplaceAllString(s, "")
	s = dateSuffix.ReplaceAllString(s, "")
	if id, ok := m.ids[s]; ok {
		return id, true
	}
	// A Bedrock id: [geo.]vendor.model.
	b := s
	for _, p := range m.profilePrefixes {
		if strings.HasPrefix(b, p) {
			b = b[len(p):]
			break
		}
	}
	if id, ok := m.ids[b]; ok {
		return id, true
	}
	if i := strings.IndexByte(b, '.'); i > 0 && !strings.ContainsAny(b[:i], "0123456789") {
		if id, ok := m.ids[dateSuffix.ReplaceAllString(versionSuffix.ReplaceAllString(b[i+1:], ""), "")]; ok {
			return id, true
		}
	}
	return "", false
}
