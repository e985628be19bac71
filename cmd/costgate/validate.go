package main

import (
	"fmt"

	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var catalog string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check specs for errors without pricing them",
		Long: `validate parses each spec and checks it against the spec language and the
model catalog: unknown blocks or attributes, wrong types, out-of-range values,
unknown catalog ids, duplicate blocks, shares that do not sum to 1. Each
problem is printed with file:line:column and the offending line; a valid
spec prints "FILE: valid".

It runs no policy and prices nothing, so it is the fast first step in CI and
in editors. Exit codes: 0 when every spec is valid (warnings allowed), 2 when
any has an error.`,
		Example: `  costgate validate examples/*.hcl
  costgate validate teams/*.hcl
  costgate validate teams/acme.hcl --catalog prices/acme-2026-12.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, _, err := catalogAndDate(catalog, "")
			if err != nil {
				return err
			}
			for _, w := range cat.BookWarnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			parser := spec.NewParser(cat)
			failed := false
			for _, path := range args {
				_, diags := parser.ParseFile(path)
				if len(diags) > 0 {
					if err := parser.WriteDiagnostics(cmd.ErrOrStderr(), diags); err != nil {
						return err
					}
				}
				if diags.HasErrors() {
					failed = true
					continue
				}
				note := ""
				if n := len(diags); n > 0 {
					note = fmt.Sprintf(" (%d warning(s))", n)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: valid%s\n", specfile.Display(path), note)
			}
			if failed {
				return errReported
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&catalog, "catalog", "", "price book (JSON) that overrides or extends the embedded catalog, for its model ids")
	return cmd
}
