// Package specfile decides which paths may be read as specs: a spec is a
// regular .hcl file, and a symlink may not lead out of the repository.
// It also opens every other file costgate reads (policies, price books,
// usage files, stack configurations): regular files only, read within a
// bound.
// A pull request can add a symlink named like a spec that points at a
// secret on the CI runner (/etc/passwd, ~/.aws/credentials) or at a file
// that is not a spec; reading it would quote its lines back in the
// diagnostics, and so into the job log.
package specfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode"
)

// Ext is the extension of a spec file.
const Ext = ".hcl"

// Root returns the directory symlinks may not leave: the top level of the
// git work tree holding the working directory (its first ancestor with a
// .git entry), or the working directory outside git.
func Root() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the repository root: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd, nil
		}
		dir = parent
	}
}

// Resolve returns the file to read for the spec at path, under Root.
func Resolve(path string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	return ResolveIn(root, path)
}

// ResolveIn returns the file to read for the spec at path, which is its
// real path with every symlink resolved. It refuses, without reading a
// byte: a name that does not end in .hcl; a path through a symlink whose
// real path is outside root, or does not end in .hcl either; and anything
// but a regular file (a directory, a FIFO that would block, a device).
// The error names the path, never the content.
func ResolveIn(root, path string) (string, error) {
	shown := Display(path)
	if !strings.EqualFold(filepath.Ext(path), Ext) {
		return "", fmt.Errorf("%s is not a spec file: a spec's name ends in %s", shown, Ext)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", shown, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("%s: %w", shown, err)
	}
	if real != abs {
		realRoot, err := filepath.EvalSymlinks(root)
		if err != nil {
			return "", fmt.Errorf("find the repository root: %w", err)
		}
		if !within(realRoot, real) {
			return "", fmt.Errorf("%s is a symlink to %s, outside the repository: a spec is read only from inside it (%s)", shown, Display(real), Display(realRoot))
		}
		if !strings.EqualFold(filepath.Ext(real), Ext) {
			return "", fmt.Errorf("%s is a symlink to %s, which is not a spec file: a spec's name ends in %s", shown, Display(real), Ext)
		}
	}
	info, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("%s: %w", shown, err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file (%s)", shown, kind(info.Mode()))
	}
	return real, nil
}

// Confine refuses a path that leads out of the repository (Root) through a
// symlink, whatever the file is: a policy or a price book that a change
// links to a secret on the machine would otherwise be read, and its lines
// quoted in a parse error. A path without symlinks is the caller's choice
// and passes. It returns the real path.
func Confine(path string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	shown := Display(path)
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", shown, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("%s: %w", shown, errors.Unwrap(err))
	}
	if real == abs {
		return real, nil
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("find the repository root: %w", err)
	}
	if !within(realRoot, real) {
		return "", fmt.Errorf("%s is a symlink to %s, outside the repository: it is read only from inside it (%s)", shown, Display(real), Display(realRoot))
	}
	return real, nil
}

// within reports whether path is dir or below it; both are clean and
// absolute.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// Display is path as diagnostics and reports show it: a control character
// in a file name (a newline that would start a forged line of output, or
// a "::error::" workflow command in a CI log; an ANSI escape) is written
// as a Go escape, \n or \x1b. Other names are unchanged.
func Display(path string) string {
	if !strings.ContainsFunc(path, func(r rune) bool { return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) }) {
		return path
	}
	q := strconv.QuoteToGraphic(path)
	return q[1 : len(q)-1]
}

// Bounds on what is read from one file: a spec, a policy file or a stack
// configuration is source a person writes, a price book a generated
// table (LiteLLM's is about 1 MiB). Usage files are read as streams.
const (
	MaxSpecBytes      = 1 << 20
	MaxPolicyBytes    = 1 << 20
	MaxStackBytes     = 1 << 20
	MaxPriceBookBytes = 16 << 20
	// MaxModelConfigBytes bounds a Hugging Face config.json (perf
	// --model-config): a few kilobytes in practice.
	MaxModelConfigBytes = 1 << 20
)

// OpenRegular opens path for reading if it is a regular file (or a
// symlink to one). Anything else — a device that never ends (/dev/zero),
// a FIFO or socket that would block, a directory — is refused before a
// byte is read, naming the path. The file is opened without blocking and
// checked again once open, so a file swapped for a FIFO in between is
// refused too.
func OpenRegular(path string) (*os.File, error) {
	return openRegular(path, Display(path))
}

// openRegular is OpenRegular naming the file shown in its errors.
func openRegular(path, shown string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, bare(err))
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(shown, info.Mode())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, bare(err))
	}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", shown, bare(err))
		}
		return nil, notRegular(shown, info.Mode())
	}
	return f, nil
}

// ReadRegular reads the regular file at path (OpenRegular), refusing one
// larger than limit bytes with an error naming the path and the limit.
func ReadRegular(path string, limit int64) ([]byte, error) {
	return readRegular(path, Display(path), limit)
}

// ReadSpec reads the spec at path: the file Resolve allows, at most
// MaxSpecBytes. Errors name path as given.
func ReadSpec(path string) ([]byte, error) {
	real, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	return readRegular(real, Display(path), MaxSpecBytes)
}

func readRegular(path, shown string, limit int64) ([]byte, error) {
	f, err := openRegular(path, shown)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, bare(err))
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%s is larger than %s, the most costgate reads of such a file", shown, size(limit))
	}
	return raw, nil
}

func notRegular(shown string, m os.FileMode) error {
	return fmt.Errorf("%s is not a regular file (%s): it is not read", shown, kind(m))
}

// bare drops the path os puts in its errors: the caller names the path,
// escaped (Display).
func bare(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func size(n int64) string {
	if n < 1<<10 || n%(1<<10) != 0 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}
