package report

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A GitHub Actions runner reads every line a step prints and acts on the
// ones that look like workflow commands: a line that starts with "::"
// once leading whitespace is trimmed (::error::, ::add-mask::,
// ::stop-commands::), and the legacy "##[name]" anywhere in a line. It
// splits lines at "\n" and at "\r". Text from a spec, a policy, a price
// book or a git error can end up at the start of a line however the
// output is laid out (an HCL diagnostic wraps its detail at 80 columns),
// so every line costgate prints goes through CommandSafe, and only
// costgate's own annotations (the github format) are written live.

// CommandSafe writes to an underlying writer, line by line, so that no
// line can be read by a GitHub runner as a workflow command: a line (or a
// part of one after "\r") that starts with "::" after whitespace gets a
// backslash before it ("\::error::…"), and every "##[" becomes "#\u0023["
// (which a JSON or HCL string decodes to the same text). Command writes
// costgate's own workflow commands unchanged. Call Flush at the end: an
// unfinished last line is held until then.
type CommandSafe struct {
	w       io.Writer
	pending []byte
	out     []byte // the escaped text of one Write, reused
}

// NewCommandSafe returns a CommandSafe writing to w.
func NewCommandSafe(w io.Writer) *CommandSafe { return &CommandSafe{w: w} }

// Underlying returns the writer c escapes for. Only text costgate composes
// from its own counts, never from input (a progress line on a terminal,
// rewritten in place with "\r", which CommandSafe would hold until a
// newline), may be written to it directly.
func (c *CommandSafe) Underlying() io.Writer { return c.w }

// Write escapes every complete line of p and holds the rest.
func (c *CommandSafe) Write(p []byte) (int, error) {
	end := bytes.LastIndexByte(p, '\n')
	if end < 0 {
		c.pending = append(c.pending, p...)
		return len(p), nil
	}
	lines := p[:end+1]
	if len(c.pending) > 0 {
		c.pending = append(c.pending, lines...)
		lines = c.pending
	}
	c.out = appendDefused(c.out[:0], lines)
	c.pending = append(c.pending[:0], p[end+1:]...)
	if _, err := c.w.Write(c.out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the held unfinished line, escaped.
func (c *CommandSafe) Flush() error {
	if len(c.pending) == 0 {
		return nil
	}
	c.out = appendDefused(c.out[:0], c.pending)
	c.pending = c.pending[:0]
	_, err := c.w.Write(c.out)
	return err
}

// Command writes one workflow command of costgate's own, live: line must
// start with "::" and hold no line break (its message and properties are
// escaped by the caller, ghEscape). A held unfinished line ends first.
func (c *CommandSafe) Command(line string) error {
	if !strings.HasPrefix(line, "::") || strings.ContainsAny(line, "\r\n") {
		return errors.New("internal error: a workflow command is one line starting with \"::\"")
	}
	if len(c.pending) > 0 {
		c.pending = append(c.pending, '\n')
		if err := c.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(c.w, line+"\n")
	return err
}

// legacyCommand is the prefix the runner matches anywhere in a line.
const legacyCommand = "##["

// DefuseCommands escapes text so that none of its lines is a workflow
// command (see CommandSafe). Text with no such line is returned as is.
func DefuseCommands(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, legacyCommand) {
		return s
	}
	s = strings.ReplaceAll(s, legacyCommand, `#\u0023[`)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for start := 0; start <= len(s); {
		end := strings.IndexAny(s[start:], "\r\n")
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		line := s[start:end]
		body := strings.TrimLeftFunc(line, trimmed)
		if strings.HasPrefix(body, "::") {
			b.WriteString(line[:len(line)-len(body)])
			b.WriteByte('\\')
			b.WriteString(body)
		} else {
			b.WriteString(line)
		}
		if end == len(s) {
			break
		}
		b.WriteByte(s[end])
		start = end + 1
	}
	return b.String()
}

// appendDefused appends DefuseCommands(src) to dst. Text with "::" but
// no "##[" (a plan's JSON, with its resources' URNs) is escaped at each
// "::" that begins a line once leading whitespace is trimmed, without
// going over every line; anything else goes through DefuseCommands.
func appendDefused(dst, src []byte) []byte {
	if !bytes.Contains(src, []byte("::")) && !bytes.Contains(src, []byte(legacyCommand)) {
		return append(dst, src...)
	}
	if bytes.Contains(src, []byte(legacyCommand)) {
		return append(dst, DefuseCommands(string(src))...)
	}
	copied := 0
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte("::"))
		if k < 0 {
			break
		}
		k += i
		start := bytes.LastIndexAny(src[:k], "\r\n") + 1
		if leadsLine(src[start:k]) {
			dst = append(dst, src[copied:k]...)
			dst = append(dst, '\\')
			copied = k
		}
		i = k + 2
	}
	return append(dst, src[copied:]...)
}

// leadsLine reports whether every rune of b is one the runner trims
// before matching "::" (trimmed).
func leadsLine(b []byte) bool {
	for len(b) > 0 {
		if c := b[0]; c < utf8.RuneSelf {
			// ASCII: the runner trims spaces and control characters.
			if c > ' ' && c != 0x7f {
				return false
			}
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if !trimmed(r) {
			return false
		}
		b = b[size:]
	}
	return true
}

// trimmed reports whether the runner may trim r before matching "::": its
// whitespace, and (to be safe) any control or invisible formatting
// character.
func trimmed(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
