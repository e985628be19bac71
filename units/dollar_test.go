package units

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// money is a "$" as money is written: before a digit or a format verb
// ("$%s", "$%.2f"), or ending a literal ("$" + amount). A shell's "$(",
// "$name" and "${" are not money; regular expressions end with \z.
var money = regexp.MustCompile(`\$(?:[0-9%]|\z)`)

// notMoney are the literals with a "$" that is not money, each with why.
var notMoney = map[string]string{
	// Cost Explorer's cost-allocation filter is "user:<tag>$<value>".
	"stacks/common.go " + strconv.Quote("$"): "Cost Explorer tag filter",
	// The lifecycle hook's shell function passes its first argument, $1.
	`inference/cloudinit.go "hook() { aws autoscaling \"$1\" --region %s --auto-scaling-group-name %s --lifecycle-hook-name %s --instance-id \"$id\" \"${@:2}\"; }\n"`: "shell",
	// The drain script's shell and awk arguments.
	`inference/drain.go "md() { tok=$(curl -sf -X PUT \"$imds/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') && curl -sf -H \"X-aws-ec2-metadata-token: $tok\" \"$imds/meta-data/$1\"; }\n"`: "shell",
	// The drain script's shell and awk arguments.
	`inference/drain.go "  running=$(curl -s http://127.0.0.1:%d/metrics | awk '/^vllm:num_requests_running/ {n += $2} END {print n + 0}')\n"`: "shell",
}

// TestDollarSignOnlyInUnitsAndReport keeps money's writing in one place:
// no Go string literal outside units and report (tests aside) writes a
// "$" as money does.
func TestDollarSignOnlyInUnitsAndReport(t *testing.T) {
	root := filepath.Join("..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "units" || rel == "report" || strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if _, ok := notMoney[filepath.ToSlash(rel)+" "+lit.Value]; err == nil && money.MatchString(s) && !ok {
				t.Errorf("%s: %s holds a \"$\": write money with units.USD", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
