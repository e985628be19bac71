// Package stacks is costgate's Pulumi side: the SelfHostedInference and
// ManagedGateway components, the program that re-plans the spec and deploys
// the chosen architecture, and an in-process preview of the resources it
// would register.
package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Config is the stack configuration the program reads (namespace
// "costgate"). Secrets are Pulumi inputs so that they stay secret; nil means
// unset.
type Config struct {
	// SpecPath is the spec file, relative to the project root (costgate:spec).
	SpecPath string
	// PolicyDirs are extra policy folders loaded beside the built-in ones.
	PolicyDirs []string
	// CatalogPath is a price book merged over the embedded catalog
	// (costgate:catalog), as costgate plan --catalog: the program plans
	// with the same prices the reviewed plan used.
	CatalogPath string
	// Approvals are the identities that approved the merged change, read
	// by the program from the file ApprovalsEnv names: the deploy job's,
	// the one its gate reads. The program honours an override only where
	// its approver is among them, and nil is nobody: an override no review
	// evidences never changes what is deployed (the gates refused it and
	// passed another option, and the program had deployed the one the
	// override unlocked).
	Approvals *plan.Approvals
	// Commit is the commit being deployed (CommitEnv), exported as the
	// stack output deployedCommit: the deploy job's gate compares the
	// next change with what was deployed, not with the commit before the
	// push. Empty outside that job.
	Commit string
	// Gated is the deployment the deploy job's gate passed, read by the
	// program from the file GatedEnv names: the program deploys its plan
	// only when it deploys the same (checkGated). nil outside that job.
	Gated *Gated
	// catalog is the catalog CatalogPath gives, read once by ReadConfig
	// and ReadStackConfig; nil means read it when asked.
	catalog *modelcatalog.Catalog
	// VPCID and SubnetIDs place the fleet in an existing network; empty
	// means a VPC of its own with private subnets in two zones and a NAT.
	VPCID     string
	SubnetIDs []string
	// AllowedCIDRs may reach the load balancer; empty means the VPC's CIDR.
	AllowedCIDRs []string
	// CertificateARN turns the listener into HTTPS on 443; it needs DNSName.
	CertificateARN string
	// DNSName is the endpoint's host name, which the certificate covers;
	// empty means the load balancer's own DNS name.
	DNSName string
	// HostedZoneID, when set, gets an alias record DNSName → load balancer.
	HostedZoneID string
	// AMIID overrides the Deep Learning Base AMI from SSM.
	AMIID string
	// VLLMImage overrides the pinned vLLM image.
	VLLMImage string
	// AlarmTopicARN receives the CloudWatch alarms; empty means no action.
	AlarmTopicARN string
	// TimeZone of the business-hours schedule (IANA name); empty means UTC.
	TimeZone string
	// VLLMAPIKey is the vLLM API key; nil means generate one once.
	VLLMAPIKey pulumi.StringInput
	// HFToken is the Hugging Face token for gated models.
	HFToken pulumi.StringInput
	// DockerHubCredentials (secret JSON {"username","accessToken"}) turn on
	// the ECR pull-through cache for the vLLM image.
	DockerHubCredentials pulumi.StringInput
	// ProviderKeys maps a managed provider ("anthropic", "openai") to its API key.
	ProviderKeys map[string]pulumi.StringInput
	// ConsumerPrincipals may assume the gateway role; empty means the
	// account root, which delegates the choice to the account's IAM policies.
	ConsumerPrincipals []string
	// ConsumerExternalID is the sts:ExternalId that consumer principals of
	// other accounts must present.
	ConsumerExternalID string
	// DeployGateway runs the hybrid decision's LiteLLM router on ECS
	// Fargate behind the fleet's load balancer, with its PostgreSQL
	// database on RDS.
	DeployGateway bool
	// RouterDBDeletionProtection protects the router's database from
	// deletion; nil means on (DefaultRouterDBDeletionProtection).
	RouterDBDeletionProtection *bool
	// VPCCIDR is the range of the VPC the program creates (RFC 1918,
	// /16 to /24); empty means DefaultVPCCIDR.
	VPCCIDR string
	// EndpointServicePrincipals may connect interface endpoints to the
	// fleet's PrivateLink endpoint service; empty means no endpoint
	// service (and no Network Load Balancer).
	EndpointServicePrincipals []string
	// ConsumerVPCs are associated with the private hosted zone
	// HostedZoneID ("vpc-…" of this account, "ACCOUNT/vpc-…" of another,
	// which is authorized and associates itself; "@region" when the VPC
	// is in another region).
	ConsumerVPCs []string
	// CapacityReservationID, CapacityBlockZone and CapacityBlockEnd
	// (YYYY-MM-DD) name the EC2 Capacity Block a capacity_block fleet
	// launches into: bought outside the program, which cannot delete it.
	CapacityReservationID string
	CapacityBlockZone     string
	CapacityBlockEnd      string
	// Stack is true for a stack's configuration (ReadConfig,
	// ReadStackConfig), false for a plan without one: only a stack's is
	// checked for what it must configure (costgate:hfToken, providerKeys).
	Stack bool
	// Region is the stack's aws:region (programRegion); empty when
	// unset.
	Region string
}

// ConfigKeys are the keys ReadConfig understands (README.md has the table).
var ConfigKeys = []string{
	"spec", "policyDirs", "catalog", "vpcId", "subnetIds", "allowedCidrs", "certificateArn",
	"dnsName", "hostedZoneId", "amiId", "vllmImage", "alarmTopicArn", "timeZone", "vllmApiKey", "hfToken", "dockerHubCredentials", "providerKeys",
	"consumerPrincipals", "consumerExternalId", "deployGateway",
	"capacityReservationId", "capacityBlockZone", "capacityBlockEnd",
	"routerDbDeletionProtection", "vpcCidr", "endpointServicePrincipals", "consumerVpcIds",
}

// CommitEnv names the environment variable that holds the commit being
// deployed; DeployedCommitOutput is the stack output that records it.
const (
	CommitEnv            = "COSTGATE_COMMIT"
	DeployedCommitOutput = "deployedCommit"
)

var commitID = regexp.MustCompile(`^[0-9a-f]{40}\z`)

// ApprovalsEnv names the environment variable that holds the approvals
// file of the change being deployed ({"approved_by": [...]}, as check
// --approvals reads it).
const ApprovalsEnv = "COSTGATE_APPROVALS"

// ReadConfig reads the costgate namespace of the stack configuration.
func ReadConfig(ctx *pulumi.Context) (Config, error) {
	c := config.New(ctx, "costgate")
	cfg := Config{
		SpecPath:           c.Require("spec"),
		CatalogPath:        c.Get("catalog"),
		VPCID:              c.Get("vpcId"),
		CertificateARN:     c.Get("certificateArn"),
		DNSName:            c.Get("dnsName"),
		HostedZoneID:       c.Get("hostedZoneId"),
		AMIID:              c.Get("amiId"),
		VLLMImage:          c.Get("vllmImage"),
		AlarmTopicARN:      c.Get("alarmTopicArn"),
		TimeZone:           c.Get("timeZone"),
		VPCCIDR:            c.Get("vpcCidr"),
		ConsumerExternalID: c.Get("consumerExternalId"),
		DeployGateway:      c.GetBool("deployGateway"),
		Stack:              true,

		CapacityReservationID: c.Get("capacityReservationId"),
		CapacityBlockZone:     c.Get("capacityBlockZone"),
		CapacityBlockEnd:      c.Get("capacityBlockEnd"),
	}
	lists := []struct {
		key string
		dst *[]string
	}{
		{"policyDirs", &cfg.PolicyDirs},
		{"subnetIds", &cfg.SubnetIDs},
		{"allowedCidrs", &cfg.AllowedCIDRs},
		{"consumerPrincipals", &cfg.ConsumerPrincipals},
		{"endpointServicePrincipals", &cfg.EndpointServicePrincipals},
		{"consumerVpcIds", &cfg.ConsumerVPCs},
	}
	for _, l := range lists {
		if err := optionalObject(c, l.key, l.dst); err != nil {
			return Config{}, err
		}
	}
	if v, err := c.TryBool("routerDbDeletionProtection"); err == nil {
		cfg.RouterDBDeletionProtection = &v
	}
	// The program may run from its own folder (Pulumi.yaml's main); paths
	// in the config are relative to the project root.
	if root := ctx.RootDirectory(); root != "" {
		cfg.resolvePaths(root)
	}
	if cfg.VPCID != "" && len(cfg.SubnetIDs) == 0 {
		return Config{}, fmt.Errorf("read config: costgate:vpcId needs costgate:subnetIds")
	}
	for _, kv := range [][2]string{{"timeZone", cfg.TimeZone}, {"capacityBlockEnd", cfg.CapacityBlockEnd}} {
		if err := checkValue(kv[0], kv[1]); err != nil {
			return Config{}, fmt.Errorf("read config: costgate:%s: %w", kv[0], err)
		}
	}
	if err := readEnv(ctx, &cfg); err != nil {
		return Config{}, err
	}
	if err := readSecrets(ctx, c, &cfg); err != nil {
		return Config{}, err
	}
	cat, err := cfg.Catalog()
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg.catalog = cat
	return cfg, nil
}

// readEnv reads what the program takes from its run rather than the
// stack file: the provider's Region, the commit being deployed, and the
// deploy job's approvals and gated deployment.
func readEnv(ctx *pulumi.Context, cfg *Config) error {
	cfg.Region = programRegion(ctx)
	if path := os.Getenv(ApprovalsEnv); path != "" {
		a, err := plan.LoadApprovals(path)
		if err != nil {
			return fmt.Errorf("read config: %s: %w", ApprovalsEnv, err)
		}
		cfg.Approvals = a
	}
	if c := os.Getenv(CommitEnv); c != "" {
		if !commitID.MatchString(c) {
			return fmt.Errorf("read config: %s is %q, not a commit id (40 hexadecimal digits)", CommitEnv, c)
		}
		cfg.Commit = c
	}
	if path := os.Getenv(GatedEnv); path != "" {
		g, err := ReadGated(path)
		if err != nil {
			return fmt.Errorf("read config: %s: %w", GatedEnv, err)
		}
		cfg.Gated = g
	}
	return nil
}

// programRegion is the stack's aws:region, as the gates read it from the
// stack file; empty when unset. The program's plan prices and previews
// there: left empty, its resource gate previewed every stack in
// us-east-1 (its preflight then refused every fleet of another Region)
// and priced a cross-Region ECR image as pulled in-Region. The
// environment's AWS_REGION, which the provider falls back to, is not
// read: the gates cannot see it, and a stack without aws:region is
// planned in us-east-1 on both sides, the deploy's preflight refusing a
// provider elsewhere.
func programRegion(ctx *pulumi.Context) string {
	return config.New(ctx, "aws").Get("region")
}

// checkValue refuses a value of a key that has a form of its own, when
// the stack file is read rather than when the value is used: a time zone
// EC2 Auto Scaling's schedules cannot take (Mars/Olympus) would otherwise
// pass every gate of a fleet on another schedule, and a capacity block's
// end date that is no date (2026-02-30, next tuesday) is said in every
// reminder as written. Empty is unset.
func checkValue(key, v string) error {
	if v == "" {
		return nil
	}
	switch key {
	case "timeZone":
		if _, err := time.LoadLocation(v); err != nil || v == "Local" {
			return fmt.Errorf("%q is not an IANA time zone (America/Los_Angeles, Europe/Berlin, UTC)", v)
		}
	case "capacityBlockEnd":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("%q is not a date, YYYY-MM-DD (the block's end, as the console shows it)", v)
		}
	}
	return nil
}

// readSecrets reads the secret keys into cfg: each must have been set
// with --secret, and the provider keys' names must be known while the
// program runs (one secret each), so their values are wrapped as secrets
// at once.
func readSecrets(ctx *pulumi.Context, c *config.Config, cfg *Config) error {
	for _, k := range []struct {
		key string
		dst *pulumi.StringInput
	}{{"vllmApiKey", &cfg.VLLMAPIKey}, {"hfToken", &cfg.HFToken}, {"dockerHubCredentials", &cfg.DockerHubCredentials}} {
		v, err := c.TrySecret(k.key)
		if err != nil {
			continue
		}
		if !ctx.IsConfigSecret("costgate:" + k.key) {
			return fmt.Errorf("read config: costgate:%s must be set with --secret", k.key)
		}
		*k.dst = v
	}
	var keys map[string]string
	if err := optionalObject(c, "providerKeys", &keys); err != nil {
		return err
	}
	if len(keys) > 0 {
		if !ctx.IsConfigSecret("costgate:providerKeys") {
			return fmt.Errorf("read config: costgate:providerKeys must be set with --secret")
		}
		cfg.ProviderKeys = map[string]pulumi.StringInput{}
		for _, p := range sortedKeys(keys) {
			cfg.ProviderKeys[p] = pulumi.ToSecret(pulumi.String(keys[p])).(pulumi.StringOutput)
		}
	}
	return nil
}

// Deployment is what the configuration decides about the priced
// resources: with costgate:vpcId the fleet has no NAT gateway of its own,
// with costgate:deployGateway it has the router and its database, with
// costgate:endpointServicePrincipals a Network Load Balancer, with the
// image in ECR no image pulls through the NAT gateway.
func (c Config) Deployment() modelcatalog.Deployment {
	return modelcatalog.Deployment{ExistingVPC: c.VPCID != "", Gateway: c.DeployGateway, PrivateLink: len(c.EndpointServicePrincipals) > 0,
		ImageFromECR: c.imageFromECR(), ImageRegion: c.imageRegion(), PullCache: c.pullCache(), HFToken: c.HFToken != nil}
}

// imageRegion is the Region of an ECR image's registry, "" for another
// image: the plan prices its pulls in-Region only for a fleet there
// (modelcatalog.Deployment.In).
func (c Config) imageRegion() string {
	_, _, region, _ := ecrRegistry(c.image())
	return region
}

// image is the vLLM image the instances run: costgate:vllmImage, else
// the pinned one.
func (c Config) image() string {
	if c.VLLMImage != "" {
		return c.VLLMImage
	}
	return inference.VLLMImage
}

// imageFromECR reports whether the instances pull the image from ECR,
// whose layers come through the VPC's S3 gateway endpoint in its own
// Region: an ECR image (imageRegion: in-Region only for a fleet there,
// which the plan checks against the spec's self_hosted.region, the
// Region the deploy's preflight holds aws:region to), or Docker Hub's
// through the pull-through cache that costgate:dockerHubCredentials turns
// on. An image of another Region's ECR crosses the NAT gateway like any
// other.
func (c Config) imageFromECR() bool {
	if _, _, _, ok := ecrRegistry(c.image()); ok {
		return true
	}
	return c.pullCache()
}

// pullCache reports whether the stack runs the ECR pull-through cache:
// Docker Hub credentials for a Docker Hub image (fleet.pullCache).
func (c Config) pullCache() bool {
	return c.DockerHubCredentials != nil && pullThrough(c.image())
}

func underRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// optionalObject decodes a JSON config value when it is set.
func optionalObject(c *config.Config, key string, dst any) error {
	raw, err := c.Try(key)
	if err != nil || raw == "" {
		return nil // unset
	}
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return fmt.Errorf("read config costgate:%s: %w", key, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resolvePaths makes the configuration's file paths (spec, price book,
// policy folders) relative to the project root.
func (c *Config) resolvePaths(root string) {
	if c.SpecPath != "" {
		c.SpecPath = underRoot(root, c.SpecPath)
	}
	if c.CatalogPath != "" {
		c.CatalogPath = underRoot(root, c.CatalogPath)
	}
	for i, d := range c.PolicyDirs {
		c.PolicyDirs[i] = underRoot(root, d)
	}
}
