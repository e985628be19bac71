package spec

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// decoder turns one parsed file into a Spec. It never stops at the first
// problem: every check appends to diags and decoding goes on with the
// default, so the user sees all problems of a file at once.
type decoder struct {
	cat    *modelcatalog.Catalog
	diags  hcl.Diagnostics
	ranges map[string]hcl.Range
}

func (d *decoder) errorf(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

func (d *decoder) warnf(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

// body is one block being decoded: its syntax, where it sits in Ranges and
// how messages name it.
type body struct {
	d *decoder
	// path prefixes the block's attribute keys in Spec.Ranges and names the
	// attributes in messages: "team", "workload.autocomplete".
	path string
	// what names the block in sentences: `the team block`, `workload "autocomplete"`.
	what string
	syn  *hclsyntax.Body
	def  hcl.Range
	// unrecorded keeps a block out of Ranges: one whose name is invalid or
	// taken, decoded only to report its problems.
	unrecorded bool
}

// check reports the attributes and nested blocks the block does not take,
// with a suggestion for likely typos.
func (b *body) check(attrs, blocks []string) {
	names := make([]string, 0, len(b.syn.Attributes))
	for name := range b.syn.Attributes {
		names = append(names, name)
	}
	// Map order is random; report in source order so output is stable.
	sort.Slice(names, func(i, j int) bool {
		return b.syn.Attributes[names[i]].SrcRange.Start.Byte < b.syn.Attributes[names[j]].SrcRange.Start.Byte
	})
	for _, name := range names {
		if contains(attrs, name) {
			continue
		}
		a := b.syn.Attributes[name]
		hint := ""
		if s := suggest(name, attrs); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		} else if contains(blocks, name) {
			hint = fmt.Sprintf(" %s is a block: write %s { ... } without the equals sign.", name, name)
		} else if home := attrHome(name); b.path == "" && home != "" {
			hint = fmt.Sprintf(" %s belongs in the %s block.", name, home)
		} else if len(attrs) > 0 {
			hint = " It takes " + quoteList(attrs) + "."
		} else {
			hint = " It takes only blocks: " + quoteList(blocks) + "."
		}
		b.d.errorf(a.NameRange, "Unsupported attribute",
			"%s has no attribute %q.%s", capitalize(b.what), name, hint)
	}
	for _, blk := range b.syn.Blocks {
		if contains(blocks, blk.Type) {
			continue
		}
		hint := ""
		if s := suggest(blk.Type, blocks); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		} else if contains(attrs, blk.Type) {
			hint = fmt.Sprintf(" %s is an attribute: write %s = VALUE.", blk.Type, blk.Type)
		} else if len(blocks) > 0 {
			hint = " It takes " + quoteList(blocks) + " blocks."
		} else {
			hint = " It takes no nested blocks."
		}
		b.d.errorf(blk.TypeRange, "Unsupported block type",
			"%s has no block of type %q.%s", capitalize(b.what), blk.Type, hint)
	}
}

// attrHome names the block that takes an attribute, for an attribute
// written outside any block.
func attrHome(name string) string {
	for _, h := range []struct {
		block string
		attrs []string
	}{
		{blockTeam, teamAttrs}, {blockWorkload, workloadAttrs}, {blockManaged, managedAttrs},
		{blockSelfHosted, selfHostedAttrs}, {blockCompliance, complianceAttrs},
		{blockOrganization, organizationAttrs}, {blockBudget, budgetAttrs},
		{blockQuality, qualityAttrs}, {blockOverride, overrideAttrs},
	} {
		if contains(h.attrs, name) {
			return h.block
		}
	}
	return ""
}

// require reports the named attributes the block lacks, in one diagnostic.
func (b *body) require(names ...string) {
	var missing []string
	for _, name := range names {
		if _, ok := b.syn.Attributes[name]; !ok {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		b.d.errorf(b.def, "Missing required attribute",
			"%s must set %s.", capitalize(b.what), missing[0])
	default:
		b.d.errorf(b.def, "Missing required attributes",
			"%s must set %s and %s.", capitalize(b.what),
			strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
	}
}

// attr returns the attribute, recording its range, or nil when absent.
func (b *body) attr(name string) *hclsyntax.Attribute {
	a, ok := b.syn.Attributes[name]
	if !ok {
		return nil
	}
	if !b.unrecorded {
		b.d.ranges[b.path+"."+name] = a.SrcRange
	}
	return a
}

// value evaluates an attribute's expression. The spec language has no
// variables and no functions, so both are refused before evaluation with a
// message that says so; a null value is refused too, since leaving the
// attribute out is how a spec asks for the default.
// literal reports whether the attribute's expression is a literal value:
// numbers (with a leading minus), strings, true/false, lists and objects of
// them. The spec language has no operators: arithmetic would let a spec
// say 1 % 0 or (1/0) * 0 and mean nothing a reviewer can check.
func (b *body) literal(a *hclsyntax.Attribute) bool {
	ok := true
	_ = hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
		if !ok {
			return nil
		}
		switch e := n.(type) {
		case *hclsyntax.LiteralValueExpr, *hclsyntax.TupleConsExpr, *hclsyntax.ObjectConsExpr,
			*hclsyntax.ObjectConsKeyExpr, *hclsyntax.TemplateExpr, *hclsyntax.ParenthesesExpr,
			*hclsyntax.ScopeTraversalExpr, *hclsyntax.FunctionCallExpr, *hclsyntax.TemplateWrapExpr:
			// Variables and functions have their own diagnostics.
		case *hclsyntax.UnaryOpExpr:
			if e.Op != hclsyntax.OpNegate {
				ok = false
			}
		default:
			ok = false
		}
		if !ok {
			b.d.errorf(a.Expr.Range(), "Expressions not supported",
				"The spec language takes literal values, not expressions: write %s.%s as a number, a string in double quotes, true or false, or a list of them, with the result worked out.",
				b.path, a.Name)
		}
		return nil
	})
	return ok
}

func (b *body) value(a *hclsyntax.Attribute) (cty.Value, bool) {
	ok := true
	var templates []hcl.Range
	_ = hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
		if t, isTemplate := n.(*hclsyntax.TemplateExpr); isTemplate {
			templates = append(templates, t.Range())
		}
		return nil
	})
	for _, tr := range a.Expr.Variables() {
		ok = false
		ref := traversalString(tr)
		at := tr.SourceRange()
		switch {
		case within(at, templates):
			b.d.errorf(at, "Variables not supported",
				"The spec language has no variables, so ${%s} in a string cannot refer to anything. Write the text itself.", ref)
		case len(tr) == 1:
			b.d.errorf(at, "Variables not supported",
				"The spec language has no variables, so %s cannot refer to anything. If you meant the text %q, write it in double quotes.",
				ref, ref)
		default:
			b.d.errorf(at, "Variables not supported",
				"The spec language has no variables, so %s cannot refer to anything. Write the value itself: a number, a string in double quotes, true or false, or a list.",
				ref)
		}
	}
	_ = hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, isCall := n.(*hclsyntax.FunctionCallExpr); isCall {
			ok = false
			b.d.errorf(call.Range(), "Functions not supported",
				"The spec language has no functions, so %s.%s cannot call %s(). Write the value itself.",
				b.path, a.Name, call.Name)
		}
		return nil
	})
	if ok {
		ok = b.literal(a)
	}
	if !ok {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	b.d.diags = append(b.d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		b.d.errorf(a.Expr.Range(), "Unknown value",
			"%s.%s must be a literal value.", b.path, a.Name)
		return cty.NilVal, false
	}
	if v.IsNull() {
		b.d.errorf(a.Expr.Range(), "Null value",
			"%s.%s is null. Give it a value, or leave the attribute out to use its default.", b.path, a.Name)
		return cty.NilVal, false
	}
	return v, true
}

// traversalString renders a reference as written, for messages: var.x, a[0].
func traversalString(tr hcl.Traversal) string {
	var sb strings.Builder
	for _, step := range tr {
		switch st := step.(type) {
		case hcl.TraverseRoot:
			sb.WriteString(st.Name)
		case hcl.TraverseAttr:
			sb.WriteString("." + st.Name)
		case hcl.TraverseIndex:
			sb.WriteString("[...]")
		case hcl.TraverseSplat:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// within reports whether r lies inside one of outer.
func within(r hcl.Range, outer []hcl.Range) bool {
	for _, o := range outer {
		if o.Filename == r.Filename && o.Start.Byte <= r.Start.Byte && r.End.Byte <= o.End.Byte {
			return true
		}
	}
	return false
}

// toFloat converts a known number to a finite float64.
func (d *decoder) toFloat(v cty.Value, subject hcl.Range, what string) (float64, bool) {
	f, _ := v.AsBigFloat().Float64()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		d.errorf(subject, "Number out of range",
			"%s must be a finite number; this one is too large to represent.", what)
		return 0, false
	}
	return f, true
}

// bound is the set of values a numeric attribute accepts.
type bound struct {
	min, max       float64
	hasMin, hasMax bool
	// minOpen excludes min itself: "greater than".
	minOpen bool
	integer bool
	// allowed, when set, lists the only values accepted.
	allowed []float64
	// limit is a sanity cap that keeps the cost arithmetic finite; unlike
	// max it is not part of the attribute's meaning, so it is only
	// mentioned when a value exceeds it.
	limit    float64
	hasLimit bool
}

func atLeast(v float64) bound      { return bound{min: v, hasMin: true} }
func above(v float64) bound        { return bound{min: v, hasMin: true, minOpen: true} }
func between(lo, hi float64) bound { return bound{min: lo, max: hi, hasMin: true, hasMax: true} }
func aboveUpTo(lo, hi float64) bound {
	return bound{min: lo, max: hi, hasMin: true, hasMax: true, minOpen: true}
}

// whole makes the bound accept whole numbers only.
func (b bound) whole() bound { b.integer = true; return b }

// upTo adds a sanity cap.
func (b bound) upTo(hi float64) bound { b.limit, b.hasLimit = hi, true; return b }

func (b bound) String() string {
	noun := "a number"
	if b.integer {
		noun = "a whole number"
	}
	if len(b.allowed) > 0 {
		parts := make([]string, len(b.allowed))
		for i, v := range b.allowed {
			parts[i] = formatNumber(v)
		}
		return "one of " + strings.Join(parts, ", ")
	}
	switch {
	case b.hasMin && b.hasMax && b.minOpen:
		return fmt.Sprintf("%s greater than %s and at most %s", noun, formatNumber(b.min), formatNumber(b.max))
	case b.hasMin && b.hasMax:
		return fmt.Sprintf("%s from %s to %s", noun, formatNumber(b.min), formatNumber(b.max))
	case b.hasMin && b.minOpen:
		return fmt.Sprintf("%s greater than %s", noun, formatNumber(b.min))
	case b.hasMin:
		return fmt.Sprintf("%s of at least %s", noun, formatNumber(b.min))
	case b.hasMax:
		return fmt.Sprintf("%s of at most %s", noun, formatNumber(b.max))
	}
	return noun
}

// checkNumber is check on the number as written: a whole-number bound
// also refuses a fraction too small for float64 to hold
// (200.0000000000000001 converts to 200), which check alone would pass.
func (b bound) checkNumber(d *decoder, v cty.Value, f float64, subject hcl.Range, what string) bool {
	if b.integer && !v.AsBigFloat().IsInt() {
		d.errorf(subject, "Whole number required",
			"%s must be %s; %s has a fractional part.", what, b, v.AsBigFloat().Text('g', -1))
		return false
	}
	return b.check(d, f, subject, what)
}

// check reports whether v is in the bound, and if not, a diagnostic.
func (b bound) check(d *decoder, v float64, subject hcl.Range, what string) bool {
	if b.integer && v != math.Trunc(v) {
		d.errorf(subject, "Whole number required",
			"%s must be %s; %s has a fractional part.", what, b, formatNumber(v))
		return false
	}
	ok := true
	if len(b.allowed) > 0 {
		ok = false
		for _, a := range b.allowed {
			if v == a {
				ok = true
			}
		}
	}
	if b.hasMin && (v < b.min || (b.minOpen && v == b.min)) {
		ok = false
	}
	if b.hasMax && v > b.max {
		ok = false
	}
	if !ok {
		d.errorf(subject, "Value out of range",
			"%s must be %s; got %s.", what, b, formatNumber(v))
		return false
	}
	if b.hasLimit && v > b.limit {
		d.errorf(subject, "Value out of range",
			"%s must be at most %s; got %s.", what, formatNumber(b.limit), formatNumber(v))
		return false
	}
	return true
}

// number decodes a scalar numeric attribute, or returns def when absent
// or invalid.
func (b *body) number(name string, bnd bound, def float64) float64 {
	a := b.attr(name)
	if a == nil {
		return def
	}
	v, ok := b.value(a)
	if !ok {
		return def
	}
	what := b.path + "." + name
	if v.Type() != cty.Number {
		b.d.errorf(a.Expr.Range(), "Wrong type",
			"%s takes %s; this is %s.%s", what, bnd, typeName(v.Type()), numberHint(what, v))
		return def
	}
	f, ok := b.d.toFloat(v, a.Expr.Range(), what)
	if !ok || !bnd.checkNumber(b.d, v, f, a.Expr.Range(), what) {
		return def
	}
	return f
}

// integer decodes a whole-number attribute; bnd must carry an upper limit
// that fits an int.
func (b *body) integer(name string, bnd bound, def int) int {
	f := b.number(name, bnd.whole(), math.NaN())
	if math.IsNaN(f) {
		return def
	}
	return int(f)
}

// optNumber decodes a scalar numeric attribute that may be absent.
func (b *body) optNumber(name string, bnd bound) *float64 {
	f := b.number(name, bnd, math.NaN())
	if math.IsNaN(f) {
		return nil
	}
	return &f
}

// rng decodes a (range) attribute: a number, or a list [low, high].
func (b *body) rng(name string, bnd bound, def Range) Range {
	r, ok := b.optRange(name, bnd)
	if !ok {
		return def
	}
	return *r
}

// optRange decodes a (range) attribute that may be absent; ok is false when
// it is absent or invalid.
func (b *body) optRange(name string, bnd bound) (*Range, bool) {
	a := b.attr(name)
	if a == nil {
		return nil, false
	}
	v, ok := b.value(a)
	if !ok {
		return nil, false
	}
	what := b.path + "." + name
	expected := fmt.Sprintf("%s, or a list [low, high] of two such numbers", bnd)
	ty := v.Type()
	switch {
	case ty == cty.Number:
		f, ok := b.d.toFloat(v, a.Expr.Range(), what)
		if !ok || !bnd.checkNumber(b.d, v, f, a.Expr.Range(), what) {
			return nil, false
		}
		r := Scalar(f)
		return &r, true
	case ty.IsTupleType() || ty.IsListType():
		n := v.LengthInt()
		if n != 2 {
			b.d.errorf(a.Expr.Range(), "Range needs two numbers",
				"%s takes %s; this list has %d element%s.", what, expected, n, plural(n))
			return nil, false
		}
		vals := v.AsValueSlice()
		var ends [2]float64
		ok := true
		for i, ev := range vals {
			sub := elementRange(a.Expr, i)
			if ev.IsNull() || !ev.IsKnown() || ev.Type() != cty.Number {
				desc := "null"
				if !ev.IsNull() {
					desc = typeName(ev.Type())
				}
				b.d.errorf(sub, "Wrong type",
					"%s takes %s; its %s element is %s.%s", what, expected, ordinal(i), desc, numberHint(what, ev))
				ok = false
				continue
			}
			f, fok := b.d.toFloat(ev, sub, what)
			if !fok || !bnd.checkNumber(b.d, ev, f, sub, what) {
				ok = false
				continue
			}
			ends[i] = f
		}
		if !ok {
			return nil, false
		}
		if ends[0] > ends[1] {
			b.d.errorf(a.Expr.Range(), "Reversed range",
				"%s is a range [low, high], so its first number must not exceed its second; write [%s, %s].",
				what, formatNumber(ends[1]), formatNumber(ends[0]))
			return nil, false
		}
		return &Range{Low: ends[0], High: ends[1]}, true
	}
	b.d.errorf(a.Expr.Range(), "Wrong type", "%s takes %s; this is %s.%s", what, expected, typeName(ty), numberHint(what, v))
	return nil, false
}

// str decodes a string attribute; ok is false when absent or invalid.
func (b *body) str(name string) (string, *hclsyntax.Attribute, bool) {
	a := b.attr(name)
	if a == nil {
		return "", nil, false
	}
	v, ok := b.value(a)
	if !ok {
		return "", a, false
	}
	if v.Type() != cty.String {
		b.d.errorf(a.Expr.Range(), "Wrong type",
			"%s.%s takes a string in double quotes; this is %s.", b.path, name, typeName(v.Type()))
		return "", a, false
	}
	return v.AsString(), a, true
}

// text decodes a string attribute that must not be empty, or returns def.
func (b *body) text(name, def string) string {
	s, a, ok := b.str(name)
	if !ok {
		return def
	}
	if strings.TrimSpace(s) == "" {
		b.d.errorf(a.Expr.Range(), "Empty value", "%s.%s must not be empty.", b.path, name)
		return def
	}
	return s
}

// oneOf decodes a string attribute that takes one of a fixed set of words.
func (b *body) oneOf(name string, words []string, def string) string {
	s, a, ok := b.str(name)
	if !ok {
		return def
	}
	if contains(words, s) {
		return s
	}
	b.d.errorf(a.Expr.Range(), "Invalid value",
		"%s must be %s; got %q.%s", b.path+"."+name, orList(words), s, didYouMean(s, words))
	return def
}

// boolean decodes a bool attribute, or returns def.
func (b *body) boolean(name string, def bool) bool {
	a := b.attr(name)
	if a == nil {
		return def
	}
	v, ok := b.value(a)
	if !ok {
		return def
	}
	if v.Type() != cty.Bool {
		b.d.errorf(a.Expr.Range(), "Wrong type",
			"%s.%s takes true or false; this is %s.", b.path, name, typeName(v.Type()))
		return def
	}
	return v.True()
}

// strList decodes a list of strings with the range of each element; ok is
// false when absent or invalid.
func (b *body) strList(name string) ([]string, []hcl.Range, bool) {
	a := b.attr(name)
	if a == nil {
		return nil, nil, false
	}
	v, ok := b.value(a)
	if !ok {
		return nil, nil, false
	}
	ty := v.Type()
	if !ty.IsTupleType() && !ty.IsListType() && !ty.IsSetType() {
		b.d.errorf(a.Expr.Range(), "Wrong type",
			"%s.%s takes a list of strings, such as [\"a\", \"b\"]; this is %s.", b.path, name, typeName(ty))
		return nil, nil, false
	}
	out := []string{}
	var ranges []hcl.Range
	for i, ev := range v.AsValueSlice() {
		sub := elementRange(a.Expr, i)
		if ev.IsNull() || ev.Type() != cty.String {
			desc := "null"
			if !ev.IsNull() {
				desc = typeName(ev.Type())
			}
			b.d.errorf(sub, "Wrong type",
				"%s.%s takes a list of strings; its %s element is %s.", b.path, name, ordinal(i), desc)
			ok = false
			continue
		}
		out = append(out, ev.AsString())
		ranges = append(ranges, sub)
	}
	return out, ranges, ok
}

// elementRange is the source range of a list expression's i-th element, or
// the whole expression's when it is not a literal list.
func elementRange(e hclsyntax.Expression, i int) hcl.Range {
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok && i < len(t.Exprs) {
		return t.Exprs[i].Range()
	}
	return e.Range()
}

func typeName(ty cty.Type) string {
	switch {
	case ty == cty.String:
		return "a string"
	case ty == cty.Number:
		return "a number"
	case ty == cty.Bool:
		return "a bool"
	case ty.IsTupleType() || ty.IsListType() || ty.IsSetType():
		return "a list"
	case ty.IsObjectType() || ty.IsMapType():
		return "an object"
	case ty == cty.DynamicPseudoType:
		return "null"
	}
	return ty.FriendlyName()
}

// formatNumber prints whole numbers without an exponent up to the sizes
// specs use (2e6 tokens reads as 2000000), and others in the shortest form.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func ordinal(i int) string {
	switch i {
	case 0:
		return "first"
	case 1:
		return "second"
	case 2:
		return "third"
	}
	return fmt.Sprintf("element %d", i+1)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func quoteList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return strings.Join(q, ", ")
}

// orList renders words as `"a", "b" or "c"`.
func orList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// catalogIDs keeps the entries of a list attribute (path, its elements and
// their ranges) that are ids in known, each once, and reports the others:
// an unknown id with the nearest known one, a repeated id. noun names one
// id ("managed model"), nouns several ("managed models").
func (d *decoder) catalogIDs(path string, list []string, ranges []hcl.Range, noun, nouns string, known []string) []string {
	out := []string{}
	for i, id := range list {
		switch {
		case !contains(known, id):
			d.errorf(ranges[i], "Unknown "+noun,
				"%s lists %s in the catalog; %q is not one.%s Run \"costgate catalog\" to list them.", path, nouns, id, didYouMean(id, known))
		case contains(out, id):
			d.errorf(ranges[i], "Duplicate "+noun, "%s lists %q twice.", path, id)
		default:
			out = append(out, id)
		}
	}
	return out
}
