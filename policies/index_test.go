package policies

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// anyTypeRules are the built-in resource rules that apply to a resource of
// any type, so that OPA's rule index cannot skip them, by policy id: the
// number of such rules each policy may have.
var anyTypeRules = map[string]int{
	// Any AWS resource with tags must carry cost_center.
	"resources.cost_center_tag": 1,
}

// enteredRules evaluates the built-in resource policies on a resource of
// type typ and returns the deny and warn rules OPA entered (rules the rule
// index skipped are never entered), each as "policy id (file:line)".
func enteredRules(t *testing.T, typ string, props map[string]any) map[string][]string {
	t.Helper()
	c, err := builtinOnce()
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"__type": typ, "__name": "r", "__urn": "urn:pulumi:s::p::" + typ + "::r", "properties": props}
	for k, v := range props {
		in[k] = v
	}
	value, err := ast.InterfaceToValue(in)
	if err != nil {
		t.Fatal(err)
	}
	tracer := topdown.NewBufferTracer()
	if _, err := c.resource.prepared.Eval(context.Background(), rego.EvalParsedInput(value), rego.EvalQueryTracer(tracer)); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	seen := map[*ast.Rule]bool{}
	for _, ev := range *tracer {
		rule, ok := ev.Node.(*ast.Rule)
		if ev.Op != topdown.EnterOp || !ok || seen[rule] {
			continue
		}
		seen[rule] = true
		ref := rule.Ref().GroundPrefix()
		if !ref.HasPrefix(resourceRef) || len(ref) != len(resourceRef)+1 {
			continue
		}
		if last, _ := ref[len(ref)-1].Value.(ast.String); last != denyRule && last != warnRule {
			continue
		}
		id := "?"
		if obj, ok := rule.Head.Key.Value.(ast.Object); ok {
			if p := obj.Get(ast.StringTerm("policy")); p != nil {
				if s, ok := p.Value.(ast.String); ok {
					id = string(s)
				}
			}
		}
		out[id] = append(out[id], fmt.Sprintf("%s:%d", rule.Location.File, rule.Location.Row))
	}
	return out
}

// TestResourceRulesIndexedByType keeps the resource policies cheap: every
// resource is evaluated against every rule OPA's rule index does not skip,
// and it skips a rule only on a test such as input.__type == "aws:..." (or
// input.__type in {...}), not on rtype, a rule of its own. A rule that
// applies to one or a few types must lead with such a test
// (policies/resources/README.md, "Rule index").
func TestResourceRulesIndexedByType(t *testing.T) {
	// A type no policy names: only the any-type rules may run.
	got := enteredRules(t, "aws:sqs/queue:Queue", map[string]any{"tags": map[string]any{"cost_center": "platform"}})
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if locs := got[id]; len(locs) > anyTypeRules[id] {
			slices.Sort(locs)
			t.Errorf("%d rule(s) of %s ran on an aws:sqs/queue:Queue that none of them checks (%v): lead each with input.__type == \"<type>\" or input.__type in {...} so that OPA's rule index skips it for other types, or, if one applies to any type, count it in anyTypeRules", len(locs), id, locs)
		}
	}
	// The tracer sees the rules that do run.
	if len(got["resources.cost_center_tag"]) != 1 {
		t.Errorf("cost_center_tag rules run on a queue: %v, want the one any-type rule", got["resources.cost_center_tag"])
	}
	lt := enteredRules(t, "aws:ec2/launchTemplate:LaunchTemplate", map[string]any{})
	for _, id := range []string{"resources.imdsv2", "resources.encryption", "resources.plaintext_secret"} {
		if len(lt[id]) == 0 {
			t.Errorf("no rule of %s ran on a launch template: %v", id, lt)
		}
	}
}
