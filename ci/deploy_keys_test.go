package ci

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// configKey is the shape of a costgate configuration key.
var configKey = regexp.MustCompile(`^[a-z][A-Za-z]+$`)

// stacksKeys parses the stacks package and returns the keys ReadConfig
// reads (its key-shaped string literals, the namespace aside), the keys
// ReadStackConfig knows (its key tables and providerKeys) and ConfigKeys.
func stacksKeys(t *testing.T) (program, stack, declared []string) {
	t.Helper()
	fset := token.NewFileSet()
	for _, name := range []string{"config.go", "stackconfig.go"} {
		f, err := parser.ParseFile(fset, filepath.Join("..", "stacks", name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				// ReadConfig and readSecrets, which reads its secret keys.
				if d.Name.Name == "ReadConfig" || d.Name.Name == "readSecrets" {
					program = append(program, keyLiterals(d.Body, false)...)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					vs, ok := s.(*ast.ValueSpec)
					if !ok || len(vs.Values) != 1 {
						continue
					}
					switch n := vs.Names[0].Name; {
					case n == "ConfigKeys":
						declared = keyLiterals(vs.Values[0], false)
					case slices.Contains([]string{"stringKeys", "listKeys", "boolKeys", "secretKeys"}, n):
						stack = append(stack, keyLiterals(vs.Values[0], true)...)
					}
				}
			}
		}
	}
	stack = append(stack, "providerKeys") // setStackKey's own case
	for _, l := range []*[]string{&program, &stack, &declared} {
		slices.Sort(*l)
		*l = slices.Compact(slices.DeleteFunc(*l, func(k string) bool { return k == "costgate" }))
	}
	return program, stack, declared
}

// keyLiterals lists the key-shaped string literals under n; mapKeys
// takes only the keys of a map literal's entries.
func keyLiterals(n ast.Node, mapKeys bool) []string {
	var out []string
	ast.Inspect(n, func(n ast.Node) bool {
		e := n
		if mapKeys {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			e = kv.Key
		}
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && configKey.MatchString(s) {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

// TestDeployDocumentsEveryConfigKey keeps the stack configuration's
// documentation true: the keys the program reads (ReadConfig), the keys
// a stack file may hold (ReadStackConfig) and ConfigKeys are one set;
// docs/DEPLOY.md and README.md's table name each as costgate:KEY, and
// neither names a costgate key the program does not read.
func TestDeployDocumentsEveryConfigKey(t *testing.T) {
	program, stack, declared := stacksKeys(t)
	if len(program) < 20 {
		t.Fatalf("found %d keys in ReadConfig: %v", len(program), program)
	}
	if !slices.Equal(program, declared) || !slices.Equal(stack, declared) {
		t.Errorf("ReadConfig reads %v,\nReadStackConfig knows %v,\nConfigKeys lists %v", program, stack, declared)
	}
	named := regexp.MustCompile("costgate:([A-Za-z]+)([^:A-Za-z]|$)") // not a type token (costgate:stacks:…)
	for _, doc := range []string{"docs/DEPLOY.md", "README.md"} {
		raw, err := os.ReadFile(filepath.Join("..", doc))
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, m := range named.FindAllStringSubmatch(string(raw), -1) {
			seen = append(seen, m[1])
			if !slices.Contains(declared, m[1]) {
				t.Errorf("%s names costgate:%s, which the program does not read", doc, m[1])
			}
		}
		for _, k := range declared {
			if !slices.Contains(seen, k) {
				t.Errorf("%s does not document costgate:%s", doc, k)
			}
		}
	}
}
