package stacks

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Planner builds the plan the program deploys.
type Planner func(ctx context.Context, cfg Config) (*plan.Plan, error)

// Program is the Pulumi program of Pulumi.yaml: it reads the stack
// configuration, re-plans the spec and deploys the decision.
func Program(ctx *pulumi.Context) error {
	return NewProgram(BuildPlan)(ctx)
}

// NewProgram returns the program with the planner replaced, for tests.
func NewProgram(planner Planner) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := ReadConfig(ctx)
		if err != nil {
			return err
		}
		p, err := planner(ctx.Context(), cfg)
		if err != nil {
			return err
		}
		for _, line := range Summary(p) {
			_ = ctx.Log.Info(line, nil)
		}
		if err := checkGated(p, cfg); err != nil {
			return err
		}
		if err := Deploy(ctx, p, cfg); err != nil {
			return err
		}
		if cfg.Commit != "" {
			// What the next deploy's gate compares with.
			ctx.Export(DeployedCommitOutput, pulumi.String(cfg.Commit))
		}
		return nil
	}
}

// BuildPlan plans cfg.SpecPath (relative to the working directory, which
// `pulumi up` sets to the project root) with the built-in policies and
// cfg.PolicyDirs, then runs the resource policies over what the stack's
// configuration would create (Gate): the same decision `costgate check`
// reaches, with this stack's VPC, CIDRs and keys.
func BuildPlan(ctx context.Context, cfg Config) (*plan.Plan, error) {
	return buildPlan(ctx, cfg, time.Time{})
}

// buildPlan is BuildPlan for a date; the zero time is today.
func buildPlan(ctx context.Context, cfg Config, asOf time.Time) (*plan.Plan, error) {
	ev, err := plan.NewPolicies(cfg.PolicyDirs...)
	if err != nil {
		return nil, err
	}
	cat, err := cfg.Catalog()
	if err != nil {
		return nil, err
	}
	// Overrides count only where a review evidences them, as at the
	// deploy gate: without the approvals file, nobody approved. The
	// deploy gate's gated file carries the overrides it counted from the
	// last deployed commit (unchanged since, their approver approved the
	// change that wrote them), which the program has no base to find.
	approvals := cfg.Approvals
	if approvals == nil {
		approvals = &plan.Approvals{ApprovedBy: []string{}}
	}
	p, diags, err := plan.BuildFile(ctx, cfg.SpecPath, plan.Options{Catalog: cat, Policies: ev, AsOf: asOf, Deployment: cfg.Deployment(), Gate: GateWith(ev, cfg),
		Approvals: approvals, Evidenced: cfg.Gated.evidence()})
	if diags.HasErrors() {
		return nil, fmt.Errorf("invalid spec %s:\n%s", cfg.SpecPath, diags.Error())
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// BlockedError is Deploy's error for a plan no policy allows: every
// violation of every option, so that `pulumi up` fails before touching a
// resource and says why.
type BlockedError struct {
	Team       string
	Reasons    []string
	Violations []plan.Finding
}

func (e *BlockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "costgate: plan for %s is blocked; no resource was changed", e.Team)
	for _, r := range e.Reasons {
		fmt.Fprintf(&b, "\n  reason: %s", r)
	}
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "\n  %s: %s: %s", v.Option, v.Policy, v.Message)
	}
	return b.String()
}

func blocked(p *plan.Plan) *BlockedError {
	e := &BlockedError{Team: p.Team, Reasons: p.Decision.Reasons}
	for _, o := range p.Options {
		for _, v := range o.Violations {
			if v.Option == "" || v.Option == "*" {
				v.Option = o.Architecture
			}
			e.Violations = append(e.Violations, v)
		}
	}
	return e
}

// Deploy registers the resources of the plan's decision and exports the
// stack outputs. A blocked plan returns a *BlockedError before any resource
// is registered.
func Deploy(ctx *pulumi.Context, p *plan.Plan, cfg Config) error {
	out, err := deploy(ctx, p, cfg)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(out) {
		ctx.Export(k, out[k])
	}
	return nil
}

// deploy is Deploy returning the stack outputs instead of exporting them,
// so that tests can read them.
func deploy(ctx *pulumi.Context, p *plan.Plan, cfg Config) (pulumi.Map, error) {
	if p == nil {
		return nil, fmt.Errorf("deploy: no plan")
	}
	if p.Decision.Architecture == architecture.Blocked {
		return nil, blocked(p)
	}
	opt := p.Chosen()
	if opt == nil {
		return nil, fmt.Errorf("deploy: decision %q names no option of the plan", p.Decision.Architecture)
	}
	team := p.Team
	if team == "" {
		team = p.Inputs.Team
	}
	reminders, err := Preflight(ctx, p, cfg)
	for _, r := range reminders {
		_ = ctx.Log.Info("costgate reminder: "+r, nil)
	}
	if err != nil {
		return nil, err
	}
	cat, err := callCatalog(ctx, cfg, p)
	if err != nil {
		return nil, err
	}
	budget := budgetOf(p, opt)
	out := costOutputs(p, opt)

	var fleet *SelfHostedInference
	if opt.Architecture == architecture.SelfHosted || opt.Architecture == architecture.Hybrid {
		var err error
		if fleet, err = deployFleet(ctx, team, p, opt, cfg, budget, out); err != nil {
			return nil, err
		}
	}
	var profiles pulumi.StringMapOutput
	var gw *ManagedGateway
	if opt.Architecture == architecture.Managed || opt.Architecture == architecture.Hybrid {
		var err error
		gw, err = NewManagedGateway(ctx, team, &ManagedGatewayArgs{
			Team: team, CostCenter: p.Inputs.CostCenter,
			Routes:             opt.Routes,
			Catalog:            cat,
			ProviderKeys:       cfg.ProviderKeys,
			ConsumerPrincipals: cfg.ConsumerPrincipals,
			ConsumerExternalID: cfg.ConsumerExternalID,
			Budget:             budget,
		})
		if err != nil {
			return nil, err
		}
		out["gatewayRoleArn"] = gw.RoleARN
		out["providerKeySecretArns"] = gw.SecretARNs
		out["budgetName"] = gw.BudgetName
		out["bedrockProfileArns"] = gw.BedrockProfileARNs
		profiles = gw.BedrockProfileARNs
	}
	var router *Router
	if opt.Architecture == architecture.Hybrid {
		if err := routing(ctx, team, p.Inputs.CostCenter, opt.Routes, fleet, profiles, cat, out); err != nil {
			return nil, err
		}
		if cfg.DeployGateway {
			if router, err = deployRouter(ctx, team, p, opt, cfg, cat, fleet, gw, out); err != nil {
				return nil, err
			}
		}
	}
	if fleet != nil && len(cfg.EndpointServicePrincipals) > 0 {
		if err := deployEndpointService(ctx, team, p, cfg, fleet, router, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deployEndpointService publishes the fleet (and the router) through
// PrivateLink and adds the outputs consumers need.
func deployEndpointService(ctx *pulumi.Context, team string, p *plan.Plan, cfg Config, fleet *SelfHostedInference, router *Router, out pulumi.Map) error {
	es, err := NewEndpointService(ctx, team, &EndpointServiceArgs{
		Team: team, CostCenter: p.Inputs.CostCenter, Fleet: fleet, Router: router,
		Principals: cfg.EndpointServicePrincipals, DNSName: cfg.DNSName,
	})
	if err != nil {
		return err
	}
	out["endpointServiceName"] = es.ServiceName
	out["endpointServiceDnsVerification"] = es.DNSVerification
	return nil
}

// deployRouter registers the hybrid decision's router and adds its
// outputs.
func deployRouter(ctx *pulumi.Context, team string, p *plan.Plan, opt *plan.Option, cfg Config, cat *modelcatalog.Catalog, fleet *SelfHostedInference, gw *ManagedGateway, out pulumi.Map) (*Router, error) {
	r, err := NewRouter(ctx, team, &RouterArgs{
		Team: team, CostCenter: p.Inputs.CostCenter, Routes: opt.Routes, Catalog: cat,
		Fleet: fleet, Gateway: gw, BedrockARNs: gw.bedrockARNs, AlarmTopicARN: cfg.AlarmTopicARN,
		DBDeletionProtection: cfg.RouterDBDeletionProtection,
	})
	if err != nil {
		return nil, err
	}
	out["routerUrl"] = r.URL
	out["routerMasterKeySecretArn"] = r.MasterKeySecretARN
	out["routerDatabaseEndpoint"] = r.DatabaseEndpoint
	return r, nil
}

// budgetOf is the option's budget: the spec's limit, or else the option's
// expected bill (cash_usd: its monthly_usd less the quality gap, rework
// AWS never bills, which would put every alert above the real spend), with
// the spec's alert addresses and approval threshold.
func budgetOf(p *plan.Plan, opt *plan.Option) *BudgetArgs {
	budget := &BudgetArgs{
		LimitUSD:    opt.CashUSD.Expected,
		CostCenter:  p.Inputs.CostCenter,
		AlertEmails: p.Inputs.Budget.AlertEmails,
	}
	if l := p.Inputs.Budget.MonthlyLimitUSD; l != nil {
		budget.LimitUSD = *l
	}
	// AWS Budgets takes a limit in cents above zero: a bill (or a limit)
	// under half a cent, written 0.00, would fail the deployment and
	// every plan's preview.
	budget.LimitUSD = math.Max(budget.LimitUSD, 0.01)
	if a := p.Inputs.Budget.ApprovalAboveUSD; a != nil {
		budget.ApprovalUSD = *a
	}
	return budget
}

// costOutputs are the stack outputs every decision exports: the decision,
// its monthly cost range (the decision's total), its cash (the bill) and
// the breakeven.
func costOutputs(p *plan.Plan, opt *plan.Option) pulumi.Map {
	out := pulumi.Map{}
	out["decision"] = pulumi.String(p.Decision.Architecture)
	out["monthlyUsdLow"] = pulumi.Float64(opt.MonthlyUSD.Low)
	out["monthlyUsdExpected"] = pulumi.Float64(opt.MonthlyUSD.Expected)
	out["monthlyUsdHigh"] = pulumi.Float64(opt.MonthlyUSD.High)
	// What AWS and the providers bill: the total less the quality gap's
	// estimated rework, which the budget's alerts watch too.
	out["cashUsdLow"] = pulumi.Float64(opt.CashUSD.Low)
	out["cashUsdExpected"] = pulumi.Float64(opt.CashUSD.Expected)
	out["cashUsdHigh"] = pulumi.Float64(opt.CashUSD.High)
	if d := p.Breakeven.Developers; d != nil {
		out["breakevenDevelopers"] = pulumi.Int(*d)
	} else {
		// No team size in range breaks even.
		out["breakevenDevelopers"] = pulumi.Int(-1)
	}
	return out
}

// deployFleet registers the self-hosted fleet of the option and adds its
// outputs; the fleet carries the budget only when it is the whole option.
func deployFleet(ctx *pulumi.Context, team string, p *plan.Plan, opt *plan.Option, cfg Config, budget *BudgetArgs, out pulumi.Map) (*SelfHostedInference, error) {
	if opt.Sizing == nil {
		return nil, fmt.Errorf("deploy: option %s has no sizing", opt.Architecture)
	}
	gated := false
	cat, err := cfg.Catalog()
	if err != nil {
		return nil, err
	}
	if m, ok := cat.OpenModel(opt.Sizing.Model); ok {
		gated = m.Gated
	}
	args := &SelfHostedInferenceArgs{
		Team: team, CostCenter: p.Inputs.CostCenter,
		Sizing:                *opt.Sizing,
		Gated:                 gated,
		VPCID:                 cfg.VPCID,
		SubnetIDs:             cfg.SubnetIDs,
		AllowedCIDRs:          cfg.AllowedCIDRs,
		CertificateARN:        cfg.CertificateARN,
		DNSName:               cfg.DNSName,
		HostedZoneID:          cfg.HostedZoneID,
		AMIID:                 cfg.AMIID,
		Image:                 cfg.VLLMImage,
		DockerHubCredentials:  cfg.DockerHubCredentials,
		AlarmTopicARN:         cfg.AlarmTopicARN,
		AlertEmails:           p.Inputs.Budget.AlertEmails,
		LatencyTargetMs:       latencyTarget(opt.Routes),
		APIKey:                cfg.VLLMAPIKey,
		HFToken:               cfg.HFToken,
		TimeZone:              ScheduleZone(cfg.TimeZone, p.Inputs.Timezone),
		Router:                cfg.DeployGateway && opt.Architecture == architecture.Hybrid,
		CapacityReservationID: cfg.CapacityReservationID,
		CapacityBlockZone:     cfg.CapacityBlockZone,
		VPCCIDR:               cfg.VPCCIDR,
		PrivateLink:           len(cfg.EndpointServicePrincipals) > 0,
		ConsumerVPCs:          cfg.ConsumerVPCs,
	}
	if args.Sizing.Pricing == spec.CapacityBlock && args.CapacityReservationID == "" && !cfg.Stack {
		// A plan without a stack configuration previews the block it
		// would need; a stack must name it (preflight).
		args.CapacityReservationID = Unknown
	}
	if opt.Architecture == architecture.SelfHosted {
		args.Budget = budget
	}
	fleet, err := NewSelfHostedInference(ctx, team, args)
	if err != nil {
		return nil, err
	}
	out["endpoint"] = fleet.Endpoint
	out["apiKeySecretArn"] = fleet.APIKeySecretARN
	out["hfTokenSecretArn"] = fleet.HFTokenSecretARN
	out["instanceRoleArn"] = fleet.RoleARN
	out["autoScalingGroupName"] = fleet.AutoScalingGroupName
	if opt.Architecture == architecture.SelfHosted {
		out["budgetName"] = fleet.BudgetName
	}
	return fleet, nil
}

// latencyTarget is the tightest max_ttft_ms of the self-hosted routes.
func latencyTarget(routes []plan.Route) float64 {
	best := 0.0
	for _, r := range routes {
		if r.ServedBy == architecture.SelfHosted && r.MaxTTFTMs != nil && (best == 0 || *r.MaxTTFTMs < best) {
			best = *r.MaxTTFTMs
		}
	}
	return best
}

// RouteEntry is one row of the hybrid routing table.
type RouteEntry struct {
	Workload   string            `json:"workload"`
	Complexity string            `json:"complexity"`
	ServedBy   architecture.Name `json:"served_by"`
	Model      string            `json:"model"`
	Provider   string            `json:"provider,omitempty"`
	Endpoint   string            `json:"endpoint,omitempty"`
	MaxTTFTMs  *float64          `json:"max_ttft_ms"`
}

// RoutingParameterName is the SSM parameter holding the routing table of a
// team's stack: two stacks of one team in one account never share it.
func RoutingParameterName(stack, team string) string {
	return "/costgate/" + team + "/" + stack + "/routes"
}

// MaxStandardParameterBytes is the size limit of a Standard-tier SSM
// parameter value; a larger routing table is split into pages.
const MaxStandardParameterBytes = 4096

// maxEndpointLen bounds the endpoint a self-hosted row carries: "https://",
// a DNS name of at most 253 characters and "/v1". Pages are cut for it, so
// that the endpoint, known only after the load balancer exists, always fits.
const maxEndpointLen = len("https://") + 253 + len("/v1")

// RoutingPages splits the routes into the fewest consecutive pages whose
// tables each fit a Standard parameter with any endpoint.
func RoutingPages(routes []plan.Route) ([][]plan.Route, error) {
	worst := strings.Repeat("x", maxEndpointLen)
	var pages [][]plan.Route
	var cur []plan.Route
	for _, r := range routes {
		next := append(append([]plan.Route(nil), cur...), r)
		table, err := RoutingTable(next, worst)
		if err != nil {
			return nil, err
		}
		if len(table) <= MaxStandardParameterBytes {
			cur = next
			continue
		}
		if len(cur) == 0 {
			return nil, fmt.Errorf("routing table: the row of workload %s alone exceeds %d bytes", r.Workload, MaxStandardParameterBytes)
		}
		pages = append(pages, cur)
		cur = []plan.Route{r}
	}
	return append(pages, cur), nil
}

// routing writes the routing table to SSM and exports it with a LiteLLM
// proxy model_list. A table that fits one Standard parameter is
// RoutingParameterName(stack, team); a larger one is split into pages under it
// (".../routes/1", ".../routes/2", ...) and the parameter itself holds
// {"pages": [names]}, all Standard tier (free, 4 KB each).
func routing(ctx *pulumi.Context, team, costCenter string, routes []plan.Route, fleet *SelfHostedInference, profiles pulumi.StringMapOutput, cat *modelcatalog.Catalog, out pulumi.Map) error {
	table := fleet.Endpoint.ApplyT(func(endpoint string) (string, error) {
		return RoutingTable(routes, endpoint)
	}).(pulumi.StringOutput)
	pages, err := RoutingPages(routes)
	if err != nil {
		return err
	}
	base := RoutingParameterName(ctx.Stack(), team)
	value := table
	if len(pages) > 1 {
		var names []string
		for i, page := range pages {
			pageName := fmt.Sprintf("%s/%d", base, i+1)
			names = append(names, pageName)
			rows := fleet.Endpoint.ApplyT(func(endpoint string) (string, error) {
				return RoutingTable(page, endpoint)
			}).(pulumi.StringOutput)
			if _, err := routingParameter(ctx, fmt.Sprintf("%s-routes-%d", team, i+1), pageName,
				fmt.Sprintf("costgate %s: routing table, page %d of %d", team, i+1, len(pages)), rows, team, costCenter); err != nil {
				return err
			}
		}
		index, err := json.Marshal(map[string][]string{"pages": names})
		if err != nil {
			return fmt.Errorf("encode routing index: %w", err)
		}
		value = pulumi.String(index).ToStringOutput()
	}
	param, err := routingParameter(ctx, team+"-routes", base,
		"costgate "+team+": which endpoint and model serve each workload", value, team, costCenter)
	if err != nil {
		return err
	}
	out["routingParameter"] = param.Name
	out["routingTable"] = table
	out["litellmModelList"] = pulumi.All(fleet.Endpoint, profiles).ApplyT(func(v []any) (string, error) {
		return LiteLLMModelList(routes, v[0].(string), cat, v[1].(map[string]string))
	}).(pulumi.StringOutput)
	return nil
}

// routingParameter registers one Standard-tier parameter of the table.
func routingParameter(ctx *pulumi.Context, resource, name, desc string, value pulumi.StringOutput, team, costCenter string) (*ssm.Parameter, error) {
	param, err := ssm.NewParameter(ctx, resource, &ssm.ParameterArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String(desc),
		Type:        pulumi.String("String"),
		Tier:        pulumi.String("Standard"),
		// Not a secret: insecureValue keeps it readable in diffs and previews.
		InsecureValue: value,
		Tags:          stringMap(Tags(team, costCenter)),
	})
	if err != nil {
		return nil, fmt.Errorf("create routing parameter %s: %w", name, err)
	}
	return param, nil
}

// RoutingTable renders the routes as the JSON the SSM parameter holds.
func RoutingTable(routes []plan.Route, endpoint string) (string, error) {
	rows := make([]RouteEntry, 0, len(routes))
	for _, r := range routes {
		row := RouteEntry{Workload: r.Workload, Complexity: r.Complexity, ServedBy: r.ServedBy,
			Model: r.Model, Provider: r.Provider, MaxTTFTMs: r.MaxTTFTMs}
		if r.ServedBy == architecture.SelfHosted {
			row.Endpoint = endpoint
		}
		rows = append(rows, row)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return "", fmt.Errorf("encode routing table: %w", err)
	}
	return string(b), nil
}

// litellmEntry is one model_list entry of a LiteLLM proxy config.
type litellmEntry struct {
	ModelName     string            `json:"model_name"`
	LiteLLMParams map[string]string `json:"litellm_params"`
}

// LiteLLMModelList renders a LiteLLM proxy model_list (JSON, which is also
// YAML) with one entry per workload, named after it, so clients ask for
// "autocomplete" and the gateway routes. Model names and key variables
// are the catalog providers' (litellm.prefix, api_key_env); keys are
// environment references, never values. A Bedrock model with an application inference profile in
// profiles (Bedrock id → ARN) is invoked through it (model_id), so its cost
// carries the team's tags, while the model name keeps LiteLLM's pricing.
func LiteLLMModelList(routes []plan.Route, endpoint string, cat *modelcatalog.Catalog, profiles map[string]string) (string, error) {
	var list []litellmEntry
	for _, r := range routes {
		params := map[string]string{}
		switch r.ServedBy {
		case architecture.SelfHosted:
			params["model"] = "hosted_vllm/" + r.Model
			params["api_base"] = endpoint
			params["api_key"] = "os.environ/VLLM_API_KEY"
		case architecture.Managed:
			m, ok := cat.ManagedModel(r.Model)
			if !ok {
				return "", fmt.Errorf("workload %s: model %q is not in the catalog", r.Workload, r.Model)
			}
			p, err := cat.RouteProvider(m, r.Provider)
			if err != nil {
				return "", fmt.Errorf("workload %s: %w", r.Workload, err)
			}
			params["model"] = p.LiteLLMModel(m)
			if p.KeyedByAPIKey() {
				params["api_key"] = "os.environ/" + p.APIKeyEnv
			} else if arn, ok := profiles[p.ModelID(m)]; ok {
				params["model_id"] = arn
			}
		default:
			return "", fmt.Errorf("workload %s: served by %q", r.Workload, r.ServedBy)
		}
		list = append(list, litellmEntry{ModelName: r.Workload, LiteLLMParams: params})
	}
	b, err := json.MarshalIndent(map[string]any{"model_list": list}, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode LiteLLM model list: %w", err)
	}
	return string(b), nil
}

// Summary is the one-screen account of the plan the program logs.
func Summary(p *plan.Plan) []string {
	lines := []string{fmt.Sprintf("costgate: %s (team %s, cost center %s), plan date %s, catalog %s",
		p.Spec, p.Team, p.Inputs.CostCenter, p.AsOf, p.CatalogAsOf)}
	for _, o := range p.Options {
		status := "allowed"
		if !o.Allowed {
			var ids []string
			for _, v := range o.Violations {
				ids = plan.AppendUnique(ids, v.Policy)
			}
			status = "denied: " + strings.Join(ids, ", ")
		}
		lines = append(lines, fmt.Sprintf("  %-12s %13s  [%.2f .. %.2f] per month  %s",
			o.Architecture, units.USD(o.MonthlyUSD.Expected).Cents(), o.MonthlyUSD.Low, o.MonthlyUSD.High, status))
		if s := o.Sizing; s != nil {
			lines = append(lines, fmt.Sprintf("  %-12s %d x %s (%d %s), %s, TP %d, %d replicas, %d..%d instances, %s",
				"", s.Instances, s.InstanceType, s.GPUs, s.GPU, s.Model, s.TensorParallel, s.Replicas,
				s.BaselineInstances, s.PeakInstances, s.Schedule))
		}
	}
	be := "none in range"
	if p.Breakeven.Developers != nil {
		be = fmt.Sprintf("%d developers", *p.Breakeven.Developers)
	}
	lines = append(lines, fmt.Sprintf("  verdict %s, breakeven %s, checklist %d/5", p.Verdict, be, p.Checklist.Met))
	lines = append(lines, "  decision: "+string(p.Decision.Architecture))
	for _, r := range p.Decision.Reasons {
		lines = append(lines, "    "+r)
	}
	return lines
}
