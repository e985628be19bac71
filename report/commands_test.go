package report_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/costgate/costgate/report"
)

func TestDefuseCommands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain line\n", "plain line\n"},
		{"a::b and c::d\n", "a::b and c::d\n"},
		{"::error::x\n", `\::error::x` + "\n"},
		{"   ::add-mask::secret\n", `   \::add-mask::secret` + "\n"},
		{"\t \u00a0\u2003::set-output name=x::y", "\t \u00a0\u2003\\::set-output name=x::y"},
		{"\u200b::error::zero width\n", "\u200b\\::error::zero width\n"},
		{"ok\r::error::after a carriage return\r\n", "ok\r\\::error::after a carriage return\r\n"},
		{"one\n::two::\n  ::three::\nfour", "one\n\\::two::\n  \\::three::\nfour"},
		{"text ##[error]legacy\n", `text #\u0023[error]legacy` + "\n"},
		{"###[x] ##[[", `##\u0023[x] #\u0023[[`},
		{"::", `\::`},
	}
	for _, tt := range tests {
		if got := report.DefuseCommands(tt.in); got != tt.want {
			t.Errorf("DefuseCommands(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A JSON document keeps its meaning: "#\u0023[" is the string "##[".
func TestDefuseCommandsKeepsJSON(t *testing.T) {
	msg := "##[add-mask]x ::error::y\n::warning::z"
	doc, err := json.MarshalIndent(map[string]string{"msg": msg}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	defused := report.DefuseCommands(string(doc))
	if strings.Contains(defused, "##[") {
		t.Fatalf("legacy command left in %s", defused)
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(defused), &back); err != nil || back["msg"] != msg {
		t.Errorf("decoded %q (%v), want %q", back["msg"], err, msg)
	}
}

// CommandSafe escapes what is written across several writes, and passes
// costgate's own commands live.
func TestCommandSafe(t *testing.T) {
	var out bytes.Buffer
	c := report.NewCommandSafe(&out)
	for _, part := range []string{"first ", "line\n  :", ":error::split\n#", "#[x] unfinished"} {
		if _, err := io.WriteString(c, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Command("::error file=a.hcl,line=1::own"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, "::tail"); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "first line\n  \\::error::split\n#\\u0023[x] unfinished\n::error file=a.hcl,line=1::own\n\\::tail"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
	for _, bad := range []string{"no prefix", "::error::two\n::lines", "::x\r::y"} {
		if err := c.Command(bad); err == nil {
			t.Errorf("Command(%q) accepted a line that is not one workflow command", bad)
		}
	}
}
