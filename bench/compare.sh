#!/usr/bin/env bash
# compare.sh — wall time of `costgate check` on one spec against stock OPA
# evaluating the built-in plan policies on the same plan, each run as a
# whole process (start-up, policy compilation and all), and their ratio.
#
#   bench/compare.sh [SPEC] [RUNS]
#
# SPEC defaults to examples/enterprise-hybrid.hcl, RUNS to 30. Uses
# hyperfine when installed, else a loop timed with date +%s%N. Goal:
# costgate check at most 2 × opa eval.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
spec=${1:-examples/enterprise-hybrid.hcl}
runs=${2:-30}
opa_version=v1.22.3
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building costgate and opa $opa_version into $tmp" >&2
go build -o "$tmp/costgate" ./cmd/costgate
# `go build pkg@version` is refused outside `go install`; GOBIN puts the
# binary where we want it without touching go.mod.
GOBIN="$tmp" GOFLAGS= go install "github.com/open-policy-agent/opa@$opa_version"

# The plan both sides evaluate, and the built-in plan policies without
# their tests.
date=2026-11-26
"$tmp/costgate" plan "$spec" --format json --as-of "$date" > "$tmp/plan.json" || [ $? -eq 1 ]
opa_args=()
while IFS= read -r f; do opa_args+=(--data "$f"); done < <(find policies/plan -name '*.rego' ! -name '*_test.rego' | sort)
opa_args+=(--data policies/plan/data.json --input "$tmp/plan.json")
query='{"deny": [x | x := data.costgate[_].deny[_]], "warn": [x | x := data.costgate[_].warn[_]]}'

# Both must work before they are timed.
"$tmp/opa" eval "${opa_args[@]}" --format json "$query" > "$tmp/opa.out"
grep -q '"deny"' "$tmp/opa.out" || { echo "opa eval gave no result" >&2; exit 1; }
set +e
"$tmp/costgate" check "$spec" --as-of "$date" > /dev/null
rc=$?
set -e
[ "$rc" -le 1 ] || { echo "costgate check exited $rc" >&2; exit 1; }

costgate_cmd="$tmp/costgate check $spec --as-of $date"
opa_cmd="$tmp/opa eval ${opa_args[*]} --format json '$query'"

if command -v hyperfine > /dev/null; then
	hyperfine --warmup 3 --runs "$runs" -N -i \
		--export-json "$tmp/hf.json" \
		-n "costgate check" "$costgate_cmd" \
		-n "opa eval" "$opa_cmd" >&2
	read -r cg opa < <(python3 -c '
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(r["costgate check"] * 1000, r["opa eval"] * 1000)' "$tmp/hf.json")
else
	median_ms() { # median wall time of "$@" over $runs runs, in ms
		local start end
		for _ in 1 2 3; do "$@" > /dev/null 2>&1 || true; done
		for _ in $(seq "$runs"); do
			start=$(date +%s%N)
			"$@" > /dev/null 2>&1 || true
			end=$(date +%s%N)
			echo $((end - start))
		done | sort -n | awk '{t[NR] = $1} END {printf "%.2f", t[int((NR + 1) / 2)] / 1e6}'
	}
	cg=$(median_ms "$tmp/costgate" check "$spec" --as-of "$date")
	opa=$(median_ms "$tmp/opa" eval "${opa_args[@]}" --format json "$query")
fi

printf 'spec             %s\n' "$spec"
printf 'costgate check   %8.1f ms (median)\n' "$cg"
printf 'opa eval         %8.1f ms (median)\n' "$opa"
ratio=$(echo "scale=2; $cg / $opa" | bc)
printf 'ratio            %8s (goal <= 2)\n' "$ratio"
