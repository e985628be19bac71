package policies

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBaseWaivers: a base's data files narrow the built-in rules, never
// widen them, in any order; a file that does not read leaves nothing
// waivable; Within keeps what both rules admit.
func TestBaseWaivers(t *testing.T) {
	finance := `{"costgate": {"waivers": {"spec.loosened": {"max_days": 0, "approvers": ["@finance"]}}}}`
	for _, tt := range []struct {
		name  string
		files []string
		want  map[string]WaiverRule
	}{
		{"narrowed", []string{finance}, map[string]WaiverRule{"spec.loosened": {MaxDays: 0, Approvers: []string{"@finance"}}}},
		{"a later file cannot widen", []string{finance, `{"costgate": {"waivers": {"spec.loosened": {"max_days": 90, "approvers": ["*"]}}}}`},
			map[string]WaiverRule{"spec.loosened": {MaxDays: 0, Approvers: []string{"@finance"}}}},
		{"switched off", []string{`{"costgate": {"waivers": {"spec.loosened": false}}}`}, map[string]WaiverRule{"spec.loosened": {}}},
		{"a rule that does not read", []string{`{"costgate": {"waivers": {"spec.loosened": {"approvers": ["*"]}}}}`}, map[string]WaiverRule{"spec.loosened": {}}},
		{"no JSON object", []string{`[1]`}, map[string]WaiverRule{"spec.loosened": {}, "spend.limit": {}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := make([][]byte, len(tt.files))
			for i, f := range tt.files {
				raw[i] = []byte(f)
			}
			got, err := BaseWaivers(raw)
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				r, ok := got.Rule(id)
				if want.Approvers == nil {
					if ok {
						t.Errorf("%s is waivable: %+v", id, r)
					}
					continue
				}
				if diff := cmp.Diff(want, r); diff != "" {
					t.Errorf("%s (-want +got):\n%s", id, diff)
				}
			}
		})
	}
	head := WaiverRules{"spec.loosened": {MaxDays: 90, Approvers: []string{"*"}}, "spend.limit": {MaxDays: 30, Approvers: []string{"@cfo", "@vp"}}}
	base := WaiverRules{"spec.loosened": {MaxDays: 0, Approvers: []string{"@finance"}}, "spend.limit": {MaxDays: 90, Approvers: []string{"@VP"}}}
	want := WaiverRules{"spec.loosened": {MaxDays: 0, Approvers: []string{"@finance"}}, "spend.limit": {MaxDays: 30, Approvers: []string{"@vp"}}}
	if diff := cmp.Diff(want, head.Within(base)); diff != "" {
		t.Errorf("Within (-want +got):\n%s", diff)
	}
}
