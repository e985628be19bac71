package costgate.resources

test_props_from_properties if {
	props == {"a": 1} with input as {"a": 2, "properties": {"a": 1}}
}

test_props_top_level_without_properties if {
	props == {"a": 2} with input as {"a": 2}
}

test_rtype_prefers_collision_safe_key if {
	rtype == "aws:ec2/securityGroupRule:SecurityGroupRule" with input as {"type": "ingress", "__type": "aws:ec2/securityGroupRule:SecurityGroupRule"}
}

test_is_secret_engine_marker if {
	is_secret({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "k"})
}

test_is_secret_preview_marker if {
	is_secret("[secret]")
}

test_plain_string_is_not_secret if {
	not is_secret("hunter2")
}
