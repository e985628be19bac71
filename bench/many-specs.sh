#!/usr/bin/env bash
# many-specs.sh — generate N varied specs into a temporary folder and time
# one `costgate plan --format json` over all of them, with its user CPU
# time (comparable on a shared machine, where wall time is not) and peak
# resident memory (/usr/bin/time -v).
#
#   bench/many-specs.sh [N...]
#
# Default N: 100 300 1000. Goal: 1,000 specs in at most 2 s and 300 MB,
# growing linearly from 100. The specs vary team size, token volume,
# workload mix, models, pricing, schedule, fleet and budget, so that no
# two plans are alike; the generator is seeded and gives the same specs
# on every run. With KEEP=DIR the specs are written under DIR and kept,
# for profiling.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 300 1000)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/costgate" ./cmd/costgate

# generate N DIR writes N specs into DIR.
generate() {
	mkdir -p "$2"
	awk -v n="$1" -v dir="$2" 'BEGIN {
		srand(20261126)
		split("gpt-5.4-mini deepseek-v4-flash claude-haiku-5.5 gpt-5.4-mini", simple, " ")
		split("claude-sonnet-4.6 claude-opus-4.8 gpt-5.5 claude-sonnet-5.5", complex, " ")
		split("auto qwen3-coder-30b-a3b qwen2.5-coder-32b llama-3.3-70b gpt-oss-120b gpt-oss-20b qwen2.5-coder-7b", open, " ")
		split("on_demand reserved spot capacity_block", pricing, " ")
		split("always_on business_hours", schedule, " ")
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/team-%04d.hcl", dir, i)
			devs = int(exp(log(5) + rand() * log(4000)))      # 5 .. 20,000, log-uniform
			tlo = int(1 + rand() * 8) * 1e6
			thi = tlo + int(rand() * 6) * 1e6
			s = int(20 + rand() * 60) / 100                     # simple share 0.20 .. 0.79
			printf "team \"team-%04d\" {\n  developers           = %d\n  tokens_per_developer = [%d, %d]\n", i, devs, tlo, thi > f
			printf "  cached_input_share   = %.2f\n  peak_to_average      = [2, %.1f]\n  cost_center          = \"cc-%d\"\n}\n\n", rand() * 0.5, 2 + rand() * 2, i % 17 > f
			printf "workload \"autocomplete\" {\n  share       = %.2f\n  complexity  = \"simple\"\n", s > f
			if (rand() < 0.3) printf "  max_ttft_ms = %d\n", 200 + int(rand() * 800) > f
			printf "}\n\nworkload \"agent\" {\n  share          = %.2f\n  complexity     = \"complex\"\n  context_tokens = %d\n}\n\n", 1 - s, 2 ^ int(13 + rand() * 4) > f
			printf "managed {\n  simple_model  = \"%s\"\n  complex_model = \"%s\"\n}\n\n", simple[1 + int(rand() * 4)], complex[1 + int(rand() * 4)] > f
			printf "self_hosted {\n  model    = \"%s\"\n  pricing  = \"%s\"\n  schedule = \"%s\"\n", open[1 + int(rand() * 7)], pricing[1 + int(rand() * 4)], schedule[1 + int(rand() * 2)] > f
			if (rand() < 0.2) printf "  gpus     = %d\n", 1 + int(rand() * 16) > f
			printf "}\n\n" > f
			if (rand() < 0.3) printf "compliance {\n  code_may_leave_network = false\n}\n\n" > f
			printf "organization {\n  gpu_expertise        = %s\n  latency_over_quality = %s\n}\n\n", (rand() < 0.5 ? "true" : "false"), (rand() < 0.5 ? "true" : "false") > f
			limit = int(devs * (100 + rand() * 900))
			printf "budget {\n  monthly_limit_usd  = %d\n  approval_above_usd = %d\n  alert_emails       = [\"finops@team-%04d.example\"]\n}\n", limit, int(limit * 0.6), i > f
			close(f)
		}
	}'
}

printf '%6s  %9s  %9s  %9s  %9s  %s\n' specs wall_s user_s peak_mb ms/spec exit
for n in "${sizes[@]}"; do
	dir="${KEEP:-$tmp}/specs-$n"
	generate "$n" "$dir"
	set +e
	/usr/bin/time -v "$tmp/costgate" plan "$dir"/*.hcl --format json --as-of 2026-11-26 \
		> "$tmp/out-$n.json" 2> "$tmp/time-$n.txt"
	rc=$?
	set -e
	if [ "$rc" -gt 1 ]; then
		echo "costgate plan exited $rc on $n specs:" >&2
		grep -v '^\s' "$tmp/time-$n.txt" | head -20 >&2
		exit 1
	fi
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$tmp/time-$n.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp/time-$n.txt")
	user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$tmp/time-$n.txt")
	plans=$(grep -c '"spec":' "$tmp/out-$n.json" || true)
	[ "$plans" -eq "$n" ] || { echo "got $plans plans for $n specs" >&2; exit 1; }
	printf '%6d  %9.2f  %9.2f  %9d  %9.2f  %d\n' "$n" "$wall" "$user" "$rss" "$(echo "$wall * 1000 / $n" | bc -l)" "$rc"
done
