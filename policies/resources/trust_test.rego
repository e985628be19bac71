package costgate.resources

trust(statement) := {"__type": "aws:iam/role:Role", "__name": "acme-gateway", "properties": {"assumeRolePolicy": json.marshal({
	"Version": "2012-10-17",
	"Statement": [object.union({"Effect": "Allow", "Action": ["sts:AssumeRole"]}, statement)],
})}}

test_wildcard_principal_denies_star if {
	"resources.wildcard_principal" in ids(deny) with input as trust({"Principal": {"AWS": ["*"]}})
}

test_wildcard_principal_denies_bare_star if {
	"resources.wildcard_principal" in ids(deny) with input as trust({"Principal": "*"})
}

test_wildcard_principal_denies_any_account if {
	"resources.wildcard_principal" in ids(deny) with input as trust({"Principal": {"AWS": "arn:aws:iam::*:root"}})
}

test_wildcard_principal_allows_named_roles if {
	not "resources.wildcard_principal" in ids(deny) with input as trust({"Principal": {"AWS": ["arn:aws:iam::123456789012:role/litellm"]}})
}

test_foreign_trust_warns_on_two_accounts if {
	"resources.foreign_trust" in ids(warn) with input as trust({"Principal": {"AWS": ["arn:aws:iam::123456789012:role/litellm", "210987654321"]}})
}

test_foreign_trust_quiet_with_external_id if {
	not "resources.foreign_trust" in ids(warn) with input as trust({
		"Principal": {"AWS": ["arn:aws:iam::123456789012:role/litellm", "arn:aws:iam::210987654321:root"]},
		"Condition": {"StringEquals": {"sts:ExternalId": "acme-2026"}},
	})
}

test_foreign_trust_quiet_for_one_account if {
	not "resources.foreign_trust" in ids(warn) with input as trust({"Principal": {"AWS": ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"]}})
}

test_trust_ignores_service_principals if {
	count({f | some f in deny; f.policy == "resources.wildcard_principal"}) == 0 with input as trust({"Principal": {"Service": "ec2.amazonaws.com"}})
}

endpoint_service(principals) := {"__type": "aws:ec2/vpcEndpointService:VpcEndpointService", "__name": "acme-privatelink", "properties": {"allowedPrincipals": principals}}

test_wildcard_principal_denies_endpoint_service_star if {
	"resources.wildcard_principal" in ids(deny) with input as endpoint_service(["*"])
}

test_wildcard_principal_allows_named_endpoint_principals if {
	not "resources.wildcard_principal" in ids(deny) with input as endpoint_service(["arn:aws:iam::210987654321:root"])
}
