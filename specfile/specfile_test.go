package specfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestResolveIn(t *testing.T) {
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	outside := filepath.Join(top, "outside")
	for _, d := range []string{repo, outside, filepath.Join(repo, "teams"), filepath.Join(repo, "policies"), filepath.Join(repo, "teams", "dir.hcl")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(repo, "teams", name)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(repo, "teams", "ok.hcl"), "team {}\n")
	write(filepath.Join(repo, "policies", "x.rego"), "package costgate.acme\n")
	write(filepath.Join(outside, "secret.hcl"), "TOKEN = \"canary\"\n")
	link("ok.hcl", "alias.hcl")
	link("../teams/ok.hcl", "updown.hcl")
	link("/etc/passwd", "passwd.hcl")
	link(filepath.Join(outside, "secret.hcl"), "abs.hcl")
	link("../../outside/secret.hcl", "rel.hcl")
	link("../policies/x.rego", "policy.hcl")
	link("missing.hcl", "dangling.hcl")
	if err := os.Symlink(outside, filepath.Join(repo, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(repo, "teams", "fifo.hcl"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := func(p string) string { return filepath.Join(repo, p) }
	tests := []struct {
		path string
		want string // "" means allowed; else a substring of the error
	}{
		{in("teams/ok.hcl"), ""},
		{in("teams/alias.hcl"), ""},
		{in("teams/updown.hcl"), ""},
		{filepath.Join(outside, "secret.hcl"), ""}, // named directly, no symlink: the caller chose it
		{in("teams/passwd.hcl"), "is a symlink to /etc/passwd, outside the repository"},
		{in("teams/abs.hcl"), "outside the repository"},
		{in("teams/rel.hcl"), "outside the repository"},
		{in("linkdir/secret.hcl"), "outside the repository"},
		{in("teams/policy.hcl"), "which is not a spec file"},
		{in("policies/x.rego"), "is not a spec file: a spec's name ends in .hcl"},
		{"/etc/passwd", "is not a spec file"},
		{in("teams/dangling.hcl"), "no such file or directory"},
		{in("teams/dir.hcl"), "is not a regular file (a directory)"},
		{in("teams/fifo.hcl"), "is not a regular file (a named pipe)"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, top), func(t *testing.T) {
			got, err := ResolveIn(repo, tt.path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if _, err := os.Stat(got); err != nil {
					t.Fatalf("resolved to %s: %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("allowed, resolved to %s", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "canary") || strings.Contains(err.Error(), "root:") {
				t.Errorf("the error quotes the file: %v", err)
			}
		})
	}
}

func TestRoot(t *testing.T) {
	top := t.TempDir()
	sub := filepath.Join(top, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if got, _ := Root(); got != sub {
		t.Errorf("outside git: Root() = %s, want the working directory %s", got, sub)
	}
	if err := os.WriteFile(filepath.Join(top, ".git"), []byte("gitdir: elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := Root(); got != top {
		t.Errorf("in a work tree: Root() = %s, want its top level %s", got, top)
	}
}

func TestDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"teams/a b.hcl":                "teams/a b.hcl",
		"teams/ünï.hcl":                "teams/ünï.hcl",
		"teams/x\n::error::forged.hcl": `teams/x\n::error::forged.hcl`,
		"teams/\x1b[31mred.hcl":        `teams/\x1b[31mred.hcl`,
		"teams/\u202eevil.hcl":         `teams/\u202eevil.hcl`,
		"teams/quote\".hcl":            "teams/quote\".hcl", // no control character: unchanged
		"teams/tab\t.hcl":              `teams/tab\t.hcl`,
	} {
		if got := Display(in); got != want {
			t.Errorf("Display(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfine(t *testing.T) {
	top := t.TempDir()
	repo, outside := filepath.Join(top, "repo"), filepath.Join(top, "outside")
	for _, d := range []string{filepath.Join(repo, ".git"), filepath.Join(repo, "policies"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(repo, "policies", "a.rego"), filepath.Join(outside, "b.rego")} {
		if err := os.WriteFile(f, []byte("package x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.rego", filepath.Join(repo, "policies", "in.rego")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "b.rego"), filepath.Join(repo, "policies", "out.rego")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	for path, want := range map[string]string{
		"policies/a.rego":                "",
		"policies/in.rego":               "",
		filepath.Join(outside, "b.rego"): "", // named directly: the caller's choice
		"policies/out.rego":              "outside the repository",
		"policies/missing.rego":          "no such file",
	} {
		_, err := Confine(path)
		switch {
		case want == "" && err != nil:
			t.Errorf("Confine(%s): %v", path, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("Confine(%s) = %v, want an error with %q", path, err, want)
		}
	}
}

// TestReadRegular: a regular file (or a symlink to one) is read within its
// bound; a directory, a FIFO, a socket, a device and symlinks to them are
// refused before a byte is read, naming the path.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(file, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	sock := filepath.Join(dir, "sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("socket: %v", err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Skipf("bind: %v", err)
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path  string
		limit int64
		want  string // in the error; "" reads
	}{
		{file, 10, ""},
		{link("to-file", file), 10, ""},
		{file, 9, "ok.json is larger than 9 bytes"},
		{dir, 10, "is not a regular file (a directory)"},
		{fifo, 10, "fifo is not a regular file (a named pipe)"},
		{link("to-fifo", fifo), 10, "to-fifo is not a regular file (a named pipe)"},
		{sock, 10, "sock is not a regular file (a socket)"},
		{"/dev/zero", 10, "/dev/zero is not a regular file (a device)"},
		{link("to-zero", "/dev/zero"), 10, "to-zero is not a regular file (a device)"},
		{filepath.Join(dir, "none"), 10, "none: no such file or directory"},
	}
	for _, tt := range tests {
		raw, err := ReadRegular(tt.path, tt.limit)
		switch {
		case tt.want == "" && (err != nil || string(raw) != "0123456789"):
			t.Errorf("ReadRegular(%s) = %q, %v; want the file", tt.path, raw, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ReadRegular(%s): error %v, want %q", tt.path, err, tt.want)
		}
	}
}
