package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestCapacityBlockLimit: a fleet priced on capacity blocks has at most one
// block's 64 instances. A load that needs more is a denial
// (capacity.fleet_limit, exit 1), not the stack's refusal at preview
// (exit 2 for the whole run), and model "auto" finds the model whose fleet
// fits one block.
func TestCapacityBlockLimit(t *testing.T) {
	runCases(t, []cliCase{
		{"past one block", []string{"plan", "testdata/capacity-block.hcl", "--as-of", "2026-11-26"}, 1, "capacity.fleet_limit: The self-hosted fleet would need more than 64 instances, the most one EC2 Capacity Block holds", ""},
	})
	// The same team with model "auto": a smaller model's fleet fits one block.
	src, err := os.ReadFile("testdata/capacity-block.hcl")
	if err != nil {
		t.Fatal(err)
	}
	auto := filepath.Join(t.TempDir(), "capacity-block-auto.hcl")
	if err := os.WriteFile(auto, bytes.Replace(src, []byte(`model    = "llama-3.3-70b"`), []byte(`model    = "auto"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("plan", auto, "--as-of", "2026-11-26", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p struct {
		Decision struct{ Architecture string }
		Options  []struct {
			Architecture string
			Allowed      bool
			Warnings     []struct{ Policy string }
			Sizing       *struct {
				PeakInstances int  `json:"peak_instances"`
				MaxInstances  *int `json:"max_instances"`
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.Decision.Architecture != "self_hosted" {
		t.Errorf("decided %s, want self_hosted", p.Decision.Architecture)
	}
	for _, o := range p.Options {
		if o.Sizing == nil {
			continue
		}
		if o.Sizing.MaxInstances == nil || *o.Sizing.MaxInstances != modelcatalog.MaxCapacityBlockInstances {
			t.Errorf("%s: max_instances %v, want %d", o.Architecture, o.Sizing.MaxInstances, modelcatalog.MaxCapacityBlockInstances)
		}
		if o.Allowed && o.Sizing.PeakInstances > modelcatalog.MaxCapacityBlockInstances {
			t.Errorf("%s is allowed on %d instances of one capacity block", o.Architecture, o.Sizing.PeakInstances)
		}
		// The range's high end (28 M tokens a developer against the
		// expected 20 M) needs more than the block: it says so.
		warned := false
		for _, w := range o.Warnings {
			warned = warned || w.Policy == "sizing.capacity_block_range"
		}
		if o.Architecture == "self_hosted" && !warned {
			t.Errorf("self_hosted: no sizing.capacity_block_range warning for a range past one block")
		}
	}
}
