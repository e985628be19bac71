package modelcatalog

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// absent stands for a field one side of a comparison does not have.
type absentValue struct{}

var absent any = absentValue{}

// leafChange is one field that differs between two decoded JSON values.
type leafChange struct {
	path     string
	from, to any // absent when the side lacks it
}

// leafChanges appends the leaves (numbers, strings, booleans, nulls) that
// differ between a and b, by path ("prices[0].input_per_m"); a field only
// one side has counts as each of its leaves added or removed.
func leafChanges(path string, a, b any, out []leafChange) []leafChange {
	// A null composite (an encoded nil map or slice) has no leaves.
	if a == nil && composite(b) {
		a = absent
	}
	if b == nil && composite(a) {
		b = absent
	}
	am, aMap := a.(map[string]any)
	bm, bMap := b.(map[string]any)
	if (aMap || a == absent) && (bMap || b == absent) && (aMap || bMap) {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			out = leafChanges(joinPath(path, k), field(am, k), field(bm, k), out)
		}
		return out
	}
	al, aList := a.([]any)
	bl, bList := b.([]any)
	if (aList || a == absent) && (bList || b == absent) && (aList || bList) {
		for i := 0; i < max(len(al), len(bl)); i++ {
			out = leafChanges(fmt.Sprintf("%s[%d]", path, i), item(al, i), item(bl, i), out)
		}
		return out
	}
	if !sameLeaf(a, b) {
		out = append(out, leafChange{path: path, from: a, to: b})
	}
	return out
}

func composite(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func field(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	return absent
}

func item(l []any, i int) any {
	if i < len(l) {
		return l[i]
	}
	return absent
}

func sameLeaf(a, b any) bool {
	if n, ok := a.(json.Number); ok {
		return sameNumber(n, b)
	}
	return reflect.DeepEqual(a, b)
}

// number is a leaf as a float64, if it is a number.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil
}

// showLeaf writes a leaf for a reader: "(none)" when absent.
func showLeaf(v any) string {
	switch x := v.(type) {
	case absentValue:
		return "(none)"
	case json.Number:
		return string(x)
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return strconv.Quote(x)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// entryDocs maps each entry of section s of c (decoded as doc) by key.
func entryDocs(doc map[string]any, s bookSection, c *Catalog) map[string]any {
	list, _ := doc[s.name].([]any)
	keys := s.keys(c)
	out := make(map[string]any, len(list))
	for i, k := range keys {
		if i < len(list) {
			out[k] = list[i]
		}
	}
	return out
}

// under reports whether path is prefix or lies below it.
func under(path string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool {
		return path == p || (len(path) > len(p) && path[:len(p)] == p && (path[len(p)] == '.' || path[len(p)] == '['))
	})
}
