package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStackConfigFromElsewhere: pulumi up reads a stack's configuration
// from more than its Pulumi.<stack>.yaml — an imported ESC environment,
// the project's own config in Pulumi.yaml, a stackConfigDir — while
// costgate reads only that file. Each way a costgate key could reach the
// program unseen is refused, naming where it comes from; a project
// declaration without a value, or one the stack file sets itself, is not.
func TestStackConfigFromElsewhere(t *testing.T) {
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/acme.hcl\n"
	tests := []struct {
		name           string
		project, stack string
		want           string // "" when the stack file is read
	}{
		{"no project file", "", stack, ""},
		{"the repository's project file", "name: costgate\nruntime: go\nmain: cmd/costgate-pulumi\n", stack, ""},
		{"an ESC environment imported", "name: costgate\n", "environment:\n  - prices\n" + stack, "imports a Pulumi ESC environment"},
		{"a price book in the project's config", "name: costgate\nconfig:\n  costgate:catalog: teams/cheap.json\n", stack, "gives costgate:catalog a value in the project's configuration"},
		{"policy folders by default, under the project's namespace", "name: costgate\nconfig:\n  policyDirs:\n    default: []\n", stack, "gives costgate:policyDirs a value"},
		{"a declaration without a value", "name: costgate\nconfig:\n  catalog:\n    type: string\n", stack, ""},
		{"a project value the stack file sets", "name: costgate\nconfig:\n  costgate:spec:\n    default: teams/other.hcl\n", stack, ""},
		{"another namespace", "name: costgate\nconfig:\n  aws:profile: dev\n", stack, ""},
		// The program plans in the Region it reads; the gates read the
		// stack file's.
		{"a Region in the project's config", "name: costgate\nconfig:\n  aws:region: eu-central-1\n", "config:\n  costgate:spec: teams/acme.hcl\n", "gives aws:region a value in the project's configuration"},
		{"a Region in both, the stack's wins", "name: costgate\nconfig:\n  aws:region: eu-central-1\n", stack, ""},
		{"stack files kept elsewhere", "name: costgate\nstackConfigDir: stacks/\n", stack, "sets stackConfigDir"},
		// A line break YAML ends a comment at and git does not split at:
		// the image a diff shows commented out is live.
		{"a key behind a hidden line break", "", stack + "  # mirror\u2028  costgate:vllmImage: docker.io/x/vllm:v1\n", "Pulumi.prod.yaml:4:11: holds a line break"},
		{"a project with a hidden line break", "name: costgate\n# note\rmain: elsewhere\n", stack, "Pulumi.yaml:2:7: holds a carriage return without a line feed"},
		{"an invisible character", "", stack + "  acme:owner: \"a\u200b\"\n", "Pulumi.prod.yaml:4:17: holds an invisible character, U+200B ZERO WIDTH SPACE"},
		{"emoji and names", "", "\ufeff" + stack + "  acme:owner: \"Zoë’s “Alpha” team ❤️ 🧑‍💻\"\n  acme:lead: 'Bob’s'\n", ""},
		// A value "closed" by a look-alike quote runs on to a comment's
		// quote: the consumer principals below it are its text.
		{"a value closed by a look-alike quote", "", stack + "  acme:owner: \"platform team, INC-4711\u201d\n  costgate:consumerPrincipals:\n    - arn:aws:iam::123456789012:role/gateway-client\n  # owner strings are quoted with \" # see INC-4711\n", "Pulumi.prod.yaml:4:39: holds U+201D RIGHT DOUBLE QUOTATION MARK, which looks like \", which does not end the quoted value opened at line 4, column 15"},
		// A costgate key spelled with a Cyrillic о is another
		// namespace's: the gate would skip it and Pulumi pass it on.
		{"a key with a look-alike letter", "", stack + "  c\u043estgate:consumerPrincipals:\n    - arn:aws:iam::123456789012:role/gateway-client\n", "Pulumi.prod.yaml:4:4: holds U+043E CYRILLIC SMALL LETTER O, which looks like o, in the key"},
		{"a project value closed by a look-alike quote", "name: costgate\ndescription: 'LLM inference\u2019\nmain: elsewhere # '\n", stack, "Pulumi.yaml:2:28: holds U+2019 RIGHT SINGLE QUOTATION MARK"},
		// UTF-16, which YAML reads and git shows as binary, hid the same.
		{"a stack file in UTF-16", "", utf16(stack + "  # mirror\u2028  costgate:vllmImage: docker.io/x/vllm:v1\n"), "not UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.project != "" {
				if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(tt.project), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "Pulumi.prod.yaml")
			if err := os.WriteFile(path, []byte(tt.stack), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadStackConfig(path)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// utf16 is s as UTF-16 little-endian with its byte-order mark.
func utf16(s string) string {
	b := []byte{0xff, 0xfe}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
