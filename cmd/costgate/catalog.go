package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/specfile"
	"github.com/spf13/cobra"
)

func newCatalogCmd() *cobra.Command {
	var format, book, asOf string
	var stale bool
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List the catalog's prices and figures with their sources and dates",
		Long: `catalog lists every figure costgate prices and sizes with: each managed model's
price in effect on the date (with its tiers, peak rates and cache writes), the
prices scheduled after it, negotiated discounts, the providers' terms, quality
scores, open models, GPU-hour prices, throughput and line items, each with its
source and the date it was true on.

--stale lists only the figures last reviewed more than 90 days before the date.
--catalog overlays a price book, as plan does.`,
		Example: `  costgate catalog
  costgate catalog --as-of 2026-12-01 --format json
  costgate catalog --stale --catalog prices/acme.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := report.Lookup[report.CatalogOutputter](format)
			if err != nil {
				return invalid(err)
			}
			cat, err := loadCatalog(book)
			if err != nil {
				return err
			}
			date, err := catalogDate(asOf)
			if err != nil {
				return err
			}
			entries := cat.Entries(date)
			if stale {
				entries = modelcatalog.StaleEntries(entries, date)
			}
			l := report.CatalogListing{CatalogAsOf: cat.AsOf, AsOf: date, Stale: stale, Entries: entries}
			if l.Entries == nil {
				l.Entries = []modelcatalog.Entry{}
			}
			return o.Catalog(cmd.OutOrStdout(), l)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(report.FormatsOf[report.CatalogOutputter](), "|"))
	cmd.Flags().StringVar(&book, "catalog", "", "price book (JSON) that overrides or extends the embedded catalog")
	cmd.Flags().StringVar(&asOf, "as-of", "", "date whose prices to list, YYYY-MM-DD (default today, UTC)")
	cmd.Flags().BoolVar(&stale, "stale", false, "list only figures last reviewed more than 90 days before the date")
	cmd.AddCommand(newCatalogImportCmd())
	return cmd
}

func newCatalogImportCmd() *cobra.Command {
	var litellm, out, asOf, book string
	cmd := &cobra.Command{
		Use:   "import --litellm FILE",
		Short: "Make a price book from LiteLLM's public price table",
		Long: `import reads LiteLLM's model_prices_and_context_window.json (BerriAI/litellm)
and writes a price book for the catalog's managed models whose LiteLLM prices
differ from the catalog's on the date: each gets a new price effective that
day. Entries match a model by its API id (a "provider/" prefix is ignored)
sold by its vendor's own LiteLLM provider. Pass the book to plan with
--catalog after review; the changes are summarised on stderr.`,
		Example: `  costgate catalog import --litellm model_prices_and_context_window.json -o prices/litellm.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if litellm == "" {
				return invalid(fmt.Errorf("catalog import: --litellm FILE is required"))
			}
			cat, err := loadCatalog(book)
			if err != nil {
				return err
			}
			date, err := catalogDate(asOf)
			if err != nil {
				return err
			}
			data, err := specfile.ReadRegular(litellm, specfile.MaxPriceBookBytes)
			if err != nil {
				return invalid(fmt.Errorf("catalog import: %w", err))
			}
			src := fmt.Sprintf("LiteLLM model_prices_and_context_window.json (%s), a secondary source", filepath.Base(litellm))
			res, err := modelcatalog.ImportLiteLLM(cat, data, date, src)
			if err != nil {
				return invalid(fmt.Errorf("%s: %w", specfile.Display(litellm), err))
			}
			name := out
			if name == "" || name == "-" {
				name = "(the imported book)"
			}
			merged := modelcatalog.MergeBook(cat, res.Book, name)
			if err := merged.Validate(); err != nil {
				return fmt.Errorf("catalog import: the price book would not validate: %w", err)
			}
			var buf bytes.Buffer
			if err := report.PriceBook(&buf, res.Book); err != nil {
				return fmt.Errorf("catalog import: %w", err)
			}
			if out == "" || out == "-" {
				if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
					return err
				}
			} else if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("catalog import: %w", err)
			}
			report.ImportSummary(cmd.ErrOrStderr(), res)
			// The figures plan would warn about (catalog.suspicious_price),
			// said before the book is reviewed and used: a per-token price
			// written per million tokens, a price of zero.
			for _, w := range merged.BookWarnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&litellm, "litellm", "", "LiteLLM's model_prices_and_context_window.json")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the price book here (default stdout)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "effective date of the imported prices, YYYY-MM-DD (default today, UTC)")
	cmd.Flags().StringVar(&book, "catalog", "", "price book to compare against, over the embedded catalog")
	return cmd
}

// loadCatalog returns the embedded catalog with the price book, if any,
// merged over it and validated.
func loadCatalog(book string) (*modelcatalog.Catalog, error) {
	cat := modelcatalog.Default()
	if book == "" {
		return cat, nil
	}
	b, err := modelcatalog.LoadFile(book)
	if err != nil {
		return nil, invalid(err)
	}
	cat = modelcatalog.MergeBook(cat, b, book)
	if err := cat.Validate(); err != nil {
		return nil, invalid(fmt.Errorf("price book %s: %w", book, err))
	}
	return cat, nil
}

// catalogDate parses --as-of, defaulting to today in UTC.
func catalogDate(s string) (string, error) {
	t, err := parseAsOf(s)
	if err != nil {
		return "", err
	}
	if t.IsZero() {
		t = time.Now().UTC()
	}
	return t.Format(time.DateOnly), nil
}
