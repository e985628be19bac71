package inference

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// VLLMVersion is the vLLM release the fleet runs (v0.29.0, released
// 2026-09-10, github.com/vllm-project/vllm/releases/tag/v0.29.0). Every flag
// VLLMArgs generates exists in its `vllm serve` parser (testdata/
// vllm-serve-flags.json).
const VLLMVersion = "0.29.0"

// VLLMImage is the pinned vLLM OpenAI-compatible server image. A pinned tag
// keeps an instance refresh from silently changing the serving stack; bump
// it deliberately, together with the catalog's throughput figures. The
// CUDA 12.9 build runs on NVIDIA drivers from 550 on; the default CUDA 13.0
// build of the same tag needs 580 or newer.
const VLLMImage = "vllm/vllm-openai:v" + VLLMVersion + "-cu129"

// CloudInitArgs is what an instance needs to start serving.
type CloudInitArgs struct {
	// Image is the vLLM image with a pinned tag ("vllm/vllm-openai:v0.11.0").
	Image string
	// Region is where the secrets live.
	Region string
	// APIKeySecretARN names the Secrets Manager secret holding the vLLM API key.
	APIKeySecretARN string
	// HFTokenSecretARN names the Hugging Face token secret; empty when the
	// model is not gated.
	HFTokenSecretARN string
	// VLLMArgs are the sized `vllm serve` arguments (see VLLMArgs).
	VLLMArgs []string
	// Port is the port the container publishes; 0 means VLLMPort.
	Port int
	// RegistryLogin is the ECR registry host the image is pulled from
	// ("123456789012.dkr.ecr.us-east-1.amazonaws.com"); empty means a
	// public registry, no login.
	RegistryLogin string
	// LifecycleHook and AutoScalingGroup name the launch lifecycle hook the
	// instance completes once vLLM answers, so that it enters service only
	// with its model loaded; empty means no hook. LoadTimeoutSeconds bounds
	// the wait: past it the launch is abandoned.
	LifecycleHook      string
	AutoScalingGroup   string
	LoadTimeoutSeconds int
	// MirrorBucket and MirrorPrefix name the fleet's S3 weights mirror
	// ("models/<hf repo>"); empty means vLLM downloads the model from
	// Hugging Face itself at every start.
	MirrorBucket string
	MirrorPrefix string
	// TargetGroupARN and DrainHook, both set, add the drain on a spot
	// interruption notice or a scale-in (drainScript): the instance leaves
	// the target group and completes the DrainHook termination hook.
	TargetGroupARN string
	DrainHook      string
	// StopTimeoutSeconds is how long a stopping container has to finish
	// the streams it serves before it is killed; 0 means
	// DefaultStopTimeoutSeconds.
	StopTimeoutSeconds int
}

// DefaultStopTimeoutSeconds is the longest agent stream a fleet drains
// before it stops: coding agents' generations stream for 5 to 15 minutes.
const DefaultStopTimeoutSeconds = 900

// HookHeartbeatSeconds is how often the instance extends its lifecycle
// action while the model loads; the hook's heartbeat timeout must exceed it.
const HookHeartbeatSeconds = 300

// pinnedImage accepts repository:tag with an explicit tag (or a digest).
var pinnedImage = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})\z`)

// CloudInit returns the #cloud-config user data that starts vLLM on a GPU
// instance: a systemd unit that reads the secrets with the instance role into
// a tmpfs environment file, pulls the pinned image and runs it under the
// NVIDIA runtime with the sized arguments, restarting on failure. Secrets are
// never written into the user data itself, which any holder of
// ec2:DescribeInstanceAttribute can read.
func CloudInit(a CloudInitArgs) (string, error) {
	if err := a.validate(); err != nil {
		return "", fmt.Errorf("build cloud-init: %w", err)
	}
	port := a.Port
	if port == 0 {
		port = VLLMPort
	}

	var env strings.Builder
	env.WriteString("#!/bin/bash\n")
	env.WriteString("# Reads the serving secrets with the instance role; the file lives on tmpfs only.\n")
	env.WriteString("set -euo pipefail\n")
	env.WriteString("umask 077\n")
	env.WriteString("mkdir -p /run/costgate\n")
	fmt.Fprintf(&env, "key=$(aws secretsmanager get-secret-value --region %s --secret-id %s --query SecretString --output text)\n",
		shellQuote(a.Region), shellQuote(a.APIKeySecretARN))
	env.WriteString("printf 'VLLM_API_KEY=%s\\n' \"$key\" > /run/costgate/vllm.env.tmp\n")
	if a.HFTokenSecretARN != "" {
		fmt.Fprintf(&env, "token=$(aws secretsmanager get-secret-value --region %s --secret-id %s --query SecretString --output text)\n",
			shellQuote(a.Region), shellQuote(a.HFTokenSecretARN))
		env.WriteString("printf 'HF_TOKEN=%s\\n' \"$token\" >> /run/costgate/vllm.env.tmp\n")
	}
	env.WriteString("mv /run/costgate/vllm.env.tmp /run/costgate/vllm.env\n")

	var run strings.Builder
	run.WriteString("#!/bin/bash\n")
	run.WriteString("set -euo pipefail\n")
	run.WriteString("exec docker run --rm --name vllm --runtime nvidia --gpus all --ipc=host \\\n")
	fmt.Fprintf(&run, "  -p %d:%d --env-file /run/costgate/vllm.env \\\n", port, port)
	run.WriteString("  -v /opt/costgate/hf-cache:/root/.cache/huggingface \\\n")
	if a.MirrorBucket != "" {
		fmt.Fprintf(&run, "  -v %s:%s:ro \\\n", weightsDir, containerWeightsDir)
	}
	fmt.Fprintf(&run, "  %s", shellQuote(a.Image))
	// One flag per line, with its value, so the unit reads like the vLLM docs.
	for i, arg := range a.servedArgs() {
		if i > 0 && !strings.HasPrefix(arg, "--") {
			fmt.Fprintf(&run, " %s", shellQuote(arg))
			continue
		}
		fmt.Fprintf(&run, " \\\n  %s", shellQuote(arg))
	}
	run.WriteString("\n")

	unit := a.vllmUnit(a.stopTimeout())
	var b strings.Builder
	b.WriteString("#cloud-config\n")
	b.WriteString("# Generated by costgate: serves vLLM behind the internal load balancer.\n")
	b.WriteString("write_files:\n")
	writeFile(&b, "/opt/costgate/vllm-env.sh", "0700", env.String())
	writeFile(&b, "/opt/costgate/vllm-pull.sh", "0700", a.pullScript())
	if a.MirrorBucket != "" {
		writeFile(&b, "/opt/costgate/weights.sh", "0700", a.weightsScript())
	}
	writeFile(&b, "/opt/costgate/vllm-run.sh", "0700", run.String())
	writeFile(&b, "/etc/systemd/system/vllm.service", "0644", unit)
	if a.DrainHook != "" {
		writeFile(&b, "/opt/costgate/drain.sh", "0700", a.drainScript(port))
		writeFile(&b, "/etc/systemd/system/costgate-drain.service", "0644", drainUnit)
	}
	if a.LifecycleHook != "" {
		writeFile(&b, "/opt/costgate/ready.sh", "0700", a.readyScript(port))
		writeFile(&b, "/etc/systemd/system/costgate-ready.service", "0644", readyUnit)
	}
	a.runcmd(&b)
	if b.Len() > MaxUserDataBytes {
		return "", fmt.Errorf("build cloud-init: %d bytes of user data, above the %d EC2 accepts (16 KB before base64 encoding): the launch template would be refused at pulumi up", b.Len(), MaxUserDataBytes)
	}
	return b.String(), nil
}

// MaxUserDataBytes is the most user data EC2 accepts for an instance or a
// launch template: "User data is limited to 16 KB, in raw form, before it
// is base64-encoded" (EC2 User Guide, "Run commands when you launch an EC2
// instance with user data input", read 2026-12-06).
const MaxUserDataBytes = 16 << 10

// runcmd appends the commands that start the units: the hook's
// heartbeats and the drain before vLLM, whose start includes the pull.
func (a CloudInitArgs) runcmd(b *strings.Builder) {
	b.WriteString("runcmd:\n")
	// The Deep Learning Base AMI ships the AWS CLI; install it when a custom AMI lacks it.
	b.WriteString("  - [bash, -c, \"command -v aws >/dev/null || snap install aws-cli --classic\"]\n")
	b.WriteString("  - [mkdir, -p, /opt/costgate/hf-cache]\n")
	b.WriteString("  - [systemctl, daemon-reload]\n")
	// The hook's heartbeats start first: the image pull and the weights'
	// download may take longer than one heartbeat timeout.
	if a.LifecycleHook != "" {
		b.WriteString("  - [systemctl, enable, costgate-ready.service]\n")
		b.WriteString("  - [systemctl, start, --no-block, costgate-ready.service]\n")
	}
	if a.DrainHook != "" {
		b.WriteString("  - [systemctl, enable, costgate-drain.service]\n")
		b.WriteString("  - [systemctl, start, --no-block, costgate-drain.service]\n")
	}
	b.WriteString("  - [systemctl, enable, vllm.service]\n")
	b.WriteString("  - [systemctl, start, --no-block, vllm.service]\n")
}

// stopTimeout is StopTimeoutSeconds or its default.
func (a CloudInitArgs) stopTimeout() int {
	if a.StopTimeoutSeconds > 0 {
		return a.StopTimeoutSeconds
	}
	return DefaultStopTimeoutSeconds
}

// vllmUnit is the systemd unit that runs the container; a stop gives the
// streams in flight stop seconds before the container is killed.
func (a CloudInitArgs) vllmUnit(stop int) string {
	lines := []string{
		"[Unit]",
		"Description=vLLM OpenAI-compatible server (costgate)",
		"After=docker.service network-online.target",
		"Requires=docker.service",
		"Wants=network-online.target",
		"",
		"[Service]",
		"Restart=always",
		"RestartSec=10",
		// The first start downloads the weights: no start timeout.
		"TimeoutStartSec=0",
		"ExecStartPre=/opt/costgate/vllm-env.sh",
		"ExecStartPre=-/usr/bin/docker rm -f vllm",
		// A failed pull never stops a start when the image is present.
		"ExecStartPre=/opt/costgate/vllm-pull.sh",
	}
	if a.MirrorBucket != "" {
		// Without a mirror vLLM downloads the model itself.
		lines = append(lines, "ExecStartPre=/opt/costgate/weights.sh")
	}
	return strings.Join(append(lines,
		"ExecStart=/opt/costgate/vllm-run.sh",
		fmt.Sprintf("ExecStop=/usr/bin/docker stop --time %d vllm", stop),
		fmt.Sprintf("TimeoutStopSec=%d", stop+30),
		"",
		"[Install]",
		"WantedBy=multi-user.target",
		"",
	), "\n")
}

// pullScript logs in to the ECR registry when there is one and pulls the
// pinned image; when the pull fails (a registry outage, Docker Hub's rate
// limit) it starts the image already on the instance, and fails only
// without one.
func (a CloudInitArgs) pullScript() string {
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	s.WriteString("set -uo pipefail\n")
	if a.RegistryLogin != "" {
		fmt.Fprintf(&s, "aws ecr get-login-password --region %s | docker login --username AWS --password-stdin %s || true\n",
			shellQuote(a.Region), shellQuote(a.RegistryLogin))
	}
	fmt.Fprintf(&s, "docker pull %s && exit 0\n", shellQuote(a.Image))
	fmt.Fprintf(&s, "if docker image inspect %s >/dev/null 2>&1; then\n", shellQuote(a.Image))
	s.WriteString("  echo 'costgate: pull failed; starting the image already present' >&2\n")
	s.WriteString("  exit 0\n")
	s.WriteString("fi\n")
	s.WriteString("exit 1\n")
	return s.String()
}

// readyScript completes the launch lifecycle hook once vLLM answers on
// /v1/models (401 without the key still proves the model is loaded),
// sending heartbeats while it loads and abandoning the launch past the load
// timeout.
func (a CloudInitArgs) readyScript(port int) string {
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	s.WriteString("set -uo pipefail\n")
	s.WriteString("imds=http://169.254.169.254/latest\n")
	s.WriteString("tok=$(curl -sf -X PUT \"$imds/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')\n")
	s.WriteString("id=$(curl -sf -H \"X-aws-ec2-metadata-token: $tok\" \"$imds/meta-data/instance-id\")\n")
	fmt.Fprintf(&s, "hook() { aws autoscaling \"$1\" --region %s --auto-scaling-group-name %s --lifecycle-hook-name %s --instance-id \"$id\" \"${@:2}\"; }\n",
		shellQuote(a.Region), shellQuote(a.AutoScalingGroup), shellQuote(a.LifecycleHook))
	fmt.Fprintf(&s, "deadline=$(( $(date +%%s) + %d ))\n", a.LoadTimeoutSeconds)
	s.WriteString("beat=0\n")
	fmt.Fprintf(&s, "until code=$(curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:%d/v1/models) && { [ \"$code\" = 200 ] || [ \"$code\" = 401 ]; }; do\n", port)
	s.WriteString("  now=$(date +%s)\n")
	s.WriteString("  if [ \"$now\" -ge \"$deadline\" ]; then\n")
	s.WriteString("    hook complete-lifecycle-action --lifecycle-action-result ABANDON\n")
	s.WriteString("    exit 1\n")
	s.WriteString("  fi\n")
	s.WriteString("  if [ \"$now\" -ge \"$beat\" ]; then\n")
	s.WriteString("    hook record-lifecycle-action-heartbeat || true\n")
	fmt.Fprintf(&s, "    beat=$(( now + %d ))\n", HookHeartbeatSeconds)
	s.WriteString("  fi\n")
	s.WriteString("  sleep 15\n")
	s.WriteString("done\n")
	s.WriteString("# The instance role's policy may still be propagating: retry a while.\n")
	s.WriteString("for _ in $(seq 20); do\n")
	s.WriteString("  hook complete-lifecycle-action --lifecycle-action-result CONTINUE && exit 0\n")
	s.WriteString("  sleep 30\n")
	s.WriteString("done\n")
	s.WriteString("exit 1\n")
	return s.String()
}

// readyUnit runs ready.sh once per boot, beside vLLM.
var readyUnit = strings.Join([]string{
	"[Unit]",
	"Description=Complete the launch lifecycle hook once vLLM serves (costgate)",
	// Not ordered after vllm.service, whose start includes the image pull:
	// the heartbeats run while it pulls and loads.
	"After=network-online.target",
	"Wants=network-online.target vllm.service",
	"",
	"[Service]",
	"Type=oneshot",
	"TimeoutStartSec=0",
	"ExecStart=/opt/costgate/ready.sh",
	"",
	"[Install]",
	"WantedBy=multi-user.target",
	"",
}, "\n")

func (a CloudInitArgs) validate() error {
	var errs []error
	if !pinnedImage.MatchString(a.Image) {
		errs = append(errs, fmt.Errorf("image %q must name a pinned tag or digest", a.Image))
	} else if strings.HasSuffix(a.Image, ":latest") {
		errs = append(errs, fmt.Errorf("image %q: the latest tag is not pinned", a.Image))
	}
	if a.Region == "" {
		errs = append(errs, errors.New("region is empty"))
	}
	if a.APIKeySecretARN == "" {
		errs = append(errs, errors.New("API key secret ARN is empty"))
	}
	if len(a.VLLMArgs) == 0 {
		errs = append(errs, errors.New("no vLLM arguments"))
	}
	for _, arg := range a.VLLMArgs {
		switch {
		case strings.ContainsAny(arg, "\n\r\x00"):
			errs = append(errs, fmt.Errorf("vLLM argument %q contains a control character", arg))
		case arg == "--api-key" || strings.HasPrefix(arg, "--api-key="):
			// A key on the command line shows in ps and in the user data.
			errs = append(errs, errors.New("the API key must come from the environment, not --api-key"))
		case arg == "--model" || strings.HasPrefix(arg, "--model="):
			errs = append(errs, errors.New("--model is deprecated for `vllm serve`: the model comes first, positionally"))
		}
	}
	if len(a.VLLMArgs) > 0 && (a.VLLMArgs[0] == "" || strings.HasPrefix(a.VLLMArgs[0], "-")) {
		errs = append(errs, errors.New("vLLM arguments name no model: the first argument of `vllm serve` is the model"))
	}
	if (a.MirrorBucket == "") != (a.MirrorPrefix == "") || strings.ContainsAny(a.MirrorBucket+a.MirrorPrefix, " '\"\n\r\x00") {
		errs = append(errs, fmt.Errorf("weights mirror s3://%s/%s needs a bucket and a prefix without quotes or spaces", a.MirrorBucket, a.MirrorPrefix))
	}
	if a.LifecycleHook != "" && (a.AutoScalingGroup == "" || a.LoadTimeoutSeconds <= 0) {
		errs = append(errs, errors.New("a lifecycle hook needs its auto scaling group and a load timeout"))
	}
	if (a.DrainHook == "") != (a.TargetGroupARN == "") || a.DrainHook != "" && a.AutoScalingGroup == "" {
		errs = append(errs, errors.New("the drain needs its termination hook, target group and auto scaling group"))
	}
	if a.Port < 0 || a.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d out of range", a.Port))
	}
	return errors.Join(errs...)
}

// writeFile appends one write_files entry with its content as a YAML
// literal block.
func writeFile(b *strings.Builder, path, perm, content string) {
	fmt.Fprintf(b, "  - path: %s\n", path)
	b.WriteString("    owner: root:root\n")
	fmt.Fprintf(b, "    permissions: %q\n", perm)
	b.WriteString("    content: |\n")
	for _, line := range strings.Split(strings.TrimSuffix(content, "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("      " + line + "\n")
	}
}

// shellQuote quotes s for bash so that no argument can break out of its word.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
