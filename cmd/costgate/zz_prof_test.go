package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"testing"
)

func TestZZProfile(t *testing.T) {
	dir := os.Getenv("PROF_SPECS")
	if dir == "" {
		t.Skip()
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(200 << 20)
	files, _ := filepath.Glob(dir + "/*.hcl")
	f, _ := os.Create("/tmp/cpu.prof")
	pprof.StartCPUProfile(f)
	run(append([]string{"plan", "--format", "json", "--as-of", "2026-11-26"}, files...), io.Discard, io.Discard)
	pprof.StopCPUProfile()
	f.Close()
}
