package costgate.resources

# resources.iam_wildcard: the roles costgate creates read exactly their own
# secrets and invoke exactly the chosen models. No statement may allow a
# wildcard action in any service ("*", "s3:*", "iam:Get*"), NotAction, or
# secretsmanager or bedrock actions on "*" (or every secret or model).

guarded_services := {"secretsmanager", "bedrock"}

# Policy documents of a resource, parsed when given as JSON text.
documents contains doc if {
	input.__type in {"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"}
	doc := parse_document(props.policy)
}

documents contains doc if {
	input.__type == "aws:iam/role:Role"
	some inline in object.get(props, "inlinePolicies", [])
	doc := parse_document(inline.policy)
}

# An unknown value (a preview before ARNs exist) is not JSON and is skipped.
parse_document(p) := json.unmarshal(p) if {
	is_string(p)
	json.is_valid(p)
}

else := p if is_object(p)

allow_statements contains s if {
	some doc in documents
	some s in as_array_statement(doc.Statement)
	s.Effect == "Allow"
}

as_array_statement(s) := [s] if is_object(s)

else := s if is_array(s)

else := []

service(action) := lower(split(action, ":")[0])

guarded(action) if action == "*"

guarded(action) if service(action) in guarded_services

deny contains {"policy": "resources.iam_wildcard", "msg": msg} if {
	# The types documents reads.
	input.__type in {
		"aws:iam/role:Role",
		"aws:iam/rolePolicy:RolePolicy",
		"aws:iam/policy:Policy",
		"aws:iam/userPolicy:UserPolicy",
		"aws:iam/groupPolicy:GroupPolicy",
	}
	some msg in wildcard_messages
}

wildcard_messages contains msg if {
	some s in allow_statements
	some action in as_array(object.get(s, "Action", []))
	contains(action, "*")
	msg := sprintf("%s %s allows action %q: name the exact actions", [rtype, rname, action])
}

wildcard_messages contains msg if {
	some s in allow_statements
	some action in as_array(object.get(s, "Action", []))
	guarded(action)
	some res in as_array(object.get(s, "Resource", []))
	broad_resource(res)
	msg := sprintf("%s %s allows %s on %q: name the exact secret or model ARNs", [rtype, rname, action, res])
}

wildcard_messages contains msg if {
	some s in allow_statements
	object.get(s, "NotAction", null) != null
	msg := sprintf("%s %s allows NotAction: list the allowed actions instead", [rtype, rname])
}

# A resource that names every secret or model rather than one.
broad_resource(res) if res == "*"

broad_resource(res) if endswith(res, ":*")

broad_resource(res) if endswith(res, "/*")
