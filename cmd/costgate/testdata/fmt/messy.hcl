# A spec written by hand, badly laid out.
team "messy" {
developers=[40,60]
    tokens_per_developer = [2e6,5e6]   # per month
  cost_center="platform"
}
workload "autocomplete" {
share=0.7
  complexity = "simple"
}
workload "agent" {
    share = 0.3
complexity="complex"
}
self_hosted {
  model="qwen3-coder-30b-a3b"
gpu_hour_usd=[2.5,3.5]
}
budget {
monthly_limit_usd=30000
 alert_emails=["finops@messy.example"]
}
