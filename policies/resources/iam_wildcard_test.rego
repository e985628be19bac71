package costgate.resources

role_policy(doc) := {"__type": "aws:iam/rolePolicy:RolePolicy", "__name": "p", "properties": {"role": "r", "policy": json.marshal(doc)}}

statement(action, resource) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}

secret_arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-openai-api-key-AbCdEf"

model_arn := "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6"

test_iam_wildcard_denies_star_action if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement("*", secret_arn))
}

test_iam_wildcard_denies_service_wildcard_action if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["secretsmanager:*"], [secret_arn]))
}

test_iam_wildcard_denies_invoke_prefix_wildcard if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["bedrock:InvokeModel*"], [model_arn]))
}

test_iam_wildcard_denies_star_resource if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["secretsmanager:GetSecretValue"], "*"))
}

test_iam_wildcard_denies_every_model if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["bedrock:InvokeModel"], ["arn:aws:bedrock:*::foundation-model/*"]))
}

test_iam_wildcard_denies_inline_policy_of_role if {
	"resources.iam_wildcard" in ids(deny) with input as {
		"__type": "aws:iam/role:Role", "__name": "r",
		"properties": {"tags": {"cost_center": "x"}, "inlinePolicies": [{"name": "p", "policy": json.marshal(statement("bedrock:*", "*"))}]},
	}
}

test_iam_wildcard_denies_not_action if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
}

test_iam_wildcard_allows_exact_actions_and_arns if {
	not "resources.iam_wildcard" in ids(deny) with input as role_policy({"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [secret_arn]},
		{"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": [model_arn]},
	]})
}

test_iam_wildcard_allows_exact_actions_of_other_services_on_star if {
	# Describe calls name no resource; only secretsmanager and bedrock
	# resources must be exact.
	not "resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["ec2:DescribeInstances"], "*"))
}

test_iam_wildcard_denies_wildcard_actions_of_any_service if {
	"resources.iam_wildcard" in ids(deny) with input as role_policy(statement(["iam:*", "s3:Get*"], "*"))
}

test_iam_wildcard_skips_unknown_document if {
	not "resources.iam_wildcard" in ids(deny) with input as {"__type": "aws:iam/rolePolicy:RolePolicy", "__name": "p", "properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}
}
