package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// CatalogListing is what costgate catalog lists: every figure in effect on
// a date, with its source.
type CatalogListing struct {
	CatalogAsOf string               `json:"catalog_as_of"`
	AsOf        string               `json:"as_of"`
	Stale       bool                 `json:"stale_only"`
	Entries     []modelcatalog.Entry `json:"entries"`
}

// CatalogOutputter renders costgate catalog.
type CatalogOutputter interface {
	Outputter
	Catalog(w io.Writer, l CatalogListing) error
}

func (textFormat) Catalog(w io.Writer, l CatalogListing) error { return catalogText(w, l) }
func (jsonFormat) Catalog(w io.Writer, l CatalogListing) error { return writeJSON(w, l) }

// PriceBook writes a price book (costgate catalog import) as JSON, as
// --catalog reads it.
func PriceBook(w io.Writer, book *modelcatalog.Catalog) error { return writeJSON(w, book) }

var sectionTitles = map[string]string{
	modelcatalog.SectionManaged:      "MANAGED PRICES IN EFFECT",
	modelcatalog.SectionScheduled:    "SCHEDULED PRICES",
	modelcatalog.SectionDiscount:     "DISCOUNTS",
	modelcatalog.SectionProvider:     "PROVIDERS",
	modelcatalog.SectionQuality:      "QUALITY (first-attempt success, 0..1)",
	modelcatalog.SectionTTFT:         "MANAGED TTFT",
	modelcatalog.SectionRateLimit:    "MANAGED RATE LIMITS (tokens per minute, one organisation or account)",
	modelcatalog.SectionOpenModel:    "OPEN-WEIGHT MODELS",
	modelcatalog.SectionArchitecture: "MORE MODEL ARCHITECTURES (costgate perf)",
	modelcatalog.SectionGPU:          "GPUS",
	modelcatalog.SectionGPUHour:      "GPU-HOUR PRICES",
	modelcatalog.SectionNetwork:      "INSTANCE NETWORK (to the other instances of a deployment that spans several)",
	modelcatalog.SectionThroughput:   "THROUGHPUT",
	modelcatalog.SectionLineItem:     "LINE ITEMS",
	modelcatalog.SectionTasks:        "TOKENS PER TASK",
}

// catalogText renders the listing section by section, in the order
// the entries come.
func catalogText(w io.Writer, l CatalogListing) error {
	head := fmt.Sprintf("costgate catalog of %s, prices in effect on %s", l.CatalogAsOf, l.AsOf)
	if l.Stale {
		head += fmt.Sprintf("; only figures last reviewed more than %d days before it (%d)", modelcatalog.StaleEntryDays, len(l.Entries))
	}
	if _, err := fmt.Fprintln(w, head); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	section := ""
	for _, e := range l.Entries {
		if e.Section != section {
			section = e.Section
			fmt.Fprintf(tw, "\n%s\n", sectionTitles[section])
		}
		id := e.ID
		if e.Status != "" {
			id += " [" + e.Status
			if e.Successor != "" {
				id += " → " + e.Successor
			}
			id += "]"
		}
		when := ""
		if e.EffectiveFrom != "" {
			when = "from " + e.EffectiveFrom
		}
		if e.EffectiveUntil != "" {
			when = strings.TrimSpace(when + " until " + e.EffectiveUntil)
		}
		src := e.Source.Source
		if e.Estimate {
			src = "estimate: " + src
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\tas of %s\t%s\n", id, e.Value, when, e.AsOf, src)
	}
	return tw.Flush()
}

// ImportSummary says, on stderr, what the import changed.
func ImportSummary(w io.Writer, res *modelcatalog.ImportResult) {
	for _, c := range res.Changes {
		from := "none"
		if c.From != nil {
			from = units.Decimal(*c.From)
		}
		fmt.Fprintf(w, "%s %s: %s → %s\n", c.Model, c.Line, from, units.Decimal(c.To))
	}
	fmt.Fprintf(w, "%d models changed, %d unchanged, %d not in the LiteLLM table", len(res.Book.Managed), len(res.Unchanged), len(res.Missing))
	if len(res.Missing) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(res.Missing, ", "))
	}
	fmt.Fprintln(w)
}
