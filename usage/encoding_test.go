package usage

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestBOMAndCRLF: a byte-order mark and CRLF line ends (files saved by
// Windows tools) read as the plain file does, in every format.
func TestBOMAndCRLF(t *testing.T) {
	dir := t.TempDir()
	windows := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		p := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
		if err := os.WriteFile(p, append([]byte("\ufeff"), b...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sets := []struct {
		name  string
		files []string
		opts  Options
	}{
		{"anthropic page", []string{"anthropic-usage/page1.json", "anthropic-usage/page2.json"}, Options{}},
		{"otel lines", []string{"claude-code-otel/events.jsonl"}, Options{}},
		{"litellm csv", []string{"litellm-spend/logs.csv"}, Options{}},
		{"litellm json", []string{"litellm-spend/logs.json"}, Options{}},
		{"vllm scrapes", []string{"vllm-metrics/plain-1.prom", "vllm-metrics/plain-2.prom", "vllm-metrics/plain-3.prom"}, Options{Interval: time.Minute}},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			var plain, win []string
			for _, f := range s.files {
				plain = append(plain, filepath.Join("testdata", f))
				win = append(win, windows(f))
			}
			want, err := Import(plain, s.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Import(win, s.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Tokens, want.Tokens) || !reflect.DeepEqual(got.FleetMetrics, want.FleetMetrics) || got.Format != want.Format {
				t.Errorf("with a BOM and CRLF: %+v %+v, want %+v %+v", got.Tokens, got.FleetMetrics, want.Tokens, want.FleetMetrics)
			}
		})
	}
}

// TestTruncatedCompressed: a gzip or zstd file cut short is named as
// truncated, with or without --from.
func TestTruncatedCompressed(t *testing.T) {
	plain, err := os.ReadFile("testdata/claude-code-otel/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	plain = bytes.Repeat(plain, 50)
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(plain)
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(plain)
	zw.Close()
	dir := t.TempDir()
	for kind, b := range map[string][]byte{"gzip": gz.Bytes(), "zstd": zs.Bytes()} {
		p := filepath.Join(dir, "events.jsonl."+kind)
		os.WriteFile(p, b[:len(b)*2/3], 0o644)
		for _, opts := range []Options{{}, {Format: ClaudeCodeOTel}} {
			_, err := Import([]string{p}, opts)
			if err == nil || !strings.Contains(err.Error(), p+": the "+kind+" file is truncated") {
				t.Errorf("%s, --from %q: err %v, want it named truncated", kind, opts.Format, err)
			}
		}
	}
}

// TestNonUTF8Identity: Latin-1 bytes in a developer's identity are
// refused, naming the file and line, rather than making a second
// developer of the same person.
func TestNonUTF8Identity(t *testing.T) {
	dir := t.TempDir()
	latin := "jos\xe9@example.com"
	cases := map[string]string{
		"spend.csv":    "request_id,startTime,prompt_tokens,completion_tokens,user\na,2026-11-02 09:00:00,10,1,jose@example.com\nb,2026-11-02 10:00:00,10,1," + latin + "\n",
		"events.jsonl": goodEvent + "\n" + strings.Replace(strings.Replace(goodEvent, `"a@x"`, `"`+latin+`"`, 1), `"r1"`, `"r2"`, 1) + "\n",
		"page.json":    "{\"data\":[{\"starting_at\":\"2026-11-02T09:00:00Z\",\"ending_at\":\"2026-11-02T10:00:00Z\",\"results\":[\n{\"account_id\":\"" + latin + "\",\"uncached_input_tokens\":1,\"output_tokens\":1}]}]}",
	}
	for name, content := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		_, err := Import([]string{p}, Options{})
		line := map[string]string{"spend.csv": ":3", "events.jsonl": ":2", "page.json": ":2"}[name]
		want := p + line + ": developer identity \"jos?@example.com\" is not UTF-8 text"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", name, err, want)
		}
	}
}

// TestOneLineArrayPositions: in a JSON array written on one line (as
// LiteLLM's /spend/logs returns it), an error names the record's index.
func TestOneLineArrayPositions(t *testing.T) {
	row := `{"request_id":"R","startTime":"2026-11-02T09:00:00Z","prompt_tokens":10,"completion_tokens":1,"user":"u"}`
	var rows []string
	for i := 0; i < 60; i++ {
		rows = append(rows, strings.Replace(row, `"R"`, `"r`+string(rune('a'+i%26))+string(rune('a'+i/26))+`"`, 1))
	}
	rows[56] = strings.Replace(rows[56], `"prompt_tokens":10`, `"prompt_tokens":-3`, 1)
	p := filepath.Join(t.TempDir(), "spend.json")
	os.WriteFile(p, []byte("["+strings.Join(rows, ",")+"]"), 0o644)
	_, err := Import([]string{p}, Options{})
	if err == nil || !strings.Contains(err.Error(), p+":1: record 57: token count -3 is negative") {
		t.Errorf("err %v, want record 57 named", err)
	}
}

// TestStdin: "-" reads standard input, plain or compressed, with the
// format detected from it as from a file.
func TestStdin(t *testing.T) {
	b, err := os.ReadFile("testdata/litellm-spend/logs.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Import([]string{"testdata/litellm-spend/logs.csv"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(b)
	gw.Close()
	for name, in := range map[string][]byte{"plain": b, "gzip": gz.Bytes()} {
		got, err := Import([]string{Stdin}, Options{Stdin: bytes.NewReader(in)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Format != LiteLLMSpend || !got.Detected || !reflect.DeepEqual(got.Tokens, want.Tokens) {
			t.Errorf("%s: %s %+v, want %+v", name, got.Format, got.Tokens, want.Tokens)
		}
	}
	if _, err := Import([]string{Stdin, Stdin}, Options{Stdin: bytes.NewReader(b)}); err == nil || !strings.Contains(err.Error(), "read once") {
		t.Errorf("stdin twice: %v", err)
	}
	bad := append([]byte(nil), b...)
	bad = append(bad, "z,2026-11-02 09:00:00,x,1,u\n"...)
	if _, err := Import([]string{Stdin}, Options{Stdin: bytes.NewReader(bad)}); err == nil || !strings.Contains(err.Error(), "stdin:") {
		t.Errorf("a malformed row on stdin: %v, want it named stdin:LINE", err)
	}
}
