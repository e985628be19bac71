package stacks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Sentinel secret values: each is unique, so a leak says which one.
const (
	sentinelVLLM      = "SENTINEL-vllm-api-key-7f3a9c"
	sentinelHF        = "SENTINEL-hf-token-2b8e41"
	sentinelOpenAI    = "SENTINEL-openai-key-c04d1e"
	sentinelAnthropic = "SENTINEL-anthropic-key-5e9f20"
)

var sentinels = []string{sentinelVLLM, sentinelHF, sentinelOpenAI, sentinelAnthropic}

// logRecorder stands in for ctx.Log and keeps every line the program logs.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) add(level, msg string, args *pulumi.LogArgs) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := level + ": " + msg
	if args != nil && args.Resource != nil {
		line += fmt.Sprintf(" (resource %T)", args.Resource)
	}
	l.lines = append(l.lines, line)
	return nil
}

func (l *logRecorder) Debug(msg string, args *pulumi.LogArgs) error { return l.add("debug", msg, args) }
func (l *logRecorder) Info(msg string, args *pulumi.LogArgs) error  { return l.add("info", msg, args) }
func (l *logRecorder) Warn(msg string, args *pulumi.LogArgs) error  { return l.add("warn", msg, args) }
func (l *logRecorder) Error(msg string, args *pulumi.LogArgs) error { return l.add("error", msg, args) }

func (l *logRecorder) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// output is one resolved stack output.
type output struct {
	value  any
	known  bool
	secret bool
}

// secretRun is what a program run left behind: the recorded resources,
// the log and the resolved stack outputs.
type secretRun struct {
	resources []plan.Resource
	log       *logRecorder
	outputs   map[string]output
}

// runCapturing runs body under mocks with ctx.Log captured; body returns
// the stack outputs it would export, or nil when it exports them itself.
func runCapturing(t *testing.T, body func(ctx *pulumi.Context) (pulumi.Map, error)) (*secretRun, error) {
	t.Helper()
	rec := &recorder{}
	logs := &logRecorder{}
	var outs pulumi.Map
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		ctx.Log = logs
		var err error
		outs, err = body(ctx)
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, rec))
	run := &secretRun{resources: rec.sorted(), log: logs, outputs: map[string]output{}}
	if err != nil {
		return run, err
	}
	for k, v := range outs {
		res, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.All(v))
		if err != nil {
			t.Fatalf("await output %s: %v", k, err)
		}
		var val any
		if vs, ok := res.Value.([]any); ok && len(vs) == 1 {
			val = vs[0]
		}
		run.outputs[k] = output{value: val, known: res.Known, secret: res.Secret}
	}
	return run, nil
}

// checkNoLeak asserts that no sentinel appears in the log, in a plain
// stack output or in a recorded resource property (where a secret input
// is "[secret]"), and that the secrets did reach Secrets Manager as
// secrets.
func checkNoLeak(t *testing.T, run *secretRun, wantSecretVersions int) {
	t.Helper()
	for _, s := range sentinels {
		if strings.Contains(run.log.text(), s) {
			t.Errorf("the log holds %s:\n%s", s, run.log.text())
		}
	}
	if len(run.log.lines) == 0 {
		t.Error("nothing was logged; the log capture is not wired")
	}
	for k, o := range run.outputs {
		if o.secret {
			continue
		}
		raw, _ := json.Marshal(o.value)
		for _, s := range sentinels {
			if strings.Contains(string(raw), s) {
				t.Errorf("plain stack output %s holds %s", k, s)
			}
		}
	}
	raw, err := json.Marshal(run.resources)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sentinels {
		if strings.Contains(string(raw), s) {
			t.Errorf("a recorded resource property holds %s", s)
		}
	}
	versions := ofType(run.resources, "aws:secretsmanager/secretVersion:SecretVersion")
	if len(versions) != wantSecretVersions {
		t.Errorf("%d secret versions recorded, want %d", len(versions), wantSecretVersions)
	}
	for _, v := range versions {
		if v.Properties["secretString"] != Secret {
			t.Errorf("secret version %s holds %v, want %q", v.Name, v.Properties["secretString"], Secret)
		}
	}
}

// TestSecretsThroughConfig sets every secret of stacks.Config, both as a
// Pulumi secret and as a plain string a caller forgot to wrap, deploys
// every example's decision, and checks that the secrets appear nowhere
// but in Secrets Manager — not in the log, the plain stack outputs, the
// recorded resources, or the plan that `costgate plan` prints as text or
// JSON.
func TestSecretsThroughConfig(t *testing.T) {
	tests := []struct {
		example string
		arch    architecture.Name
		// versions is the number of secret values written: the vLLM key
		// and the Hugging Face token on a fleet, one per configured
		// provider key a route calls on the gateway (each example routes
		// to one of the two configured; the other is not stored).
		versions int
	}{
		{"regulated", architecture.SelfHosted, 2},
		{"enterprise-hybrid", architecture.Hybrid, 2 + 1},
		{"company-50", architecture.Managed, 1},
	}
	wraps := []struct {
		name string
		wrap func(string) pulumi.StringInput
	}{
		{"secret inputs", func(s string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput) }},
		{"plain inputs", func(s string) pulumi.StringInput { return pulumi.String(s) }},
	}
	for _, tt := range tests {
		for _, w := range wraps {
			t.Run(tt.example+"/"+w.name, func(t *testing.T) {
				p := examplePlan(t, tt.example)
				if p.Decision.Architecture != tt.arch {
					t.Fatalf("%s decides %s, want %s", tt.example, p.Decision.Architecture, tt.arch)
				}
				cfg := Config{
					VLLMAPIKey: w.wrap(sentinelVLLM),
					HFToken:    w.wrap(sentinelHF),
					ProviderKeys: map[string]pulumi.StringInput{
						"openai": w.wrap(sentinelOpenAI), "anthropic": w.wrap(sentinelAnthropic),
					},
				}
				run, err := runCapturing(t, func(ctx *pulumi.Context) (pulumi.Map, error) {
					for _, line := range Summary(p) {
						_ = ctx.Log.Info(line, nil)
					}
					return deploy(ctx, p, cfg)
				})
				if err != nil {
					t.Fatalf("deploy: %v", err)
				}
				checkNoLeak(t, run, tt.versions)

				res, err := Preview(p, cfg)
				if err != nil {
					t.Fatalf("preview: %v", err)
				}
				p.Resources = res
				for _, format := range []string{report.FormatText, report.FormatJSON} {
					var buf bytes.Buffer
					if err := report.Write(&buf, format, []*plan.Plan{p}); err != nil {
						t.Fatal(err)
					}
					for _, s := range sentinels {
						if strings.Contains(buf.String(), s) {
							t.Errorf("the %s plan holds %s", format, s)
						}
					}
					if format == report.FormatJSON && !strings.Contains(buf.String(), `"secretString": "[secret]"`) {
						t.Errorf("the JSON plan shows no secret as %q", Secret)
					}
				}
			})
		}
	}
}

// TestSecretsThroughPulumiConfig runs the program itself with the secrets
// in the stack configuration, the way `pulumi up` passes them
// (PULUMI_CONFIG, with the secret keys listed in
// PULUMI_CONFIG_SECRET_KEYS), and checks the log, the recorded resources
// and the stack outputs.
func TestSecretsThroughPulumiConfig(t *testing.T) {
	keys, err := json.Marshal(map[string]string{"openai": sentinelOpenAI, "anthropic": sentinelAnthropic})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec     string
		versions int
	}{
		{"examples/regulated.hcl", 2},
		{"examples/enterprise-hybrid.hcl", 3},
		{"examples/company-50.hcl", 1},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			setConfig(t, map[string]string{
				"costgate:spec":         tt.spec,
				"costgate:vllmApiKey":   sentinelVLLM,
				"costgate:hfToken":      sentinelHF,
				"costgate:providerKeys": string(keys),
			}, "costgate:vllmApiKey", "costgate:hfToken", "costgate:providerKeys")

			// The program as `pulumi up` runs it: its log and resources.
			run, err := runCapturing(t, func(ctx *pulumi.Context) (pulumi.Map, error) {
				return nil, NewProgram(fixedDatePlanner)(ctx)
			})
			if err != nil {
				t.Fatalf("program: %v", err)
			}
			// The same configuration read and deployed step by step, to
			// see the stack outputs the program exports.
			outs, err := runCapturing(t, func(ctx *pulumi.Context) (pulumi.Map, error) {
				cfg, err := ReadConfig(ctx)
				if err != nil {
					return nil, err
				}
				p, err := fixedDatePlanner(context.Background(), cfg)
				if err != nil {
					return nil, err
				}
				return deploy(ctx, p, cfg)
			})
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			run.outputs = outs.outputs
			if len(run.outputs) == 0 {
				t.Fatal("no stack outputs")
			}
			checkNoLeak(t, run, tt.versions)
		})
	}
}
