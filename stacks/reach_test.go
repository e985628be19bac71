package stacks

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestPricedLinesMatchRegistered: for each configuration the plan prices
// the router, its database and the PrivateLink front exactly when the
// preview registers them, the database at the class and storage the
// instance has, and the option's cost moves by those lines only.
func TestPricedLinesMatchRegistered(t *testing.T) {
	spec := filepath.Join("..", "examples", "enterprise-hybrid.hcl")
	lines := []struct {
		prefix string
		// registered says whether the preview registered what the line prices.
		registered func(rs []plan.Resource) bool
	}{
		{"LiteLLM router on Fargate", func(rs []plan.Resource) bool { return countTypes(rs)[RouterType] == 1 }},
		{"LiteLLM database: RDS for PostgreSQL " + RouterDBInstanceClass + ",", func(rs []plan.Resource) bool {
			dbs := ofType(rs, "aws:rds/instance:Instance")
			return len(dbs) == 1 && dbs[0].Properties["instanceClass"] == RouterDBInstanceClass && dbs[0].Properties["multiAz"] == false
		}},
		{fmt.Sprintf("LiteLLM database storage: %d GB gp3", RouterDBStorageGB), func(rs []plan.Resource) bool {
			dbs := ofType(rs, "aws:rds/instance:Instance")
			return len(dbs) == 1 && dbs[0].Properties["allocatedStorage"] == float64(RouterDBStorageGB) && dbs[0].Properties["storageType"] == "gp3"
		}},
	}
	var base float64
	for i, tt := range []struct {
		name string
		cfg  Config
		// extra is the monthly cost the configuration adds to the first's.
		extra float64
	}{
		{"no router", Config{}, 0},
		{"router", Config{DeployGateway: true}, 37.34 + 11.68 + 2.30},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.SpecPath = spec
			p, err := buildPlan(context.Background(), cfg, planDate)
			if err != nil {
				t.Fatal(err)
			}
			o := p.Chosen()
			if o == nil {
				t.Fatal("no option chosen")
			}
			for _, l := range lines {
				priced := false
				for _, it := range o.LineItems {
					priced = priced || strings.HasPrefix(it.Name, l.prefix)
				}
				if reg := l.registered(p.Resources); priced != reg {
					t.Errorf("%q priced %v, its resources registered %v", l.prefix, priced, reg)
				}
			}
			if i == 0 {
				base = o.MonthlyUSD.Expected
			} else if d := o.MonthlyUSD.Expected - base; d < tt.extra-0.01 || d > tt.extra+0.01 {
				t.Errorf("the configuration adds $%.2f a month, want $%.2f", d, tt.extra)
			}
		})
	}
}
