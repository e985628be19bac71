package costgate.resources

# resources.imdsv2: instances must require IMDSv2 session tokens, so that a
# server-side request forgery in the serving stack cannot read the instance
# role's credentials.

metadata_types := {"aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"}

deny contains {"policy": "resources.imdsv2", "msg": msg} if {
	rtype in metadata_types
	tokens := object.get(props, ["metadataOptions", "httpTokens"], "optional")
	tokens != "required"
	msg := sprintf("%s %s has metadataOptions.httpTokens %q: set it to \"required\" (IMDSv2)", [rtype, rname, tokens])
}
