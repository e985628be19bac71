// Command otelgen writes synthetic Claude Code OpenTelemetry lines — what a
// collector's file exporter writes — for benchmarking `costgate usage
// import`: api_request events (one per request, each with a request id)
// or delta token.usage metrics (one line per session export). The data is
// made, never committed; the same flags give the same bytes.
//
//	go run ./bench/otelgen -size 1GB -kind events > /tmp/otel.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	size := flag.String("size", "100MB", "bytes to write: a number with an optional kB, MB or GB suffix")
	kind := flag.String("kind", "events", "events or metrics")
	devs := flag.Int("developers", 300, "developers")
	batch := flag.Int("batch", 20, "records per line (the collector's batch)")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	limit, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otelgen:", err)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	r := rand.New(rand.NewSource(*seed))
	models := []string{"claude-sonnet-4-6-20250929", "claude-opus-4-8", "claude-haiku-5-5", "claude-sonnet-5-5"}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	span := int64(30 * 24 * time.Hour)
	var written int64
	req := 0
	var b strings.Builder
	for written < limit {
		b.Reset()
		dev := r.Intn(*devs)
		// Requests cluster in working hours: pick a day, then an hour.
		t := start.UnixNano() + r.Int63n(span)
		t = t - t%int64(24*time.Hour) + int64(8+r.Intn(10))*int64(time.Hour) + r.Int63n(int64(time.Hour))
		res := fmt.Sprintf(`{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}},{"key":"service.version","value":{"stringValue":"2.1.230"}},{"key":"os.type","value":{"stringValue":"linux"}},{"key":"user.email","value":{"stringValue":"dev%d@example.com"}},{"key":"session.id","value":{"stringValue":"sess-%d-%d"}}]}`, dev, dev, t/int64(time.Hour))
		if *kind == "events" {
			b.WriteString(`{"resourceLogs":[{"resource":`)
			b.WriteString(res)
			b.WriteString(`,"scopeLogs":[{"scope":{"name":"com.anthropic.claude_code","version":"2.1.230"},"logRecords":[`)
			for i := 0; i < *batch; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				req++
				ts := t + int64(i)*int64(20*time.Second)
				in, out := 50+r.Intn(3000), 100+r.Intn(2000)
				cr, cc := r.Intn(80000), r.Intn(5000)
				fmt.Fprintf(&b, `{"timeUnixNano":"%d","observedTimeUnixNano":"%d","body":{"stringValue":"claude_code.api_request"},"attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"event.timestamp","value":{"stringValue":"%s"}},{"key":"event.sequence","value":{"intValue":"%d"}},{"key":"user.email","value":{"stringValue":"dev%d@example.com"}},{"key":"user.account_uuid","value":{"stringValue":"acc-%d"}},{"key":"organization.id","value":{"stringValue":"org-1"}},{"key":"session.id","value":{"stringValue":"sess-%d"}},{"key":"terminal.type","value":{"stringValue":"vscode"}},{"key":"model","value":{"stringValue":"%s"}},{"key":"input_tokens","value":{"stringValue":"%d"}},{"key":"output_tokens","value":{"stringValue":"%d"}},{"key":"cache_read_tokens","value":{"stringValue":"%d"}},{"key":"cache_creation_tokens","value":{"stringValue":"%d"}},{"key":"cost_usd","value":{"stringValue":"0.%04d"}},{"key":"duration_ms","value":{"stringValue":"%d"}},{"key":"request_id","value":{"stringValue":"req_011CV%016d"}},{"key":"speed","value":{"stringValue":"normal"}},{"key":"query_source","value":{"stringValue":"main"}}]}`,
					ts, ts, time.Unix(0, ts).UTC().Format(time.RFC3339Nano), i, dev, dev, dev, models[r.Intn(len(models))], in, out, cr, cc, r.Intn(10000), 500+r.Intn(30000), req)
			}
			b.WriteString("]}]}]}\n")
		} else {
			b.WriteString(`{"resourceMetrics":[{"resource":`)
			b.WriteString(res)
			b.WriteString(`,"scopeMetrics":[{"scope":{"name":"com.anthropic.claude_code","version":"2.1.230"},"metrics":[{"name":"claude_code.token.usage","unit":"tokens","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[`)
			first := true
			for i := 0; i < *batch; i++ {
				ts := t + int64(i)*int64(time.Minute)
				for _, typ := range []string{"input", "output", "cacheRead", "cacheCreation"} {
					if !first {
						b.WriteByte(',')
					}
					first = false
					fmt.Fprintf(&b, `{"attributes":[{"key":"type","value":{"stringValue":"%s"}},{"key":"model","value":{"stringValue":"%s"}},{"key":"user.email","value":{"stringValue":"dev%d@example.com"}},{"key":"session.id","value":{"stringValue":"sess-%d-%d"}}],"startTimeUnixNano":"%d","timeUnixNano":"%d","asInt":"%d"}`,
						typ, models[i%len(models)], dev, dev, t, ts-int64(time.Minute), ts, r.Intn(20000))
				}
			}
			b.WriteString("]}}]}]}]}\n")
		}
		n, err := w.WriteString(b.String())
		if err != nil {
			fmt.Fprintln(os.Stderr, "otelgen:", err)
			os.Exit(1)
		}
		written += int64(n)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30} {
		if strings.HasSuffix(s, suf) {
			mult, s = m, strings.TrimSuffix(s, suf)
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want a number such as 1GB", s)
	}
	return int64(n * float64(mult)), nil
}
