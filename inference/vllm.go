package inference

import (
	"strconv"

	"github.com/costgate/costgate/modelcatalog"
)

// VLLMPort is the port vllm/vllm-openai listens on.
const VLLMPort = 8000

// VLLMArgs returns the arguments of `vllm serve` (the vllm/vllm-openai
// image's entrypoint) for one instance of the fleet: its replicas run as
// vLLM data-parallel ranks. The API key comes from VLLM_API_KEY in the
// environment, never from the command line. The model comes first, as
// `vllm serve`'s positional model_tag: the --model flag is deprecated for
// `vllm serve`.
func VLLMArgs(m *modelcatalog.OpenModel, f Fleet) []string {
	args := []string{
		m.HFRepo,
		"--served-model-name", m.ID,
		"--tensor-parallel-size", strconv.Itoa(f.TensorParallel),
	}
	if f.ReplicasPerInstance > 1 {
		args = append(args, "--data-parallel-size", strconv.Itoa(f.ReplicasPerInstance))
	}
	if m.Experts > 0 && f.ReplicasPerInstance*f.TensorParallel > 1 {
		// A mixture of experts shards its experts whole over every GPU of
		// the instance (expert parallelism) rather than slicing each
		// expert by tensor parallelism or copying them per data-parallel
		// rank; attention stays tensor-/data-parallel.
		args = append(args, "--enable-expert-parallel")
	}
	args = append(args,
		"--max-model-len", strconv.Itoa(f.MaxModelLen),
		"--gpu-memory-utilization", strconv.FormatFloat(GPUMemoryUtilization, 'f', -1, 64),
		"--max-num-seqs", strconv.Itoa(f.MaxNumSeqs),
	)
	if f.Quantization != "" {
		args = append(args, "--quantization", f.Quantization)
	}
	args = append(args, "--enable-prefix-caching", "--port", strconv.Itoa(VLLMPort))
	return args
}
