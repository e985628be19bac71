package inference

// How long the fleet lets a stream run before it stops an instance, and
// how a spot instance drains within its interruption notice.

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
)

// The bounds of StreamSeconds: the shortest drain that lets an agent's
// stream of a few minutes finish, and the longest a scale-in waits.
const (
	MinStreamSeconds = 300
	MaxStreamSeconds = 3600
)

// StreamSeconds is the longest stream the fleet expects: a response as
// long as the context the fleet serves (max_model_len; vLLM lets a
// request without max_tokens generate up to it) at one sequence's decode
// rate under load (the throughput figure's decode rate over its
// concurrency), clamped to [MinStreamSeconds, MaxStreamSeconds]. The
// target group's deregistration delay and the container's stop timeout
// both use it. Without a decode rate it is the longest.
func StreamSeconds(maxModelLen int, t modelcatalog.Throughput) int {
	perSeq := t.DecodeTokS / float64(max(t.Concurrency, 1))
	if perSeq <= 0 || maxModelLen <= 0 {
		return MaxStreamSeconds
	}
	s := int(math.Ceil(float64(maxModelLen) / perSeq))
	return min(max(s, MinStreamSeconds), MaxStreamSeconds)
}

// IdleTimeoutSeconds is the fleet's load balancer's idle timeout: a
// connection that receives no byte for that long is closed (HTTP 504), so
// a request still queued for its first token fails then. A stream sends
// tokens well within it; the sizer keeps every workload's p99.9 time to
// first token under it (fewer than one request in a thousand fails at
// peak), and latency.timeout denies a fleet that is not. (An Application
// Load Balancer allows 1 to 4,000 seconds.)
const IdleTimeoutSeconds = 600

// IdleTimeoutMs is IdleTimeoutSeconds in milliseconds.
const IdleTimeoutMs = IdleTimeoutSeconds * 1000

// SpotNoticeDrainSeconds is how long a spot instance lets its streams run
// after the 2-minute interruption notice, leaving time to complete its
// lifecycle action before EC2 takes it.
const SpotNoticeDrainSeconds = 90

// drainScript runs beside vLLM on a spot fleet: on the spot interruption
// notice (IMDS spot/instance-action) or a scale-in (IMDS
// autoscaling/target-lifecycle-state "Terminated") it takes the instance
// out of the target group at once, lets the streams in flight finish until
// vLLM reports none running or, at most, SpotNoticeDrainSeconds after a
// notice or the stop timeout (the longest stream) in a scale-in, and
// completes the termination lifecycle action so the group goes on.
func (a CloudInitArgs) drainScript(port int) string {
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	s.WriteString("set -uo pipefail\n")
	s.WriteString("imds=http://169.254.169.254/latest\n")
	s.WriteString("md() { tok=$(curl -sf -X PUT \"$imds/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') && curl -sf -H \"X-aws-ec2-metadata-token: $tok\" \"$imds/meta-data/$1\"; }\n")
	s.WriteString("until id=$(md instance-id); do sleep 5; done\n")
	s.WriteString("while :; do\n")
	fmt.Fprintf(&s, "  md spot/instance-action >/dev/null && { grace=%d; break; }\n", SpotNoticeDrainSeconds)
	fmt.Fprintf(&s, "  [ \"$(md autoscaling/target-lifecycle-state)\" = Terminated ] && { grace=%d; break; }\n", a.stopTimeout())
	s.WriteString("  sleep 5\n")
	s.WriteString("done\n")
	fmt.Fprintf(&s, "aws elbv2 deregister-targets --region %s --target-group-arn %s --targets \"Id=$id,Port=%d\" || true\n",
		shellQuote(a.Region), shellQuote(a.TargetGroupARN), port)
	s.WriteString("deadline=$(( $(date +%s) + grace ))\n")
	s.WriteString("while [ \"$(date +%s)\" -lt \"$deadline\" ]; do\n")
	fmt.Fprintf(&s, "  running=$(curl -s http://127.0.0.1:%d/metrics | awk '/^vllm:num_requests_running/ {n += $2} END {print n + 0}')\n", port)
	s.WriteString("  [ \"${running%.*}\" = 0 ] && break\n")
	s.WriteString("  sleep 5\n")
	s.WriteString("done\n")
	fmt.Fprintf(&s, "aws autoscaling complete-lifecycle-action --region %s --auto-scaling-group-name %s --lifecycle-hook-name %s --instance-id \"$id\" --lifecycle-action-result CONTINUE || true\n",
		shellQuote(a.Region), shellQuote(a.AutoScalingGroup), shellQuote(a.DrainHook))
	return s.String()
}

// drainUnit runs drain.sh from boot.
var drainUnit = strings.Join([]string{
	"[Unit]",
	"Description=Drain on a spot interruption notice or a scale-in (costgate)",
	"After=network-online.target",
	"Wants=network-online.target",
	"",
	"[Service]",
	"Type=simple",
	"ExecStart=/opt/costgate/drain.sh",
	"Restart=on-failure",
	"",
	"[Install]",
	"WantedBy=multi-user.target",
	"",
}, "\n")
