// Command costgate prices a team's LLM inference options — managed APIs, a
// self-hosted vLLM fleet, or a hybrid — runs the policy gate, and shows what
// `pulumi up` would provision.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/costgate/costgate/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes (contract).
const (
	exitOK      = 0
	exitBlocked = 1
	exitInvalid = 2
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func invalid(err error) error { return &exitError{code: exitInvalid, err: err} }

// errBlocked ends a command whose output already says why.
var errBlocked = &exitError{code: exitBlocked}

// errReported ends a command whose diagnostics are already written.
var errReported = &exitError{code: exitInvalid}

func main() {
	// A run is short and allocates mostly short-lived values (plans,
	// policy inputs, mock resources): collecting less often saves a fifth
	// of the time, and a soft memory limit keeps a run over a thousand
	// specs near 260 MB (docs/PERFORMANCE.md; many specs: manySpecsGC).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI and returns its exit code. Everything it prints,
// output and errors, goes through report.CommandSafe: no line can be read
// by a GitHub runner as a workflow command, except the github format's
// own annotations (docs/CI.md).
func run(args []string, stdout, stderr io.Writer) int {
	out, errs := report.NewCommandSafe(stdout), report.NewCommandSafe(stderr)
	code := guarded(func() int { return runCommand(args, out, errs) }, errs)
	if err := out.Flush(); err != nil && code == exitOK {
		code = exitInvalid
	}
	if err := errs.Flush(); err != nil && code == exitOK {
		code = exitInvalid
	}
	return code
}

// guarded runs f and turns a panic on its goroutine into a message on
// stderr and exitInvalid. Go's own panic report would go to the process's
// stderr directly, around report.CommandSafe, and could echo hostile input
// (a spec value in an error) where a runner reads workflow commands.
func guarded(f func() int, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "costgate: internal error (a bug; please report it with the input): %v\n%s", v, debug.Stack())
			code = exitInvalid
		}
	}()
	return f()
}

// runCommand executes the CLI and returns its exit code.
func runCommand(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(context.Background())
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "costgate: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, wrong argument count.
	fmt.Fprintf(stderr, "costgate: %v%s\n", err, usageHint(cmd, err))
	return exitInvalid
}

// usageHint follows a usage error of cobra's (an unknown flag, a wrong
// argument count) with the flag the user probably meant and the command's
// usage line, so that the message says what to do.
func usageHint(cmd *cobra.Command, err error) string {
	if cmd == nil {
		return ""
	}
	if !cmd.HasParent() {
		return "\ncostgate --help lists the commands"
	}
	hint := ""
	if name, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
		if near := nearestFlag(cmd, name); near != "" {
			hint = "; did you mean --" + near + "?"
		}
	}
	return fmt.Sprintf("%s\nusage: %s (costgate %s --help lists the flags)", hint, cmd.UseLine(), strings.TrimPrefix(cmd.CommandPath(), "costgate "))
}

// nearestFlag is the command's flag within two edits of name, if one is.
func nearestFlag(cmd *cobra.Command, name string) string {
	best, bestDist := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// emptyFlags refuses a flag given with an empty value (--as-of "" from an
// unset variable): every flag's empty value is its default, so the command
// ran as if it were not given — priced for today, at list prices without
// the price book, with no base to compare, no threshold — and said nothing.
func emptyFlags(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if err == nil && f.Value.String() == "" {
			err = invalid(fmt.Errorf("--%s is empty: give it a value, or leave the flag out for its default", f.Name))
		}
	})
	return err
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "costgate",
		Short: "Price, gate and provision LLM inference for coding agents",
		Long: `costgate reads a team's HCL spec (developers, tokens, workloads, models,
compliance, budget), prices three architectures — managed APIs, a self-hosted
vLLM fleet on NVIDIA GPUs, and a hybrid — sizes the fleet, runs the OPA policy
gate, and picks the cheapest architecture the policies allow. The Pulumi
program in this repository provisions that decision on AWS.

Exit codes: 0 allowed (or success), 1 blocked by a policy, 2 invalid input
or usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return emptyFlags(cmd) }
	root.SetVersionTemplate("costgate {{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newPlanCmd(), newCheckCmd(), newDiffCmd(), newBreakevenCmd(), newFmtCmd(), newValidateCmd(), newCatalogCmd())
	root.AddCommand(newUsageCmd())
	root.AddCommand(newPerfCmd())
	return root
}
