package main

import (
	"fmt"
	"strings"

	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/specfile"
	"github.com/spf13/cobra"
)

var perfFormats = report.FormatsOf[report.PerfOutputter]()

// perfLong is costgate perf --help's text.
const perfLong = `perf asks the performance model (docs/SIZING.md) how an open-weight model
serves on a GPU: output tokens/s for the whole deployment, mean TTFT (null at
--concurrency max; past the KV cache, with the wait for a slot), its p95 and
p99.9, mean TPOT, the KV cache in sequences, and whether it fits at all —
with the reason when it does not and the efficiency factors the prediction
used. It runs offline on the embedded catalog.

The load is --concurrency (a closed loop: that many requests in flight, each
sent as the last returns) or --request-rate (an open loop: requests a second
across the deployment, arriving at random, as a benchmark's --request-rate
and a team's traffic send them; the question sizing asks of a fleet). At the
same concurrency a faster part completes more requests a second and each
meets more others' prefills, so its first token can come later; at the same
request rate it never does. Past capacity TTFT is null and the output is the
saturated rate.

--model is a catalog id or a Hugging Face repository: the catalog's own, or a
quantized or vendor checkpoint of one ("Qwen/Qwen3-235B-A22B-Instruct-2507-FP8",
"nvidia/Llama-3.3-70B-Instruct-FP8", "RedHatAI/...-quantized.w4a16",
"...-AWQ"), read as the architecture it carries at the precision its name
states. --precision defaults to that precision, else the model's own weights.
For any other model, --model-config FILE reads its Hugging Face config.json
(--model then only names it). --gpus defaults to --tp;
more GPUs than --tp run data-parallel replicas of a dense model and expert
parallelism for a mixture of experts. --kv-precision defaults to bf16 (what
vLLM's "auto" gives). The token budget a step is the engine's own default on
the GPU, as the fleet launches it: vLLM's is 8,192 on a GPU of 70 GB or more
other than an A100 and 2,048 on others, and its start-up forward over it
takes KV-cache room, so an H100 can hold fewer sequences than an A100 80GB
(the answer says so where it holds the job back); --max-num-batched-tokens
asks another. TensorRT-LLM has two runtimes that publish under one name:
--engine tensorrt-llm-pytorch is its PyTorch backend (the 1.x default,
and the only one for today's mixtures of experts: prefill steps launch their
kernels from the CPU); --engine nim is a compiled TensorRT engine, as NVIDIA
NIM's TensorRT-LLM profiles and the releases before 1.0 run (a short
prompt's first token comes up to three times sooner). --engine tensorrt-llm
is the PyTorch backend for a mixture of experts and, for a dense model, the
geometric mean of the two (a note gives both). Exit code 2 when a flag is
invalid.`

func newPerfCmd() *cobra.Command {
	var q perf.Query
	var format, configFile string
	cmd := &cobra.Command{
		Use:   "perf",
		Short: "Predict how fast a model serves on a GPU",
		Long:  perfLong,
		Example: `  costgate perf --model meta-llama/Llama-3.1-70B-Instruct --gpu h100 --tp 2 --precision fp8 \
    --engine vllm --input-tokens 5000 --output-tokens 500 --concurrency 50
  costgate perf --model nvidia/Llama-3.3-70B-Instruct-FP8 --gpu b300 --tp 1 --engine vllm \
    --input-tokens 2000 --output-tokens 200 --concurrency 32
  costgate perf --model my-org/my-model --model-config config.json --gpu l4 --tp 1 --engine vllm \
    --input-tokens 1000 --output-tokens 100 --concurrency 8
  costgate perf --model qwen3-coder-30b-a3b --gpu l40s --tp 1 --precision fp8 --engine sglang \
    --input-tokens 2000 --output-tokens 200 --concurrency max --format json
  costgate perf --model meta-llama/Llama-3.1-8B-Instruct --gpu h100 --tp 1 --precision fp8 --engine nim \
    --input-tokens 200 --output-tokens 200 --concurrency 1
  costgate perf --model qwen3-coder-30b-a3b --gpu h100 --tp 1 --engine vllm \
    --input-tokens 8192 --output-tokens 1024 --request-rate 0.3
  # a plan's launch as its vllm_args give it
  costgate perf --model gpt-oss-120b --gpu h100 --tp 1 --engine vllm --input-tokens 8192 --output-tokens 2048 \
    --concurrency max --max-num-seqs 15 --gpu-memory-utilization 0.9`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPerf(cmd, q, format, configFile) },
	}
	fl := cmd.Flags()
	fl.StringVar(&q.Model, "model", "", "catalog model id or Hugging Face repository (a quantized or vendor checkpoint too)")
	fl.StringVar(&configFile, "model-config", "", "a Hugging Face config.json to predict instead of a catalog architecture")
	fl.StringVar(&q.GPU, "gpu", "", "GPU: "+strings.Join(modelcatalog.Default().GPUIDs(), " "))
	fl.IntVar(&q.TP, "tp", 0, "tensor-parallel size")
	fl.IntVar(&q.GPUs, "gpus", 0, "GPUs in the deployment (default: --tp)")
	fl.StringVar(&q.Precision, "precision", "", "weights: "+strings.Join(perf.Precisions, " ")+" (default: the checkpoint's)")
	fl.StringVar(&q.KVPrecision, "kv-precision", "bf16", "KV cache: "+strings.Join(perf.KVPrecisions, " "))
	fl.StringVar(&q.Engine, "engine", "", "engine: "+strings.Join(perf.QueryEngines, " ")+" (nim: TensorRT-LLM running a compiled engine, as NIM does; tensorrt-llm-pytorch: its PyTorch backend; tensorrt-llm: between the two for a dense model)")
	fl.IntVar(&q.InputTokens, "input-tokens", 0, "mean input tokens a request")
	fl.IntVar(&q.OutputTokens, "output-tokens", 0, "mean output tokens a request")
	fl.StringVar(&q.Concurrency, "concurrency", "", "requests in flight, or max for saturation (or --request-rate)")
	fl.Float64Var(&q.RequestRate, "request-rate", 0, "requests a second across the deployment, arriving at random (an open loop, as a benchmark's --request-rate sends them), instead of --concurrency")
	fl.IntVar(&q.MaxNumSeqs, "max-num-seqs", 0, "the launch's --max-num-seqs (vLLM profiles its sampler over that many rows at start-up; default: as many as the cache holds, as the sizer launches)")
	fl.IntVar(&q.MaxNumBatchedTokens, "max-num-batched-tokens", 0, fmt.Sprintf("the engine's token budget a step, %d–%d: vLLM's --max-num-batched-tokens (at least --max-num-seqs), SGLang's --chunked-prefill-size (--max-prefill-tokens taken as at least as large), TensorRT-LLM's max_num_tokens; default: the engine's own on the GPU (vLLM 8192 on a GPU of 70 GB or more other than an A100, else 2048; SGLang 2048–16384 by the GPU's memory; TensorRT-LLM 8192)", perf.MinStepBudget, perf.MaxStepBudget))
	fl.Float64Var(&q.MemoryFraction, "gpu-memory-utilization", 0, "the engine's share of the memory CUDA reports (vLLM's --gpu-memory-utilization; default: the engine's own, 0.9 for vLLM)")
	fl.StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(perfFormats, "|"))
	for _, name := range []string{"gpu", "tp", "engine", "input-tokens", "output-tokens"} {
		_ = cmd.MarkFlagRequired(name)
	}
	cmd.MarkFlagsOneRequired("concurrency", "request-rate")
	cmd.MarkFlagsMutuallyExclusive("concurrency", "request-rate")
	return cmd
}

// runPerf answers one perf query: --model-config's architecture, else
// --model's, in the format asked.
func runPerf(cmd *cobra.Command, q perf.Query, format, configFile string) error {
	if err := checkFormat(format, perfFormats); err != nil {
		return err
	}
	// --gpus 0 would read as the flag unset (--tp GPUs); so would the
	// launch's flags at 0.
	if cmd.Flags().Changed("gpus") && q.GPUs < 1 {
		return invalid(fmt.Errorf("--gpus %d: want at least 1", q.GPUs))
	}
	// 0 would read as the flag unset (the query's own check sees no rate).
	if cmd.Flags().Changed("request-rate") {
		if err := perf.CheckRequestRate(q.RequestRate); err != nil {
			return invalid(err)
		}
	}
	if cmd.Flags().Changed("max-num-seqs") && q.MaxNumSeqs < 1 {
		return invalid(fmt.Errorf("--max-num-seqs %d: want at least 1", q.MaxNumSeqs))
	}
	if cmd.Flags().Changed("max-num-batched-tokens") && q.MaxNumBatchedTokens == 0 {
		return invalid(perf.CheckStepBudget(0))
	}
	if cmd.Flags().Changed("gpu-memory-utilization") && !(q.MemoryFraction > 0 && q.MemoryFraction <= 1) {
		return invalid(fmt.Errorf("--gpu-memory-utilization %g: want a share of the GPU's memory above 0, at most 1", q.MemoryFraction))
	}
	if configFile != "" {
		data, err := specfile.ReadRegular(configFile, specfile.MaxModelConfigBytes)
		if err != nil {
			return invalid(fmt.Errorf("--model-config: %w", err))
		}
		m, err := modelcatalog.ParseHFConfig(data, configFile)
		if err != nil {
			return invalid(fmt.Errorf("--model-config %w", err))
		}
		q.Config = &m
	} else if q.Model == "" {
		return invalid(fmt.Errorf("--model or --model-config is required"))
	}
	a, err := perf.Ask(modelcatalog.Default(), q)
	if err != nil {
		return invalid(err)
	}
	o, err := report.Lookup[report.PerfOutputter](format)
	if err != nil {
		return invalid(err)
	}
	return o.Perf(cmd.OutOrStdout(), a)
}
