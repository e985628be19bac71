package modelcatalog

import (
	"reflect"
	"strings"
	"sync"
)

// The JSON fields of the catalog's struct types, as encoding/json names
// them (embedded structs promoted), for refusing unknown keys exactly
// where the decoder would match them case-insensitively or ignore them.
var jsonFieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the fields of struct type t by JSON name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if v, ok := jsonFieldCache.Load(t); ok {
		return v.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				if _, shadowed := out[k]; !shadowed {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	jsonFieldCache.Store(t, out)
	return out
}

// deref strips pointers.
func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// knownField reports whether an object decoding into t may have key: a
// struct only its JSON fields; a map any key. Where t is not an object
// (nil, or a scalar the decoder will refuse an object for) it says yes.
func knownField(t reflect.Type, key string) bool {
	t = deref(t)
	if t == nil || t.Kind() != reflect.Struct {
		return true
	}
	_, ok := jsonFields(t)[key]
	return ok
}

// fieldType is the type of key's value in an object decoding into t; nil
// when not known.
func fieldType(t reflect.Type, key string) reflect.Type {
	t = deref(t)
	switch {
	case t == nil:
		return nil
	case t.Kind() == reflect.Struct:
		return jsonFields(t)[key]
	case t.Kind() == reflect.Map:
		return t.Elem()
	}
	return nil
}

// elemType is the type of an element of an array decoding into t.
func elemType(t reflect.Type) reflect.Type {
	t = deref(t)
	if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil
	}
	return t.Elem()
}
