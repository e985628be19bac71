package costgate.resources

listener(protocol) := {"__type": "aws:lb/listener:Listener", "__name": "acme-vllm", "properties": {"protocol": protocol, "port": 80}}

role(principal) := {"__type": "aws:iam/role:Role", "__name": "acme-gateway", "properties": {"assumeRolePolicy": json.marshal({
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Principal": {"AWS": [principal]}, "Action": ["sts:AssumeRole"]}],
})}}

test_http_listener_warns if {
	"resources.http_listener" in ids(warn) with input as listener("HTTP")
}

test_https_listener_is_quiet if {
	not "resources.http_listener" in ids(warn) with input as listener("HTTPS")
}

test_account_trust_warns_on_the_account_root if {
	"resources.account_trust" in ids(warn) with input as role("arn:aws:iam::123456789012:root")
}

test_account_trust_quiet_for_named_consumers if {
	not "resources.account_trust" in ids(warn) with input as role("arn:aws:iam::123456789012:role/litellm")
}
