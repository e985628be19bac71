package plan

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestEveryModelFieldIsCompared: a pull request that edits a figure of a
// model block the fleet runs is spec.loosened unless the loosener compares
// that figure by direction; every field of the block is a figure compared
// either way, one compared by direction, or named as no figure. A field
// added to modelcatalog.OpenModel is compared without a change to the
// loosener (dense_layers, once left out of a hand-kept list, lowered the
// predicted time to first token under a latency.ttft denial unseen).
func TestEveryModelFieldIsCompared(t *testing.T) {
	typ := reflect.TypeFor[modelcatalog.OpenModel]()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if f.Anonymous {
			continue // the source fields: source, as_of, estimate, note
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		homes := 0
		for _, list := range [][]string{comparedNames, directionalFigures, notFigures} {
			if slices.Contains(list, name) {
				homes++
			}
		}
		if homes != 1 {
			t.Errorf("OpenModel.%s (%q) is in %d of the compared, directional and not-a-figure lists, want 1", f.Name, name, homes)
		}
	}
	for i, idx := range comparedFields {
		b := modelcatalog.OpenModel{Quality: map[string]modelcatalog.Figure{}}
		h := b
		v := reflect.ValueOf(&h).Elem().Field(idx)
		switch v.Kind() {
		case reflect.Int:
			v.SetInt(7)
		case reflect.Float64:
			v.SetFloat(7)
		case reflect.String:
			v.SetString("fp8")
		case reflect.Bool:
			v.SetBool(true)
		default:
			t.Fatalf("%s: a %s field the test cannot change", comparedNames[i], v.Kind())
		}
		if got := perfFigures(&b, &h); !slices.Equal(got, []string{comparedNames[i]}) {
			t.Errorf("changing %s: perfFigures = %v", comparedNames[i], got)
		}
	}
}
