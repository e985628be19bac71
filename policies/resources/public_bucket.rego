package costgate.resources

# resources.public_bucket: the weights mirror (and any bucket of the stack)
# stays private and encrypted. A bucket is public through a public-access
# block with a flag off, an ACL granting everyone or every AWS account, or
# a bucket policy allowing "*" unconditionally; S3 encrypts only with its
# own or KMS keys.

# S3 leaves a flag the block does not set false.
public_access_flags := ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]

deny contains {"policy": "resources.public_bucket", "msg": msg} if {
	input.__type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	some flag in public_access_flags
	v := object.get(props, flag, "unset")
	v != true
	msg := sprintf("%s %s has %s %v: set it to true (S3 leaves an unset flag false)", [rtype, rname, flag, v])
}

# Canned ACLs that grant everyone, or every AWS account, access.
public_canned_acls := {"public-read", "public-read-write", "authenticated-read"}

# The grantee groups of everyone and of every AWS account.
public_group_uris := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

deny contains {"policy": "resources.public_bucket", "msg": msg} if {
	input.__type in {"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:s3/bucketAclV2:BucketAclV2"}
	props.acl in public_canned_acls
	msg := sprintf("%s %s has acl %q, which grants the public: set acl to \"private\" or remove it", [rtype, rname, props.acl])
}

# Grants as {permission, uri}: an ACL resource's access control policy, or
# a bucket's inline grants.
acl_grants contains {"permission": object.get(g, "permission", ""), "uri": object.get(g, ["grantee", "uri"], "")} if {
	input.__type == "aws:s3/bucketAclV2:BucketAclV2"
	some g in object.get(props, ["accessControlPolicy", "grants"], [])
}

acl_grants contains {"permission": object.get(g, "permissions", []), "uri": object.get(g, "uri", "")} if {
	input.__type in {"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	some g in object.get(props, "grants", [])
}

deny contains {"policy": "resources.public_bucket", "msg": msg} if {
	input.__type in {"aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"} # the types acl_grants reads
	some g in acl_grants
	g.uri in public_group_uris
	msg := sprintf("%s %s grants %v to %s: grant named accounts or canonical users only", [rtype, rname, g.permission, g.uri])
}

# Bucket policy documents: the policy resource's, or a bucket's inline one.
bucket_policy_documents contains doc if {
	input.__type in {"aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	doc := parse_document(props.policy)
}

deny contains {"policy": "resources.public_bucket", "msg": msg} if {
	input.__type in {"aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"} # the types bucket_policy_documents reads
	some doc in bucket_policy_documents
	some s in as_array_statement(doc.Statement)
	s.Effect == "Allow"
	any_principal(s)
	count(object.get(s, "Condition", {})) == 0
	msg := sprintf("%s %s allows %v to principal \"*\" (or to all but a NotPrincipal) without a Condition: name the principals, or add a Condition (aws:SourceVpce, aws:PrincipalAccount)", [rtype, rname, object.get(s, "Action", object.get(s, "NotAction", []))])
}

any_principal(s) if s.Principal == "*"

# "NotPrincipal" with "Allow" grants every principal but those named,
# anonymous users included (IAM User Guide, "AWS JSON policy elements:
# NotPrincipal").
any_principal(s) if object.get(s, "NotPrincipal", null) != null

any_principal(s) if "*" in as_array(object.get(s, ["Principal", "AWS"], []))

# Server-side encryption with S3's keys (AES256) or KMS keys.
sse_algorithms := {"AES256", "aws:kms", "aws:kms:dsse"}

# The algorithms of a stack's encryption settings: the configuration
# resource's rules, a bucket's inline (legacy) configuration in the
# provider's two shapes.
sse_settings contains alg if {
	input.__type == "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	some rule in object.get(props, "rules", [])
	alg := object.get(rule, ["applyServerSideEncryptionByDefault", "sseAlgorithm"], "unset")
}

sse_settings contains alg if {
	some defaults in inline_sse_defaults
	count(defaults) == 0
	alg := "unset"
}

sse_settings contains alg if {
	some defaults in inline_sse_defaults
	some d in defaults
	alg := object.get(d, "sseAlgorithm", "unset")
}

# A BucketV2's inline rules, each its list of defaults.
inline_sse_defaults contains defaults if {
	input.__type == "aws:s3/bucketV2:BucketV2"
	some conf in object.get(props, "serverSideEncryptionConfigurations", [])
	some rule in object.get(conf, "rules", [])
	defaults := object.get(rule, "applyServerSideEncryptionByDefaults", [])
}

sse_settings contains alg if {
	input.__type == "aws:s3/bucket:Bucket"
	conf := object.get(props, "serverSideEncryptionConfiguration", null)
	conf != null
	alg := object.get(conf, ["rule", "applyServerSideEncryptionByDefault", "sseAlgorithm"], "unset")
}

deny contains {"policy": "resources.public_bucket", "msg": msg} if {
	# The types sse_settings reads.
	input.__type in {
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketV2:BucketV2",
		"aws:s3/bucket:Bucket",
	}
	some alg in sse_settings
	not alg in sse_algorithms
	msg := sprintf("%s %s has applyServerSideEncryptionByDefault.sseAlgorithm %v: set it to \"AES256\", \"aws:kms\" or \"aws:kms:dsse\"", [rtype, rname, alg])
}
