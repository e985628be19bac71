package stacks

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// teamLabel is the spec's team label syntax.
var teamLabel = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)

// FuzzPhysicalName holds every derived name to AWS's load balancer rule
// (the strictest of the names costgate derives) for any label and stack.
func FuzzPhysicalName(f *testing.F) {
	for _, s := range []string{"acme", "internal-tools", "-", strings.Repeat("a", 40), "a--b"} {
		f.Add("prod", s, "vllm")
	}
	f.Fuzz(func(t *testing.T, stack, team, kind string) {
		if !teamLabel.MatchString(team) || !teamLabel.MatchString(kind) {
			return // the spec admits [a-z0-9-]{1,40}; kinds are costgate's own
		}
		name := physicalName(stack, team, kind, "", MaxLoadBalancerName)
		if len(name) > MaxLoadBalancerName || !awsLBName.MatchString(name) || strings.HasPrefix(name, "internal-") {
			t.Errorf("physicalName(%q, %q) = %q breaks AWS's rule", team, kind, name)
		}
		if id := dbIdentifier(stack, team, kind); len(id) > MaxDBIdentifier || !awsDBIdentifier.MatchString(id) {
			t.Errorf("dbIdentifier(%q, %q) = %q breaks RDS's rule", team, kind, id)
		}
		if p := InferenceProfileName(stack, team, kind); len(p) > MaxInferenceProfileName || !awsProfileName.MatchString(p) {
			t.Errorf("InferenceProfileName(%q) = %q breaks Bedrock's rule", team, p)
		}
	})
}

// FuzzReadStackConfig reads hostile stack files: never a panic, and an
// encrypted value never comes back in the configuration or an error.
func FuzzReadStackConfig(f *testing.F) {
	f.Add("config:\n  costgate:spec: a.hcl\n  costgate:vllmApiKey:\n    secure: SENTINEL\n")
	f.Add("config:\n  costgate:subnetIds: '[\"a\"]'\n  costgate:vpcId: v\n  costgate:spec: s\n")
	f.Add("config: [1, 2]\n")
	f.Add("config:\n  costgate:providerKeys:\n    secure: SENTINEL\n  costgate:spec: {secure: SENTINEL}\n")
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(t.TempDir(), "Pulumi.fuzz.yaml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		// Only when the sentinel appears solely as encrypted values.
		if !strings.Contains(text, "SENTINEL") || strings.Count(text, "SENTINEL") != strings.Count(text, "secure: SENTINEL") {
			return
		}
		if err != nil && strings.Contains(err.Error(), "SENTINEL") {
			t.Errorf("error shows an encrypted value: %v", err)
		}
		for _, v := range []string{cfg.SpecPath, cfg.VPCID, cfg.DNSName, cfg.AMIID, cfg.VLLMImage, cfg.CertificateARN, cfg.TimeZone} {
			if strings.Contains(v, "SENTINEL") {
				t.Errorf("configuration holds the encrypted value: %q", v)
			}
		}
	})
}
