package policies

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
)

// toValue converts an input to a Rego value once per evaluation, giving
// the policies exactly what the input's JSON form holds. Maps and Rego
// values convert directly and JSON bytes are parsed. Structs (a plan.Plan)
// are walked by reflection following encoding/json's rules, which saves
// the marshal-and-decode round trip OPA would otherwise do (a third of an
// evaluation's allocations on a typical plan). A SharedInput converts its
// changed field alone (Shared).
func toValue(input any) (ast.Value, error) {
	switch in := input.(type) {
	case json.RawMessage:
		return ast.ValueFromReader(bytes.NewReader(in))
	case []byte:
		return ast.ValueFromReader(bytes.NewReader(in))
	case SharedInput:
		return in.value()
	case map[string]any:
		if props, ok := in["properties"].(map[string]any); ok && props != nil {
			return resourceValue(in, props)
		}
	}
	return anyValue(input)
}

// resourceValue converts a resource's input, which holds its properties
// twice (stacks.PolicyInput, as pulumi-policy-opa does): under
// "properties" and at the top level, the same maps, slices and strings.
// Each is converted once, under "properties", and its value shared with
// the top level. A value is reused only where it is the very same map or
// slice (or an equal string), whose value cannot differ; the top-level
// keys that are not properties convert on their own.
func resourceValue(in, props map[string]any) (ast.Value, error) {
	pv, err := anyValue(props)
	if err != nil {
		return nil, fmt.Errorf("properties: %w", err)
	}
	obj := pv.(ast.Object)
	terms := util.NewPtrSlice[ast.Term](2 * len(in))
	tuples := make([][2]*ast.Term, 0, len(in))
	i := 0
	for k, e := range in {
		var val ast.Value
		switch p, ok := props[k]; {
		case k == "properties":
			val = pv
		case ok && same(e, p):
			val = obj.Get(ast.InternedTerm(k)).Value
		default:
			if val, err = anyValue(e); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
		}
		terms[i].Value, terms[i+1].Value = ast.InternedValue(k), val
		tuples = append(tuples, [2]*ast.Term{terms[i], terms[i+1]})
		i += 2
	}
	return ast.NewObject(tuples...), nil
}

// same reports whether a and b are one map or slice, or equal strings:
// values that convert to the same Rego value.
func same(a, b any) bool {
	switch a := a.(type) {
	case string:
		b, ok := b.(string)
		return ok && a == b
	case map[string]any:
		b, ok := b.(map[string]any)
		return ok && a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	case []any:
		b, ok := b.([]any)
		return ok && len(a) > 0 && len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
	}
	return false
}

// anyValue converts the types encoding/json decodes into without
// reflection, and hands anything else to reflectValue.
func anyValue(x any) (ast.Value, error) {
	switch x := x.(type) {
	case nil:
		return ast.NullValue, nil
	case ast.Value:
		return x, nil
	case string:
		return ast.InternedValue(x), nil
	case bool:
		return ast.InternedValue(x), nil
	case float64:
		return floatValue(x, 64)
	case int:
		return ast.InternedValue(x), nil
	case json.Number:
		return ast.InterfaceToValue(x)
	case map[string]any:
		if x == nil {
			return ast.NullValue, nil // as encoding/json writes a nil map
		}
		terms := util.NewPtrSlice[ast.Term](2 * len(x))
		tuples := make([][2]*ast.Term, 0, len(x))
		i := 0
		for k, e := range x {
			val, err := anyValue(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			terms[i].Value, terms[i+1].Value = ast.InternedValue(k), val
			tuples = append(tuples, [2]*ast.Term{terms[i], terms[i+1]})
			i += 2
		}
		return ast.NewObject(tuples...), nil
	case []any:
		if x == nil {
			return ast.NullValue, nil
		}
		terms := util.NewPtrSlice[ast.Term](len(x))
		for i, e := range x {
			val, err := anyValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			terms[i].Value = val
		}
		return ast.NewArray(terms...), nil
	}
	return reflectValue(reflect.ValueOf(x))
}

var (
	numberType    = reflect.TypeFor[json.Number]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// reflectValue converts v as json.Marshal would encode it. Anything whose
// encoding has rules of its own (custom marshalers, embedded structs, the
// ",string" option, []byte, non-string map keys) goes through
// json.Marshal, so the result never differs from the JSON form. It is one
// switch over reflect's kinds, kept whole so that every kind's rule reads
// beside the others.
func reflectValue(v reflect.Value) (ast.Value, error) {
	if !v.IsValid() {
		return ast.NullValue, nil
	}
	t := v.Type()
	// Types with their own encoding go through it. A pointer-receiver
	// marshaler counts only where encoding/json can take the address.
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return ast.NullValue, nil
		}
		return viaJSON(v)
	}
	if v.CanAddr() && (reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)) {
		return viaJSON(v.Addr())
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return reflectValue(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return anyValue(v.Elem().Interface())
	case reflect.Bool:
		return ast.InternedValue(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.InternedValue(int(v.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32:
		return floatValue(v.Float(), 32)
	case reflect.Float64:
		return floatValue(v.Float(), 64)
	case reflect.String:
		if t == numberType {
			return viaJSON(v) // a json.Number is written as a number
		}
		return ast.InternedValue(v.String()), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON(v) // base64, as encoding/json writes bytes
		}
		return reflectArray(v)
	case reflect.Array:
		return reflectArray(v)
	case reflect.Map:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		if t.Key().Kind() != reflect.String {
			return viaJSON(v)
		}
		terms := util.NewPtrSlice[ast.Term](2 * v.Len())
		tuples := make([][2]*ast.Term, 0, v.Len())
		iter := v.MapRange()
		for i := 0; iter.Next(); i += 2 {
			val, err := reflectValue(iter.Value())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", iter.Key().String(), err)
			}
			terms[i].Value, terms[i+1].Value = ast.InternedValue(iter.Key().String()), val
			tuples = append(tuples, [2]*ast.Term{terms[i], terms[i+1]})
		}
		return ast.NewObject(tuples...), nil
	case reflect.Struct:
		fields, ok := structFields(t)
		if !ok {
			return viaJSON(v)
		}
		return structValue(v, fields)
	default:
		return viaJSON(v)
	}
}

// structValue converts a struct's fields, in order; the first that fails
// names the error. The key-value pairs are gathered on the stack for a
// struct of up to 40 fields (every plan type's), as ast.NewObject keeps
// the terms, not the slice.
func structValue(v reflect.Value, fields []field) (ast.Value, error) {
	terms := util.NewPtrSlice[ast.Term](2 * len(fields))
	var buf [40][2]*ast.Term
	tuples := buf[:0]
	if len(fields) > len(buf) {
		tuples = make([][2]*ast.Term, 0, len(fields))
	}
	for i, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		val, err := reflectValue(fv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		terms[2*i].Value, terms[2*i+1].Value = f.key, val
		tuples = append(tuples, [2]*ast.Term{terms[2*i], terms[2*i+1]})
	}
	return ast.NewObject(tuples...), nil
}

// floatValue is a JSON number written exactly as encoding/json writes it
// (2e6 as 2000000, not 2e+06), so a policy that prints a figure prints the
// same text whatever form the plan came in. NaN and infinities are errors,
// as there.
func floatValue(f float64, bits int) (ast.Value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported number %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	s := strconv.FormatFloat(f, format, -1, bits)
	if format == 'e' {
		// e-09 to e-9, as encoding/json does.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return ast.Number(s), nil
}

func reflectArray(v reflect.Value) (ast.Value, error) {
	terms := util.NewPtrSlice[ast.Term](v.Len())
	for i := range terms {
		val, err := reflectValue(v.Index(i))
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		terms[i].Value = val
	}
	return ast.NewArray(terms...), nil
}

// viaJSON converts v through its JSON encoding.
func viaJSON(v reflect.Value) (ast.Value, error) {
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(raw))
}

// field is one JSON-encoded struct field.
type field struct {
	index     int
	name      string
	key       ast.Value
	omitEmpty bool
}

// fieldCache holds each struct type's fields, or nil when the type needs
// encoding/json (embedded fields, ",string").
var fieldCache sync.Map // reflect.Type -> []field (nil: use encoding/json)

func structFields(t reflect.Type) ([]field, bool) {
	if cached, ok := fieldCache.Load(t); ok {
		fs := cached.([]field)
		return fs, fs != nil
	}
	fs, err := parseFields(t)
	if err != nil {
		fs = nil
	}
	fieldCache.Store(t, fs)
	return fs, fs != nil
}

var errNeedsJSON = errors.New("struct needs encoding/json")

func parseFields(t reflect.Type) ([]field, error) {
	fs := make([]field, 0, t.NumField())
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, errNeedsJSON
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.ContainsAny(name, "\"\\") {
			// encoding/json ignores such a name; leave the rules to it.
			return nil, errNeedsJSON
		}
		f := field{index: i, name: name}
		if f.name == "" {
			f.name = sf.Name
		}
		if seen[f.name] {
			// encoding/json drops both fields of a clashing name.
			return nil, errNeedsJSON
		}
		seen[f.name] = true
		f.key = ast.String(f.name)
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "omitempty":
				f.omitEmpty = true
			case "":
			default: // ",string", ",omitzero", ...
				return nil, errNeedsJSON
			}
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
