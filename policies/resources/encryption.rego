package costgate.resources

# resources.encryption: EBS volumes hold the model weights and the Hugging
# Face cache; they must be encrypted at rest.

encrypted(v) if v == true

encrypted(v) if v == "true"

deny contains {"policy": "resources.encryption", "msg": msg} if {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	some m in object.get(props, "blockDeviceMappings", [])
	is_object(m.ebs)
	not encrypted(object.get(m.ebs, "encrypted", false))
	msg := sprintf("%s %s maps %s unencrypted: set ebs.encrypted to \"true\"", [rtype, rname, object.get(m, "deviceName", "a volume")])
}

deny contains {"policy": "resources.encryption", "msg": msg} if {
	input.__type == "aws:ec2/instance:Instance"
	not encrypted(object.get(props, ["rootBlockDevice", "encrypted"], false))
	msg := sprintf("%s %s has an unencrypted root volume: set rootBlockDevice.encrypted", [rtype, rname])
}

deny contains {"policy": "resources.encryption", "msg": msg} if {
	input.__type == "aws:ebs/volume:Volume"
	not encrypted(object.get(props, "encrypted", false))
	msg := sprintf("%s %s is unencrypted: set encrypted", [rtype, rname])
}

warn contains {"policy": "resources.encryption", "msg": msg} if {
	input.__type == "aws:ec2/launchTemplate:LaunchTemplate"
	count(object.get(props, "blockDeviceMappings", [])) == 0
	msg := sprintf("%s %s maps no volume: encryption depends on the AMI and the account's EBS default", [rtype, rname])
}

# The router's database holds the virtual keys and every request's spend.
deny contains {"policy": "resources.encryption", "msg": msg} if {
	input.__type == "aws:rds/instance:Instance"
	not encrypted(object.get(props, "storageEncrypted", false))
	msg := sprintf("%s %s stores its data unencrypted: set storageEncrypted", [rtype, rname])
}
