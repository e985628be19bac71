package stacks

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestDockerHubRepo(t *testing.T) {
	tests := []struct {
		image, repo string
		ok          bool
	}{
		{"vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:v0.11.0", true},
		{"ubuntu:24.04", "library/ubuntu:24.04", true},
		{"docker.io/vllm/vllm-openai:v0.11.0", "vllm/vllm-openai:v0.11.0", true},
		{"docker.io/ubuntu", "library/ubuntu", true},
		{"index.docker.io/vllm/vllm-openai@sha256:abc", "vllm/vllm-openai@sha256:abc", true},
		{"registry-1.docker.io/vllm/vllm-openai", "vllm/vllm-openai", true},
		{"Docker.IO/vllm/vllm-openai", "vllm/vllm-openai", true},
		{"docker.io/", "", false},
		{"docker.io.example.net/vllm/vllm-openai", "", false},
		{"ghcr.io/acme/vllm:v1", "", false},
		{"localhost/vllm", "", false},
		{"registry:5000/vllm", "", false},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1", "", false},
	}
	for _, tt := range tests {
		repo, ok := dockerHubRepo(tt.image)
		if ok != tt.ok || (ok && repo != tt.repo) {
			t.Errorf("dockerHubRepo(%q) = %q, %v; want %q, %v", tt.image, repo, ok, tt.repo, tt.ok)
		}
	}
}

// TestDockerHubHostThroughTheCache: an image that names Docker Hub's host
// is pulled through the ECR cache like one that names none — else the
// instances would pull it anonymously through NAT while the plan, which
// counts Docker Hub images as coming from ECR once credentials are set,
// leaves those pulls off the bill.
func TestDockerHubHostThroughTheCache(t *testing.T) {
	p := examplePlan(t, "regulated")
	rs, _, err := run(t, p, Config{
		VLLMImage:            "docker.io/vllm/vllm-openai:v0.11.0",
		DockerHubCredentials: pulumi.ToSecret(pulumi.String(`{"username":"u","accessToken":"dckr_pat_x"}`)).(pulumi.StringOutput),
	})
	if err != nil {
		t.Fatal(err)
	}
	rule := one(t, rs, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
	prefix := rule.Properties["ecrRepositoryPrefix"].(string)
	want := previewAccount + ".dkr.ecr." + previewRegion + ".amazonaws.com/" + prefix + "/vllm/vllm-openai:v0.11.0"
	if ud := userData(t, rs); !strings.Contains(ud, "docker pull "+want) {
		t.Errorf("user data does not pull %s from the cache", want)
	}
}
