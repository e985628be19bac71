package stacks

import (
	"errors"
	"strings"
	"testing"
)

// TestBedrockProfilesTakeTheCostCenter: the spec admits a cost_center of
// any Unicode letters, digits and spaces (the tag values EC2, IAM, RDS,
// ECS and most services take), but Bedrock's Tag is ASCII only
// (CreateInferenceProfile), so a team's application inference profiles
// with a cost center such as "Forschung Köln" stopped pulumi up after the
// rest of the gateway was created. The preflight refuses it first, and a
// fleet without Bedrock keeps such a cost center.
func TestBedrockProfilesTakeTheCostCenter(t *testing.T) {
	for _, tt := range []struct {
		costCenter string
		refuse     bool
	}{
		{"r+d / platform", false},
		{"finance: EMEA@hq", false},
		{"Forschung Köln", true},
		{"研究開発", true},
		{"ops\u00a0team", true}, // a no-break space: not ASCII white space
		{"Ⅻ", true},             // a Unicode number
	} {
		t.Run(tt.costCenter, func(t *testing.T) {
			p := examplePlan(t, "company-50")
			p.Inputs.CostCenter = tt.costCenter
			rs, _, err := run(t, p, Config{})
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), "cost_center")):
				t.Fatalf("error %v, want a preflight problem naming the cost_center", err)
			case tt.refuse && len(rs) != 0:
				t.Errorf("%d resources registered before the refusal", len(rs))
			case !tt.refuse && err != nil:
				t.Fatalf("deploy: %v", err)
			}
			for _, pr := range ofType(rs, "aws:bedrock/inferenceProfile:InferenceProfile") {
				for k, v := range pr.Properties["tags"].(map[string]any) {
					if !bedrockTagValue.MatchString(v.(string)) {
						t.Errorf("profile %s tag %s=%q breaks Bedrock's pattern", pr.Name, k, v)
					}
				}
			}
		})
	}
	p := examplePlan(t, "regulated")
	p.Inputs.CostCenter = "Forschung Köln"
	if _, _, err := run(t, p, Config{}); err != nil {
		t.Errorf("a fleet without Bedrock refused a Unicode cost center: %v", err)
	}
}
