package costgate.resources

launch_template(props) := {"__type": "aws:ec2/launchTemplate:LaunchTemplate", "__name": "acme-vllm", "properties": props}

test_imdsv2_denies_optional_tokens if {
	"resources.imdsv2" in ids(deny) with input as launch_template({"metadataOptions": {"httpTokens": "optional"}})
}

test_imdsv2_denies_missing_metadata_options if {
	"resources.imdsv2" in ids(deny) with input as launch_template({})
}

test_imdsv2_denies_instance_without_tokens if {
	"resources.imdsv2" in ids(deny) with input as {"__type": "aws:ec2/instance:Instance", "__name": "i", "properties": {}}
}

test_imdsv2_allows_required_tokens if {
	not "resources.imdsv2" in ids(deny) with input as launch_template({"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}})
}
