package stacks

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// answeringMocks answer some invokes themselves and the rest as the
// preview does.
type answeringMocks struct {
	*recorder
	answers map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error)
}

func (m answeringMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if f, ok := m.answers[args.Token]; ok {
		return f(args)
	}
	return m.recorder.Call(args)
}

// selfSigned is a PEM certificate for the names.
func selfSigned(t *testing.T, names ...string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func runPreflight(t *testing.T, p *plan.Plan, cfg Config, answers map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error)) ([]plan.Resource, *logRecorder, error) {
	t.Helper()
	rec := &recorder{}
	logs := &logRecorder{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		ctx.Log = logs
		_, err := deploy(ctx, p, cfg)
		return err
	}, pulumi.WithMocks(PreviewProject, PreviewStack, answeringMocks{rec, answers}))
	return rec.sorted(), logs, err
}

func fails(msg string) func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return func(pulumi.MockCallArgs) (resource.PropertyMap, error) { return nil, errors.New(msg) }
}

func TestPreflightListsEveryProblemBeforeAnyResource(t *testing.T) {
	const certARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	otherName := selfSigned(t, "other.acme.example")
	tests := []struct {
		name    string
		example string
		cfg     Config
		answers map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error)
		want    []string
	}{
		{
			name: "fleet", example: "regulated",
			cfg: Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-a"}, AMIID: "ami-0gone",
				CertificateARN: certARN, DNSName: "llm.acme.example"},
			answers: map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getAmi:getAmi": fails("Your query returned no results"),
				"aws:acm/getCertificate:getCertificate": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
					return resource.NewPropertyMapFromMap(map[string]any{"arn": certARN, "id": certARN, "certificate": otherName, "domain": "llm.acme.example"}), nil
				},
			},
			want: []string{"no subnet of costgate:subnetIds is in a zone offering", "costgate:subnetIds span one zone (us-east-1a)", "costgate:amiId ami-0gone", "does not cover costgate:dnsName"},
		},
		{
			name: "type offered nowhere", example: "regulated",
			answers: map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
					return resource.NewPropertyMapFromMap(map[string]any{"locations": []any{}, "id": "x"}), nil
				},
			},
			want: []string{"offered in no availability zone"},
		},
		{
			name: "configuration", example: "regulated",
			cfg:  Config{CertificateARN: certARN, HostedZoneID: "Z1"},
			want: []string{"certificateArn needs costgate:dnsName", "hostedZoneId needs costgate:dnsName"},
		},
		{
			name: "reachability", example: "regulated",
			cfg: Config{VPCCIDR: "172.32.0.0/16", EndpointServicePrincipals: []string{"*"}, ConsumerVPCs: []string{"vpc-xyz"}},
			want: []string{"costgate:vpcCidr \"172.32.0.0/16\" is not a private range", "costgate:endpointServicePrincipals \"*\"",
				"entry \"vpc-xyz\" is not [ACCOUNT/]vpc-ID[@REGION]", "costgate:hostedZoneId, which is not set"},
		},
		{
			name: "public zone", example: "regulated",
			cfg: Config{VPCCIDR: "10.0.0.0/25", HostedZoneID: "Z1", DNSName: "llm.acme.example", ConsumerVPCs: []string{"vpc-0a1b2c3d"}},
			answers: map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:route53/getZone:getZone": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
					return resource.NewPropertyMapFromMap(map[string]any{"id": "Z1", "zoneId": "Z1", "name": "acme.example.", "privateZone": false}), nil
				},
			},
			want: []string{"is a /25: a VPC of the program's is /16 to /24", "Z1 is a public zone"},
		},
		{
			name: "bedrock", example: "company-50",
			cfg: Config{ConsumerPrincipals: []string{"*"}},
			answers: map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:bedrock/getInferenceProfile:getInferenceProfile": fails("ResourceNotFoundException"),
			},
			want: []string{"is not available in the region", "consumerPrincipals"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, tt.example)
			rs, _, err := runPreflight(t, p, tt.cfg, tt.answers)
			var pe *PreflightError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a preflight error", err)
			}
			if len(pe.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", len(pe.Problems), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if len(rs) != 0 {
				t.Errorf("%d resources registered before the preflight failed", len(rs))
			}
		})
	}
}

func TestPreflightPassesAndReminds(t *testing.T) {
	const certARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	covering := selfSigned(t, "*.acme.example")
	tests := []struct {
		example string
		cfg     Config
		want    []string
	}{
		{"regulated", Config{CertificateARN: certARN, DNSName: "llm.acme.example"},
			[]string{"Running On-Demand P instances", "Capacity Block", "alarmTopicArn is unset", "dockerHubCredentials is unset", `activate "cost_center"`}},
		{"company-50", Config{}, []string{"AWS Marketplace", "aws-marketplace:Subscribe", `activate "cost_center"`}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:acm/getCertificate:getCertificate": func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
					if args.Args["domain"].StringValue() != "*.acme.example" {
						return nil, errors.New("no certificate for that domain")
					}
					return resource.NewPropertyMapFromMap(map[string]any{"arn": certARN, "id": certARN, "certificate": covering}), nil
				},
			}
			rs, logs, err := runPreflight(t, examplePlan(t, tt.example), tt.cfg, answers)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			if len(rs) == 0 {
				t.Fatal("nothing registered")
			}
			for _, w := range tt.want {
				if !strings.Contains(logs.text(), w) {
					t.Errorf("reminders lack %q:\n%s", w, logs.text())
				}
			}
			if strings.Contains(logs.text(), "was not found by the name") {
				t.Errorf("the covering wildcard certificate was not found:\n%s", logs.text())
			}
		})
	}
}

// TestPreflightRefusesPaidBootLoops: what would launch instances that can
// never serve, or a router that cannot start, is a preflight error with
// nothing registered, checked in the stack configuration alone; a plan
// without a stack configuration is not refused for it.
func TestPreflightRefusesPaidBootLoops(t *testing.T) {
	gated := func(p *plan.Plan) { p.Chosen().Sizing.Model = "llama-3.3-70b" }
	eleven := func(p *plan.Plan) {
		s := p.Chosen().Sizing
		s.PeakInstances, s.Instances, s.GPUs = 11, 11, 11*s.GPUs/s.Instances
	}
	tests := []struct {
		name    string
		example string
		edit    func(*plan.Plan)
		cfg     Config
		want    string // "" means it deploys
	}{
		{"gated model without hfToken", "regulated", gated, Config{Stack: true}, "is gated and costgate:hfToken is unset"},
		{"gated model with hfToken", "regulated", gated, Config{Stack: true, HFToken: pulumi.String("hf_x")}, ""},
		{"gated model, plan without a stack", "regulated", gated, Config{}, ""},
		{"another region", "regulated", func(p *plan.Plan) { p.Chosen().Sizing.Region = "eu-west-1" }, Config{Stack: true}, "aws:region is us-east-1 but the spec's self_hosted.region is eu-west-1"},
		{"router without its provider's key", "enterprise-hybrid", nil, Config{Stack: true, DeployGateway: true}, `costgate:providerKeys has no "anthropic" key`},
		{"router with encrypted keys", "enterprise-hybrid", nil, Config{Stack: true, DeployGateway: true, ProviderKeys: map[string]pulumi.StringInput{AnyProvider: pulumi.String(Secret)}}, ""},
		// Docker Hub lets the NAT gateway's one address pull 10 times an
		// hour: an eleventh start at 09:00 fails.
		{"11 starts from Docker Hub", "regulated", eleven, Config{Stack: true}, "starts 11 instances behind the NAT gateway's one address"},
		{"11 starts, plan without a stack", "regulated", eleven, Config{}, ""},
		{"11 starts through the ECR cache", "regulated", eleven, Config{Stack: true, DockerHubCredentials: pulumi.String("{}")}, ""},
		// Docker Hub by its host names is Docker Hub all the same.
		{"11 starts from docker.io", "regulated", eleven, Config{Stack: true, VLLMImage: "docker.io/vllm/vllm-openai:v0.11.0"}, "starts 11 instances behind the NAT gateway's one address"},
		{"11 starts from registry-1.docker.io", "regulated", eleven, Config{Stack: true, VLLMImage: "registry-1.docker.io/vllm/vllm-openai:v0.11.0"}, "starts 11 instances behind the NAT gateway's one address"},
		{"11 starts from index.docker.io", "regulated", eleven, Config{Stack: true, VLLMImage: "INDEX.DOCKER.IO/vllm/vllm-openai:v0.11.0"}, "starts 11 instances behind the NAT gateway's one address"},
		{"11 starts from docker.io through the ECR cache", "regulated", eleven, Config{Stack: true, VLLMImage: "docker.io/vllm/vllm-openai:v0.11.0", DockerHubCredentials: pulumi.String("{}")}, ""},
		{"11 starts from another registry", "regulated", eleven, Config{Stack: true, VLLMImage: "ghcr.io/acme/vllm:v1"}, ""},
		{"11 starts of an ECR image", "regulated", eleven, Config{Stack: true, VLLMImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v1"}, ""},
		{"10 starts from Docker Hub", "regulated", func(p *plan.Plan) { eleven(p); p.Chosen().Sizing.PeakInstances = 10 }, Config{Stack: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, tt.example)
			if tt.edit != nil {
				tt.edit(p)
			}
			rs, _, err := runPreflight(t, p, tt.cfg, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("deploy: %v", err)
				}
				return
			}
			var pe *PreflightError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want a preflight error saying %q", err, tt.want)
			}
			if len(rs) != 0 {
				t.Errorf("%d resources registered", len(rs))
			}
		})
	}
}

// TestPreflightReadsTheFamilysQuota: the quota read is the catalog's for
// the instance family and pricing, and it must hold the peak (else an
// error) and twice the peak for an instance refresh (else a reminder).
func TestPreflightReadsTheFamilysQuota(t *testing.T) {
	tests := []struct {
		name, instance, pricing, wantQuota string
		value                              func(peakVCPUs int) float64
		problem, reminder                  string
		// base is the spot fleet's on-demand base, read from the
		// on-demand quota (baseQuota) before the spot one.
		base      int
		baseQuota string
	}{
		{"P on demand, room for a refresh", "p5.48xlarge", "on_demand", "Running On-Demand P instances", func(n int) float64 { return float64(2 * n) }, "", "", 0, ""},
		{"P spot, peak only", "p5.48xlarge", "spot", "All P Spot Instance Requests", func(n int) float64 { return float64(n) }, "", "an instance refresh (launch before terminate) needs", 0, ""},
		{"G and VT, below the peak", "g6e.12xlarge", "on_demand", "Running On-Demand G and VT instances", func(n int) float64 { return float64(n - 1) }, "request", "", 0, ""},
		{"reserved runs on demand", "g6e.12xlarge", "reserved", "Running On-Demand G and VT instances", func(n int) float64 { return float64(2 * n) }, "", "", 0, ""},
		{"spot with an on-demand base", "p5.48xlarge", "spot", "All P Spot Instance Requests", func(n int) float64 { return float64(2 * n) }, "", "", 1, "Running On-Demand P instances"},
		{"an on-demand base above the peak", "p5.48xlarge", "spot", "", func(n int) float64 { return float64(2 * n) }, "", "", 9, "Running On-Demand P instances"},
	}
	cat := modelcatalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.InstanceType, s.Pricing, s.OnDemandBase = tt.instance, tt.pricing, tt.base
			var inst modelcatalog.Instance
			for _, in := range cat.Instances {
				if in.Type == tt.instance && in.Region == s.Region {
					inst = in
				}
			}
			peak := s.PeakInstances * inst.VCPUs
			var asked []string
			answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:servicequotas/getServiceQuota:getServiceQuota": func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
					asked = append(asked, args.Args["serviceCode"].StringValue()+"/"+args.Args["quotaName"].StringValue())
					return resource.NewPropertyMapFromMap(map[string]any{"value": tt.value(peak), "id": "q"}), nil
				},
			}
			_, logs, err := runPreflight(t, p, Config{}, answers)
			var want []string
			for _, q := range []string{tt.baseQuota, tt.wantQuota} {
				if q != "" {
					want = append(want, "ec2/"+q)
				}
			}
			if !cmp.Equal(asked, want) {
				t.Errorf("quotas read %v, want %v", asked, want)
			}
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Errorf("error %v, want one saying %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			if got := strings.Contains(logs.text(), "instance refresh (launch before terminate)"); got != (tt.reminder != "") {
				t.Errorf("refresh reminder %v, want %v:\n%s", got, tt.reminder != "", logs.text())
			}
		})
	}
}

// TestPreflightRemindsOfTheRegionsNetworkQuotas: the program's own VPC
// takes one of the region's VPCs (quota L-F678F1CE, 5 by default, the
// default VPC among them) and one Elastic IP (the NAT's, L-0263D0A3, 5):
// at the quota, a stack whose VPC does not exist yet fails at the first
// pulumi up (VpcLimitExceeded, AddressLimitExceeded). The preflight reads
// both and reminds; with costgate:vpcId it reads neither.
func TestPreflightRemindsOfTheRegionsNetworkQuotas(t *testing.T) {
	for _, tt := range []struct {
		name       string
		vpcs, eips int
		cfg        Config
		want       []string
	}{
		{"room for both", 3, 2, Config{}, nil},
		{"VPCs at the quota", 5, 2, Config{}, []string{"VPCs"}},
		{"addresses at the quota", 1, 5, Config{}, []string{"Elastic IP addresses"}},
		{"an existing VPC", 5, 5, Config{VPCID: "vpc-existing", SubnetIDs: []string{"subnet-b", "subnet-c"}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ids := func(n int, prefix string) []any {
				var out []any
				for i := range n {
					out = append(out, fmt.Sprintf("%s-%d", prefix, i))
				}
				return out
			}
			var asked []string
			answers := map[string]func(pulumi.MockCallArgs) (resource.PropertyMap, error){
				"aws:ec2/getVpcs:getVpcs": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
					return resource.NewPropertyMapFromMap(map[string]any{"ids": ids(tt.vpcs, "vpc"), "id": "r"}), nil
				},
				"aws:ec2/getEips:getEips": func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
					return resource.NewPropertyMapFromMap(map[string]any{"allocationIds": ids(tt.eips, "eipalloc"), "publicIps": ids(tt.eips, "ip"), "id": "r"}), nil
				},
				"aws:servicequotas/getServiceQuota:getServiceQuota": func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
					value := 10000.0 // the GPU quota, by name
					if v, ok := args.Args["quotaCode"]; ok && v.IsString() {
						asked = append(asked, args.Args["serviceCode"].StringValue()+"/"+v.StringValue())
						value = 5
					}
					return resource.NewPropertyMapFromMap(map[string]any{"value": value, "id": "q"}), nil
				},
			}
			_, logs, err := runPreflight(t, examplePlan(t, "regulated"), tt.cfg, answers)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{"VPCs", "Elastic IP addresses"} {
				got := strings.Contains(logs.text(), w+" in "+previewRegion)
				if got != slices.Contains(tt.want, w) {
					t.Errorf("%s reminder %v, want %v:\n%s", w, got, !got, logs.text())
				}
			}
			want := []string{"vpc/L-F678F1CE", "ec2/L-0263D0A3"}
			if tt.cfg.VPCID != "" {
				want = nil
			}
			if !cmp.Equal(asked, want) {
				t.Errorf("quotas read %v, want %v", asked, want)
			}
		})
	}
}

// TestEndpointNameInsideTheHostedZone: Route 53 refuses a record whose
// name is not within the hosted zone ("InvalidChangeBatch: RRSet with DNS
// name llm.other.example. is not permitted in zone acme.example."), and
// the endpoint's record comes after the load balancer and the group. The
// preflight compares costgate:dnsName with the zone's name, label by
// label, in any case, with or without the final dot.
func TestEndpointNameInsideTheHostedZone(t *testing.T) {
	for _, tt := range []struct {
		dns    string
		refuse bool
	}{
		{"llm.acme.example", false},
		{"acme.example", false},
		{"LLM.Acme.Example.", false},
		{"llm.other.example", true},
		{"llm.notacme.example", true},
		{"acme.example.org", true},
	} {
		t.Run(tt.dns, func(t *testing.T) {
			cfg := Config{HostedZoneID: "Z0123456789ABC", DNSName: tt.dns}
			rs, _, err := runPreflight(t, examplePlan(t, "regulated"), cfg, nil) // the zone is acme.example.
			var pe *PreflightError
			want := "costgate:dnsName " + tt.dns + " is not within acme.example, the zone of costgate:hostedZoneId Z0123456789ABC"
			switch {
			case tt.refuse && (!errors.As(err, &pe) || !strings.Contains(err.Error(), want)):
				t.Errorf("error %v; want a preflight problem saying %q", err, want)
			case tt.refuse && len(rs) != 0:
				t.Errorf("%d resources registered", len(rs))
			case !tt.refuse && err != nil:
				t.Errorf("deploy: %v", err)
			case !tt.refuse && len(ofType(rs, "aws:route53/record:Record")) != 1:
				t.Errorf("no endpoint record")
			}
		})
	}
}
