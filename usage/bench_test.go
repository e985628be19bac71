package usage

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkImportOTelEvents imports about 16 MB of api_request event
// lines: the per-request format, whose deduplication keeps a key per
// request. bench/usage-otel.sh runs the whole command on a generated
// gigabyte (docs/PERFORMANCE.md).
func BenchmarkImportOTelEvents(b *testing.B) {
	line := strings.Replace(goodEvent, `"r1"`, `"REQ"`, 1)
	path := filepath.Join(b.TempDir(), "events.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	var size int64
	for i := 0; size < 16<<20; i++ {
		l := strings.Replace(line, `"REQ"`, fmt.Sprintf(`"req_%d"`, i), 1)
		l = strings.Replace(l, `"a@x"`, fmt.Sprintf(`"dev%d@x"`, i%300), 1)
		n, _ := w.WriteString(l + "\n")
		size += int64(n)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Import([]string{path}, Options{Format: ClaudeCodeOTel}); err != nil {
			b.Fatal(err)
		}
	}
}
