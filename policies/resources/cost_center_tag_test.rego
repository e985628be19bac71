package costgate.resources

tagged := {"cost_center": "platform", "team": "acme"}

test_cost_center_tag_denies_untagged_secret if {
	"resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:secretsmanager/secret:Secret", "__name": "s", "properties": {}}
}

test_cost_center_tag_denies_empty_value if {
	"resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:ec2/vpc:Vpc", "__name": "v", "properties": {"tags": {"cost_center": ""}}}
}

test_cost_center_tag_denies_unlisted_type_with_other_tags if {
	"resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:s3/bucket:Bucket", "__name": "b", "properties": {"tags": {"team": "acme"}}}
}

test_cost_center_tag_denies_asg_without_propagation if {
	"resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:autoscaling/group:Group", "__name": "g", "properties": {"tags": [{"key": "cost_center", "value": "platform", "propagateAtLaunch": false}]}}
}

test_cost_center_tag_denies_launch_template_untagged_volumes if {
	"resources.cost_center_tag" in ids(deny) with input as launch_template({"tags": tagged, "tagSpecifications": [{"resourceType": "instance", "tags": tagged}]})
}

test_cost_center_tag_allows_tagged_secret if {
	not "resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:secretsmanager/secret:Secret", "__name": "s", "properties": {"tags": tagged}}
}

test_cost_center_tag_allows_propagating_asg if {
	not "resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:autoscaling/group:Group", "__name": "g", "properties": {"tags": [{"key": "cost_center", "value": "platform", "propagateAtLaunch": true}]}}
}

test_cost_center_tag_allows_fully_tagged_launch_template if {
	not "resources.cost_center_tag" in ids(deny) with input as launch_template({"tags": tagged, "tagSpecifications": [
		{"resourceType": "instance", "tags": tagged},
		{"resourceType": "volume", "tags": tagged},
	]})
}

test_cost_center_tag_ignores_untaggable_types if {
	not "resources.cost_center_tag" in ids(deny) with input as {"__type": "aws:ec2/routeTableAssociation:RouteTableAssociation", "__name": "a", "properties": {"subnetId": "s"}}
}

test_cost_center_tag_ignores_components if {
	not "resources.cost_center_tag" in ids(deny) with input as {"__type": "costgate:stacks:ManagedGateway", "__name": "acme", "properties": {}}
}

# Every kind of tags on a taggable and an untaggable type: only cost_center
# as a non-empty string passes, and an untaggable type passes without tags.
cost_center_denied(type, props) if {
	"resources.cost_center_tag" in ids(deny) with input as {"__type": type, "__name": "r", "properties": props}
}

test_cost_center_tag_every_kind_of_tags if {
	every props in [{}, {"tags": null}, {"tags": "cost_center"}, {"tags": []}, {"tags": {}}, {"tags": {"cost_center": 7}}, {"tags": {"cost_center": ""}}] {
		cost_center_denied("aws:ec2/subnet:Subnet", props)
	}
	every props in [{}, {"tags": null}, {"tags": "cost_center"}, {"tags": []}] {
		not cost_center_denied("aws:ec2/routeTableAssociation:RouteTableAssociation", props)
	}
	every props in [{"tags": {}}, {"tags": {"cost_center": 7}}, {"tags": {"cost_center": ""}}] {
		cost_center_denied("aws:ec2/routeTableAssociation:RouteTableAssociation", props)
	}
	not cost_center_denied("aws:ec2/subnet:Subnet", {"tags": tagged})
	not cost_center_denied("aws:ec2/routeTableAssociation:RouteTableAssociation", {"tags": tagged})
}
