package policies

import (
	"fmt"
	"reflect"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
)

// Shared is a struct input converted once but for one field, for a caller
// that evaluates the struct many times with only that field changing: the
// cost search's gate evaluates one plan with one option at a time. Each
// other field's Rego value (or conversion error) is kept and shared by
// every input With makes; Rego values are never changed by an evaluation.
type Shared struct {
	name   string
	t      reflect.Type // the pointer type converted; nil: no sharing
	at     int          // the field that changes, in fields
	fields []field
	vals   []ast.Value // nil where the field is omitted (omitempty)
	errs   []error     // each field's conversion error, as toValue words it
}

// NewShared converts x, a pointer to a struct, but for its field that
// encodes as name. Where toValue would not walk x's fields (a nil
// pointer, a type with an encoding of its own, a struct encoding/json
// must encode, no such field), nothing is shared and each input With
// makes converts whole.
func NewShared(x any, name string) *Shared {
	s := &Shared{name: name, at: -1}
	v := reflect.ValueOf(x)
	if _, ok := x.(ast.Value); ok || !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return s
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) || t.Elem().Kind() != reflect.Struct {
		return s
	}
	fields, ok := structFields(t.Elem())
	if !ok {
		return s
	}
	sv := v.Elem()
	s.vals, s.errs = make([]ast.Value, len(fields)), make([]error, len(fields))
	for i, f := range fields {
		if f.name == name {
			s.at = i
			continue
		}
		fv := sv.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		val, err := reflectValue(fv)
		if err != nil {
			s.errs[i] = fmt.Errorf("%s: %w", f.name, err)
			continue
		}
		s.vals[i] = val
	}
	if s.at >= 0 {
		s.t, s.fields = t, fields
	}
	return s
}

// With is the input x, a struct of the type NewShared was given that
// equals its struct in every field but the shared one's: the engine
// converts x's field alone, and the input converts to what x converts to,
// errors included (the first field in order that fails names the error).
// The caller vouches for the other fields being unchanged.
func (s *Shared) With(x any) SharedInput { return SharedInput{s: s, x: x} }

// SharedInput is an input With made; the engine converts it.
type SharedInput struct {
	s *Shared
	x any
}

// Input is the input itself, as a caller would pass it unshared.
func (in SharedInput) Input() any { return in.x }

// value converts the input: the shared fields' values and errors, in
// field order, around the changed field's own conversion. It walks the
// fields as reflectValue walks a struct, so the object and the first
// error are the same.
func (in SharedInput) value() (ast.Value, error) {
	s := in.s
	v := reflect.ValueOf(in.x)
	if s == nil || s.t == nil || !v.IsValid() || v.Type() != s.t || v.IsNil() {
		return anyValue(in.x)
	}
	sv := v.Elem()
	terms := util.NewPtrSlice[ast.Term](2 * len(s.fields))
	tuples := make([][2]*ast.Term, 0, len(s.fields))
	for i, f := range s.fields {
		val := s.vals[i]
		if i == s.at {
			fv := sv.Field(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			var err error
			if val, err = reflectValue(fv); err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
		} else if s.errs[i] != nil {
			return nil, s.errs[i]
		}
		if val == nil {
			continue // omitted
		}
		terms[2*i].Value, terms[2*i+1].Value = f.key, val
		tuples = append(tuples, [2]*ast.Term{terms[2*i], terms[2*i+1]})
	}
	return ast.NewObject(tuples...), nil
}

// InputValue is the Rego value the engine evaluates an input as (or the
// error it reports converting it, before its "convert input" prefix).
func InputValue(input any) (ast.Value, error) { return toValue(input) }
