// Package policies is costgate's policy gate: the built-in Rego policies
// (embedded, with their Rego tests) and the engine that compiles them once
// and evaluates them against a plan or a planned resource.
//
// Plan policies live in any package under data.costgate except
// data.costgate.resources; resource policies live under
// data.costgate.resources. Both produce conftest-style findings from rules
// named deny and warn:
//
//	deny contains {"policy": "spend.limit", "option": "hybrid", "msg": "..."} if { ... }
//
// The engine fails closed: a policy that does not compile, errors at run
// time or returns a malformed finding is an error, never a silent pass.
package policies

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/costgate/costgate/architecture"
)

// Options configure an Engine.
type Options struct {
	// Dirs are extra policy folders loaded beside the built-in policies
	// (--policy-dir): every .rego file except tests, and every data.json.
	// They may add packages under costgate, never add to a built-in one.
	Dirs []string
	// Timeout bounds one evaluation of every policy; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxHeapBytes stops an evaluation of a folder's policies when the
	// process heap grows past it; zero means DefaultMaxHeapBytes.
	MaxHeapBytes uint64
}

// Limits of one evaluation.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxHeapBytes = 1 << 30
)

// Finding is one deny or warn result.
type Finding struct {
	// Policy is the dotted policy id, such as "spend.limit".
	Policy string `json:"policy"`
	// Option is the architecture a plan finding applies to ("managed",
	// "self_hosted", "hybrid", or "*" for every option); empty for resource
	// findings.
	Option architecture.Name `json:"option,omitempty"`
	// Message is the rule's msg, a sentence with the figures.
	Message string `json:"message"`
	// Attribute is the spec attribute the finding is about, such as
	// "budget.monthly_limit_usd", when the rule names one: reviewers'
	// annotations point at its line.
	Attribute string `json:"attribute,omitempty"`
}

// Result holds every finding of one evaluation, each list sorted by
// policy, option and message.
type Result struct {
	Deny []Finding `json:"deny"`
	Warn []Finding `json:"warn"`
}

// Engine evaluates compiled policies. It is safe for concurrent use.
//
// The built-in policies are evaluated by a compiler that holds nothing
// else, so a policy folder can add findings and never remove one; each
// folder package is evaluated on its own, with a deadline and a heap
// bound, so that a policy that loops or allocates without end is named.
type Engine struct {
	files   []string
	builtin *compiled
	// user holds one query per policy-folder package with findings.
	user    []*query
	waivers WaiverRules
	ids     map[string]bool
	timeout time.Duration
	maxHeap uint64
}

// compiled is the sealed built-in policy set, compiled once per process.
type compiled struct {
	src  *sources
	seal *seal
	plan *query
	// planDeny reads the plan policies' deny documents alone, for a
	// caller that reads no warning (EvaluatePlanDeny).
	planDeny *query
	resource *query
	ids      map[string]bool
}

var builtinOnce = sync.OnceValues(compileBuiltin)

func compileBuiltin() (*compiled, error) {
	ctx := context.Background()
	src, err := loadBuiltin(false)
	if err != nil {
		return nil, err
	}
	c := &compiled{src: src, seal: newSeal(src), ids: policyIDs(src)}
	tests, err := builtinTestPackages()
	if err != nil {
		return nil, err
	}
	c.seal.addTestPackages(tests)
	if c.seal.waivers, err = builtinWaivers(src.data); err != nil {
		return nil, err
	}
	store := inmem.NewFromObjectWithOpts(withoutWaivers(src.data), inmem.OptRoundTripOnWrite(false))
	compiler, err := compile(ctx, store, src.modules)
	if err != nil {
		return nil, fmt.Errorf("compile built-in policies: %w", err)
	}
	planRefs, resourceRefs, err := findingRules(compiler, nil)
	if err != nil {
		return nil, err
	}
	if c.plan, err = prepare(ctx, compiler, store, planRefs, true); err != nil {
		return nil, fmt.Errorf("prepare plan policies: %w", err)
	}
	if c.planDeny, err = prepare(ctx, compiler, store, denyRefs(planRefs), true); err != nil {
		return nil, fmt.Errorf("prepare plan policies: %w", err)
	}
	if c.resource, err = prepare(ctx, compiler, store, resourceRefs, false); err != nil {
		return nil, fmt.Errorf("prepare resource policies: %w", err)
	}
	c.plan.label, c.planDeny.label, c.resource.label = "the built-in policies", "the built-in policies", "the built-in policies"
	return c, nil
}

// Root packages of the policies.
var (
	rootRef     = ast.MustParseRef("data.costgate")
	resourceRef = ast.MustParseRef("data.costgate.resources")
)

// Rule names that produce findings.
const (
	denyRule = "deny"
	warnRule = "warn"
)

// denyRefs are the deny documents among refs.
func denyRefs(refs []ast.Ref) []ast.Ref {
	var out []ast.Ref
	for _, r := range refs {
		if isDeny(r) {
			out = append(out, r)
		}
	}
	return out
}

func isDeny(ref ast.Ref) bool { return ref[len(ref)-1].Value.Compare(ast.String(denyRule)) == 0 }

// Options a plan finding may name.
func planOption(s string) bool { return s == "*" || architecture.IsOption(s) }

// New loads the built-in policies and opts.Dirs, and compiles them once, in
// strict mode. An error names the file and line at fault; a folder that
// adds to a built-in package or data is an error, never a silent change.
func New(opts Options) (*Engine, error) {
	b, err := builtinOnce()
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	e := &Engine{builtin: b, ids: maps.Clone(b.ids),
		timeout: cmp.Or(opts.Timeout, DefaultTimeout), maxHeap: cmp.Or(opts.MaxHeapBytes, DefaultMaxHeapBytes)}
	user, err := loadDirs(opts.Dirs, false)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	e.files = append(b.src.policyFiles(), user.policyFiles()...)
	sort.Strings(e.files)
	if e.waivers, err = b.seal.check(user); err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	maps.Copy(e.ids, policyIDs(user))
	if len(user.modules) == 0 {
		return e, nil
	}
	if e.user, err = compileUser(b.src, user); err != nil {
		return nil, err
	}
	return e, nil
}

// compileUser compiles the folders' modules beside the built-in ones (so
// they may import data.costgate.lib) and prepares one query per folder
// package that has deny or warn rules.
func compileUser(builtin, user *sources) ([]*query, error) {
	ctx := context.Background()
	modules := maps.Clone(builtin.modules)
	maps.Copy(modules, user.modules)
	data := withoutWaivers(builtin.data)
	data = deepCopy(data)
	mergeData(data, withoutWaivers(user.data))
	store := inmem.NewFromObjectWithOpts(data, inmem.OptRoundTripOnWrite(false))
	compiler, err := compile(ctx, store, modules)
	if err != nil {
		return nil, fmt.Errorf("compile policies: %w", err)
	}
	planRefs, resourceRefs, err := findingRules(compiler, user.modules)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var out []*query
	for _, group := range []struct {
		refs       []ast.Ref
		withOption bool
	}{{planRefs, true}, {resourceRefs, false}} {
		for _, pkg := range byPackage(group.refs) {
			q, err := prepare(ctx, compiler, store, pkg.refs, group.withOption)
			if err != nil {
				return nil, fmt.Errorf("prepare policies of package %s: %w", packageName(pkg.path), err)
			}
			q.label = fmt.Sprintf("package %s in %s", packageName(pkg.path), user.folderOf(pkg.path))
			q.user = true
			out = append(out, q)
		}
	}
	return out, nil
}

// packageRefs are the finding documents of one package.
type packageRefs struct {
	path ast.Ref
	refs []ast.Ref
}

// byPackage groups sorted finding refs by the package that holds them.
func byPackage(refs []ast.Ref) []packageRefs {
	var out []packageRefs
	for _, r := range refs {
		pkg := r[:len(r)-1]
		if n := len(out); n > 0 && out[n-1].path.Equal(pkg) {
			out[n-1].refs = append(out[n-1].refs, r)
			continue
		}
		out = append(out, packageRefs{path: pkg, refs: []ast.Ref{r}})
	}
	return out
}

// folderOf names the policy folder(s) a package's modules came from.
func (s *sources) folderOf(pkg ast.Ref) string {
	var dirs []string
	for _, name := range s.sortedNames() {
		if p := s.modules[name].Package.Path; pkg.HasPrefix(p) || p.HasPrefix(pkg) {
			if d := s.dirOf[name]; !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) == 0 {
		return "a policy folder"
	}
	return strings.Join(dirs, ", ")
}

// WaiverRules returns the waiver rules in force: the built-in ones as the
// policy folders narrowed them.
func (e *Engine) WaiverRules() WaiverRules { return e.waivers.clone() }

// CanEmit reports whether a loaded policy could report id: a built-in id,
// or a policy id written as a string in a loaded module.
func (e *Engine) CanEmit(id string) bool { return e.ids[id] }

// compile compiles modules in strict mode against the data in store.
func compile(ctx context.Context, store storage.Store, modules map[string]*ast.Module) (*ast.Compiler, error) {
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	// Strict mode turns unused variables and imports, shadowed input/data
	// and deprecated built-ins into errors.
	c := newCompiler(ctx, store, txn).WithStrict(true)
	if c.Compile(modules); c.Failed() {
		return nil, c.Errors
	}
	return c, nil
}

// newCompiler is the compiler configuration the engine and RunTests share.
func newCompiler(ctx context.Context, store storage.Store, txn storage.Transaction) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(capabilities()).
		// A package that collides with a data.json path would make one of
		// them unreachable; report it at compile time.
		WithPathConflictsCheck(storage.NonEmpty(ctx, store, txn))
}

// findingRules returns the deny and warn documents of plan packages and of
// resource packages, each sorted. A deny or warn rule outside
// data.costgate is an error: costgate would never evaluate it, and a team
// would believe its policy holds.
//
// When only is set, just the rules of those modules are returned.
func findingRules(c *ast.Compiler, only map[string]*ast.Module) (plan, resource []ast.Ref, err error) {
	seen := map[string]bool{}
	for _, name := range sortedModuleNames(c) {
		if only != nil && only[name] == nil {
			continue
		}
		for _, rule := range c.Modules[name].Rules {
			ref := rule.Ref().GroundPrefix()
			if len(ref) == 0 || seen[ref.String()] {
				continue
			}
			last, ok := ref[len(ref)-1].Value.(ast.String)
			if !ok || (last != denyRule && last != warnRule) {
				continue
			}
			if !ref.HasPrefix(rootRef) {
				return nil, nil, fmt.Errorf("%s: rule %s is outside data.costgate and would never be evaluated; put it in a package under costgate (package costgate.NAME)", rule.Location, ref)
			}
			seen[ref.String()] = true
			if ref.HasPrefix(resourceRef) {
				resource = append(resource, ref)
			} else {
				plan = append(plan, ref)
			}
		}
	}
	byString := func(a, b ast.Ref) int { return strings.Compare(a.String(), b.String()) }
	slices.SortFunc(plan, byString)
	slices.SortFunc(resource, byString)
	return plan, resource, nil
}

// sortedModuleNames makes errors about modules deterministic.
func sortedModuleNames(c *ast.Compiler) []string {
	names := make([]string, 0, len(c.Modules))
	for name := range c.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// query is one prepared query over a set of deny and warn documents.
type query struct {
	// label names the policies in an error: a package and its folder.
	label string
	// user is set for a policy folder's package: evaluated under a heap
	// bound as well as the deadline.
	user bool
	refs []ast.Ref
	// withOption is set for plan findings, which must name an option.
	withOption bool
	prepared   *rego.PreparedEvalQuery
}

// prepare builds one query that reads every document in refs. Each is
// wrapped in an array comprehension so that an undefined document (a
// boolean deny that does not hold) leaves the others intact instead of
// making the whole conjunction undefined.
func prepare(ctx context.Context, c *ast.Compiler, store storage.Store, refs []ast.Ref, withOption bool) (*query, error) {
	q := &query{refs: refs, withOption: withOption}
	if len(refs) == 0 {
		return q, nil
	}
	body := make(ast.Body, 0, len(refs))
	for i, ref := range refs {
		x := ast.VarTerm("x")
		comp := ast.ArrayComprehensionTerm(x, ast.NewBody(ast.Equality.Expr(x, ast.RefTerm(ref...))))
		body = append(body, ast.Equality.Expr(ast.VarTerm(binding(i)), comp))
	}
	pq, err := rego.New(
		rego.ParsedQuery(body),
		rego.Compiler(c),
		rego.Store(store),
		// A built-in that fails (a division by zero, a bad conversion)
		// would otherwise make its rule silently undefined: fail closed.
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, err
	}
	q.prepared = &pq
	return q, nil
}

func binding(i int) string { return fmt.Sprintf("r%d", i) }

// EvaluatePlan evaluates every plan policy against input, the JSON plan
// before policy results: a plan.Plan, its JSON (json.RawMessage or
// []byte), the same shape as maps, or a plan sharing its converted fields
// with others (SharedInput). An error means the plan must be
// blocked; a *LimitError means a policy ran out of time or memory.
func (e *Engine) EvaluatePlan(ctx context.Context, input any) (Result, error) {
	res, err := e.eval(ctx, input, e.builtin.plan)
	if err != nil {
		return Result{}, fmt.Errorf("evaluate plan policies: %w", err)
	}
	return res, nil
}

// EvaluateResource evaluates the resource policies against one resource in
// pulumi-policy-opa's input shape. Findings carry no option.
func (e *Engine) EvaluateResource(ctx context.Context, input map[string]any) (Result, error) {
	res, err := e.eval(ctx, input, e.builtin.resource)
	if err != nil {
		return Result{}, fmt.Errorf("evaluate resource policies: %w", err)
	}
	return res, nil
}

// EvaluatePlanDeny is EvaluatePlan's denials, for a caller that reads no
// warning (the cost search's gate on each option it finds): the built-in
// warn rules are not evaluated, which is a third of the plan policies'
// work. The denials are EvaluatePlan's own, and so is every error of a
// plan the product builds: the built-in warn rules read the same fields
// the deny rules read, guarded by the same type tests, and call no
// built-in that can fail on them (TestEvaluatePlanDenyAsWhole). A policy
// folder's packages are evaluated whole, warn rules included, so that a
// folder's failing warn rule fails here as it does in EvaluatePlan.
func (e *Engine) EvaluatePlanDeny(ctx context.Context, input any) ([]Finding, error) {
	res, err := e.eval(ctx, input, e.builtin.planDeny)
	if err != nil {
		return nil, fmt.Errorf("evaluate plan policies: %w", err)
	}
	return res.Deny, nil
}

// eval runs the built-in query and then each folder package's of the
// same kind (plan or resource), under one deadline, and merges their
// findings.
func (e *Engine) eval(ctx context.Context, input any, builtin *query) (Result, error) {
	value, err := toValue(input)
	if err != nil {
		return Result{}, fmt.Errorf("convert input: %w", err)
	}
	// Every rule reads fields of an object; on anything else they would
	// all be undefined and the input would pass unchecked.
	if _, ok := value.(ast.Object); !ok {
		return Result{}, fmt.Errorf("input is %s, want a JSON object", ast.ValueName(value))
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	queries := []*query{builtin}
	for _, q := range e.user {
		if q.withOption == builtin.withOption {
			queries = append(queries, q)
		}
	}
	res := Result{Deny: []Finding{}, Warn: []Finding{}}
	for _, q := range queries {
		r, err := q.eval(ctx, value, e)
		if err != nil {
			return Result{}, err
		}
		res.Deny = append(res.Deny, r.Deny...)
		res.Warn = append(res.Warn, r.Warn...)
	}
	res.Deny = sortFindings(res.Deny)
	res.Warn = sortFindings(res.Warn)
	return res, nil
}

// Policies lists the loaded policy files (tests excluded), sorted; the
// built-in ones are named policies/plan/... and policies/resources/....
func (e *Engine) Policies() []string { return slices.Clone(e.files) }

func (q *query) eval(ctx context.Context, value ast.Value, e *Engine) (Result, error) {
	res := Result{Deny: []Finding{}, Warn: []Finding{}}
	if q.prepared == nil {
		return res, nil
	}
	rs, err := q.run(ctx, value, e)
	if err != nil {
		return Result{}, err
	}
	if len(rs) != 1 {
		return Result{}, fmt.Errorf("policy query returned %d results, want 1", len(rs))
	}
	for i, ref := range q.refs {
		docs, ok := rs[0].Bindings[binding(i)].([]any)
		if !ok {
			return Result{}, fmt.Errorf("%s: no result", ref)
		}
		for _, doc := range docs {
			findings, err := q.findings(ref, doc)
			if err != nil {
				return Result{}, err
			}
			if isDeny(ref) {
				res.Deny = append(res.Deny, findings...)
			} else {
				res.Warn = append(res.Warn, findings...)
			}
		}
	}
	return res, nil
}

// findings checks one deny or warn document: a set (or array) of objects
// with a string policy and msg and, for plan policies, a known option.
func (q *query) findings(ref ast.Ref, doc any) ([]Finding, error) {
	values, ok := doc.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: got %s, want a set of {\"policy\", \"msg\"} objects (use `%s contains v if`)", ref, describe(doc), string(ref[len(ref)-1].Value.(ast.String)))
	}
	out := make([]Finding, 0, len(values))
	for _, v := range values {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: got %s, want an object with policy and msg", ref, describe(v))
		}
		f := Finding{}
		if f.Policy, ok = obj["policy"].(string); !ok || f.Policy == "" {
			return nil, fmt.Errorf("%s: finding %s has no string policy id", ref, describe(v))
		}
		if f.Message, ok = obj["msg"].(string); !ok || f.Message == "" {
			return nil, fmt.Errorf("%s: finding of %s has no string msg", ref, f.Policy)
		}
		if a, present := obj["attribute"]; present {
			if f.Attribute, ok = a.(string); !ok {
				return nil, fmt.Errorf("%s: finding of %s has attribute %s, want a string such as \"budget.monthly_limit_usd\"", ref, f.Policy, describe(a))
			}
		}
		if q.withOption {
			opt, ok := obj["option"].(string)
			if !ok || !planOption(opt) {
				return nil, fmt.Errorf("%s: finding of %s has option %s, want \"*\", \"managed\", \"self_hosted\" or \"hybrid\"", ref, f.Policy, describe(obj["option"]))
			}
			f.Option = architecture.Name(opt)
		}
		out = append(out, f)
	}
	return out, nil
}

// describe renders a Rego value for an error message, shortened.
func describe(v any) string {
	if v == nil {
		return "null"
	}
	val, err := ast.InterfaceToValue(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	s := val.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// sortFindings sorts by policy, option and message and drops duplicates:
// two packages reporting the same finding say nothing more than one.
func sortFindings(fs []Finding) []Finding {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		if a.Option != b.Option {
			return a.Option < b.Option
		}
		return a.Message < b.Message
	})
	return slices.Compact(fs)
}
