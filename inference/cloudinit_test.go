package inference

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/modelcatalog"
)

func TestCloudInitGolden(t *testing.T) {
	base := []string{
		"Qwen/Qwen3-Coder-30B-A3B-Instruct",
		"--served-model-name", "qwen3-coder-30b-a3b",
		"--tensor-parallel-size", "1",
		"--data-parallel-size", "8",
		"--max-model-len", "32768",
		"--enable-prefix-caching", "--port", "8000",
	}
	tests := []struct {
		name string
		args CloudInitArgs
	}{
		{"open-model", CloudInitArgs{
			Image:           VLLMImage,
			Region:          "us-east-1",
			APIKeySecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-vllm-api-key-AbCdEf",
			VLLMArgs:        base,
		}},
		{"gated-model", CloudInitArgs{
			Image:            VLLMImage,
			Region:           "eu-west-1",
			APIKeySecretARN:  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-vllm-api-key-AbCdEf",
			HFTokenSecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-hf-token-GhIjKl",
			VLLMArgs: []string{"meta-llama/Llama-3.3-70B-Instruct", "--tensor-parallel-size", "2",
				"--quantization", "fp8", "--served-model-name", "it's quoted"},
		}},
		{"lifecycle-hook-ecr", CloudInitArgs{
			Image:              "123456789012.dkr.ecr.us-east-1.amazonaws.com/costgate-docker-1a2b3c4d/vllm/vllm-openai:v" + VLLMVersion + "-cu129",
			Region:             "us-east-1",
			APIKeySecretARN:    "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-vllm-api-key-AbCdEf",
			VLLMArgs:           base,
			RegistryLogin:      "123456789012.dkr.ecr.us-east-1.amazonaws.com",
			LifecycleHook:      "model-loaded",
			AutoScalingGroup:   "acme-vllm-0123abcd",
			LoadTimeoutSeconds: 21600,
		}},
		{"weights-mirror", CloudInitArgs{
			Image:            VLLMImage,
			Region:           "us-east-1",
			APIKeySecretARN:  "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-vllm-api-key-AbCdEf",
			HFTokenSecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-hf-token-GhIjKl",
			VLLMArgs:         base,
			MirrorBucket:     "costgate-weights-0123456789abcdef",
			MirrorPrefix:     "models/Qwen/Qwen3-Coder-30B-A3B-Instruct",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CloudInit(tt.args)
			if err != nil {
				t.Fatalf("CloudInit: %v", err)
			}
			golden.Check(t, filepath.Join("testdata", "cloudinit", tt.name+".yaml"), []byte(got))
			// Properties a golden file could silently lose on -update.
			for _, must := range []string{"#cloud-config\n", tt.args.Image, "--runtime nvidia", tt.args.APIKeySecretARN} {
				if !strings.Contains(got, must) {
					t.Errorf("user data lacks %q", must)
				}
			}
			for _, arg := range tt.args.VLLMArgs {
				if !strings.Contains(got, shellQuote(arg)) {
					t.Errorf("user data lacks argument %q", arg)
				}
			}
			if hf := strings.Contains(got, "HF_TOKEN"); hf != (tt.args.HFTokenSecretARN != "") {
				t.Errorf("HF_TOKEN present = %v, want %v", hf, tt.args.HFTokenSecretARN != "")
			}
		})
	}
}

func TestCloudInitRejects(t *testing.T) {
	ok := CloudInitArgs{
		Image: VLLMImage, Region: "us-east-1", APIKeySecretARN: "arn:key",
		VLLMArgs: []string{"org/model"},
	}
	tests := []struct {
		name   string
		mutate func(*CloudInitArgs)
		want   string
	}{
		{"unpinned image", func(a *CloudInitArgs) { a.Image = "vllm/vllm-openai" }, "pinned tag"},
		{"latest tag", func(a *CloudInitArgs) { a.Image = "vllm/vllm-openai:latest" }, "latest"},
		{"no region", func(a *CloudInitArgs) { a.Region = "" }, "region is empty"},
		{"no key", func(a *CloudInitArgs) { a.APIKeySecretARN = "" }, "API key secret ARN is empty"},
		{"no args", func(a *CloudInitArgs) { a.VLLMArgs = nil }, "no vLLM arguments"},
		{"no model", func(a *CloudInitArgs) { a.VLLMArgs = []string{"--port", "8000"} }, "name no model"},
		{"deprecated --model", func(a *CloudInitArgs) { a.VLLMArgs = []string{"--model", "org/model"} }, "--model is deprecated"},
		{"api key flag", func(a *CloudInitArgs) { a.VLLMArgs = append(a.VLLMArgs, "--api-key", "x") }, "environment"},
		{"newline", func(a *CloudInitArgs) { a.VLLMArgs = append(a.VLLMArgs, "a\nb") }, "control character"},
		{"bad port", func(a *CloudInitArgs) { a.Port = 70000 }, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			a.VLLMArgs = append([]string(nil), ok.VLLMArgs...)
			tt.mutate(&a)
			_, err := CloudInit(a)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CloudInit error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := CloudInit(ok); err != nil {
		t.Fatalf("CloudInit(valid): %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"--model", "--model"},
		{"Qwen/Qwen3-Coder", "Qwen/Qwen3-Coder"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"$(reboot)", "'$(reboot)'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := shellQuote(tt.in); got != tt.want {
				t.Errorf("shellQuote(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestVLLMArgsExistInPinnedParser checks every flag VLLMArgs can generate
// against the `vllm serve` parser of the pinned release.
func TestVLLMArgsExistInPinnedParser(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "vllm-serve-flags.json"))
	if err != nil {
		t.Fatal(err)
	}
	var parser struct {
		Version   string   `json:"vllm_version"`
		BoolPair  []string `json:"bool_pair"`
		StoreTrue []string `json:"store_true"`
		Value     []string `json:"value"`
		// Positional is `vllm serve`'s one positional argument.
		Positional string `json:"positional"`
	}
	if err := json.Unmarshal(raw, &parser); err != nil {
		t.Fatal(err)
	}
	if parser.Version != VLLMVersion {
		t.Fatalf("flag dump is of vLLM %s, the image pins %s", parser.Version, VLLMVersion)
	}
	if !strings.Contains(VLLMImage, ":v"+VLLMVersion) {
		t.Errorf("image %s does not carry version %s", VLLMImage, VLLMVersion)
	}
	takesValue := map[string]bool{}
	for _, f := range parser.Value {
		takesValue[f] = true
	}
	switches := map[string]bool{}
	for _, f := range append(parser.BoolPair, parser.StoreTrue...) {
		switches[f] = true
	}
	m := &modelcatalog.OpenModel{ID: "m", HFRepo: "org/m"}
	args := VLLMArgs(m, Fleet{TensorParallel: 2, ReplicasPerInstance: 4, MaxModelLen: 8192, MaxNumSeqs: 64, Quantization: "fp8"})
	if len(args) == 0 || args[0] != m.HFRepo || parser.Positional != "model_tag" {
		t.Fatalf("args %v: want the model first, as vLLM %s's positional %q", args, parser.Version, parser.Positional)
	}
	seen := 0
	for i := 1; i < len(args); i++ {
		f := args[i]
		switch {
		case takesValue[f]:
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
				t.Errorf("%s takes a value in vLLM %s; none follows", f, parser.Version)
			}
			i++
		case switches[f]:
		default:
			t.Errorf("vLLM %s's parser has no flag %s", parser.Version, f)
		}
		seen++
	}
	if seen < 9 {
		t.Errorf("checked %d flags of %v; the fleet generates at least 9", seen, args)
	}
}

// TestHeartbeatsBeforeThePullAndStreamsDrain: the launch hook's heartbeats
// start before vllm.service, whose start pulls the image (a cold pull may
// outlast one heartbeat timeout), the ready unit is not ordered after it,
// and a stop lets the longest agent stream finish.
func TestHeartbeatsBeforeThePullAndStreamsDrain(t *testing.T) {
	ud, err := CloudInit(CloudInitArgs{
		Image: VLLMImage, Region: "us-east-1", APIKeySecretARN: "arn:key", VLLMArgs: []string{"org/model"},
		LifecycleHook: "loaded", AutoScalingGroup: "g", LoadTimeoutSeconds: 3600,
	})
	if err != nil {
		t.Fatal(err)
	}
	ready := strings.Index(ud, "[systemctl, start, --no-block, costgate-ready.service]")
	vllm := strings.Index(ud, "[systemctl, start, --no-block, vllm.service]")
	if ready < 0 || vllm < 0 || ready > vllm || strings.Contains(ud, "enable, --now, vllm.service") {
		t.Errorf("the ready unit (at %d) must start, without waiting, before vllm.service (at %d):\n%s", ready, vllm, ud)
	}
	if strings.Contains(readyUnit, "After=vllm.service") {
		t.Errorf("the ready unit waits for vllm.service's start, which includes the pull")
	}
	if DefaultStopTimeoutSeconds < 300 || !strings.Contains(ud, "docker stop --time 900 vllm") || !strings.Contains(ud, "TimeoutStopSec=930") {
		t.Errorf("a stop does not give streams %d s to finish:\n%s", DefaultStopTimeoutSeconds, ud)
	}
}

// TestCloudInitFitsEC2UserData: EC2 refuses user data above 16 KB before
// base64 encoding. The largest the program writes — every part on (the
// Hugging Face token, an ECR login, the lifecycle hook, the weights mirror,
// a spot fleet's drain), each name at the longest AWS allows it (a secret's
// name 512 characters, an Auto Scaling group's and a lifecycle hook's 255,
// a target group's 32, a bucket's 63) and the sizer's longest argument list
// — fits, and anything past the limit is refused when it is built, not when
// pulumi up creates the launch template.
func TestCloudInitFitsEC2UserData(t *testing.T) {
	long := func(prefix string, n int) string { return prefix + strings.Repeat("a", n-len(prefix)) }
	all := CloudInitArgs{
		Image:              "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/costgate-docker-1a2b3c4d/vllm/vllm-openai:v" + VLLMVersion + "-cu129",
		Region:             "ap-southeast-1",
		APIKeySecretARN:    "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:" + long("s", 512) + "-AbCdEf",
		HFTokenSecretARN:   "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:" + long("s", 512) + "-AbCdEf",
		VLLMArgs:           []string{long("org/", 96), "--served-model-name", long("m", 64), "--tensor-parallel-size", "8", "--data-parallel-size", "1", "--max-model-len", "262144", "--gpu-memory-utilization", "0.9", "--max-num-seqs", "256", "--quantization", "fp8", "--kv-cache-dtype", "fp8", "--enable-prefix-caching", "--enable-expert-parallel", "--port", "8000"},
		RegistryLogin:      "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com",
		LifecycleHook:      long("h", 255),
		AutoScalingGroup:   long("g", 255),
		LoadTimeoutSeconds: 7200,
		StopTimeoutSeconds: 900,
		MirrorBucket:       long("b", 63),
		MirrorPrefix:       long("models/", 7+96+1+40),
		TargetGroupARN:     "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/" + long("t", 32) + "/0123456789abcdef",
		DrainHook:          long("d", 255),
	}
	ud, err := CloudInit(all)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the largest user data: %d bytes of EC2's %d", len(ud), MaxUserDataBytes)
	over := all
	for len(over.VLLMArgs) < 2000 {
		over.VLLMArgs = append(over.VLLMArgs, "--flag-"+fmt.Sprint(len(over.VLLMArgs)))
	}
	if _, err := CloudInit(over); err == nil || !strings.Contains(err.Error(), "16 KB before base64") {
		t.Errorf("CloudInit of %d arguments: error %v, want one naming EC2's 16 KB limit", len(over.VLLMArgs), err)
	}
}
