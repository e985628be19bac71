package stacks

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestRegionalProfileIsProvisioned: a spec whose bedrock_profile is
// "regional" is priced at the regional surcharge and gated against a move
// to the global profile; the program then calls the regional profile of
// the stack's Region (its application profiles copy it, the gateway may
// invoke only it), and refuses a Region whose geography has none, where
// it called the global profile, which may serve a request in any Region.
func TestRegionalProfileIsProvisioned(t *testing.T) {
	for _, tc := range []struct {
		profile, region, want, err string
	}{
		{modelcatalog.BedrockGlobal, "eu-central-1", "global.anthropic.", ""},
		{modelcatalog.BedrockRegional, "eu-central-1", "eu.anthropic.", ""},
		{modelcatalog.BedrockRegional, "us-west-2", "us.anthropic.", ""},
		{modelcatalog.BedrockRegional, "ap-northeast-1", "jp.anthropic.", ""},
		{modelcatalog.BedrockRegional, "ap-south-1", "apac.anthropic.", ""},
		{modelcatalog.BedrockRegional, "sa-east-1", "", "no regional inference profile"},
	} {
		t.Run(tc.profile+"/"+tc.region, func(t *testing.T) {
			p := examplePlan(t, "company-50")
			p.Inputs.BedrockProfile = tc.profile
			res, err := Preview(p, Config{Region: tc.region})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			profiles := ofType(res, "aws:bedrock/inferenceProfile:InferenceProfile")
			if len(profiles) == 0 {
				t.Fatal("no application inference profile")
			}
			for _, pr := range profiles {
				src := pr.Properties["modelSource"].(map[string]any)["copyFrom"].(string)
				if !strings.Contains(src, ":inference-profile/"+tc.want) {
					t.Errorf("profile copies %s, want a %s profile", src, tc.want)
				}
			}
			for _, r := range ofType(res, "aws:iam/rolePolicy:RolePolicy") {
				doc, _ := r.Properties["policy"].(string)
				if strings.Contains(doc, "inference-profile/") && tc.want != "global.anthropic." && strings.Contains(doc, "global.anthropic.") {
					t.Errorf("%s may invoke a global profile: %s", r.Name, doc)
				}
			}
		})
	}
}

func TestBedrockGeographies(t *testing.T) {
	m := &modelcatalog.ManagedModel{BedrockRegionalIDs: []string{"us.x", "eu.x", "jp.x", "apac.x"}}
	for region, want := range map[string]string{
		"us-east-1": "us.x", "us-gov-west-1": "", "eu-west-3": "eu.x", "ap-northeast-3": "jp.x",
		"ap-southeast-2": "apac.x", "ap-southeast-1": "apac.x", "ca-central-1": "", "sa-east-1": "", "": "",
	} {
		if got := m.RegionalID(region); got != want {
			t.Errorf("RegionalID(%q) = %q, want %q", region, got, want)
		}
	}
}
