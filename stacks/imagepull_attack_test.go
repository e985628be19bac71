package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// TestImageFromECRCannotBeFaked is the change that would drop the image's
// pulls through NAT from the bill while the instances still pull through
// it: a stack file naming a registry that only looks like ECR, or an ECR
// of another region (whose layers do not come through the VPC's S3
// gateway endpoint). Only a private ECR registry of the stack's own
// region, or the pull-through cache, prices no pulls.
func TestImageFromECRCannotBeFaked(t *testing.T) {
	const noRegion = " (no aws:region)"
	s, diags := spec.NewParser(modelcatalog.Default()).ParseFile(filepath.Join("..", "examples", "regulated.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, tt := range []struct {
		lines string
		ecr   bool
		// cache is set when the stack runs the pull-through cache, whose
		// secret and stored image the plan then bills.
		cache bool
	}{
		{"costgate:vllmImage: 123456789012.dkr.ecr.us-east-1.amazonaws.com.example.net/vllm:v1", false, false},
		{"costgate:vllmImage: evil.example.net/123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", false, false},
		{"costgate:vllmImage: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/vllm:v1", false, false},
		{"costgate:vllmImage: 12345.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", false, false},
		{"costgate:vllmImage: 123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", true, false},
		{"costgate:dockerHubCredentials:\n    secure: v1:abc", true, true},
		{"costgate:dockerHubCredentials:\n    secure: v1:abc\n  costgate:vllmImage: ghcr.io/acme/vllm:v1", false, false},
		// Docker Hub named by its host goes through the cache too.
		{"costgate:dockerHubCredentials:\n    secure: v1:abc\n  costgate:vllmImage: docker.io/vllm/vllm-openai:v0.11.0", true, true},
		{"costgate:vllmImage: docker.io/vllm/vllm-openai:v0.11.0", false, false},
		{"costgate:dockerHubCredentials:\n    secure: v1:abc\n  costgate:vllmImage: docker.io.example.net/vllm/vllm-openai:v0.11.0", false, false},
		{"costgate:dockerHubCredentials:\n    secure: v1:abc\n  costgate:vllmImage: 123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", true, false},
		// Without aws:region the fleet runs in the spec's Region (the
		// preflight holds the provider's to it): an image of another
		// Region's ECR was priced as pulled in-Region.
		{"costgate:vllmImage: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/vllm:v1" + noRegion, false, false},
		{"costgate:vllmImage: 123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1" + noRegion, true, false},
	} {
		path := filepath.Join(t.TempDir(), "Pulumi.s.yaml")
		region := "aws:region: us-east-1\n  "
		if strings.HasSuffix(tt.lines, noRegion) {
			region, tt.lines = "", strings.TrimSuffix(tt.lines, noRegion)
		}
		text := "config:\n  " + region + "costgate:spec: s.hcl\n  " + tt.lines + "\n"
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		if err != nil {
			t.Fatalf("%s: %v", tt.lines, err)
		}
		d := cfg.Deployment().In(s.SelfHosted.Region)
		if d.ImageFromECR != tt.ecr {
			t.Errorf("%s: image from ECR %v, want %v", tt.lines, d.ImageFromECR, tt.ecr)
		}
		r, err := costmodel.Evaluate(s, modelcatalog.Default().ForDeployment(d), planDate.Format(time.DateOnly))
		if err != nil {
			t.Fatal(err)
		}
		pulls, secret, stored := false, false, false
		for _, it := range r.Option("self_hosted").LineItems {
			pulls = pulls || it.Name == "vLLM image pulls through NAT"
			secret = secret || it.Name == "Docker Hub credentials for the ECR pull-through cache"
			stored = stored || it.Name == "vLLM image cached in ECR"
		}
		if pulls == tt.ecr {
			t.Errorf("%s: image pulls through NAT priced %v, want %v", tt.lines, pulls, !tt.ecr)
		}
		if d.PullCache != tt.cache || secret != tt.cache || stored != tt.cache {
			t.Errorf("%s: pull-through cache %v, its secret priced %v, its image %v; want %v", tt.lines, d.PullCache, secret, stored, tt.cache)
		}
	}
}

// TestCrossRegionImageIsWarned: a fleet pulling its image from ECR in
// another Region than its own is priced through the NAT gateway and
// warned (sizing.image_region) of the inter-Region transfer AWS bills the
// registry's account, which the plan does not price; one in its own
// Region, or a fleet that starts no instance daily, is not.
func TestCrossRegionImageIsWarned(t *testing.T) {
	for _, tt := range []struct {
		name, example, image string
		want                 bool
	}{
		{"another Region, business hours", "regulated.hcl", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/vllm:v1", true},
		{"its own Region", "regulated.hcl", "123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", false},
		{"Docker Hub", "regulated.hcl", "docker.io/vllm/vllm-openai:v0.11.0", false},
	} {
		s, diags := spec.NewParser(modelcatalog.Default()).ParseFile(filepath.Join("..", "examples", tt.example))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		path := filepath.Join(t.TempDir(), "Pulumi.s.yaml")
		if err := os.WriteFile(path, []byte("config:\n  costgate:spec: s.hcl\n  costgate:vllmImage: "+tt.image+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := costmodel.Evaluate(s, modelcatalog.Default().ForDeployment(cfg.Deployment().In(s.SelfHosted.Region)), planDate.Format(time.DateOnly))
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for _, n := range r.Option("self_hosted").Notes {
			if n.ID == "sizing.image_region" {
				warned = true
				if !strings.Contains(n.Message, "from ECR in eu-west-1") || !strings.Contains(n.Message, "replicate the image into us-east-1") {
					t.Errorf("%s: %q", tt.name, n.Message)
				}
			}
		}
		if warned != tt.want {
			t.Errorf("%s: sizing.image_region %v, want %v", tt.name, warned, tt.want)
		}
	}
}
