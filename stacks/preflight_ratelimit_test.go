package stacks

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestPreflightReadsBedrockTokenQuota: company-50 routes its review and
// agent workloads to Claude Sonnet 4.6 on Bedrock's global profile. The
// preflight reads that model's global cross-Region tokens-per-minute
// quota and compares it with the route's peak summed over both workloads,
// as Bedrock counts it (input less cache reads, and 5 × output): below the
// peak it refuses, at or above it says nothing, and a quota it cannot
// read is a reminder naming the peak.
func TestPreflightReadsBedrockTokenQuota(t *testing.T) {
	p, diags, err := plan.BuildFile(context.Background(), filepath.Join("..", "examples", "company-50.hcl"), plan.Options{AsOf: planDate})
	if err != nil || diags.HasErrors() {
		t.Fatalf("build: %v %v", err, diags)
	}
	var peak *plan.RoutePeak
	for i, r := range p.Chosen().RoutePeaks {
		if r.Provider == "bedrock" {
			peak = &p.Chosen().RoutePeaks[i]
		}
	}
	if peak == nil || len(peak.Workloads) != 2 {
		t.Fatalf("route peaks %+v, want one Bedrock route of two workloads", p.Chosen().RoutePeaks)
	}
	need := peak.UncachedInputTPM + peak.CacheWriteTPM + 5*peak.OutputTPM
	const name = "Global cross-Region model inference tokens per minute for Anthropic Claude Sonnet 4.6"
	for _, tt := range []struct {
		name     string
		quota    float64 // × need; 0: unreadable; below 1 refused
		unnamed  bool    // a price book removes the quota's names
		reminder string
	}{
		{"above the peak", 2, false, ""},
		{"at the peak", 1, false, ""},
		{"below the peak", 0.5, false, ""},
		{"unreadable", 0, false, "Bedrock quota: could not read"},
		{"unnamed", 2, true, "Bedrock quota: the catalog names no tokens-per-minute quota for global.anthropic.claude-sonnet-4-6 for 2 workloads (review and agent)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:servicequotas/getServiceQuota:getServiceQuota": func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
					asked = append(asked, args.Args["serviceCode"].StringValue()+"/"+args.Args["quotaName"].StringValue())
					if tt.quota == 0 {
						return fails("AccessDeniedException")(args)
					}
					return resource.NewPropertyMapFromMap(map[string]any{"value": tt.quota * need, "id": "q"}), nil
				},
			}
			cfg := Config{}
			if tt.unnamed {
				book, err := modelcatalog.ParseBook("book.json", []byte(`{"as_of": "2026-12-01", "managed": [
 {"id": "claude-sonnet-4.6", "rate_limits": {"bedrock": {"quota_name": null, "regional_quota_name": null}}}]}`))
				if err != nil {
					t.Fatal(err)
				}
				cfg.catalog = modelcatalog.Merge(modelcatalog.Default(), book)
				if err := cfg.catalog.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			_, logs, err := runPreflight(t, p, cfg, answers)
			switch {
			case tt.unnamed && len(asked) != 0:
				t.Errorf("quotas read %v, want none", asked)
			case !tt.unnamed && (len(asked) != 1 || asked[0] != "bedrock/"+name):
				t.Errorf("quotas read %v, want [bedrock/%s]", asked, name)
			}
			if tt.quota > 0 && tt.quota < 1 {
				if err == nil || !strings.Contains(err.Error(), "Bedrock quota \""+name+"\"") || !strings.Contains(err.Error(), "2.00× the quota") ||
					!strings.Contains(err.Error(), "for 2 workloads (review and agent)") {
					t.Fatalf("error %v, want the quota refused at 2.00× for both workloads", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			if got := strings.Contains(logs.text(), "Bedrock quota"); got != (tt.reminder != "") || !strings.Contains(logs.text(), tt.reminder) {
				t.Errorf("quota reminder %v, want %v:\n%s", got, tt.reminder != "", logs.text())
			}
		})
	}
}
