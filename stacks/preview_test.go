package stacks

import (
	"errors"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestPlainProperties(t *testing.T) {
	in := resource.PropertyMap{
		"plain":  resource.NewStringProperty("v"),
		"num":    resource.NewNumberProperty(2),
		"secret": resource.MakeSecret(resource.NewStringProperty("hunter2")),
		"nested": resource.NewObjectProperty(resource.PropertyMap{
			"list": resource.NewArrayProperty([]resource.PropertyValue{
				resource.NewBoolProperty(true),
				resource.MakeSecret(resource.NewStringProperty("deep")),
			}),
		}),
		"unknown":      resource.MakeComputed(resource.NewStringProperty("")),
		"knownOutput":  resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("x"), Known: true}),
		"secretOutput": resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("y"), Known: true, Secret: true}),
		"null":         resource.NewNullProperty(),
		"__defaults":   resource.NewArrayProperty(nil),
	}
	want := map[string]any{
		"plain": "v", "num": 2.0, "secret": Secret,
		"nested":      map[string]any{"list": []any{true, Secret}},
		"unknown":     Unknown,
		"knownOutput": "x", "secretOutput": Secret,
		"null": nil,
	}
	if diff := cmp.Diff(want, PlainProperties(in)); diff != "" {
		t.Errorf("PlainProperties (-want +got):\n%s", diff)
	}
}

func TestPolicyInput(t *testing.T) {
	tests := []struct {
		name string
		r    plan.Resource
		want map[string]any
	}{
		{
			name: "properties at the top and under properties",
			r:    plan.Resource{Type: "aws:ec2/vpc:Vpc", Name: "acme", Properties: map[string]any{"cidrBlock": "10.42.0.0/16"}},
			want: map[string]any{
				"cidrBlock":  "10.42.0.0/16",
				"properties": map[string]any{"cidrBlock": "10.42.0.0/16"},
				"type":       "aws:ec2/vpc:Vpc", "__type": "aws:ec2/vpc:Vpc",
				"name": "acme", "__name": "acme",
				"urn": "urn:pulumi:preview::costgate::aws:ec2/vpc:Vpc::acme", "__urn": "urn:pulumi:preview::costgate::aws:ec2/vpc:Vpc::acme",
			},
		},
		{
			name: "a name property keeps its place",
			r:    plan.Resource{Type: "aws:ssm/parameter:Parameter", Name: "acme-routes", Properties: map[string]any{"name": "/costgate/acme/routes"}},
			want: map[string]any{
				"name":       "/costgate/acme/routes",
				"properties": map[string]any{"name": "/costgate/acme/routes"},
				"type":       "aws:ssm/parameter:Parameter", "__type": "aws:ssm/parameter:Parameter",
				"__name": "acme-routes",
				"urn":    "urn:pulumi:preview::costgate::aws:ssm/parameter:Parameter::acme-routes", "__urn": "urn:pulumi:preview::costgate::aws:ssm/parameter:Parameter::acme-routes",
			},
		},
		{
			name: "a property cannot hide the metadata",
			r:    plan.Resource{Type: "aws:sns/topic:Topic", Name: "alerts", Properties: map[string]any{"__type": "aws:s3/bucketV2:BucketV2", "__name": "x"}},
			want: map[string]any{
				"__type": "aws:sns/topic:Topic", "__name": "alerts",
				"properties": map[string]any{"__type": "aws:s3/bucketV2:BucketV2", "__name": "x"},
				"type":       "aws:sns/topic:Topic", "name": "alerts",
				"urn": "urn:pulumi:preview::costgate::aws:sns/topic:Topic::alerts", "__urn": "urn:pulumi:preview::costgate::aws:sns/topic:Topic::alerts",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, PolicyInput(tt.r)); diff != "" {
				t.Errorf("PolicyInput (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOnOwnStack: the program's error comes back as it is, and a panic in
// it is raised again on the caller's goroutine, with its value, where the
// command's guard recovers it (it would otherwise end the process).
func TestOnOwnStack(t *testing.T) {
	boom := errors.New("boom")
	err := onOwnStack(func(*pulumi.Context, *plan.Plan, Config) error { return boom }, nil, nil, Config{})
	if err != boom {
		t.Errorf("onOwnStack = %v, want %v", err, boom)
	}
	defer func() {
		if v := recover(); v != "deploy panicked" {
			t.Errorf("recovered %v, want the program's panic", v)
		}
	}()
	_ = onOwnStack(func(*pulumi.Context, *plan.Plan, Config) error { panic("deploy panicked") }, nil, nil, Config{})
	t.Error("onOwnStack returned after the program panicked")
}
