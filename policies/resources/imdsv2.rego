package costgate.resources

# resources.imdsv2: instances must require IMDSv2 session tokens, so that a
# server-side request forgery in the serving stack cannot read the instance
# role's credentials.

deny contains {"policy": "resources.imdsv2", "msg": msg} if {
	input.__type in {"aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"}
	tokens := object.get(props, ["metadataOptions", "httpTokens"], "optional")
	tokens != "required"
	msg := sprintf("%s %s has metadataOptions.httpTokens %q: set it to \"required\" (IMDSv2)", [rtype, rname, tokens])
}
