package inference

import (
	"fmt"
	"strings"
)

// Where the weights live: on the host, and where the container sees them.
const (
	weightsDir          = "/opt/costgate/weights"
	containerWeightsDir = "/models"
	// mirrorComplete marks a mirror whose upload finished.
	mirrorComplete = ".complete"
)

// servedArgs are the vLLM arguments as the container runs them: with a
// weights mirror the model is the local copy (the served model name stays
// the catalog's, from --served-model-name).
func (a CloudInitArgs) servedArgs() []string {
	if a.MirrorBucket == "" || len(a.VLLMArgs) == 0 {
		return a.VLLMArgs
	}
	out := append([]string{containerWeightsDir}, a.VLLMArgs[1:]...)
	return out
}

// weightsScript copies the checkpoint from the fleet's S3 mirror, through
// the VPC's S3 gateway endpoint (no NAT processing), to the volume; the
// first instance, finding no completed mirror, downloads it from Hugging
// Face with the image's huggingface_hub (HF_TOKEN from the secrets file),
// uploads it and marks the mirror complete. Two instances filling at once
// upload the same files. A restart syncs only what changed.
// ignoredWeights are the repository folders the fill leaves out, as a
// Python list's items: folders of the weights in formats vLLM does not
// load from a Hugging Face checkpoint.
const ignoredWeights = `"original/*", "metal/*"`

func (a CloudInitArgs) weightsScript() string {
	mirror := "s3://" + a.MirrorBucket + "/" + strings.Trim(a.MirrorPrefix, "/")
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	s.WriteString("set -euo pipefail\n")
	fmt.Fprintf(&s, "dir=%s\n", weightsDir)
	fmt.Fprintf(&s, "mirror=%s\n", shellQuote(mirror))
	fmt.Fprintf(&s, "export AWS_DEFAULT_REGION=%s\n", shellQuote(a.Region))
	s.WriteString("mkdir -p \"$dir\"\n")
	s.WriteString("aws configure set default.s3.max_concurrent_requests 64\n")
	fmt.Fprintf(&s, "if aws s3 ls \"$mirror/%s\" >/dev/null 2>&1; then\n", mirrorComplete)
	fmt.Fprintf(&s, "  aws s3 sync \"$mirror/\" \"$dir/\" --only-show-errors --exclude %s\n", mirrorComplete)
	s.WriteString("  exit 0\n")
	s.WriteString("fi\n")
	s.WriteString("# The mirror is empty or incomplete: fill it from Hugging Face, once.\n")
	fmt.Fprintf(&s, "docker run --rm --entrypoint python3 --env-file /run/costgate/vllm.env -v \"$dir\":/weights %s \\\n", shellQuote(a.Image))
	// Only what vLLM loads: original/ (a vendor's own format: Llama's
	// .pth, gpt-oss's) and metal/ hold second and third copies of the
	// weights (openai/gpt-oss-120b is about 195 GB in all, 65 GB at its
	// root), which the volume, the mirror and the start times are not
	// sized for.
	fmt.Fprintf(&s, "  -c 'import sys; from huggingface_hub import snapshot_download; snapshot_download(sys.argv[1], local_dir=\"/weights\", ignore_patterns=[%s])' %s\n", ignoredWeights, shellQuote(a.VLLMArgs[0]))
	s.WriteString("aws s3 sync \"$dir/\" \"$mirror/\" --only-show-errors --exclude '.cache/*'\n")
	fmt.Fprintf(&s, "date -u +%%FT%%TZ | aws s3 cp - \"$mirror/%s\"\n", mirrorComplete)
	return s.String()
}
