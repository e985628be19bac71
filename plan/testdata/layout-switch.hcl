# A fixed fleet of 8 L40S GPUs, sold as g6e.xlarge (one GPU, the cheapest
# a GPU-hour) and g6e.12xlarge (four, dearer): at 110 developers the
# one-GPU layout at TP 1 meets the 1,000 ms target; at 120 it misses it,
# and the fleet runs as two four-GPU instances at TP 4, whose first token
# comes sooner (TestFixedFleetLayoutSwitch).
team "layout-switch" {
  developers           = 120
  tokens_per_developer = 1e7
  cost_center          = "x"
}

workload "a" {
  share       = 1
  complexity  = "simple"
  max_ttft_ms = 1000
}

self_hosted {
  model = "gpt-oss-20b"
  gpu   = "l40s"
  gpus  = 8
}
