package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/costgate/costgate/inference"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DockerHubRegistry is the upstream of the ECR pull-through cache.
const DockerHubRegistry = "registry-1.docker.io"

// pullCacheSecretPrefix is the name prefix ECR requires of the secret
// holding a pull-through cache rule's upstream credentials.
const pullCacheSecretPrefix = "ecr-pullthroughcache/"

// dockerHubHosts are the names Docker Hub's registry goes by in an image
// reference: Docker itself normalizes all three to the same registry
// (github.com/distribution/reference: docker.io is the default domain,
// index.docker.io its legacy name, registry-1.docker.io the endpoint).
var dockerHubHosts = []string{"docker.io", "index.docker.io", "registry-1.docker.io"}

// dockerHubRepo returns the Docker Hub repository (and tag or digest) of
// an image that comes from Docker Hub — one without a registry host in
// its name, or naming Docker Hub's host — with the host taken off and an
// official image under library/; ok is false for any other registry.
func dockerHubRepo(image string) (repo string, ok bool) {
	first, rest, found := strings.Cut(image, "/")
	switch {
	case !found:
		return "library/" + image, true
	case slices.Contains(dockerHubHosts, strings.ToLower(first)):
		if !strings.Contains(rest, "/") {
			rest = "library/" + rest
		}
		return rest, rest != "library/"
	case strings.ContainsAny(first, ".:") || first == "localhost":
		return "", false
	}
	return image, true
}

// pullThrough reports whether the image comes from Docker Hub, and so
// through the pull-through cache when Docker Hub credentials are
// configured.
func pullThrough(image string) bool {
	_, ok := dockerHubRepo(image)
	return ok
}

// ecrRegistryHost is a private ECR registry's host: the account, the
// region, AWS's domain (docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html).
// A host that only contains ".dkr.ecr." (123456789012.dkr.ecr.us-east-1.amazonaws.com.example.net)
// is another registry.
var ecrRegistryHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\z`)

// ecrRegistry is a private ECR image's registry host, account and region;
// ok is false for an image of any other registry.
func ecrRegistry(image string) (host, account, region string, ok bool) {
	host, _, found := strings.Cut(image, "/")
	m := ecrRegistryHost.FindStringSubmatch(host)
	if !found || m == nil {
		return "", "", "", false
	}
	return host, m[1], m[2], true
}

// ecrHost is the registry host of a private ECR image, or "".
func ecrHost(image string) string {
	host, _, _, _ := ecrRegistry(image)
	return host
}

// pullCache registers the ECR pull-through cache for Docker Hub: the
// credentials secret (name under ecr-pullthroughcache/, as ECR requires)
// and the rule with a prefix unique to the stack and team. Instances then
// pull the image from ECR in the region: no Docker Hub rate limit (10
// anonymous pulls an hour behind one NAT address), and ECR keeps the image.
// It does nothing without credentials or for an image of another registry.
func (f *fleet) pullCache() error {
	a := f.a
	if a.DockerHubCredentials == nil || !pullThrough(f.baseImage()) {
		return nil
	}
	f.cachePrefix = "costgate-" + nameHash(f.ctx.Stack(), a.Team, "docker-hub", "")
	sec, err := secretsmanager.NewSecret(f.ctx, f.name+"-docker-hub", &secretsmanager.SecretArgs{
		Name:        pulumi.String(pullCacheSecretPrefix + f.cachePrefix),
		Description: pulumi.String("costgate " + a.Team + ": Docker Hub credentials of the ECR pull-through cache"),
		// Its name is fixed (ECR requires the prefix): deleted at once on
		// destroy, so that the stack can be created again the same week.
		// The credentials are the stack configuration's.
		RecoveryWindowInDays: pulumi.Int(0),
		Tags:                 stringMap(f.tags),
	}, f.parent)
	if err != nil {
		return fmt.Errorf("create Docker Hub credentials secret: %w", err)
	}
	v, err := secretsmanager.NewSecretVersion(f.ctx, f.name+"-docker-hub", &secretsmanager.SecretVersionArgs{
		SecretId:     sec.ID(),
		SecretString: pulumi.ToSecret(a.DockerHubCredentials).(pulumi.StringOutput),
	}, f.parent)
	if err != nil {
		return fmt.Errorf("store Docker Hub credentials: %w", err)
	}
	if _, err := ecr.NewPullThroughCacheRule(f.ctx, f.name+"-docker-hub", &ecr.PullThroughCacheRuleArgs{
		EcrRepositoryPrefix: pulumi.String(f.cachePrefix),
		UpstreamRegistryUrl: pulumi.String(DockerHubRegistry),
		CredentialArn:       storedARN(sec, v),
	}, f.parent); err != nil {
		return fmt.Errorf("create ECR pull-through cache rule: %w", err)
	}
	return nil
}

// baseImage is the configured image or the pinned one.
func (f *fleet) baseImage() string {
	if f.a.Image != "" {
		return f.a.Image
	}
	return inference.VLLMImage
}

// image is the reference the instances pull and the ECR registry they log
// in to ("" for a public registry).
func (f *fleet) image() (image, registry string) {
	img := f.baseImage()
	if f.cachePrefix == "" {
		return img, ecrHost(img)
	}
	registry = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", f.account, f.region)
	repo, _ := dockerHubRepo(img)
	return registry + "/" + f.cachePrefix + "/" + repo, registry
}

// pullStatements let the instances pull from ECR: through the cache (which
// creates the cached repository and imports the image on first pull), or
// from a private repository of the configured image.
func (f *fleet) pullStatements() []policyStatement {
	img := f.baseImage()
	var repos []string
	switch {
	case f.cachePrefix != "":
		repos = []string{fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s/*", f.part, f.region, f.account, f.cachePrefix)}
	case ecrHost(img) != "":
		_, account, region, _ := ecrRegistry(img)
		repo, _, _ := strings.Cut(strings.SplitN(img, "/", 2)[1], ":")
		repo, _, _ = strings.Cut(repo, "@")
		repos = []string{fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", f.part, region, account, repo)}
	default:
		return nil
	}
	actions := []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	if f.cachePrefix != "" {
		actions = append(actions, "ecr:BatchImportUpstreamImage", "ecr:CreateRepository")
	}
	return []policyStatement{
		// GetAuthorizationToken has no resource-level permissions.
		{Sid: "ECRLogin", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		{Sid: "PullImage", Effect: "Allow", Action: actions, Resource: repos},
	}
}
