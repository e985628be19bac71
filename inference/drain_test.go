package inference

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestStreamSeconds: the longest stream is the fleet's context at one
// sequence's decode rate under load, within 300 to 3,600 s; unknown rates
// drain for the longest.
func TestStreamSeconds(t *testing.T) {
	for _, tt := range []struct {
		name   string
		ctx    int
		decode float64
		conc   int
		want   int
	}{
		{"short context floors at 5 minutes", 8192, 2400, 64, 300},
		{"32k at 32 tok/s", 32768, 2048, 64, 1024},
		{"128k caps at an hour", 131072, 2048, 64, 3600},
		{"no concurrency is one sequence", 32768, 40, 0, 820},
		{"no decode rate", 32768, 0, 64, 3600},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := StreamSeconds(tt.ctx, modelcatalog.Throughput{DecodeTokS: tt.decode, Concurrency: tt.conc})
			if got != tt.want {
				t.Errorf("StreamSeconds(%d, %g/%d) = %d, want %d", tt.ctx, tt.decode, tt.conc, got, tt.want)
			}
		})
	}
}

// TestSpotDrain: a spot instance's user data watches for the interruption
// notice and a scale-in, leaves its target group, waits for vLLM's running
// requests within the notice, and completes the termination hook; without
// the drain settings there is none, and half of them is an error.
func TestSpotDrain(t *testing.T) {
	a := CloudInitArgs{
		Image: VLLMImage, Region: "us-east-1", APIKeySecretARN: "arn:aws:secretsmanager:us-east-1:1:secret:k",
		VLLMArgs: []string{"Qwen/Qwen3-Coder-30B-A3B-Instruct", "--port", "8000"}, AutoScalingGroup: "acme-vllm",
		TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/acme-vllm/0123", DrainHook: "costgate-drained",
		StopTimeoutSeconds: 1024,
	}
	ud, err := CloudInit(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"meta-data/$1", "md spot/instance-action >/dev/null && { grace=90; break; }",
		`= Terminated ] && { grace=1024; break; }`,
		"aws elbv2 deregister-targets --region us-east-1 --target-group-arn " + a.TargetGroupARN + ` --targets "Id=$id,Port=8000"`,
		"vllm:num_requests_running", "--lifecycle-hook-name costgate-drained", "--lifecycle-action-result CONTINUE",
		"[systemctl, start, --no-block, costgate-drain.service]",
	} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q", want)
		}
	}
	a.TargetGroupARN = ""
	if _, err := CloudInit(a); err == nil {
		t.Error("a drain hook without its target group is accepted")
	}
	a.DrainHook = ""
	if ud, err := CloudInit(a); err != nil || strings.Contains(ud, "drain") {
		t.Errorf("without the drain: err %v, drain in user data %v", err, strings.Contains(ud, "drain"))
	}
}
