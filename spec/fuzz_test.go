package spec

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecode extends FuzzParse (which checks diagnostics) to what a
// decoded Spec promises. Seeded with the bundled examples, the valid and
// invalid specs and the hostile ones, it checks that whatever decodes
//
//   - holds only finite numbers, with low <= high in every range,
//
//   - has workload shares summing to 1 and at least one developer, and
//
//   - decodes to the same Spec after `costgate fmt` (Format), so that
//     formatting never changes what a spec means.
//
//     go test ./spec -run XXX -fuzz FuzzDecode -fuzztime 5m
func FuzzDecode(f *testing.F) {
	var paths []string
	for _, pattern := range []string{"../examples/*.hcl", "../examples/*/*.hcl", "testdata/*/*.hcl"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 10 {
		f.Fatalf("found %d seed specs, want the examples and testdata", len(paths))
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	cat := modelcatalog.Default()
	f.Fuzz(func(t *testing.T, src []byte) {
		s, diags := NewParser(cat).Parse("fuzz.hcl", src)
		if diags.HasErrors() {
			return
		}
		if err := checkDecoded(s); err != nil {
			t.Fatalf("decoded spec breaks its promises: %v\n%s", err, src)
		}
		formatted := Format(src)
		s2, diags := NewParser(cat).Parse("fuzz.hcl", formatted)
		if diags.HasErrors() {
			t.Fatalf("the formatted spec no longer decodes: %v\nbefore:\n%s\nafter:\n%s", diags, src, formatted)
		}
		// Source positions move when formatting; everything else must not.
		if diff := cmp.Diff(s, s2, cmpopts.IgnoreFields(Spec{}, "Ranges"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("formatting changed the spec (-before +after):\n%s\nbefore:\n%s\nafter:\n%s", diff, src, formatted)
		}
	})
}

// checkDecoded checks what every decoded spec holds, whatever its source.
func checkDecoded(s *Spec) error {
	if err := walkNumbers(reflect.ValueOf(*s), "spec"); err != nil {
		return err
	}
	if s.Team.Developers.Low < 1 {
		return fmt.Errorf("team.developers %v is below 1", s.Team.Developers)
	}
	if len(s.Workloads) == 0 {
		return fmt.Errorf("no workload")
	}
	sum := 0.0
	for _, w := range s.Workloads {
		sum += w.Share
	}
	if math.Abs(sum-1) > 0.001+1e-9 {
		return fmt.Errorf("workload shares sum to %v", sum)
	}
	return nil
}

var rangeType = reflect.TypeOf(Range{})

// walkNumbers checks every float in v, recursively, for finiteness, and
// every Range for low <= high.
func walkNumbers(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s is %v", path, f)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return walkNumbers(v.Elem(), path)
		}
	case reflect.Struct:
		if v.Type() == rangeType {
			if r := v.Interface().(Range); r.Low > r.High {
				return fmt.Errorf("%s is reversed: %v", path, r)
			}
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if err := walkNumbers(v.Field(i), path+"."+v.Type().Field(i).Name); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := walkNumbers(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if err := walkNumbers(iter.Value(), fmt.Sprintf("%s[%v]", path, iter.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestCheckDecoded makes sure checkDecoded can fail, and passes the
// bundled examples.
func TestCheckDecoded(t *testing.T) {
	good := func() *Spec {
		return &Spec{
			Team:      Team{Developers: Scalar(10), TokensPerDeveloper: Range{Low: 1, High: 2}},
			Workloads: []Workload{{Name: "a", Share: 0.4}, {Name: "b", Share: 0.6}},
		}
	}
	tests := []struct {
		name    string
		mutate  func(*Spec)
		wantErr bool
	}{
		{"valid", func(*Spec) {}, false},
		{"reversed range", func(s *Spec) { s.Team.TokensPerDeveloper = Range{Low: 2, High: 1} }, true},
		{"infinite", func(s *Spec) { s.Team.WorkingHoursPerMonth = math.Inf(1) }, true},
		{"NaN in a pointer", func(s *Spec) { v := math.NaN(); s.Budget.MonthlyLimitUSD = &v }, true},
		{"NaN in a slice", func(s *Spec) { s.Workloads[0].MaxTTFTMs = math.NaN() }, true},
		{"reversed optional range", func(s *Spec) { s.SelfHosted.GPUHourUSD = &Range{Low: 3, High: 2} }, true},
		{"no developers", func(s *Spec) { s.Team.Developers = Scalar(0) }, true},
		{"shares", func(s *Spec) { s.Workloads[1].Share = 0.7 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.mutate(s)
			if err := checkDecoded(s); (err != nil) != tt.wantErr {
				t.Errorf("checkDecoded = %v, want error %t", err, tt.wantErr)
			}
		})
	}
	paths, _ := filepath.Glob("../examples/*.hcl")
	for _, path := range paths {
		s, diags := NewParser(modelcatalog.Default()).ParseFile(path)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", path, diags)
		}
		if err := checkDecoded(s); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}
