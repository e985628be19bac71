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
	"time"
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
	project, err := readProject(path)
	if err != nil {
		return Config{}, err
	}
	keys, err := pulumiKeys(file.Config, project.Name)
	if err != nil {
		return Config{}, fmt.Errorf("read stack config %s:%w", path, err)
	}
	if err := projectConfigOutside(path, project, keys); err != nil {
		return Config{}, err
	}
	cfg := Config{Stack: true}
	var errs []string
	for _, full := range sortedKeys(keys) {
		node := keys[full]
		key, ok := strings.CutPrefix(full, "costgate:")
		if !ok {
			if full == "aws:region" {
				if err := regionKey(&cfg, &node); err != nil {
					errs = append(errs, fmt.Sprintf("%s:%d: aws:region: %v", path, node.Line, err))
				}
			}
			continue // other namespaces
		}
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
		if err := readAsWritten(node); err != nil {
			return err
		}
		if err := checkValue(key, node.Value); err != nil {
			return err
		}
		*stringKeys[key](cfg) = node.Value
	case listKeys[key] != nil:
		var list []string
		if err := readAsWritten(node); err != nil {
			return err
		}
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
	// The project's name is not read at the base: a key without a
	// namespace is whose pulumi up ran, and the file does not read.
	config, err := pulumiKeys(file.Config, "")
	if err != nil {
		return Config{}, fmt.Errorf("line %w", err)
	}
	var cfg Config
	if n, ok := config["aws:region"]; ok {
		// An ECR image is pulled in its own Region only.
		if err := regionKey(&cfg, &n); err != nil {
			return Config{}, fmt.Errorf("aws:region: %w", err)
		}
	}
	for _, key := range keys {
		if node, ok := config["costgate:"+key]; ok {
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

// project is what a gate reads of the project file beside a stack file
// (Pulumi.yaml, or Pulumi.yml); the zero value where there is none.
type project struct {
	path           string
	Name           string               `yaml:"name"`
	StackConfigDir string               `yaml:"stackConfigDir"`
	Config         map[string]yaml.Node `yaml:"config"`
}

// readProject reads the project file beside the stack file at path.
func readProject(path string) (project, error) {
	root := filepath.Dir(path)
	file := filepath.Join(root, "Pulumi.yaml")
	if _, err := os.Lstat(file); err != nil {
		file = filepath.Join(root, "Pulumi.yml")
		if _, err := os.Lstat(file); err != nil {
			return project{}, nil // no project file beside it: nothing but this file
		}
	}
	raw, err := specfile.ReadRegular(file, specfile.MaxStackBytes)
	if err != nil {
		return project{}, fmt.Errorf("read stack config %s: %w", path, err)
	}
	if err := hiddenYAML(file, raw); err != nil {
		return project{}, err
	}
	var p project
	if err := yaml.Unmarshal(raw, &p); err != nil {
		return project{}, fmt.Errorf("read project %s: %w", file, err)
	}
	p.path = file
	return p, nil
}

// projectConfigOutside refuses a project file (Pulumi.yaml beside the
// stack file) that would make pulumi up read configuration this stack
// file does not hold: a stackConfigDir elsewhere (pulumi reads the stacks'
// files from there, not this one), or a costgate key (or aws:region, which
// the program plans in: programRegion) with a value in the project's own
// config that the stack file does not set (pulumi up takes the project's
// value, which costgate would never see: the program deployed in a Region
// no gate had previewed). stack is the stack file's keys as Pulumi reads
// them (pulumiKeys).
func projectConfigOutside(path string, file project, stack map[string]yaml.Node) error {
	if file.path == "" {
		return nil
	}
	if d := file.StackConfigDir; d != "" && filepath.Clean(d) != "." {
		return fmt.Errorf("read stack config %s: %s sets stackConfigDir %q: pulumi reads each stack's configuration from there, not from this file", path, file.path, d)
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
		return fmt.Errorf("read stack config %s: %s:%d gives %s a value in the project's configuration and this stack file does not set it: pulumi up reads that value, costgate does not; set it in the stack file", path, file.path, node.Line, full)
	}
	return nil
}

// pulumiKeys are a stack file's configuration keys as Pulumi reads them
// (workspace.LoadProjectStackBytes, config.ParseKey): a key without a
// namespace is the project's (name, in the project file; with none, or
// where the project is not read, such a key is an error: whose it is
// depends on the project pulumi up runs), and "NS:config:NAME" is
// "NS:NAME". costgate had read only "costgate:NAME": "catalog: cheap.json"
// or "costgate:config:catalog" set the price book pulumi up priced with
// while every gate priced without it, and no change to the stack's rules
// was seen. Two keys that read as one are an error, naming both lines:
// Pulumi keeps either, at random. The error begins with the line.
func pulumiKeys(config map[string]yaml.Node, project string) (map[string]yaml.Node, error) {
	out := make(map[string]yaml.Node, len(config))
	written := map[string]string{}
	for _, key := range sortedKeys(config) {
		node := config[key]
		full := key
		switch parts := strings.Split(key, ":"); {
		case len(parts) == 1 && project == "":
			return nil, fmt.Errorf("%d: %s has no namespace: Pulumi reads it as a key of the project pulumi up runs, which costgate does not read here; write the namespace, as in costgate:%s", node.Line, key, key)
		case len(parts) == 1:
			full = project + ":" + key
		case len(parts) == 3 && parts[1] == "config":
			full = parts[0] + ":" + parts[2]
		}
		if other, dup := written[full]; dup {
			return nil, fmt.Errorf("%d: %s and %s (line %d) are both %s to Pulumi, which keeps one of them at random; keep one", node.Line, key, other, out[full].Line, full)
		}
		written[full], out[full] = key, node
	}
	return out, nil
}

// readAsWritten refuses a value Pulumi reads otherwise than it is written
// (config.Value: the YAML decoded, then a string as is, a null as unset, a
// date as Go prints a time, anything else as JSON; in a list, each item):
// a tag such as !!binary, whose base64 text Pulumi decodes, put an image
// or a price book no reviewer could read in the file, and costgate read
// the base64 text; an unquoted date (capacityBlockEnd: 2027-01-15) passed
// the gates and was "2027-01-15 00:00:00 +0000 UTC" to the program.
func readAsWritten(node *yaml.Node) error {
	if node.Kind == yaml.SequenceNode {
		for _, item := range node.Content {
			if err := readAsWritten(item); err != nil {
				return err
			}
		}
		return nil
	}
	if node.Kind != yaml.ScalarNode {
		return nil
	}
	var v any
	if err := node.Decode(&v); err != nil {
		return err
	}
	var text string
	switch v := v.(type) {
	case nil: // unset
	case string:
		text = v
	case time.Time: // an unquoted date
		text = v.String()
	default:
		b, _ := json.Marshal(v)
		text = string(b)
	}
	if text != node.Value {
		return fmt.Errorf("%q (tag %s) reads in Pulumi as %q: write the value itself, quoted", node.Value, node.Tag, text)
	}
	return nil
}

// regionKey sets cfg's Region from aws:region's value.
func regionKey(cfg *Config, node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return nil
	}
	if err := readAsWritten(node); err != nil {
		return err
	}
	cfg.Region = node.Value
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
