# Resource policies: one package for the whole folder, because
# pulumi-policy-opa requires every module of a pack to share a package.
# Each rule names its dotted policy id in the finding it returns.
package costgate.resources

# The resource's properties: pulumi-policy-opa and costgate's preview put
# them under input.properties as well as at the top level.
props := input.properties if is_object(input.properties)

else := input

# The collision-safe metadata keys win over a property named "type" or "name".
rtype := input.__type if is_string(input.__type)

else := input.type

rname := input.__name if is_string(input.__name)

else := input.name

# is_secret holds for a value the Pulumi engine marks secret (as an analyzer
# receives it) or that costgate's preview shows as "[secret]".
is_secret(v) if v == "[secret]"

is_secret(v) if v["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"

# as_array turns a string-or-list IAM field into a list.
as_array(v) := [v] if is_string(v)

else := v if is_array(v)

else := []
