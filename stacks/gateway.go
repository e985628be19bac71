package stacks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/bedrock"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ManagedGatewayType is the component's type token (contract).
const ManagedGatewayType = "costgate:stacks:ManagedGateway"

// BedrockActions are the runtime actions the gateway role holds on the
// chosen models; they also cover Converse and ConverseStream.
var BedrockActions = []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}

// ManagedGatewayArgs configure the managed-API credentials.
type ManagedGatewayArgs struct {
	Team       string
	CostCenter string
	// Routes are the option's routes; those served by "managed" decide the
	// providers and Bedrock models.
	Routes []plan.Route
	// Catalog resolves models to vendors and Bedrock ids; nil means the
	// embedded catalog.
	Catalog *modelcatalog.Catalog
	// ProviderKeys maps a provider to its API key (secret).
	ProviderKeys map[string]pulumi.StringInput
	// ConsumerPrincipals may assume the role; empty means the account root.
	ConsumerPrincipals []string
	// ConsumerExternalID is the sts:ExternalId principals of other accounts
	// must present; empty means none (and a warning for each such account).
	ConsumerExternalID string
	// Budget, when set, adds the monthly AWS Budget.
	Budget *BudgetArgs
}

// ManagedGateway holds the provider API keys, the least-privilege role that
// reads them (and invokes the chosen Bedrock models), and the budget.
type ManagedGateway struct {
	pulumi.ResourceState

	// RoleARN is the role consumers assume.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`
	// SecretARNs maps each provider to the secret holding its key.
	SecretARNs pulumi.StringMapOutput `pulumi:"secretArns"`
	// BudgetName is the AWS Budget's name; empty without a budget.
	BudgetName pulumi.StringOutput `pulumi:"budgetName"`
	// BedrockProfileARNs maps each Bedrock model id the routes use to the
	// team's application inference profile, which the gateway invokes.
	BedrockProfileARNs pulumi.StringMapOutput `pulumi:"bedrockProfileArns"`

	// providers and secretARN are the keyed providers and their secrets,
	// for a router beside the gateway; keyEnv the variable LiteLLM reads
	// each key from (the catalog's api_key_env).
	providers []string
	secretARN map[string]pulumi.StringOutput
	keyEnv    map[string]string
	// bedrockARNs are the models the role invokes.
	bedrockARNs []string
}

// NewManagedGateway registers the gateway credentials.
func NewManagedGateway(ctx *pulumi.Context, name string, args *ManagedGatewayArgs, opts ...pulumi.ResourceOption) (*ManagedGateway, error) {
	if args.Team == "" || args.CostCenter == "" {
		return nil, fmt.Errorf("create managed gateway %s: team and cost center are required", name)
	}
	if err := ValidatePrincipals(args.ConsumerPrincipals); err != nil {
		return nil, fmt.Errorf("create managed gateway %s: %w", name, err)
	}
	cat := args.Catalog
	if cat == nil {
		cat = modelcatalog.Default()
	}
	providers, bedrockIDs, err := managedNeeds(args.Routes, cat)
	if err != nil {
		return nil, fmt.Errorf("create managed gateway %s: %w", name, err)
	}
	for p := range args.ProviderKeys {
		if p == AnyProvider {
			continue
		}
		pr, ok := cat.Provider(p)
		if !ok {
			return nil, fmt.Errorf("create managed gateway %s: costgate:providerKeys names %q, which is not a provider in the catalog (%s)", name, p, strings.Join(cat.ProviderIDs(), ", "))
		}
		if !pr.KeyedByAPIKey() {
			return nil, fmt.Errorf("create managed gateway %s: %s takes no API key (the gateway role calls it with IAM); remove it from costgate:providerKeys", name, p)
		}
		// The plan prices a secret for each provider a route calls: a key
		// for one no route calls would be a secret nobody pays for in
		// the plan and nothing reads.
		if !slices.Contains(providers, p) {
			_ = ctx.Log.Warn(fmt.Sprintf("costgate:providerKeys holds a key for %s, which no route of the decision calls: it is not stored (a secret the plan does not price and nothing reads)", p), nil)
		}
	}
	sort.Strings(providers)

	g := &ManagedGateway{}
	if err := ctx.RegisterComponentResource(ManagedGatewayType, name, g, opts...); err != nil {
		return nil, fmt.Errorf("register %s: %w", name, err)
	}
	if err := g.build(ctx, name, args, cat, providers, bedrockIDs); err != nil {
		return nil, fmt.Errorf("create managed gateway %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"roleArn":            g.RoleARN,
		"secretArns":         g.SecretARNs,
		"budgetName":         g.BudgetName,
		"bedrockProfileArns": g.BedrockProfileARNs,
	}); err != nil {
		return nil, fmt.Errorf("register outputs of %s: %w", name, err)
	}
	return g, nil
}

// managedNeeds lists the providers that need an API key and the Bedrock
// ids of the models the managed routes call with IAM (the catalog's
// providers say which is which).
func managedNeeds(routes []plan.Route, cat *modelcatalog.Catalog) (providers, bedrockIDs []string, err error) {
	for _, r := range routes {
		if r.ServedBy != architecture.Managed {
			continue
		}
		m, ok := cat.ManagedModel(r.Model)
		if !ok {
			return nil, nil, fmt.Errorf("workload %s: model %q is not in the catalog", r.Workload, r.Model)
		}
		p, err := cat.RouteProvider(m, r.Provider)
		if err != nil {
			return nil, nil, fmt.Errorf("workload %s: %w", r.Workload, err)
		}
		if p.KeyedByAPIKey() {
			providers = plan.AppendUnique(providers, p.ID)
			continue
		}
		id := p.ModelID(m)
		if id == "" {
			return nil, nil, fmt.Errorf("workload %s: %s does not serve %s", r.Workload, p.Name, r.Model)
		}
		bedrockIDs = plan.AppendUnique(bedrockIDs, id)
	}
	sort.Strings(bedrockIDs)
	return providers, bedrockIDs, nil
}

func (g *ManagedGateway) build(ctx *pulumi.Context, name string, a *ManagedGatewayArgs, cat *modelcatalog.Catalog, providers, bedrockIDs []string) error {
	parent := pulumi.Parent(g)
	tags := Tags(a.Team, a.CostCenter)

	ident, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up account: %w", err)
	}
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return fmt.Errorf("look up region: %w", err)
	}

	arnList, err := g.providerSecrets(ctx, name, a, cat, providers, tags)
	if err != nil {
		return err
	}
	role, err := g.role(ctx, name, a, part.Partition, ident.AccountId, tags)
	if err != nil {
		return err
	}
	bedrockARNs := BedrockModelARNs(cat, part.Partition, region.Name, ident.AccountId, bedrockIDs)
	g.bedrockARNs = bedrockARNs
	profileARNs, err := g.inferenceProfiles(ctx, a, cat, bedrockIDs, part.Partition, region.Name, ident.AccountId, tags)
	if err != nil {
		return err
	}
	if err := rolePolicy(ctx, name, role, arnList, bedrockARNs, profileARNs, parent); err != nil {
		return err
	}

	g.BudgetName = pulumi.String("").ToStringOutput()
	if a.Budget != nil {
		b, err := newBudget(ctx, name+"-budget", *a.Budget, tags, parent)
		if err != nil {
			return err
		}
		g.BudgetName = b.Name
	}
	return nil
}

// providerSecrets registers one secret per provider, with a version when
// its key is configured, and returns their ARNs in provider order.
func (g *ManagedGateway) providerSecrets(ctx *pulumi.Context, name string, a *ManagedGatewayArgs, cat *modelcatalog.Catalog, providers []string, tags map[string]string) (pulumi.StringArray, error) {
	parent := pulumi.Parent(g)
	secretARNs := pulumi.StringMap{}
	var arnList pulumi.StringArray
	for _, p := range providers {
		sec, err := secretsmanager.NewSecret(ctx, name+"-"+p+"-api-key", &secretsmanager.SecretArgs{
			Description:          pulumi.String("costgate " + a.Team + ": " + p + " API key"),
			RecoveryWindowInDays: pulumi.Int(7),
			Tags:                 stringMap(tags),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create %s key secret: %w", p, err)
		}
		key, ok := a.ProviderKeys[p]
		if !ok {
			key, ok = a.ProviderKeys[AnyProvider]
		}
		arn := sec.Arn
		if ok {
			v, err := secretsmanager.NewSecretVersion(ctx, name+"-"+p+"-api-key", &secretsmanager.SecretVersionArgs{
				SecretId:     sec.ID(),
				SecretString: pulumi.ToSecret(key).(pulumi.StringOutput),
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("store %s key: %w", p, err)
			}
			arn = storedARN(sec, v)
		} else {
			_ = ctx.Log.Warn("no key for provider "+p+" in costgate:providerKeys: "+
				"the secret is created empty; put the key into it before use", &pulumi.LogArgs{Resource: g})
		}
		secretARNs[p] = arn
		arnList = append(arnList, arn)
		g.providers = append(g.providers, p)
		if g.secretARN == nil {
			g.secretARN = map[string]pulumi.StringOutput{}
		}
		g.secretARN[p] = arn
		if pr, ok := cat.Provider(p); ok {
			if g.keyEnv == nil {
				g.keyEnv = map[string]string{}
			}
			g.keyEnv[p] = pr.APIKeyEnv
		}
	}
	g.SecretARNs = secretARNs.ToStringMapOutput()
	return arnList, nil
}

// role registers the role consumers assume: the configured principals, or
// the account root.
func (g *ManagedGateway) role(ctx *pulumi.Context, name string, a *ManagedGatewayArgs, partition, account string, tags map[string]string) (*iam.Role, error) {
	principals := a.ConsumerPrincipals
	if len(principals) == 0 {
		principals = []string{fmt.Sprintf("arn:%s:iam::%s:root", partition, account)}
	}
	own, foreign := SplitPrincipals(principals, account)
	for _, p := range foreign {
		if a.ConsumerExternalID == "" {
			_ = ctx.Log.Warn("costgate:consumerPrincipals trusts "+p+" of another account without an sts:ExternalId condition: "+
				"set costgate:consumerExternalId to the ID agreed with that account", &pulumi.LogArgs{Resource: g})
		}
	}
	assume, err := trustPolicy(own, foreign, a.ConsumerExternalID)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-gateway", &iam.RoleArgs{
		Description:        pulumi.String("costgate " + a.Team + ": read the managed-API keys and invoke the chosen models"),
		AssumeRolePolicy:   pulumi.String(assume),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               stringMap(tags),
	}, pulumi.Parent(g))
	if err != nil {
		return nil, fmt.Errorf("create gateway role: %w", err)
	}
	g.RoleARN = role.Arn
	return role, nil
}

// trustPolicy is the gateway role's trust policy: the principals of the
// role's own account in one statement, those of other accounts in another,
// under the sts:ExternalId condition when one is agreed.
func trustPolicy(own, foreign []string, externalID string) (string, error) {
	var st []policyStatement
	if len(own) > 0 {
		st = append(st, policyStatement{
			Sid: "OwnAccount", Effect: "Allow", Principal: map[string]any{"AWS": own}, Action: []string{"sts:AssumeRole"},
		})
	}
	if len(foreign) > 0 {
		s := policyStatement{Sid: "OtherAccounts", Effect: "Allow", Principal: map[string]any{"AWS": foreign}, Action: []string{"sts:AssumeRole"}}
		if externalID != "" {
			s.Condition = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}}
		}
		st = append(st, s)
	}
	return policyDocument(st...)
}

// rolePolicy grants the gateway role exactly the provider secrets and the
// chosen Bedrock models; nothing when there are neither.
func rolePolicy(ctx *pulumi.Context, name string, role *iam.Role, arnList pulumi.StringArray, bedrockARNs []string, profileARNs pulumi.StringArray, parent pulumi.ResourceOption) error {
	if len(arnList) == 0 && len(bedrockARNs) == 0 {
		return nil
	}
	doc := pulumi.All(arnList.ToStringArrayOutput(), profileARNs.ToStringArrayOutput()).ApplyT(func(v []any) (string, error) {
		arns, profiles := v[0].([]string), v[1].([]string)
		var st []policyStatement
		if len(arns) > 0 {
			st = append(st, policyStatement{
				Sid: "ReadProviderKeys", Effect: "Allow",
				Action: []string{"secretsmanager:GetSecretValue"}, Resource: arns,
			})
		}
		st = append(st, bedrockStatements(bedrockARNs, profiles)...)
		return policyDocument(st...)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-gateway", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: doc,
	}, parent); err != nil {
		return fmt.Errorf("create gateway policy: %w", err)
	}
	return nil
}

// bedrockStatements let a role invoke the team's application inference
// profiles and, only through them (the bedrock:InferenceProfileArn
// condition AWS documents), the chosen system profiles and foundation
// models: a direct call to a model or system profile, which no budget tag
// follows, is denied. Without profiles there is nothing to invoke.
func bedrockStatements(modelARNs, profiles []string) []policyStatement {
	if len(modelARNs) == 0 || len(profiles) == 0 {
		return nil
	}
	return []policyStatement{{
		Sid: "InvokeChosenModelsThroughTeamProfiles", Effect: "Allow",
		Action: BedrockActions, Resource: modelARNs,
		Condition: map[string]any{"StringEquals": map[string]any{"bedrock:InferenceProfileArn": profiles}},
	}, {
		Sid: "InvokeTeamProfiles", Effect: "Allow",
		Action: BedrockActions, Resource: profiles,
	}}
}

// inferenceProfiles registers one application inference profile per
// Bedrock model, copied from the system-defined cross-region profile (or
// the foundation model) and tagged like every resource: Bedrock attributes
// cost to tags only through application profiles, so invocations through
// them reach the team's cost_center budget. The role invokes them and the
// LiteLLM model list points at them.
func (g *ManagedGateway) inferenceProfiles(ctx *pulumi.Context, a *ManagedGatewayArgs, cat *modelcatalog.Catalog, ids []string, partition, region, account string, tags map[string]string) (pulumi.StringArray, error) {
	arns := pulumi.StringMap{}
	var list pulumi.StringArray
	for _, id := range ids {
		source := fmt.Sprintf("arn:%s:bedrock:%s::foundation-model/%s", partition, region, id)
		if prefix, _ := cat.ProfilePrefix(id); prefix != "" {
			source = fmt.Sprintf("arn:%s:bedrock:%s:%s:inference-profile/%s", partition, region, account, id)
		}
		name := InferenceProfileName(ctx.Stack(), a.Team, id)
		p, err := bedrock.NewInferenceProfile(ctx, name, &bedrock.InferenceProfileArgs{
			Name:        pulumi.String(name),
			Description: pulumi.String(profileDescription(a.Team, id)),
			ModelSource: bedrock.InferenceProfileModelSourceArgs{CopyFrom: pulumi.String(source)},
			Tags:        stringMap(tags),
		}, pulumi.Parent(g))
		if err != nil {
			return nil, fmt.Errorf("create inference profile for %s: %w", id, err)
		}
		arns[id] = p.Arn
		list = append(list, p.Arn)
	}
	g.BedrockProfileARNs = arns.ToStringMapOutput()
	return list, nil
}

// profileDescription describes a team's inference profile in Bedrock's
// syntax (CreateInferenceProfile: at most 200 characters, each letter,
// digit, ':' or '.' followed by at most one space, '_' or '-').
func profileDescription(team, modelID string) string {
	var b strings.Builder
	sep := true // no separator first
	for _, r := range "costgate " + team + " " + modelID + " tagged for the budget of the team" {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == ':', r == '.':
			b.WriteRune(r)
			sep = false
		case !sep:
			if r != '_' && r != '-' {
				r = ' '
			}
			b.WriteRune(r)
			sep = true
		}
	}
	out := b.String()
	if len(out) > maxProfileDescription {
		out = out[:maxProfileDescription]
	}
	return strings.TrimRight(out, " _-")
}

// maxProfileDescription is Bedrock's limit of a profile's description.
const maxProfileDescription = 200

// InferenceProfileName is the name of a team's application inference
// profile for a Bedrock model: letters, digits and single hyphens, at most
// MaxInferenceProfileName characters, unique per stack, team and model.
func InferenceProfileName(stack, team, modelID string) string {
	var b strings.Builder
	for _, r := range team {
		if r == '-' && (b.Len() == 0 || strings.HasSuffix(b.String(), "-")) {
			continue
		}
		b.WriteRune(r)
	}
	label := strings.TrimSuffix(b.String(), "-")
	if label == "" {
		label = "costgate"
	}
	return label + "-" + nameHash(stack, team, modelcatalog.ProviderBedrock, modelID)
}

// ValidatePrincipals rejects a consumer principal with a wildcard: "*" or
// "arn:aws:iam::*:root" would let any AWS account in the world assume the
// gateway role and read every provider key.
func ValidatePrincipals(principals []string) error {
	var bad []string
	for _, p := range principals {
		if strings.Contains(p, "*") || strings.TrimSpace(p) == "" {
			bad = append(bad, fmt.Sprintf("%q", p))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("costgate:consumerPrincipals %s would let any AWS account assume the gateway role: name the consumer roles", strings.Join(bad, ", "))
	}
	return nil
}

// PrincipalAccount is the account of an IAM ARN principal or a bare
// account id; "" for anything else.
func PrincipalAccount(p string) string {
	if parts := strings.Split(p, ":"); len(parts) >= 6 && parts[0] == "arn" {
		return parts[4]
	}
	if len(p) == 12 && strings.Trim(p, "0123456789") == "" {
		return p
	}
	return ""
}

// SplitPrincipals separates the principals of the given account from those
// of other accounts.
func SplitPrincipals(principals []string, account string) (own, foreign []string) {
	for _, p := range principals {
		if a := PrincipalAccount(p); a != "" && a != account {
			foreign = append(foreign, p)
		} else {
			own = append(own, p)
		}
	}
	return own, foreign
}

// BedrockModelARNs lists the resources the gateway role may invoke for each
// Bedrock id: the foundation model in the region, and for a cross-region
// inference profile (its prefix one of the catalog's) the profile and the
// model in its destination regions (every region for a global profile,
// written region-less as AWS documents).
func BedrockModelARNs(cat *modelcatalog.Catalog, partition, region, account string, ids []string) []string {
	var out []string
	for _, id := range ids {
		prefix, global := cat.ProfilePrefix(id)
		model := strings.TrimPrefix(id, prefix)
		if prefix == "" {
			out = append(out, fmt.Sprintf("arn:%s:bedrock:%s::foundation-model/%s", partition, region, id))
			continue
		}
		out = append(out,
			fmt.Sprintf("arn:%s:bedrock:%s:%s:inference-profile/%s", partition, region, account, id),
			fmt.Sprintf("arn:%s:bedrock:%s::foundation-model/%s", partition, region, model))
		if global {
			out = append(out, fmt.Sprintf("arn:%s:bedrock:::foundation-model/%s", partition, model))
		} else {
			// A geographic profile routes within its geography; the
			// model, not the region, is what the role is limited to.
			out = append(out, fmt.Sprintf("arn:%s:bedrock:*::foundation-model/%s", partition, model))
		}
	}
	return out
}
