package costmodel

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestNoOtherModelsRows: no bundled example's fleet is sized from another
// model's benchmark. Every option's fleet comes from the performance
// model; the only rows that calibrate it were measured on the fleet's own
// model and GPU, none derived from another measurement, and no note
// speaks of a derived figure.
func TestNoOtherModelsRows(t *testing.T) {
	paths := exampleFiles(t)
	calibrated := 0
	for _, path := range paths {
		r := evaluate(t, parseFile(t, path))
		for _, o := range r.Options {
			f := o.Sized
			if f == nil {
				continue
			}
			if f.Throughput.Model != o.Sizing.Model || f.Throughput.GPU != o.Sizing.GPU || f.Throughput.DerivedFrom != "" || !strings.HasPrefix(f.Throughput.Source.Source, "inference/perf") {
				t.Errorf("%s %s: the fleet's figure is %s on %s from %q (derived from %q)", filepath.Base(path), o.Architecture,
					f.Throughput.Model, f.Throughput.GPU, f.Throughput.Source.Source, f.Throughput.DerivedFrom)
			}
			for _, row := range f.Calibration {
				calibrated++
				if row.Model != o.Sizing.Model || row.GPU != o.Sizing.GPU || row.DerivedFrom != "" {
					t.Errorf("%s %s: %s on %s calibrated by a row of %s on %s (derived from %q)", filepath.Base(path), o.Architecture,
						o.Sizing.Model, o.Sizing.GPU, row.Model, row.GPU, row.DerivedFrom)
				}
			}
			for _, n := range o.Sizing.Notes {
				if strings.Contains(n, "derived from") {
					t.Errorf("%s %s: note %q", filepath.Base(path), o.Architecture, n)
				}
			}
		}
	}
	if calibrated == 0 {
		t.Error("no example's fleet was calibrated by a published row: the check saw none")
	}
}
