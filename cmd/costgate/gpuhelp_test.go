package main

import (
	"io"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/spf13/cobra"
)

// TestGPUFlagHelpListsCatalog: every command with a --gpu flag lists every
// GPU of the catalog in its help, so the list is the catalog's and never
// typed by hand.
func TestGPUFlagHelpListsCatalog(t *testing.T) {
	var withGPU [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Flags().Lookup("gpu") != nil || c.PersistentFlags().Lookup("gpu") != nil {
			withGPU = append(withGPU, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(newRoot(io.Discard, io.Discard), nil)
	if len(withGPU) == 0 {
		t.Fatal("no command has a --gpu flag; perf should")
	}
	for _, path := range withGPU {
		t.Run(strings.Join(path, " "), func(t *testing.T) {
			code, stdout, _ := runCLI(append(path, "--help")...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			var line string
			for _, l := range strings.Split(stdout, "\n") {
				if strings.Contains(l, "--gpu ") {
					line = l
				}
			}
			for _, g := range modelcatalog.Default().GPUIDs() {
				if !strings.Contains(" "+line+" ", " "+g+" ") {
					t.Errorf("--gpu help %q does not list the catalog's %s", line, g)
				}
			}
		})
	}
}
