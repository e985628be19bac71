package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
)

// Outputter is one output format (as conftest's Outputter). A format
// implements the commands it serves — PlanOutputter, GateOutputter,
// DiffOutputter — and is listed in outputters; a new format is one file
// and one line here.
type Outputter interface {
	// Name is the format's --format value.
	Name() string
}

// PlanOutputter renders costgate plan.
type PlanOutputter interface {
	Outputter
	Plans(w io.Writer, plans []*plan.Plan) error
}

// PlanEncoder is a PlanOutputter that renders each plan on its own, so
// that a command planning many specs renders each as soon as it is built
// and keeps its bytes rather than the plan: EncodePlan renders plan p of n
// and WriteEncodedPlans writes them, byte for byte as Plans writes the
// plans.
// A format whose output depends on every plan at once (markdown's comment
// budget) is not one.
type PlanEncoder interface {
	PlanOutputter
	EncodePlan(p *plan.Plan, n int) ([]byte, error)
	WriteEncodedPlans(w io.Writer, encoded [][]byte) error
}

// GateEncoder is a GateOutputter that renders each spec's gate result on
// its own, as PlanEncoder does for plans (github's annotation budget
// spans every spec: it is not one).
type GateEncoder interface {
	GateOutputter
	EncodeGate(g Gated) ([]byte, error)
	WriteEncodedGates(w io.Writer, encoded [][]byte) error
}

// GateOutputter renders costgate check: the decision, every denial and
// waiver, per spec.
type GateOutputter interface {
	Outputter
	Gate(w io.Writer, gs []Gated) error
}

// DiffOutputter renders costgate diff.
type DiffOutputter interface {
	Outputter
	Diffs(w io.Writer, diffs []*review.Diff) error
}

// outputters are the formats, in the order --help lists them.
var outputters = []Outputter{textFormat{}, jsonFormat{}, markdownFormat{}, githubFormat{}}

// Lookup returns the format named format that serves the command T.
func Lookup[T Outputter](format string) (T, error) {
	for _, o := range outputters {
		if t, ok := o.(T); ok && o.Name() == format {
			return t, nil
		}
	}
	var zero T
	return zero, fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(FormatsOf[T](), ", "))
}

// FormatsOf lists the formats that serve the command T.
func FormatsOf[T Outputter]() []string {
	var out []string
	for _, o := range outputters {
		if _, ok := o.(T); ok {
			out = append(out, o.Name())
		}
	}
	return out
}

type textFormat struct{}

func (textFormat) Name() string                                   { return FormatText }
func (textFormat) Plans(w io.Writer, plans []*plan.Plan) error    { return textPlans(w, plans) }
func (textFormat) EncodePlan(p *plan.Plan, _ int) ([]byte, error) { return encodeText(p) }
func (textFormat) WriteEncodedPlans(w io.Writer, encoded [][]byte) error {
	return writeEncodedText(w, encoded)
}
func (textFormat) EncodeGate(g Gated) ([]byte, error) { return encodeGateText(g), nil }
func (textFormat) WriteEncodedGates(w io.Writer, encoded [][]byte) error {
	return writeConcatenated(w, encoded)
}
func (textFormat) Gate(w io.Writer, gs []Gated) error            { return gateText(w, gs) }
func (textFormat) Diffs(w io.Writer, diffs []*review.Diff) error { return DiffText(w, diffs) }

type jsonFormat struct{}

func (jsonFormat) Name() string                                   { return FormatJSON }
func (jsonFormat) Plans(w io.Writer, plans []*plan.Plan) error    { return JSON(w, plans) }
func (jsonFormat) EncodePlan(p *plan.Plan, n int) ([]byte, error) { return encodePlanJSON(p, n) }
func (jsonFormat) WriteEncodedPlans(w io.Writer, encoded [][]byte) error {
	return writeEncoded(w, encoded, len(encoded) != 1)
}
func (jsonFormat) EncodeGate(g Gated) ([]byte, error) { return encodeGateJSON(g) }
func (jsonFormat) WriteEncodedGates(w io.Writer, encoded [][]byte) error {
	return writeEncoded(w, encoded, true) // check writes an array whatever the count
}
func (jsonFormat) Gate(w io.Writer, gs []Gated) error            { return gateJSON(w, gs) }
func (jsonFormat) Diffs(w io.Writer, diffs []*review.Diff) error { return DiffJSON(w, diffs) }

type markdownFormat struct{}

func (markdownFormat) Name() string                                  { return FormatMarkdown }
func (markdownFormat) Plans(w io.Writer, plans []*plan.Plan) error   { return MarkdownPlans(w, plans) }
func (markdownFormat) Diffs(w io.Writer, diffs []*review.Diff) error { return DiffMarkdown(w, diffs) }

type githubFormat struct{}

func (githubFormat) Name() string                       { return FormatGitHub }
func (githubFormat) Gate(w io.Writer, gs []Gated) error { return gateGitHub(w, gs) }
