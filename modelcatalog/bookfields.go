package modelcatalog

import (
	"reflect"
	"slices"
	"strings"
	"sync"
)

// The JSON fields of the catalog's struct types, as encoding/json names
// them (embedded structs promoted), for refusing unknown keys exactly
// where the decoder would match them case-insensitively or ignore them.
var jsonFieldCache sync.Map // reflect.Type → map[string]jsonField

// jsonField is one JSON field of a struct: its type, and whether the
// catalog may leave it out (omitempty, or a pointer: absent means unknown
// or none).
type jsonField struct {
	typ      reflect.Type
	optional bool
}

// jsonFields returns the fields of struct type t by JSON name.
func jsonFields(t reflect.Type) map[string]jsonField {
	if v, ok := jsonFieldCache.Load(t); ok {
		return v.(map[string]jsonField)
	}
	out := map[string]jsonField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
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
		out[name] = jsonField{typ: f.Type, optional: f.Type.Kind() == reflect.Pointer || slices.Contains(strings.Split(opts, ","), "omitempty")}
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

// structField returns key's field when t (pointers stripped) is a
// struct; isStruct is false for anything else.
func structField(t reflect.Type, key string) (f jsonField, ok, isStruct bool) {
	t = deref(t)
	if t == nil || t.Kind() != reflect.Struct {
		return jsonField{}, false, false
	}
	f, ok = jsonFields(t)[key]
	return f, ok, true
}

// knownField reports whether an object decoding into t may have key: a
// struct only its JSON fields; a map any key. Where t is not an object
// (nil, or a scalar the decoder will refuse an object for) it says yes.
func knownField(t reflect.Type, key string) bool {
	_, ok, isStruct := structField(t, key)
	return ok || !isStruct
}

// fieldType is the type of key's value in an object decoding into t; nil
// when not known.
func fieldType(t reflect.Type, key string) reflect.Type {
	if f, _, isStruct := structField(t, key); isStruct {
		return f.typ
	}
	if t = deref(t); t != nil && t.Kind() == reflect.Map {
		return t.Elem()
	}
	return nil
}

// requiredScalar reports whether key of an object decoding into the
// struct type t is a field the catalog always has whose null would decode
// as a zero value: a number, a string, a boolean or an object (a price of
// 0, an empty status, an empty LiteLLM route), not a list or a map, which
// Validate finds empty, nor an optional field, which null removes.
func requiredScalar(t reflect.Type, key string) bool {
	f, ok, _ := structField(t, key)
	if !ok || f.optional {
		return false
	}
	switch f.typ.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array, reflect.Interface:
		return false
	}
	return true
}

// elemType is the type of an element of an array decoding into t.
func elemType(t reflect.Type) reflect.Type {
	t = deref(t)
	if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil
	}
	return t.Elem()
}
