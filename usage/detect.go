package usage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// sniffBytes is how much of a file detection reads.
const sniffBytes = 64 << 10

// Detect names the format of the files from their content: every file
// must read as the same format. It cannot read standard input: Import
// detects it.
func Detect(paths []string) (string, error) {
	for _, p := range paths {
		if p == Stdin {
			return "", errors.New("standard input (-): give its format with --from, or import it with usage import")
		}
	}
	return detect(paths, func(p string) (*file, error) { return openFile(p, nil) })
}

func detect(paths []string, open func(string) (*file, error)) (string, error) {
	format := ""
	for _, p := range paths {
		f, err := open(p)
		if err != nil {
			return "", err
		}
		// Peek, not read: standard input is read once, detection first.
		head, rerr := f.r.Peek(sniffBytes)
		f.close()
		var re *RecordError
		switch {
		case errors.As(rerr, &re):
			return "", rerr
		case rerr != nil && rerr != io.EOF && rerr != bufio.ErrBufferFull:
			return "", fmt.Errorf("read %s: %w", p, rerr)
		}
		got, ok := sniff(head)
		if why := notAnExport(head); !ok && why != "" {
			return "", fmt.Errorf("%s %s", p, why)
		}
		if !ok {
			return "", fmt.Errorf("%s: cannot tell the format from the content; give it with --from (one of %s)", p, strings.Join(FormatNames, ", "))
		}
		if format != "" && got != format {
			return "", fmt.Errorf("%s reads as %s but the files before it as %s: import one format at a time", p, got, format)
		}
		format = got
	}
	return format, nil
}

// sniff recognises a format by the keys or metric names near the start of
// a file.
func sniff(head []byte) (string, bool) {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(t) == 0 {
		return "", false
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if !bytes.Contains(t, []byte(k)) {
				return false
			}
		}
		return true
	}
	if t[0] == '{' || t[0] == '[' {
		switch {
		case has(`"resourceMetrics"`), has(`"resourceLogs"`):
			return ClaudeCodeOTel, true
		case has(`"uncached_input_tokens"`), has(`"starting_at"`, `"results"`):
			return AnthropicUsage, true
		case has(`"organization.usage.completions`), has(`"input_cached_tokens"`), has(`"num_model_requests"`), has(`"start_time"`, `"results"`):
			return OpenAIUsage, true
		case has(`"request_id"`, `"prompt_tokens"`), has(`"request_id"`, `"spend"`):
			return LiteLLMSpend, true
		}
		return "", false
	}
	if has("vllm:") {
		return VLLMMetrics, true
	}
	// A CSV export of LiteLLM_SpendLogs: its header row.
	line, _, _ := bytes.Cut(t, []byte("\n"))
	if bytes.Contains(line, []byte("request_id")) && bytes.Contains(line, []byte("prompt_tokens")) {
		return LiteLLMSpend, true
	}
	return "", false
}

// notAnExport says why a file that holds no format is not an export: it
// is empty, or an API's error body saved in place of a page.
func notAnExport(head []byte) string {
	t := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\ufeff")))
	if len(t) == 0 {
		return "is empty: a page that was not fetched? Fetch it again, or leave it out and import with --allow-gaps and --from"
	}
	var body struct {
		Error *apiError `json:"error"`
	}
	if t[0] == '{' && json.Unmarshal(t, &body) == nil && body.Error != nil {
		return fmt.Sprintf("is an API error body (%s: %s), not an export: fetch the page again", first(body.Error.Type, fmt.Sprint(body.Error.Code)), body.Error.Message)
	}
	return ""
}
