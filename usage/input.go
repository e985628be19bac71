package usage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// maxLine bounds one line of a line-oriented file (an OTLP batch, a CSV
// row): longer is a malformed record, not a reason to run out of memory.
const maxLine = 256 << 20

// file is one open input, decompressed (gzip or zstd, by magic number).
type file struct {
	name    string
	in      *inputs
	raw     *os.File
	r       *bufio.Reader
	closers []func()
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

func openFile(path string, in *inputs) (*file, error) {
	raw, err := openPlain(path)
	if err != nil {
		return nil, err
	}
	f := &file{name: path, in: in, raw: raw}
	f.closers = append(f.closers, func() { raw.Close() })
	var src io.Reader = raw
	if in != nil && in.prog != nil {
		src = &countingReader{r: raw, p: in.prog}
	}
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
		br = bufio.NewReaderSize(zr, 256<<10)
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			f.close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		f.closers = append(f.closers, zr.Close)
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	f.r = br
	return f, nil
}

func (f *file) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
}

// errorf makes a RecordError at a line of the file.
func (f *file) errorf(line int, format string, args ...any) *RecordError {
	return &RecordError{File: f.name, Line: line, Msg: fmt.Sprintf(format, args...)}
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
