package costgate.resources

# The weights mirror as the program registers it (stacks/selfhosted_weights.go).
mirror_bucket_id := "costgate-weights-0123456789abcdef"

mirror_bucket := {"__type": "aws:s3/bucketV2:BucketV2", "__name": "acme-weights", "properties": {
	"bucketPrefix": "costgate-weights-",
	"forceDestroy": true,
	"tags": {"Name": "acme-weights", "cost_center": "platform"},
}}

mirror_block := {
	"blockPublicAcls": true,
	"blockPublicPolicy": true,
	"bucket": mirror_bucket_id,
	"ignorePublicAcls": true,
	"restrictPublicBuckets": true,
}

access_block(props) := {"__type": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "__name": "acme-weights", "properties": props}

sse_config(rules) := {"__type": "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "__name": "acme-weights", "properties": {"bucket": mirror_bucket_id, "rules": rules}}

sse_rule(alg) := {"applyServerSideEncryptionByDefault": {"sseAlgorithm": alg}}

bucket_acl(props) := {"__type": "aws:s3/bucketAclV2:BucketAclV2", "__name": "acme-weights", "properties": object.union({"bucket": mirror_bucket_id}, props)}

bucket_policy(policy) := {"__type": "aws:s3/bucketPolicy:BucketPolicy", "__name": "acme-weights", "properties": {"bucket": mirror_bucket_id, "policy": policy}}

public_statement(statement) := json.marshal({"Version": "2012-10-17", "Statement": [object.union({
	"Effect": "Allow",
	"Action": "s3:GetObject",
	"Resource": "arn:aws:s3:::costgate-weights-0123456789abcdef/*",
}, statement)]})

public_bucket_denials := {f | some f in deny; f.policy == "resources.public_bucket"}

# The program's own resources.

test_public_bucket_allows_mirror_bucket if {
	count(public_bucket_denials) == 0 with input as mirror_bucket
}

test_public_bucket_allows_mirror_access_block if {
	count(public_bucket_denials) == 0 with input as access_block(mirror_block)
}

test_public_bucket_allows_mirror_encryption if {
	count(public_bucket_denials) == 0 with input as sse_config([sse_rule("AES256")])
}

# Public-access block: every flag, each on its own.

test_public_bucket_denies_each_flag_false if {
	every flag in public_access_flags {
		found := public_bucket_denials with input as access_block(object.union(mirror_block, {flag: false}))
		count(found) == 1
		some f in found
		contains(f.msg, sprintf("has %s false: set it to true", [flag]))
	}
}

test_public_bucket_denies_each_flag_missing if {
	every flag in public_access_flags {
		found := public_bucket_denials with input as access_block(object.remove(mirror_block, [flag]))
		count(found) == 1
		some f in found
		contains(f.msg, sprintf("has %s unset: set it to true", [flag]))
	}
}

test_public_bucket_denies_block_without_flags if {
	count(public_bucket_denials) == 4 with input as access_block({"bucket": mirror_bucket_id})
}

test_public_bucket_denies_unknown_flag if {
	# A flag a preview cannot know may be false: fail closed.
	"resources.public_bucket" in ids(deny) with input as access_block(object.union(mirror_block, {"ignorePublicAcls": "[unknown]"}))
}

test_public_bucket_message_names_resource if {
	found := public_bucket_denials with input as access_block(object.union(mirror_block, {"blockPublicPolicy": false}))
	{f.msg | some f in found} == {"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock acme-weights has blockPublicPolicy false: set it to true (S3 leaves an unset flag false)"}
}

# ACLs.

test_public_bucket_denies_public_canned_acls_on_buckets if {
	every acl in public_canned_acls {
		every t in ["aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:s3/bucketAclV2:BucketAclV2"] {
			"resources.public_bucket" in ids(deny) with input as {"__type": t, "__name": "b", "properties": {"acl": acl}}
		}
	}
}

test_public_bucket_allows_private_acl if {
	count(public_bucket_denials) == 0 with input as bucket_acl({"acl": "private"})
}

test_public_bucket_allows_unknown_acl if {
	count(public_bucket_denials) == 0 with input as bucket_acl({"acl": "[unknown]"})
}

acl_grant(uri) := {"accessControlPolicy": {
	"owner": {"id": "0123456789abcdef"},
	"grants": [
		{"grantee": {"type": "CanonicalUser", "id": "0123456789abcdef"}, "permission": "FULL_CONTROL"},
		{"grantee": {"type": "Group", "uri": uri}, "permission": "READ"},
	],
}}

test_public_bucket_denies_all_users_grant if {
	"resources.public_bucket" in ids(deny) with input as bucket_acl(acl_grant("http://acs.amazonaws.com/groups/global/AllUsers"))
}

test_public_bucket_denies_authenticated_users_grant if {
	"resources.public_bucket" in ids(deny) with input as bucket_acl(acl_grant("http://acs.amazonaws.com/groups/global/AuthenticatedUsers"))
}

test_public_bucket_allows_log_delivery_grant if {
	count(public_bucket_denials) == 0 with input as bucket_acl(acl_grant("http://acs.amazonaws.com/groups/s3/LogDelivery"))
}

test_public_bucket_denies_inline_all_users_grant if {
	"resources.public_bucket" in ids(deny) with input as {"__type": "aws:s3/bucketV2:BucketV2", "__name": "b", "properties": {"grants": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ"]}]}}
}

# Bucket policies.

test_public_bucket_denies_star_principal if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(public_statement({"Principal": "*"}))
}

test_public_bucket_denies_aws_star_string if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(public_statement({"Principal": {"AWS": "*"}}))
}

test_public_bucket_denies_aws_star_list if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(public_statement({"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}}))
}

test_public_bucket_denies_policy_object if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(json.unmarshal(public_statement({"Principal": "*"})))
}

test_public_bucket_denies_single_statement_object if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}})
}

test_public_bucket_denies_empty_condition if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(public_statement({"Principal": "*", "Condition": {}}))
}

test_public_bucket_denies_inline_bucket_policy if {
	"resources.public_bucket" in ids(deny) with input as {"__type": "aws:s3/bucketV2:BucketV2", "__name": "b", "properties": {"policy": public_statement({"Principal": "*"})}}
}

test_public_bucket_allows_star_with_condition if {
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}))
}

test_public_bucket_allows_deny_star if {
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Effect": "Deny", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Effect": "Deny", "Principal": "*"}))
}

test_public_bucket_allows_named_principals if {
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Principal": {"AWS": ["arn:aws:iam::123456789012:role/acme-vllm"]}}))
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Principal": {"Service": "logging.s3.amazonaws.com"}}))
}

test_public_bucket_skips_unknown_policy if {
	count(public_bucket_denials) == 0 with input as bucket_policy("04da6b54-80e4-46f7-96ec-b56ff0331ba9")
	count(public_bucket_denials) == 0 with input as bucket_policy("[unknown]")
}

test_public_bucket_skips_absent_policy if {
	count(public_bucket_denials) == 0 with input as {"__type": "aws:s3/bucketPolicy:BucketPolicy", "__name": "p", "properties": {"bucket": mirror_bucket_id}}
}

# Encryption.

test_public_bucket_allows_kms_algorithms if {
	count(public_bucket_denials) == 0 with input as sse_config([sse_rule("aws:kms")])
	count(public_bucket_denials) == 0 with input as sse_config([sse_rule("aws:kms:dsse")])
}

test_public_bucket_denies_other_algorithm if {
	"resources.public_bucket" in ids(deny) with input as sse_config([sse_rule("aes256")])
}

test_public_bucket_denies_any_bad_rule if {
	"resources.public_bucket" in ids(deny) with input as sse_config([sse_rule("AES256"), sse_rule("none")])
}

test_public_bucket_denies_rule_without_algorithm if {
	"resources.public_bucket" in ids(deny) with input as sse_config([{"bucketKeyEnabled": true}])
}

test_public_bucket_denies_not_principal_allow if {
	"resources.public_bucket" in ids(deny) with input as bucket_policy(public_statement({"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}))
}

test_public_bucket_allows_not_principal_deny if {
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/acme-vllm"}}))
}

test_public_bucket_allows_not_principal_with_condition if {
	count(public_bucket_denials) == 0 with input as bucket_policy(public_statement({"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}))
}

inline_sse_v2(defaults) := {"__type": "aws:s3/bucketV2:BucketV2", "__name": "b", "properties": {"serverSideEncryptionConfigurations": [{"rules": [{"applyServerSideEncryptionByDefaults": defaults}]}]}}

test_public_bucket_inline_sse_v2 if {
	count(public_bucket_denials) == 0 with input as inline_sse_v2([{"sseAlgorithm": "aws:kms"}])
	"resources.public_bucket" in ids(deny) with input as inline_sse_v2([{"sseAlgorithm": "none"}])
	"resources.public_bucket" in ids(deny) with input as inline_sse_v2([{"sseAlgorithm": "AES256"}, {"sseAlgorithm": "aes256"}])
	"resources.public_bucket" in ids(deny) with input as inline_sse_v2([])
	"resources.public_bucket" in ids(deny) with input as inline_sse_v2([{"kmsMasterKeyId": "k"}])
}

inline_sse_legacy(conf) := {"__type": "aws:s3/bucket:Bucket", "__name": "b", "properties": {"serverSideEncryptionConfiguration": conf}}

test_public_bucket_inline_sse_legacy if {
	count(public_bucket_denials) == 0 with input as inline_sse_legacy({"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}})
	count(public_bucket_denials) == 0 with input as {"__type": "aws:s3/bucket:Bucket", "__name": "b", "properties": {}}
	"resources.public_bucket" in ids(deny) with input as inline_sse_legacy({"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "DES"}}})
	"resources.public_bucket" in ids(deny) with input as inline_sse_legacy({"rule": {}})
}
