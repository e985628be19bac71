package costgate.resources

# resources.wildcard_principal: a role whose trust policy names "*" (or an
# ARN with a wildcard account) may be assumed by any AWS account in the
# world: the gateway role would hand every provider key to anyone.
deny contains {"policy": "resources.wildcard_principal", "msg": msg} if {
	input.__type == "aws:iam/role:Role" # the type trust_statements reads
	some s in trust_statements
	some p in trusted_principals(s)
	contains(p, "*")
	msg := sprintf("%s %s may be assumed by principal %q, which matches any AWS account: name the consumer roles in costgate:consumerPrincipals", [rtype, rname, p])
}

# resources.foreign_trust (warning): a statement trusting principals of more
# than one account without an sts:ExternalId condition. At least one of the
# accounts is not the role's own; a foreign account should present the
# external ID agreed with it (costgate:consumerExternalId). The Pulumi
# program, which knows its own account, also warns on a single foreign one.
warn contains {"policy": "resources.foreign_trust", "msg": msg} if {
	input.__type == "aws:iam/role:Role" # the type trust_statements reads
	some s in trust_statements
	not has_external_id(s)
	accounts := {a | some p in trusted_principals(s); a := principal_account(p)}
	count(accounts) > 1
	msg := sprintf("%s %s trusts accounts %v without an sts:ExternalId condition: set costgate:consumerExternalId", [rtype, rname, sort(accounts)])
}

trust_statements contains s if {
	input.__type == "aws:iam/role:Role"
	doc := parse_document(props.assumeRolePolicy)
	some s in as_array_statement(doc.Statement)
	s.Effect == "Allow"
}

# A principal of "*" is any principal; {"AWS": [...]} lists them.
trusted_principals(s) := ["*"] if s.Principal == "*"

else := as_array(object.get(s, ["Principal", "AWS"], []))

# The account of an ARN principal or a bare account id.
principal_account(p) := split(p, ":")[4] if {
	startswith(p, "arn:")
	count(split(p, ":")) > 5
}

principal_account(p) := p if regex.match(`^[0-9]{12}$`, p)

has_external_id(s) if {
	some op, cond in object.get(s, "Condition", {})
	startswith(op, "StringEquals")
	cond["sts:ExternalId"]
}

# An endpoint service allowing "*" lets any AWS account connect an
# interface endpoint to the fleet.
deny contains {"policy": "resources.wildcard_principal", "msg": msg} if {
	input.__type == "aws:ec2/vpcEndpointService:VpcEndpointService"
	some p in object.get(props, "allowedPrincipals", [])
	contains(p, "*")
	msg := sprintf("%s %s lets principal %q connect, which matches any AWS account: name the consumers in costgate:endpointServicePrincipals", [rtype, rname, p])
}
