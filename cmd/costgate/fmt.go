package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/specfile"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/cobra"
)

func newFmtCmd() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] FILE... | fmt -",
		Short: "Rewrite specs in canonical HCL layout",
		Long: `fmt rewrites each spec file in place in canonical HCL layout: two-space
indentation, aligned equals signs, normalised spacing. It changes layout
only — comments stay, and no figure changes — and formatting twice changes
nothing more.

With --check it writes nothing: it names each file that would change and
exits 1 when there is one, for CI. "-" reads a spec from standard input and
writes it formatted to standard output.

A file with a syntax error is left alone: its diagnostics are printed and
fmt exits 2. fmt does not check the spec's meaning; validate does.`,
		Example: `  costgate fmt teams/*.hcl
  costgate fmt --check examples/*.hcl
  costgate fmt - < teams/acme.hcl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stderr := cmd.ErrOrStderr()
			changed, failed := false, false
			for _, path := range args {
				ch, err := fmtOne(cmd, path, check)
				if err != nil {
					if err != errReported {
						fmt.Fprintf(stderr, "costgate: %v\n", err)
					}
					failed = true
					continue
				}
				changed = changed || ch
			}
			switch {
			case failed:
				return errReported
			case check && changed:
				return errBlocked
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; list the files that are not formatted and exit 1 if any")
	return cmd
}

// fmtOne formats one file, or standard input for "-", and reports whether
// its layout changed.
func fmtOne(cmd *cobra.Command, path string, check bool) (bool, error) {
	name := specfile.Display(path)
	var src []byte
	var err error
	var mode os.FileMode = 0o644
	if path == "-" {
		name = "<stdin>"
		src, err = io.ReadAll(cmd.InOrStdin())
	} else {
		// A symlink out of the repository, or a file that is not a spec,
		// is neither read (its lines would be quoted) nor written.
		if path, err = specfile.Resolve(path); err != nil {
			return false, err
		}
		var info os.FileInfo
		if info, err = os.Stat(path); err == nil {
			mode = info.Mode().Perm()
			src, err = specfile.ReadRegular(path, specfile.MaxSpecBytes)
		}
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() || spec.Refused(name, src) != nil {
		// The spec parser stops at syntax errors, so it reports exactly
		// these, with file:line:column and the offending line; and it
		// refuses text that reads otherwise than it shows, which fmt may
		// not normalise (a hidden line break made a line feed would
		// un-comment the line it hid).
		p := spec.NewParser(modelcatalog.Default())
		_, diags := p.Parse(name, src)
		if err := p.WriteDiagnostics(cmd.ErrOrStderr(), diags); err != nil {
			return false, err
		}
		return false, errReported
	}
	out := spec.Format(src)
	changed := !bytes.Equal(out, src)
	switch {
	case path == "-" && !check:
		_, err = cmd.OutOrStdout().Write(out)
	case check && changed:
		_, err = fmt.Fprintln(cmd.OutOrStdout(), name)
	case changed:
		err = os.WriteFile(path, out, mode)
	}
	if err != nil {
		return false, fmt.Errorf("write %s: %w", name, err)
	}
	return changed, nil
}
