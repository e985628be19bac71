// Package report renders plans: text for a person, JSON for machines and
// policies. Each format writes to an injected io.Writer.
package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/costgate/costgate/plan"
)

// Formats the plan command renders.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Write renders the plans in the format. JSON gives one object for one
// plan and an array for several.
func Write(w io.Writer, format string, plans []*plan.Plan) error {
	if format == "" {
		format = FormatText
	}
	out, err := Lookup[PlanOutputter](format)
	if err != nil {
		return err
	}
	return out.Plans(w, plans)
}

// textPlans writes each plan as text, a blank line between.
func textPlans(w io.Writer, plans []*plan.Plan) error {
	for i, p := range plans {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := Text(w, p); err != nil {
			return err
		}
	}
	return nil
}

// encodeText renders one plan as text (PlanEncoder).
func encodeText(p *plan.Plan) ([]byte, error) {
	var b bytes.Buffer
	if err := Text(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeEncodedText writes plans rendered by encodeText as textPlans writes
// the plans: a blank line between.
func writeEncodedText(w io.Writer, encoded [][]byte) error {
	for i, b := range encoded {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// writeConcatenated writes rendered parts one after another.
func writeConcatenated(w io.Writer, encoded [][]byte) error {
	for _, b := range encoded {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// JSON writes the plans as indented JSON, byte-identical for equal plans.
func JSON(w io.Writer, plans []*plan.Plan) error { return writeJSONList(w, plans) }
