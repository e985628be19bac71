package spec

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestAlertEmailsOnce holds budget.alert_emails to one entry a mailbox, as
// every other list of the spec is: a repeated address (in any letter case)
// became a second budget subscriber and a second SNS subscription of the
// same mailbox.
func TestAlertEmailsOnce(t *testing.T) {
	tests := []struct {
		name   string
		emails string
		want   []string // the emails decoded; nil when an error is expected
		line   int      // the line the error points at
	}{
		{name: "distinct", emails: `["a@x.example", "b@x.example"]`, want: []string{"a@x.example", "b@x.example"}},
		{name: "repeated", emails: `["a@x.example", "a@x.example"]`, line: 12},
		{name: "repeated in another case", emails: `["a@x.example", "A@X.example"]`, line: 12},
		{name: "repeated on its own line", emails: "[\n    \"a@x.example\",\n    \"b@x.example\",\n    \"a@x.example\",\n  ]", line: 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "team \"acme\" {\n  developers = 10\n  tokens_per_developer = 1e6\n  cost_center = \"x\"\n}\n" +
				"workload \"w\" {\n  share = 1\n  complexity = \"simple\"\n}\n" +
				"budget {\n  monthly_limit_usd = 100\n" +
				"  alert_emails = " + tt.emails + "\n}\n"
			s, diags := NewParser(modelcatalog.Default()).Parse("p.hcl", []byte(src))
			if tt.want != nil {
				if diags.HasErrors() {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				if strings.Join(s.Budget.AlertEmails, ",") != strings.Join(tt.want, ",") {
					t.Fatalf("alert_emails = %v, want %v", s.Budget.AlertEmails, tt.want)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != "Duplicate email address" {
				t.Fatalf("diagnostics = %v, want one \"Duplicate email address\"", diags)
			}
			if got := diags[0].Subject.Start.Line; got != tt.line {
				t.Errorf("error at line %d, want %d", got, tt.line)
			}
			if !strings.Contains(diags[0].Detail, "budget.alert_emails") {
				t.Errorf("detail %q names no attribute", diags[0].Detail)
			}
		})
	}
}
