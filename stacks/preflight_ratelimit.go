package stacks

import (
	"fmt"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicequotas"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// bedrockQuotas reads, for each Bedrock route of the plan, the account's
// tokens-per-minute quota of the model's inference profile (the catalog's
// quota name) and compares it with the route's peak as Bedrock counts it:
// input that is not read from the cache, and output at the model's
// burndown rate (5 for Claude). Above the quota the gateway's calls are
// throttled at peak from the first day, so the preflight refuses, as it
// does for a GPU quota below the fleet's peak; a quota it cannot read, or
// a model whose quota the catalog does not name, is a reminder with the
// peak to check.
func (pf *preflight) bedrockQuotas(cat *modelcatalog.Catalog) {
	for _, r := range pf.opt.RoutePeaks {
		m, ok := cat.ManagedModel(r.Model)
		if !ok {
			continue
		}
		prov, err := cat.RouteProvider(m, r.Provider)
		if err != nil || prov.KeyedByAPIKey() {
			continue
		}
		id := prov.ModelID(m)
		l, _ := m.RateLimit(prov.ID)
		name := l.RegionalQuotaName
		if _, global := cat.ProfilePrefix(id); global {
			name = l.QuotaName
		}
		need := r.InputTPM(l.CacheReadsCount) + l.Weight()*r.OutputTPM
		counted := fmt.Sprintf("input %s, and %g × output", cacheReads(l.CacheReadsCount), l.Weight())
		route := fmt.Sprintf("%s for %s (%s)", id, units.Plural(len(r.Workloads), "workload"), units.AndList(r.Workloads))
		if name == "" {
			pf.remind("Bedrock quota: the catalog names no tokens-per-minute quota for %s; the plan's peak needs %s tokens a minute of it (%s): check it in Service Quotas (Amazon Bedrock) before traffic",
				route, units.Count(need), counted)
			continue
		}
		service := l.ServiceCode
		q, err := servicequotas.LookupServiceQuota(pf.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: service, QuotaName: pulumi.StringRef(name)})
		switch {
		case err != nil:
			pf.remind("Bedrock quota: could not read %q (%v); %s needs %s tokens a minute of it at peak (%s): check it in Service Quotas (%s) before traffic",
				name, err, route, units.Count(need), counted, service)
		case q.Value < need:
			pf.problem("Bedrock quota %q is %s tokens a minute; %s needs %s at peak (%s), %s× the quota: the gateway's calls would be throttled (ThrottlingException) at peak; request %s in Service Quotas (%s) before deploying",
				name, units.Count(q.Value), route, units.Count(need), counted, units.Multiple(need/q.Value), units.Count(need), service)
		}
	}
}

// cacheReads says whether a quota counts cache reads.
func cacheReads(counted bool) string {
	if counted {
		return "cache reads included"
	}
	return "less cache reads"
}
