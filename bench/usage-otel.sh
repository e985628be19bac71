#!/usr/bin/env bash
# usage-otel.sh — time `costgate usage import` on a generated gigabyte of
# Claude Code OpenTelemetry lines and report its peak memory.
#
#   bench/usage-otel.sh [SIZE] [KIND]
#
# SIZE defaults to 1GB, KIND to events (api_request events, one a request)
# or metrics (delta token.usage points). The data is generated into a
# temporary folder by bench/otelgen and deleted afterwards; it is never
# committed. Goal (issue 13): 1 GB in under a minute on a 2-core machine,
# under 200 MB resident.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1GB}
kind=${2:-events}
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/costgate" ./cmd/costgate
echo "generating $size of $kind lines" >&2
go run ./bench/otelgen -size "$size" -kind "$kind" > "$tmp/otel.jsonl"
ls -l "$tmp/otel.jsonl" >&2

if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$tmp/costgate" usage import --from claude-code-otel "$tmp/otel.jsonl" > "$tmp/out.txt" 2> "$tmp/time.txt"
  grep -E "Elapsed|Maximum resident|User time|System time" "$tmp/time.txt"
else
  start=$(date +%s%N)
  "$tmp/costgate" usage import --from claude-code-otel "$tmp/otel.jsonl" > "$tmp/out.txt"
  echo "elapsed: $(( ($(date +%s%N) - start) / 1000000 )) ms (install GNU time for the peak memory)"
fi
head -4 "$tmp/out.txt"
