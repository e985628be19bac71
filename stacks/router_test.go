package stacks

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
)

// TestRouterOnFargateWithKeysFromSecretsManager: the router runs with its
// keys and DATABASE_URL from Secrets Manager, never in its plain
// environment, and with its database: PostgreSQL on RDS, encrypted, not
// public, in the fleet's private subnets, reachable from the router's tasks
// only, backed up, its deletion protection as configured (on by default)
// and a final snapshot on destroy.
func TestRouterOnFargateWithKeysFromSecretsManager(t *testing.T) {
	off := false
	for _, tt := range []struct {
		name    string
		protect *bool
		want    bool
	}{{"default protection", nil, true}, {"protection off", &off, false}} {
		t.Run(tt.name, func(t *testing.T) {
			p := examplePlan(t, "enterprise-hybrid")
			cfg := Config{DeployGateway: true, AlarmTopicARN: "arn:aws:sns:us-east-1:123456789012:ops", RouterDBDeletionProtection: tt.protect}
			rs, outs, err := run(t, p, cfg)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			got := countTypes(rs)
			for typ, n := range map[string]int{
				RouterType: 1, "aws:ecs/cluster:Cluster": 1, "aws:ecs/service:Service": 1, "aws:ecs/taskDefinition:TaskDefinition": 1,
				"aws:cloudwatch/logGroup:LogGroup": 1, "aws:lb/listener:Listener": 2, "aws:lb/targetGroup:TargetGroup": 2,
				"aws:cloudwatch/metricAlarm:MetricAlarm": 5, "aws:rds/instance:Instance": 1, "aws:rds/subnetGroup:SubnetGroup": 1,
			} {
				if got[typ] != n {
					t.Errorf("%d × %s, want %d", got[typ], typ, n)
				}
			}
			checkRouterTask(t, rs)
			checkRouterDatabase(t, rs, tt.want)
			for k, v := range outs {
				if s := fmt.Sprint(v); strings.Contains(s, "postgresql://") || strings.Contains(s, "generated-at-deploy") {
					t.Errorf("output %s shows a credential: %s", k, s)
				}
			}
			if url, _ := outs["routerUrl"].(string); !strings.HasSuffix(url, ":4000/v1") {
				t.Errorf("routerUrl = %q", outs["routerUrl"])
			}
			opened := false
			for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
				if !strings.HasSuffix(sg.Name, "-alb") {
					continue
				}
				for _, in := range sg.Properties["ingress"].([]any) {
					if in.(map[string]any)["fromPort"] == float64(RouterListenerPort) {
						opened = true
					}
				}
			}
			if !opened {
				t.Error("the load balancer does not accept the router's listener port")
			}
			checkSecretsHidden(t, rs)
			checkTags(t, rs, p.Inputs.CostCenter)
			checkResourcePolicies(t, rs)
		})
	}
}

// checkRouterTask: the task's plain environment is the config and
// STORE_MODEL_IN_DB; every key and DATABASE_URL come from Secrets Manager,
// and every environment reference of the config is injected.
func checkRouterTask(t *testing.T, rs []plan.Resource) {
	t.Helper()
	var defs []struct {
		Environment []struct{ Name, Value string }
		Secrets     []struct{ Name, ValueFrom string }
	}
	td := one(t, rs, "aws:ecs/taskDefinition:TaskDefinition")
	if err := json.Unmarshal([]byte(td.Properties["containerDefinitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || len(defs[0].Environment) != 2 || defs[0].Environment[0].Name != "LITELLM_CONFIG" ||
		defs[0].Environment[1] != (struct{ Name, Value string }{"STORE_MODEL_IN_DB", "True"}) {
		t.Fatalf("container environment %+v, want only the config and STORE_MODEL_IN_DB", defs)
	}
	fromSecrets := map[string]bool{}
	for _, s := range defs[0].Secrets {
		if !strings.HasPrefix(s.ValueFrom, "arn:aws:secretsmanager:") {
			t.Errorf("%s comes from %q, want a Secrets Manager ARN", s.Name, s.ValueFrom)
		}
		fromSecrets[s.Name] = true
	}
	config := defs[0].Environment[0].Value
	for _, m := range regexp.MustCompile(`os\.environ/([A-Z0-9_]+)`).FindAllStringSubmatch(config, -1) {
		if !fromSecrets[m[1]] {
			t.Errorf("the config reads %s, which the task definition does not inject", m[1])
		}
	}
	for _, k := range []string{"LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "DATABASE_URL"} {
		if !fromSecrets[k] {
			t.Errorf("%s is not injected from Secrets Manager", k)
		}
	}
	// The execution role reads exactly the secrets the task injects, or
	// the task cannot start.
	var injected, readable []string
	for _, sec := range defs[0].Secrets {
		injected = append(injected, sec.ValueFrom)
	}
	for _, rp := range ofType(rs, "aws:iam/rolePolicy:RolePolicy") {
		if strings.HasSuffix(rp.Name, "-router-exec") {
			for _, st := range statements(t, rp) {
				if st.Sid == "ReadRouterKeys" {
					readable = append(readable, st.Resource...)
				}
			}
		}
	}
	sort.Strings(injected)
	sort.Strings(readable)
	if fmt.Sprint(injected) != fmt.Sprint(readable) {
		t.Errorf("the execution role reads %v, the task injects %v", readable, injected)
	}
	if !strings.Contains(config, `"database_url": "os.environ/DATABASE_URL"`) || !strings.Contains(config, `"master_key": "os.environ/LITELLM_MASTER_KEY"`) {
		t.Errorf("the config does not read the master key and the database from the environment:\n%s", config)
	}
	if strings.Contains(config, "vllm-key") || strings.Contains(config, "generated-at-deploy") || strings.Contains(config, "postgresql://") {
		t.Errorf("a key or the database URL in the config:\n%s", config)
	}
}

// awsDBIdentifier is RDS's rule for instance and snapshot identifiers.
var awsDBIdentifier = regexp.MustCompile(`^[a-z](-?[a-z0-9])*$`)

// checkRouterDatabase holds the router's RDS instance to what the router
// needs and AWS allows.
func checkRouterDatabase(t *testing.T, rs []plan.Resource, protect bool) {
	t.Helper()
	db := one(t, rs, "aws:rds/instance:Instance").Properties
	group := one(t, rs, "aws:rds/subnetGroup:SubnetGroup").Properties
	for k, want := range map[string]any{
		"engine": "postgres", "instanceClass": RouterDBInstanceClass, "allocatedStorage": float64(RouterDBStorageGB), "storageType": "gp3",
		"storageEncrypted": true, "publiclyAccessible": false, "skipFinalSnapshot": false, "deletionProtection": protect,
		"password": Secret, "dbSubnetGroupName": group["name"], "backupRetentionPeriod": float64(RouterDBBackupDays),
	} {
		if db[k] != want {
			t.Errorf("database %s = %v, want %v", k, db[k], want)
		}
	}
	for _, k := range []string{"identifier", "finalSnapshotIdentifier"} {
		if id, _ := db[k].(string); !awsDBIdentifier.MatchString(id) || len(id) > MaxDBIdentifier {
			t.Errorf("database %s %q breaks RDS's rule", k, id)
		}
	}
	if n, _ := db["backupRetentionPeriod"].(float64); n < 1 || n > 35 {
		t.Errorf("backup retention %v days, RDS allows 1 to 35", n)
	}
	// The subnet group spans the fleet's private subnets (RDS needs two zones).
	private := map[any]bool{}
	for _, sn := range ofType(rs, "aws:ec2/subnet:Subnet") {
		if strings.Contains(sn.Name, "-private-") {
			private["subnet-"+sn.Name] = true
		}
	}
	ids, _ := group["subnetIds"].([]any)
	for _, id := range ids {
		if !private[id] {
			t.Errorf("database subnet %v is not a private subnet of the fleet", id)
		}
	}
	if len(ids) < 2 {
		t.Errorf("database subnet group %v spans fewer than two zones", ids)
	}
	var dbSG plan.Resource
	for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
		if sg.Name == strings.TrimPrefix(fmt.Sprint(db["vpcSecurityGroupIds"].([]any)[0]), "sg-") {
			dbSG = sg
		}
	}
	in, _ := dbSG.Properties["ingress"].([]any)
	if len(in) != 1 || fmt.Sprint(in[0].(map[string]any)["securityGroups"]) != "[sg-enterprise-platform-router]" || in[0].(map[string]any)["cidrBlocks"] != nil {
		t.Errorf("database security group %s admits %v, want the router's tasks only", dbSG.Name, in)
	}
}

func TestDeployGatewayNeedsAFleet(t *testing.T) {
	_, _, err := run(t, examplePlan(t, "company-50"), Config{DeployGateway: true})
	if err == nil || !strings.Contains(err.Error(), "deployGateway") {
		t.Errorf("managed decision with deployGateway: %v", err)
	}
}

// TestStackFileKeys: the stack file's boolean, string and list keys of the
// router and of reachability read as the program reads them.
func TestStackFileKeys(t *testing.T) {
	for _, tt := range []struct {
		line string
		want func(Config) bool
		err  bool
	}{
		{"costgate:deployGateway: true", func(c Config) bool { return c.DeployGateway }, false},
		{"costgate:deployGateway: false", func(c Config) bool { return !c.DeployGateway }, false},
		{"costgate:deployGateway: yes", nil, true},
		{"costgate:routerDbDeletionProtection: false", func(c Config) bool {
			return c.RouterDBDeletionProtection != nil && !*c.RouterDBDeletionProtection
		}, false},
		{"costgate:vpcCidr: 172.20.0.0/22", func(c Config) bool { return c.VPCCIDR == "172.20.0.0/22" }, false},
		{`costgate:endpointServicePrincipals: '["arn:aws:iam::210987654321:root"]'`, func(c Config) bool {
			return fmt.Sprint(c.EndpointServicePrincipals) == "[arn:aws:iam::210987654321:root]" && c.Deployment().PrivateLink
		}, false},
		{"costgate:consumerVpcIds: [vpc-0a1b2c3d, 210987654321/vpc-0a1b2c3e]", func(c Config) bool {
			return fmt.Sprint(c.ConsumerVPCs) == "[vpc-0a1b2c3d 210987654321/vpc-0a1b2c3e]"
		}, false},
	} {
		path := filepath.Join(t.TempDir(), "Pulumi.s.yaml")
		text := "config:\n  costgate:spec: s.hcl\n  " + tt.line + "\n"
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		if (err != nil) != tt.err || (err == nil && !tt.want(cfg)) {
			t.Errorf("%s gives %+v, %v", tt.line, cfg, err)
		}
	}
}

// TestStackDeploymentReadsAsTheProgram: a stack file's text read at a
// base revision (StackDeployment) gives the deployment ReadStackConfig
// gives the same file in the working tree, so a review prices the base
// with what its stack deployed.
func TestStackDeploymentReadsAsTheProgram(t *testing.T) {
	ecr := "123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm/vllm-openai:v0.11.0"
	for _, lines := range []string{
		"",
		"costgate:deployGateway: true",
		`costgate:endpointServicePrincipals: '["arn:aws:iam::210987654321:root"]'`,
		"costgate:vpcId: vpc-0a1b2c3d\n  costgate:subnetIds: [subnet-0a1b2c3d, subnet-0a1b2c3e]",
		"costgate:vllmImage: " + ecr,
		"aws:region: eu-west-1\n  costgate:vllmImage: " + ecr,
		"costgate:dockerHubCredentials:\n    secure: AAABAJ",
		"costgate:hfToken:\n    secure: AAABAJ",
	} {
		text := "config:\n  costgate:spec: s.hcl\n  " + lines + "\n"
		path := filepath.Join(t.TempDir(), "Pulumi.s.yaml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := ReadStackConfig(path)
		if err != nil {
			t.Fatalf("%q: %v", lines, err)
		}
		got, err := StackDeployment([]byte(text), filepath.Dir(path))
		if err != nil || got != cfg.Deployment() {
			t.Errorf("%q: StackDeployment %+v (%v), ReadStackConfig %+v", lines, got, err, cfg.Deployment())
		}
	}
	if _, err := StackDeployment([]byte("config:\n  costgate:deployGateway: yes\n"), "."); err == nil {
		t.Error("a deployGateway of yes read")
	}
}

// TestRouterReachesTheFleetWithAllowedCIDRs: the router's tasks call the
// vLLM endpoint through the fleet's load balancer (their model list's
// api_base is the fleet's endpoint), from their own addresses in the
// fleet's VPC. costgate:allowedCidrs lists the consumers (peering or a
// transit gateway, as docs/DEPLOY.md step 7 says), not the router: the
// load balancer must still admit the router's tasks on the endpoint's
// listener, or every self-hosted route of the hybrid plan times out while
// the router's own health check passes.
func TestRouterReachesTheFleetWithAllowedCIDRs(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cidrs []string
	}{{"the VPC's range by default", nil}, {"consumers only", []string{"10.100.0.0/16"}}} {
		cidrs := tt.cidrs
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{DeployGateway: true, AllowedCIDRs: cidrs}
			rs, _, err := run(t, examplePlan(t, "enterprise-hybrid"), cfg)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			svc := one(t, rs, "aws:ecs/service:Service")
			netcfg, _ := svc.Properties["networkConfiguration"].(map[string]any)
			carried := map[any]bool{}
			for _, g := range netcfg["securityGroups"].([]any) {
				carried[g] = true
			}
			const port = 80 // no certificate: the endpoint's listener
			// The tasks are in the program's VPC: a range covering it
			// admits them too.
			vpc := netip.MustParsePrefix(DefaultVPCCIDR)
			admitted := false
			for _, sg := range ofType(rs, "aws:ec2/securityGroup:SecurityGroup") {
				if !strings.HasSuffix(sg.Name, "-alb") {
					continue
				}
				for _, raw := range sg.Properties["ingress"].([]any) {
					rule := raw.(map[string]any)
					if rule["fromPort"].(float64) > port || rule["toPort"].(float64) < port {
						continue
					}
					groups, _ := rule["securityGroups"].([]any)
					for _, g := range groups {
						admitted = admitted || carried[g]
					}
					blocks, _ := rule["cidrBlocks"].([]any)
					for _, b := range blocks {
						p, err := netip.ParsePrefix(b.(string))
						admitted = admitted || err == nil && p.Bits() <= vpc.Bits() && p.Contains(vpc.Addr())
					}
				}
			}
			if !admitted {
				t.Errorf("the load balancer admits neither the router's groups %v nor the VPC's range on port %d (costgate:allowedCidrs %v): the router cannot reach the vLLM endpoint its model list names",
					netcfg["securityGroups"], port, cidrs)
			}
		})
	}
}
