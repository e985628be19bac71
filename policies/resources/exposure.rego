package costgate.resources

# resources.http_listener (warning): without costgate:certificateArn the
# load balancer speaks plain HTTP inside the VPC, so the vLLM API key
# crosses the network unencrypted.
warn contains {"policy": "resources.http_listener", "msg": msg} if {
	input.__type == "aws:lb/listener:Listener"
	props.protocol == "HTTP"
	msg := sprintf("%s %s listens on plain HTTP port %v: the API key crosses the VPC unencrypted; set costgate:certificateArn for HTTPS", [rtype, rname, props.port])
}

# resources.account_trust (warning): a role any principal of the account may
# assume (the gateway role without costgate:consumerPrincipals) hands the
# provider keys to whoever holds sts:AssumeRole.
warn contains {"policy": "resources.account_trust", "msg": msg} if {
	input.__type == "aws:iam/role:Role"
	doc := parse_document(props.assumeRolePolicy)
	some s in as_array_statement(doc.Statement)
	s.Effect == "Allow"
	some p in as_array(object.get(s, ["Principal", "AWS"], []))
	endswith(p, ":root")
	msg := sprintf("%s %s may be assumed by any principal of account %s; name the consumers in costgate:consumerPrincipals", [rtype, rname, split(p, ":")[4]])
}
