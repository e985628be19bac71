package spec

import (
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// managedAttrs are the managed block's attributes.
var managedAttrs = []string{"simple_model", "complex_model", "provider", "bedrock_profile", "candidates"}

// Default managed models: the article's cheap completion model and its
// agentic workhorse.
const (
	DefaultSimpleModel  = "gpt-5.4-mini"
	DefaultComplexModel = "claude-sonnet-4.6"
)

func (d *decoder) managed(blk *hclsyntax.Block) Managed {
	m := Managed{SimpleModel: DefaultSimpleModel, ComplexModel: DefaultComplexModel, BedrockProfile: modelcatalog.BedrockGlobal}
	if blk == nil {
		return m
	}
	d.unlabeled(blk)
	b := d.open(blk, blockManaged, "the managed block", true)
	b.check(managedAttrs, nil)
	m.SimpleModel = b.catalogID("simple_model", "managed model", d.cat.ManagedIDs(), m.SimpleModel)
	m.ComplexModel = b.catalogID("complex_model", "managed model", d.cat.ManagedIDs(), m.ComplexModel)
	m.Provider = b.catalogID("provider", "managed provider", d.cat.ProviderIDs(), "")
	m.BedrockProfile = b.oneOf("bedrock_profile", []string{modelcatalog.BedrockGlobal, modelcatalog.BedrockRegional}, m.BedrockProfile)
	if a := b.syn.Attributes["bedrock_profile"]; a != nil && !d.sellsProfiles(m.Provider) {
		d.warnf(a.Expr.Range(), "Attribute has no effect",
			"managed.bedrock_profile prices a provider's inference profiles, but managed.provider names none that has them (%s), so it changes nothing.",
			strings.Join(d.profileProviders(), ", "))
	}
	m.Candidates = d.candidates(b)
	return m
}

// candidates decodes managed.candidates: managed models in the catalog,
// each once, at least one; nil when absent.
func (d *decoder) candidates(b *body) []string {
	list, ranges, ok := b.strList("candidates")
	if !ok {
		return nil
	}
	out := d.catalogIDs("managed.candidates", list, ranges, "managed model", "managed models", d.cat.ManagedIDs())
	if len(list) == 0 {
		d.errorf(b.attr("candidates").Expr.Range(), "No candidates",
			"managed.candidates must list at least one managed model; remove it to route each workload to its complexity's model.")
	}
	return out
}

// catalogID decodes a string attribute that must be one of ids, suggesting
// the nearest on a miss. The full list is left to `costgate catalog`: the
// catalog grows every month and would drown the message.
func (b *body) catalogID(name, noun string, ids []string, def string) string {
	s, a, ok := b.str(name)
	if !ok {
		return def
	}
	if contains(ids, s) {
		return s
	}
	b.d.errorf(a.Expr.Range(), "Unknown "+noun,
		"%s.%s must be a %s in the catalog; %q is not one.%s Run \"costgate catalog\" to list them.",
		b.path, name, noun, s, didYouMean(s, ids))
	return def
}

// sellsProfiles reports whether the provider has inference profiles (a
// global and regional pricing) in the catalog.
func (d *decoder) sellsProfiles(provider string) bool {
	p, ok := d.cat.Provider(provider)
	return ok && p.InferenceProfiles != nil
}

// profileProviders lists the catalog's providers with inference profiles.
func (d *decoder) profileProviders() []string {
	var out []string
	for _, id := range d.cat.ProviderIDs() {
		if d.sellsProfiles(id) {
			out = append(out, id)
		}
	}
	return out
}
