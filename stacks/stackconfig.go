package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/specfile"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// AnyProvider is the ProviderKeys entry of a stack file whose providerKeys
// are encrypted: a key for every provider the routes use, whose names and
// values a preview cannot know without decrypting.
const AnyProvider = "*"

// stringKeys are the plain string keys of the costgate namespace.
var stringKeys = map[string]func(*Config) *string{
	"spec":                  func(c *Config) *string { return &c.SpecPath },
	"catalog":               func(c *Config) *string { return &c.CatalogPath },
	"vpcId":                 func(c *Config) *string { return &c.VPCID },
	"certificateArn":        func(c *Config) *string { return &c.CertificateARN },
	"dnsName":               func(c *Config) *string { return &c.DNSName },
	"hostedZoneId":          func(c *Config) *string { return &c.HostedZoneID },
	"amiId":                 func(c *Config) *string { return &c.AMIID },
	"vllmImage":             func(c *Config) *string { return &c.VLLMImage },
	"alarmTopicArn":         func(c *Config) *string { return &c.AlarmTopicARN },
	"timeZone":              func(c *Config) *string { return &c.TimeZone },
	"consumerExternalId":    func(c *Config) *string { return &c.ConsumerExternalID },
	"capacityReservationId": func(c *Config) *string { return &c.CapacityReservationID },
	"capacityBlockZone":     func(c *Config) *string { return &c.CapacityBlockZone },
	"capacityBlockEnd":      func(c *Config) *string { return &c.CapacityBlockEnd },
	"vpcCidr":               func(c *Config) *string { return &c.VPCCIDR },
}

// listKeys are the list keys of the costgate namespace.
var listKeys = map[string]func(*Config) *[]string{
	"policyDirs":                func(c *Config) *[]string { return &c.PolicyDirs },
	"subnetIds":                 func(c *Config) *[]string { return &c.SubnetIDs },
	"allowedCidrs":              func(c *Config) *[]string { return &c.AllowedCIDRs },
	"consumerPrincipals":        func(c *Config) *[]string { return &c.ConsumerPrincipals },
	"endpointServicePrincipals": func(c *Config) *[]string { return &c.EndpointServicePrincipals },
	"consumerVpcIds":            func(c *Config) *[]string { return &c.ConsumerVPCs },
}

// boolKeys are the boolean keys of the costgate namespace.
var boolKeys = map[string]func(*Config, bool){
	"deployGateway":              func(c *Config, v bool) { c.DeployGateway = v },
	"routerDbDeletionProtection": func(c *Config, v bool) { c.RouterDBDeletionProtection = &v },
}

// secretKeys are the keys that must be set with --secret.
var secretKeys = map[string]func(*Config) *pulumi.StringInput{
	"vllmApiKey":           func(c *Config) *pulumi.StringInput { return &c.VLLMAPIKey },
	"hfToken":              func(c *Config) *pulumi.StringInput { return &c.HFToken },
	"dockerHubCredentials": func(c *Config) *pulumi.StringInput { return &c.DockerHubCredentials },
}

// ErrNoSpec says a stack file names no costgate:spec: ReadStackConfig
// returns it with the rest of the configuration, for a caller given the
// spec otherwise (costgate plan SPEC --stack-config F).
var ErrNoSpec = errors.New("costgate:spec is not set")

// ReadStackConfig reads a stack file (Pulumi.<stack>.yaml) the way the
// program reads its configuration, without Pulumi and without decrypting:
// every secure value stands in as "[secret]". Paths are relative to the
// file's folder, the project root.
func ReadStackConfig(path string) (Config, error) {
	// A stack file linked out of the repository is refused unread: its
	// lines would be quoted in a parse error.
	if _, err := specfile.Confine(path); err != nil {
		return Config{}, fmt.Errorf("read stack config: %w", err)
	}
	raw, err := specfile.ReadRegular(path, specfile.MaxStackBytes)
	if err != nil {
		return Config{}, fmt.Errorf("read stack config: %w", err)
	}
	if err := hiddenYAML(path, raw); err != nil {
		return Config{}, err
	}
	var file struct {
		Config      map[string]yaml.Node `yaml:"config"`
		Environment yaml.Node            `yaml:"environment"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return Config{}, fmt.Errorf("read stack config %s: %w", path, err)
	}
	if file.Environment.Kind != 0 {
		return Config{}, fmt.Errorf("read stack config %s:%d: the stack imports a Pulumi ESC environment, whose pulumiConfig pulumi up reads and costgate cannot (it would price and gate another price book, policy folders or spec than the ones deployed); set the stack's costgate keys in this file", path, file.Environment.Line)
	}
	if err := projectConfigOutside(path, file.Config); err != nil {
		return Config{}, err
	}
	cfg := Config{Stack: true}
	var errs []string
	for _, full := range sortedKeys(file.Config) {
		key, ok := strings.CutPrefix(full, "costgate:")
		if !ok {
			if n := file.Config[full]; full == "aws:region" && n.Kind == yaml.ScalarNode {
				cfg.Region = n.Value
			}
			continue // other namespaces
		}
		node := file.Config[full]
		if err := setStackKey(&cfg, key, &node); err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: costgate:%s: %v", path, node.Line, key, err))
		}
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("read stack config:\n  %s", strings.Join(errs, "\n  "))
	}
	root := filepath.Dir(path)
	cfg.resolvePaths(root)
	if cfg.VPCID != "" && len(cfg.SubnetIDs) == 0 {
		return Config{}, fmt.Errorf("read stack config %s: costgate:vpcId needs costgate:subnetIds", path)
	}
	if cfg.catalog, err = cfg.Catalog(); err != nil {
		return Config{}, fmt.Errorf("read stack config %s: %w", path, err)
	}
	if cfg.SpecPath == "" {
		return cfg, fmt.Errorf("read stack config %s: %w", path, ErrNoSpec)
	}
	return cfg, nil
}

// setStackKey sets one costgate key from its YAML value.
func setStackKey(cfg *Config, key string, node *yaml.Node) error {
	secure := isSecure(node)
	switch {
	case secretKeys[key] != nil:
		if !secure {
			return fmt.Errorf("must be set with --secret")
		}
		*secretKeys[key](cfg) = pulumi.ToSecret(pulumi.String(Secret)).(pulumi.StringOutput)
	case key == "providerKeys":
		if !secure {
			return fmt.Errorf("must be set with --secret")
		}
		cfg.ProviderKeys = map[string]pulumi.StringInput{AnyProvider: pulumi.ToSecret(pulumi.String(Secret)).(pulumi.StringOutput)}
	case secure:
		return fmt.Errorf("is encrypted, but costgate reads it as plain configuration")
	case boolKeys[key] != nil:
		if node.Kind != yaml.ScalarNode || (node.Value != "true" && node.Value != "false") {
			return fmt.Errorf("want true or false")
		}
		boolKeys[key](cfg, node.Value == "true")
	case stringKeys[key] != nil:
		if node.Kind != yaml.ScalarNode {
			return fmt.Errorf("want a string")
		}
		if err := checkValue(key, node.Value); err != nil {
			return err
		}
		*stringKeys[key](cfg) = node.Value
	case listKeys[key] != nil:
		var list []string
		if node.Kind == yaml.ScalarNode {
			// pulumi config set KEY '["a","b"]' stores the JSON text.
			if err := json.Unmarshal([]byte(node.Value), &list); err != nil {
				return fmt.Errorf("want a list: %w", err)
			}
		} else if err := node.Decode(&list); err != nil {
			return fmt.Errorf("want a list of strings: %w", err)
		}
		*listKeys[key](cfg) = list
	case !slices.Contains(ConfigKeys, key):
		return fmt.Errorf("unknown key; costgate reads %s", strings.Join(ConfigKeys, ", "))
	}
	return nil
}

// isSecure reports whether a stack file value is encrypted ({secure: ...}).
func isSecure(node *yaml.Node) bool {
	if node.Kind != yaml.MappingNode || len(node.Content) != 2 {
		return false
	}
	return node.Content[0].Value == "secure"
}

// A gate reads a stack file as it was at a base revision from its text
// alone (git show), with no project file beside it and no key checked but
// the ones asked: stackText reads them as ReadStackConfig does, paths
// resolved against root (the stack file's folder, the project root).
func stackText(raw []byte, root string, keys ...string) (Config, error) {
	var file struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return Config{}, err
	}
	var cfg Config
	if n := file.Config["aws:region"]; n.Kind == yaml.ScalarNode {
		cfg.Region = n.Value // an ECR image is pulled in its own Region only
	}
	for _, key := range keys {
		if node, ok := file.Config["costgate:"+key]; ok {
			if err := setStackKey(&cfg, key, &node); err != nil {
				return Config{}, fmt.Errorf("costgate:%s: %w", key, err)
			}
		}
	}
	cfg.resolvePaths(root)
	return cfg, nil
}

// StackRules reads, from a stack file's text, the price book and policy
// folders it names (costgate:catalog, costgate:policyDirs).
func StackRules(raw []byte, root string) (catalog string, policyDirs []string, err error) {
	cfg, err := stackText(raw, root, "catalog", "policyDirs")
	return cfg.CatalogPath, cfg.PolicyDirs, err
}

// StackSpec is the spec a stack file names (costgate:spec); "" when it
// names none. A value of another namespace that YAML cannot type is no
// matter.
func StackSpec(raw []byte, root string) (string, error) {
	cfg, err := stackText(raw, root, "spec")
	return cfg.SpecPath, err
}

// StackDeployment is the deployment a stack file's text configures
// (Config.Deployment: an existing VPC, the router, the PrivateLink
// front, the image's registry, the pull-through cache, the Hugging Face
// token). A review plans the base with the deployment the base's stack
// configured, so that a change of the stack's configuration is a change
// of the bill a carried override waives (plan.Options.BaseDeployment).
func StackDeployment(raw []byte, root string) (modelcatalog.Deployment, error) {
	cfg, err := stackText(raw, root, "vpcId", "deployGateway", "endpointServicePrincipals", "vllmImage", "dockerHubCredentials", "hfToken")
	return cfg.Deployment(), err
}

// projectConfigOutside refuses a project file (Pulumi.yaml beside the
// stack file) that would make pulumi up read configuration this stack
// file does not hold: a stackConfigDir elsewhere (pulumi reads the stacks'
// files from there, not this one), or a costgate key (or aws:region, which
// the program plans in: programRegion) with a value in the project's own
// config that the stack file does not set (pulumi up takes the project's
// value, which costgate would never see: the program deployed in a Region
// no gate had previewed).
func projectConfigOutside(path string, stack map[string]yaml.Node) error {
	root := filepath.Dir(path)
	project := filepath.Join(root, "Pulumi.yaml")
	if _, err := os.Lstat(project); err != nil {
		project = filepath.Join(root, "Pulumi.yml")
		if _, err := os.Lstat(project); err != nil {
			return nil // no project file beside it: nothing but this file
		}
	}
	raw, err := specfile.ReadRegular(project, specfile.MaxStackBytes)
	if err != nil {
		return fmt.Errorf("read stack config %s: %w", path, err)
	}
	if err := hiddenYAML(project, raw); err != nil {
		return err
	}
	var file struct {
		Name           string               `yaml:"name"`
		StackConfigDir string               `yaml:"stackConfigDir"`
		Config         map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return fmt.Errorf("read project %s: %w", project, err)
	}
	if d := file.StackConfigDir; d != "" && filepath.Clean(d) != "." {
		return fmt.Errorf("read stack config %s: %s sets stackConfigDir %q: pulumi reads each stack's configuration from there, not from this file", path, project, d)
	}
	for _, key := range sortedKeys(file.Config) {
		full := key
		if !strings.Contains(key, ":") {
			full = file.Name + ":" + key
		}
		if !strings.HasPrefix(full, "costgate:") && full != "aws:region" {
			continue // keys no gate reads
		}
		if _, set := stack[full]; set {
			continue // the stack's own value wins
		}
		node := file.Config[key]
		if node.Kind == yaml.MappingNode && !hasKey(&node, "default") && !hasKey(&node, "value") {
			continue // a declaration (type, description) without a value
		}
		return fmt.Errorf("read stack config %s: %s:%d gives %s a value in the project's configuration and this stack file does not set it: pulumi up reads that value, costgate does not; set it in the stack file", path, project, node.Line, full)
	}
	return nil
}

// hasKey reports whether a YAML mapping holds key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// hiddenYAML refuses a stack or project file with text that reads
// otherwise than a diff shows it (specfile.Hidden): YAML ends a comment at
// a line break git does not split lines at (U+2028, NEL, a lone carriage
// return), so a live costgate:vllmImage hid behind a comment in the
// owners' review; an invisible character changes what a line reads as
// and shows nothing; a quote look-alike that reads as a quoted value's
// end (specfile.LookAlikeYAML: "”" U+201D) made the
// costgate:consumerPrincipals list below it part of another namespace's
// value, as a key spelled "cоstgate:…" with a Cyrillic о is.
func hiddenYAML(path string, raw []byte) error {
	// UTF-16 (which YAML and Pulumi read) would hide from that check, and
	// git shows it as binary: a stack file is UTF-8 text.
	if !utf8.Valid(raw) || bytes.IndexByte(raw, 0) >= 0 {
		return fmt.Errorf("read stack config %s: not UTF-8 text (UTF-16, or binary bytes): write the file as UTF-8", specfile.Display(path))
	}
	if h, found := specfile.Hidden(raw); found {
		return fmt.Errorf("read stack config %s:%d:%d: holds %s, which shows the file otherwise than Pulumi reads it; remove it", specfile.Display(path), h.Line, h.Column, h.What)
	}
	// A quoted value "closed" by a quote look-alike runs on to the next
	// quote: the keys a reviewer reads after it are the value's text. A
	// key spelled with a look-alike letter is another namespace's.
	if h, found := specfile.LookAlikeYAML(raw); found {
		return fmt.Errorf("read stack config %s:%d:%d: holds %s; a reviewer would approve what Pulumi does not read: write it in ASCII, or reword it", specfile.Display(path), h.Line, h.Column, h.What)
	}
	return nil
}
