package costgate.resources

# resources.cost_center_tag: every taggable resource carries the team's
# cost_center tag, which the AWS Budget filters on and cost reports group by.

taggable := {
	"aws:autoscaling/group:Group",
	"aws:budgets/budget:Budget",
	"aws:cloudwatch/metricAlarm:MetricAlarm",
	"aws:ebs/volume:Volume",
	"aws:ec2/eip:Eip",
	"aws:ec2/instance:Instance",
	"aws:ec2/internetGateway:InternetGateway",
	"aws:ec2/launchTemplate:LaunchTemplate",
	"aws:ec2/natGateway:NatGateway",
	"aws:ec2/routeTable:RouteTable",
	"aws:ec2/securityGroup:SecurityGroup",
	"aws:ec2/subnet:Subnet",
	"aws:ec2/vpc:Vpc",
	"aws:ec2/vpcEndpointService:VpcEndpointService",
	"aws:iam/instanceProfile:InstanceProfile",
	"aws:iam/policy:Policy",
	"aws:iam/role:Role",
	"aws:lb/listener:Listener",
	"aws:lb/loadBalancer:LoadBalancer",
	"aws:lb/targetGroup:TargetGroup",
	"aws:rds/instance:Instance",
	"aws:rds/subnetGroup:SubnetGroup",
	"aws:secretsmanager/secret:Secret",
	"aws:sns/topic:Topic",
	"aws:ssm/parameter:Parameter",
}

# Launch templates tag what they launch through tagSpecifications.
launched_kinds := {"instance", "volume"}

has_cost_center(tags) if {
	is_object(tags)
	is_string(tags.cost_center)
	tags.cost_center != ""
}

# Every AWS resource: the one resource rule OPA's rule index cannot skip
# (TestResourceRulesIndexedByType's anyTypeRules).
deny contains {"policy": "resources.cost_center_tag", "msg": msg} if {
	startswith(input.__type, "aws:")
	input.__type != "aws:autoscaling/group:Group"
	tags := object.get(props, "tags", null)

	# The test that fails on almost every resource comes first; neither
	# test can fail with an error, so their order changes no decision.
	not has_cost_center(tags)
	any_tags(input.__type, tags)
	msg := sprintf("%s %s has no cost_center tag", [rtype, rname])
}

# A taggable type must carry tags; any other resource with tags must carry
# cost_center among them.
any_tags(t, _) if t in taggable

any_tags(_, tags) if is_object(tags)

deny contains {"policy": "resources.cost_center_tag", "msg": msg} if {
	input.__type == "aws:autoscaling/group:Group"
	not propagated_cost_center
	msg := sprintf("%s %s does not propagate a cost_center tag to its instances", [rtype, rname])
}

propagated_cost_center if {
	some t in object.get(props, "tags", [])
	t.key == "cost_center"
	t.value != ""
	t.propagateAtLaunch == true
}

deny contains {"policy": "resources.cost_center_tag", "msg": msg} if {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	some kind in launched_kinds
	not launch_tagged(kind)
	msg := sprintf("%s %s does not tag the %ss it launches with cost_center", [rtype, rname, kind])
}

launch_tagged(kind) if {
	some spec in object.get(props, "tagSpecifications", [])
	spec.resourceType == kind
	has_cost_center(spec.tags)
}
