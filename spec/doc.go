// Package spec decodes a team's HCL spec into a Spec, with every default
// applied, and reports every problem as an hcl.Diagnostic with a source
// range.
//
// One file describes one team:
//
//	team "acme-platform" {              # exactly one; [a-z0-9-]{1,40}
//	  developers              = 200          # (range) whole number >= 1
//	  tokens_per_developer    = [2e6, 5e6]   # (range) per developer per month
//	  input_share             = 0.8          # (range) 0..1; default 0.8
//	  cached_input_share      = 0            # (range) 0..1; default 0
//	  working_hours_per_month = 176          # default 176
//	  peak_to_average         = 2            # (range) >= 1; default 2
//	  developer_hourly_usd    = 100          # (range) default 100
//	  cost_center             = "platform"   # required
//	}
//	workload "autocomplete" {           # one or more; shares sum to 1
//	  share          = 0.6
//	  complexity     = "simple"              # simple | complex
//	  context_tokens = 8192                  # default 8192 simple, 32768 complex
//	  max_ttft_ms    = 200                   # optional
//	  route          = "auto"                # auto | managed | self_hosted; default auto
//	  model          = "claude-haiku-4.5"    # optional: pins the managed model
//	  min_quality    = 0.8                   # 0..1; default 0
//	}
//	managed { simple_model, complex_model, provider, bedrock_profile,
//	          candidates }  # candidates: the managed models workloads may be routed to
//	self_hosted { model, gpu, pricing, gpu_hour_usd, gpus, schedule, hours_per_month,
//	              ops_usd_per_month, min_replicas, target_utilization, min_quality, region,
//	              on_demand_base }
//	              # on_demand_base: with pricing = "spot", instances that run (and are
//	              # billed) on demand under the spot ones; 0..10000, default 0
//	              # gpu: one catalog GPU, "auto", or a list such as ["h100", "l40s"]
//	compliance { code_may_leave_network, allowed_providers }
//	organization { gpu_expertise, latency_over_quality }
//	budget { monthly_limit_usd, approval_above_usd, alert_emails }
//	quality { rework_hours, include_in_decision }
//	override "NAME" { policy, approver, reason, expires }   # expires "YYYY-MM-DD"
//	model "NAME" {                      # a custom open-weight model
//	  hf_repo, gated, params_b, active_params_b, layers, q_heads, kv_heads, head_dim,
//	  max_context, weights_dtype, weights_gb, kv_bytes_per_token,
//	                # weights_dtype: bf16 fp8 fp4 mxfp4 int4; fp4/int4 need an
//	                # hf_repo quantized ahead of time (…-FP4, …-AWQ, …-GPTQ-Int4)
//	  checkpoint_dtype,  # optional: what hf_repo's files hold; default its
//	                # name's format, else bf16 for fp8 weights (quantized on
//	                # load), else weights_dtype. "fp8" for an FP8 repository
//	                # named without -FP8 (DeepSeek's, Kimi's): the volume,
//	                # mirror and start times are sized on it
//	  hidden_size, vocab_size, experts, experts_per_token,     # optional,
//	  shared_experts, dense_layers,                            # for costgate perf
//	                # (shared_experts: leave it out only for a model without one:
//	                # a MoE layer runs a shared expert's kernels besides its own)
//	  kv_lora_rank, qk_rope_head_dim,
//	  sliding_window, sliding_window_layers,
//	  quality = { simple = 0.8, complex = 0.4 }, source, as_of
//	  throughput "h100" { tensor_parallel, prefill_tok_s, decode_tok_s, ttft_ms, concurrency }
//	}
//
// A "(range)" attribute takes a number or a list [low, high]; a number
// decodes to a Range whose Low equals its High. Blocks other than team and
// workload are optional and default as documented on the Spec's fields.
// Catalog ids (managed models, open models, GPUs, providers) are checked
// against the modelcatalog.Catalog given to NewParser, with a suggestion
// for near misses.
//
// The language has no variables, functions or includes: a spec says what
// it means literally, so that a reviewer reads the numbers that are priced.
// Unknown blocks and attributes, duplicates, wrong types and out-of-range
// values are errors; nothing is silently ignored. A Parser collects every
// problem of a file before returning, orders them by position, and renders
// them with file:line:column and the offending source line.
//
// Format lays a spec out canonically, as `costgate fmt` does.
package spec
