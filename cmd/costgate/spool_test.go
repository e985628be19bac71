package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestSpoolKeepsEachPiece puts pieces of every size from many goroutines
// and reads them back in another order: each as put. Below spoolFrom, or
// without a temporary folder, the pieces stay in memory; a spool's file
// is gone from the folder while the command runs, and closed after.
func TestSpoolKeepsEachPiece(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, tc := range []struct {
		name   string
		n      int
		tmp    string
		inFile bool
	}{
		{"few specs", spoolFrom - 1, "", false},
		{"many specs", spoolFrom, "", true},
		{"no temporary folder", 1000, filepath.Join(t.TempDir(), "missing"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tmp != "" {
				t.Setenv("TMPDIR", tc.tmp)
			}
			s := newSpool(tc.n)
			defer s.close()
			if (s.f != nil) != tc.inFile {
				t.Fatalf("spooled to a file: %v, want %v", s.f != nil, tc.inFile)
			}
			if entries, _ := os.ReadDir(os.TempDir()); tc.inFile && len(entries) > 0 {
				t.Errorf("the spool's file is left in the temporary folder: %v", entries)
			}
			want := make([][]byte, 200)
			got := make([]piece, len(want))
			var wg sync.WaitGroup
			for i := range want {
				want[i] = bytes.Repeat([]byte{byte('a' + i%26)}, i*37%1000)
				wg.Go(func() { got[i] = s.put(want[i]) })
			}
			wg.Wait()
			for i := len(want) - 1; i >= 0; i-- {
				b, err := got[i].bytes()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, want[i]) {
					t.Fatalf("piece %d: read back %d bytes unlike the %d put", i, len(b), len(want[i]))
				}
			}
		})
	}
}

// TestSpoolFullKeepsInMemory: once the file refuses a write, the pieces
// after it stay in memory and those before it read back from the file.
func TestSpoolFullKeepsInMemory(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := newSpool(spoolFrom)
	defer s.close()
	if s.f == nil {
		t.Fatal("no spool file")
	}
	first := s.put([]byte("first"))
	// A file that takes no more writes, as on a full disk.
	ro, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	real := s.f
	s.f = ro
	second := s.put([]byte("second"))
	s.f = real
	third := s.put([]byte("third"))
	ro.Close()
	for _, c := range []struct {
		p    piece
		want string
	}{{first, "first"}, {second, "second"}, {third, "third"}} {
		b, err := c.p.bytes()
		if err != nil || string(b) != c.want {
			t.Errorf("read %q, %v; want %q", b, err, c.want)
		}
	}
	if second.in != nil || third.in != nil {
		t.Errorf("pieces after a failed write were spooled")
	}
}

// TestSpooledPlansAsInMemory plans enough specs to spool them, with a
// temporary folder and without one: the same output, byte for byte.
func TestSpooledPlansAsInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 70 specs twice")
	}
	src, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"plan", "--format", "json", "--as-of", "2026-11-26"}
	for i := range spoolFrom + 6 {
		spec := strings.Replace(string(src), "developers", fmt.Sprintf("developers = %d # ", 5+i), 1)
		spec = strings.Replace(spec, `team "startup"`, fmt.Sprintf(`team "startup-%02d"`, i), 1)
		path := filepath.Join(dir, fmt.Sprintf("team-%02d.hcl", i))
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	t.Setenv("TMPDIR", t.TempDir())
	code, spooled, stderr := runCLI(args...)
	if code != 0 && code != exitBlocked {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	code2, inMemory, _ := runCLI(args...)
	if code2 != code || spooled != inMemory {
		t.Errorf("spooled output (exit %d, %d bytes) differs from the in-memory one (exit %d, %d bytes)", code, len(spooled), code2, len(inMemory))
	}
	if n := strings.Count(spooled, `"decision"`); n < spoolFrom {
		t.Errorf("%d plans written, want %d", n, spoolFrom+6)
	}
}
