package costgate.resources

# resources.plaintext_secret: a secret value reaches AWS only as a Pulumi
# secret (encrypted in the state, "[secret]" in costgate's preview), and
# never on an instance's command line.

deny contains {"policy": "resources.plaintext_secret", "msg": msg} if {
	input.__type == "aws:secretsmanager/secretVersion:SecretVersion"
	some key in ["secretString", "secretBinary"]
	v := props[key]
	is_string(v)
	not is_secret(v)
	msg := sprintf("%s %s sets %s in plain text: pass it with pulumi.ToSecret or `pulumi config set --secret`", [rtype, rname, key])
}

deny contains {"policy": "resources.plaintext_secret", "msg": msg} if {
	input.__type == "aws:ssm/parameter:Parameter"
	props.type == "SecureString"
	is_string(props.value)
	not is_secret(props.value)
	msg := sprintf("%s %s holds a SecureString value in plain text: mark it secret", [rtype, rname])
}

deny contains {"policy": "resources.plaintext_secret", "msg": msg} if {
	input.__type == "aws:ssm/parameter:Parameter"
	is_string(object.get(props, "insecureValue", null))

	# The last segment of the parameter's path says what it holds.
	parts := split(object.get(props, "name", rname), "/")
	regex.match(`(?i)(key|token|password|secret)`, parts[count(parts) - 1])
	msg := sprintf("%s %s stores what its name says is a secret as insecureValue", [rtype, rname])
}

deny contains {"policy": "resources.plaintext_secret", "msg": msg} if {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	is_string(props.userData)
	not is_secret(props.userData)
	base64.is_valid(props.userData)
	text := base64.decode(props.userData)
	writes_key(text)
	msg := sprintf("%s %s writes a key into its user data, which ec2:DescribeInstanceAttribute shows: read it from Secrets Manager at boot", [rtype, rname])
}

# writes_key holds for a text that matches
# `--api-key[ =]|(VLLM_API_KEY|HF_TOKEN)=[A-Za-z0-9]` somewhere, one
# alternative a pattern: each starts with a literal that Go's regexp finds
# with a string search, where the alternation made it step through every
# byte of the user data (400 µs a launch template, 7 µs so).
writes_key(text) if regex.match(`--api-key[ =]`, text)

writes_key(text) if regex.match(`VLLM_API_KEY=[A-Za-z0-9]`, text)

writes_key(text) if regex.match(`HF_TOKEN=[A-Za-z0-9]`, text)
