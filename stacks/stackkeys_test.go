package stacks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// TestStackFileReadAsPulumiReadsIt: a stack file is read with the keys
// and values Pulumi reads (workspace.LoadProjectStackBytes), or refused.
// A key without a namespace is the project's ("catalog: cheap.json" is
// costgate:catalog), "costgate:config:catalog" is costgate:catalog, and a
// !!binary value is its decoded text: costgate had read none of them, so
// pulumi up priced with a book, or ran an image, no gate saw. Two keys
// Pulumi reads as one are refused (it keeps either at random).
func TestStackFileReadAsPulumiReadsIt(t *testing.T) {
	const spec = "  costgate:spec: teams/a.hcl\n"
	for _, tt := range []struct {
		name, project, lines string
		want                 string // "" when read
	}{
		{"namespaced keys", "costgate", spec + "  costgate:catalog: deploy/book.json\n  aws:region: eu-west-1\n", ""},
		{"a price book without its namespace", "costgate", spec + "  catalog: deploy/book.json\n", ""},
		{"policy folders without their namespace", "costgate", spec + "  policyDirs: [deploy/team]\n", ""},
		{"the spec without its namespace", "costgate", "  spec: teams/a.hcl\n", ""},
		{"the compatibility form", "costgate", spec + "  costgate:config:catalog: deploy/book.json\n  aws:config:region: eu-west-1\n", ""},
		{"a key without a namespace and no project file", "", spec + "  catalog: deploy/book.json\n", "Pulumi.x.yaml:3: catalog has no namespace"},
		{"the spec twice", "costgate", spec + "  spec: other/b.hcl\n", "Pulumi.x.yaml:3: spec and costgate:spec (line 2) are both costgate:spec"},
		{"a price book twice", "costgate", spec + "  costgate:catalog: a.json\n  costgate:config:catalog: b.json\n", "are both costgate:catalog"},
		{"an image in base64", "costgate", spec + "  costgate:vllmImage: !!binary ZXZpbC92bGxtOng=\n", `costgate:vllmImage: "ZXZpbC92bGxtOng=" (tag !!binary) reads in Pulumi as "evil/vllm:x"`},
		{"a policy folder in base64", "costgate", spec + "  costgate:policyDirs: [!!binary ZGVwbG95L3RlYW0=]\n", `reads in Pulumi as "deploy/team"`},
		{"a Region in base64", "costgate", spec + "  aws:region: !!binary ZXUtd2VzdC0x\n", `aws:region: "ZXUtd2VzdC0x" (tag !!binary)`},
		{"a date and a number as written", "costgate", spec + "  costgate:capacityBlockEnd: \"2027-01-15\"\n  costgate:vpcCidr: \"10.1.0.0/16\"\n  costgate:consumerExternalId: 1234\n  costgate:alarmTopicArn:\n", ""},
		{"an unquoted date", "costgate", spec + "  costgate:capacityBlockEnd: 2027-01-15\n", `reads in Pulumi as "2027-01-15 00:00:00 +0000 UTC"`},
		{"a null written as a path", "costgate", spec + "  costgate:catalog: ~\n", `costgate:catalog: "~" (tag !!null) reads in Pulumi as ""`},
		{"another namespace's tags", "costgate", spec + "  acme:blob: !!binary ZXZpbA==\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.project != "" {
				if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: "+tt.project+"\nruntime: go\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(filepath.Join(dir, "deploy"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "deploy/book.json"), []byte(`{"as_of": "2026-11-20"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "Pulumi.x.yaml")
			text := "config:\n" + tt.lines
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := ReadStackConfig(path)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one saying %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			ps, err := workspace.LoadProjectStackBytes(nil, &workspace.Project{Name: "costgate"}, []byte(text), path, encoding.YAML)
			if err != nil {
				t.Fatal(err)
			}
			pulumi := func(key string) string {
				v, ok := ps.Config[config.MustParseKey(key)]
				if !ok {
					return ""
				}
				s, err := v.Value(nil)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			under := func(p string) string {
				if p == "" {
					return ""
				}
				return filepath.Join(dir, p)
			}
			dirs := make([]string, len(cfg.PolicyDirs))
			for i, d := range cfg.PolicyDirs {
				dirs[i], _ = filepath.Rel(dir, d)
			}
			for _, c := range [][3]string{
				{"costgate:spec", cfg.SpecPath, under(pulumi("costgate:spec"))},
				{"costgate:catalog", cfg.CatalogPath, under(pulumi("costgate:catalog"))},
				{"aws:region", cfg.Region, pulumi("aws:region")},
				{"costgate:capacityBlockEnd", cfg.CapacityBlockEnd, pulumi("costgate:capacityBlockEnd")},
				{"costgate:consumerExternalId", cfg.ConsumerExternalID, pulumi("costgate:consumerExternalId")},
			} {
				if c[1] != c[2] {
					t.Errorf("%s: costgate reads %q, Pulumi %q", c[0], c[1], c[2])
				}
			}
			if want := pulumi("costgate:policyDirs"); want != "" && !slices.Equal(dirs, strings.Split(strings.Trim(want, `[]"`), `","`)) {
				t.Errorf("costgate:policyDirs: costgate reads %q, Pulumi %s", dirs, want)
			}
		})
	}
}
