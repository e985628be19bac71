package usage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// maxLine bounds one line of a line-oriented file (an OTLP batch, a CSV
// row): longer is a malformed record, not a reason to run out of memory.
const maxLine = 256 << 20

// file is one open input, decompressed (gzip or zstd, by magic number).
type file struct {
	name    string
	in      *inputs
	r       *bufio.Reader
	closers []func()
	// rec is the 1-based index of the record being read in a one-line
	// JSON array, else 0.
	rec     int
	recWhat string
	recLine int
	// keep is set on standard input: it is read once, by detection and
	// then by the import, and closed by neither.
	keep bool
}

// Stdin is the file name that reads standard input.
const Stdin = "-"

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

func openFile(path string, in *inputs) (*file, error) {
	raw, err := openPlain(path)
	if err != nil {
		return nil, err
	}
	var src io.Reader = raw
	if in != nil && in.prog != nil {
		src = &countingReader{r: raw, p: in.prog}
	}
	f, err := newFile(path, src, in)
	if err != nil {
		raw.Close()
		return nil, err
	}
	f.closers = append([]func(){func() { raw.Close() }}, f.closers...)
	return f, nil
}

// newFile reads src, decompressed when it starts with a gzip or zstd
// magic number, without its byte-order mark.
func newFile(path string, src io.Reader, in *inputs) (*file, error) {
	f := &file{name: path, in: in}
	br := bufio.NewReaderSize(src, 256<<10)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		f.closers = append(f.closers, func() { zr.Close() })
		br = bufio.NewReaderSize(&truncReader{r: zr, file: path, kind: "gzip"}, 256<<10)
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			f.close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		f.closers = append(f.closers, zr.Close)
		br = bufio.NewReaderSize(&truncReader{r: zr, file: path, kind: "zstd"}, 256<<10)
	}
	// A byte-order mark (an export saved by a Windows tool) is not part
	// of the content.
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	f.r = br
	return f, nil
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

func (f *file) close() {
	if f.keep {
		return
	}
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
}

// identity refuses a developer identity that is not UTF-8 text: Latin-1
// bytes in an email (which encoding/json turns into U+FFFD) would make the
// same person a second developer. ok is false when the record is to be
// left out (under SkipInvalid).
func (f *file) identity(line int, id string) (ok bool, err error) {
	if utf8.ValidString(id) && !strings.ContainsRune(id, utf8.RuneError) {
		return true, nil
	}
	return false, f.invalid(line, "developer identity %q is not UTF-8 text: re-export the file as UTF-8", strings.ReplaceAll(strings.ToValidUTF8(id, "?"), "\ufffd", "?"))
}

// errorf makes a RecordError at a line of the file.
func (f *file) errorf(line int, format string, args ...any) *RecordError {
	rec, what := f.recAt(line)
	return &RecordError{File: f.name, Line: line, Record: rec, What: what, Msg: fmt.Sprintf(format, args...)}
}

// recAt names the record being read when an error at the line is in it
// and the line alone does not tell it from its neighbours.
func (f *file) recAt(line int) (int, string) {
	if f.rec > 0 && line == f.recLine {
		return f.rec, f.recWhat
	}
	return 0, ""
}

// invalid reports a malformed record at a line: an error unless
// SkipInvalid.
func (f *file) invalid(line int, format string, args ...any) error {
	return f.in.invalid(f.errorf(line, format, args...))
}

// lines calls fn with each line (without its newline) and its number. The
// slice is valid until fn returns.
func (f *file) lines(fn func(line []byte, n int) error) error {
	var buf []byte
	n := 0
	for {
		chunk, err := f.r.ReadSlice('\n')
		n++
		if err == bufio.ErrBufferFull {
			buf = append(buf[:0], chunk...)
			for err == bufio.ErrBufferFull {
				if len(buf) > maxLine {
					return f.errorf(n, "line longer than %d MB", maxLine>>20)
				}
				chunk, err = f.r.ReadSlice('\n')
				buf = append(buf, chunk...)
			}
			chunk = buf
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read %s: %w", f.name, err)
		}
		line := bytes.TrimRight(chunk, "\r\n")
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(line, n); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// posReader keeps the bytes read since the last forget, so that a byte
// offset a JSON decoder reports turns into a line number.
type posReader struct {
	r io.Reader
	// base is the offset of kept[0]; linesBefore the newlines before it.
	base        int64
	linesBefore int
	kept        []byte
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.kept = append(p.kept, b[:n]...)
	return n, err
}

// forget drops the kept bytes before off: nothing before it will be asked
// for again.
func (p *posReader) forget(off int64) {
	d := off - p.base
	if d <= 0 {
		return
	}
	if d > int64(len(p.kept)) {
		d = int64(len(p.kept))
	}
	p.linesBefore += bytes.Count(p.kept[:d], []byte{'\n'})
	p.kept = append(p.kept[:0], p.kept[d:]...)
	p.base += d
}

// lineAt is the 1-based line of the first byte at or after off that is
// not white space or a comma: where the value a decoder reads next starts.
func (p *posReader) lineAt(off int64) int {
	d := off - p.base
	if d < 0 {
		d = 0
	}
	if d > int64(len(p.kept)) {
		d = int64(len(p.kept))
	}
	for d < int64(len(p.kept)) {
		switch p.kept[d] {
		case ' ', '\t', '\r', '\n', ',':
			d++
			continue
		}
		break
	}
	return p.linesBefore + bytes.Count(p.kept[:d], []byte{'\n'}) + 1
}

// truncReader names a compressed file that ends before its stream does (a
// copy cut short, a rotation caught mid-write): the decompressor's
// unexpected EOF would otherwise read as malformed content.
type truncReader struct {
	r          io.Reader
	file, kind string
}

func (t *truncReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	if err != nil && err != io.EOF {
		msg := fmt.Sprintf("the %s file is corrupt: %v", t.kind, err)
		if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected EOF") {
			msg = fmt.Sprintf("the %s file is truncated: it ends before its compressed stream does (copy it again)", t.kind)
		}
		return n, &RecordError{File: t.file, Msg: msg}
	}
	return n, err
}
