package costgate.resources

test_encryption_denies_unencrypted_launch_template_volume if {
	"resources.encryption" in ids(deny) with input as launch_template({"blockDeviceMappings": [{"deviceName": "/dev/sda1", "ebs": {"volumeSize": 300}}]})
}

test_encryption_denies_encrypted_false if {
	"resources.encryption" in ids(deny) with input as launch_template({"blockDeviceMappings": [{"deviceName": "/dev/sda1", "ebs": {"encrypted": "false"}}]})
}

test_encryption_denies_unencrypted_volume if {
	"resources.encryption" in ids(deny) with input as {"__type": "aws:ebs/volume:Volume", "__name": "v", "properties": {"size": 10}}
}

test_encryption_allows_encrypted_string if {
	not "resources.encryption" in ids(deny) with input as launch_template({"blockDeviceMappings": [{"deviceName": "/dev/sda1", "ebs": {"encrypted": "true"}}]})
}

test_encryption_allows_encrypted_bool if {
	not "resources.encryption" in ids(deny) with input as launch_template({"blockDeviceMappings": [{"deviceName": "/dev/sda1", "ebs": {"encrypted": true}}]})
}

test_encryption_warns_without_mappings if {
	"resources.encryption" in ids(warn) with input as launch_template({})
}

test_encryption_denies_unencrypted_database if {
	"resources.encryption" in ids(deny) with input as {"__type": "aws:rds/instance:Instance", "__name": "db", "properties": {"engine": "postgres"}}
}

test_encryption_allows_encrypted_database if {
	not "resources.encryption" in ids(deny) with input as {"__type": "aws:rds/instance:Instance", "__name": "db", "properties": {"storageEncrypted": true}}
}
