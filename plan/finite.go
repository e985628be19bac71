package plan

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// finite reports whether every number in v that nonFinite reads is
// finite: nonFinite's walk without its paths, which it builds only once
// one is found (a plan's options are walked at every build).
func finite(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		return !math.IsNaN(f) && !math.IsInf(f, 0)
	case reflect.Pointer, reflect.Interface:
		return v.IsNil() || finite(v.Elem())
	case reflect.Struct:
		for _, i := range readFields(v.Type()) {
			if !finite(v.Field(i)) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !finite(v.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !finite(it.Value()) {
				return false
			}
		}
	}
	return true
}

// fieldsRead remembers readFields by struct type.
var fieldsRead sync.Map // reflect.Type → []int

// readFields is the indices of t's fields nonFinite reads: exported, and
// not left out of JSON ("-").
func readFields(t reflect.Type) []int {
	if fs, ok := fieldsRead.Load(t); ok {
		return fs.([]int)
	}
	var fs []int
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && name != "-" {
			fs = append(fs, i)
		}
	}
	fieldsRead.Store(t, fs)
	return fs
}

// nonFinite is the JSON path, below path, of the first NaN or infinite
// number in v, and that number; "" when every number in v is finite.
func nonFinite(v reflect.Value, path string) (string, float64) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return path, f
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nonFinite(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if at, x := nonFinite(v.Field(i), path+"."+name); at != "" {
				return at, x
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if at, x := nonFinite(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); at != "" {
				return at, x
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			if at, x := nonFinite(v.MapIndex(k), fmt.Sprintf("%s.%v", path, k)); at != "" {
				return at, x
			}
		}
	}
	return "", 0
}
