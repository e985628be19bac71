# compliance.provider: when the spec lists allowed managed providers, an
# option that sends a workload to any other provider is denied. A managed
# route that names no provider cannot be shown to be allowed, so it is
# denied too.
package costgate.compliance

import data.costgate.lib

deny contains v if {
	allowed := input.inputs.compliance.allowed_providers
	allowed != null
	some o in input.options
	some provider, workloads in disallowed_providers(o, allowed)
	v := {
		"policy": "compliance.provider",
		"attribute": "compliance.allowed_providers",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option sends %s to %s, which is not an allowed provider (allowed: %s).",
			[lib.label(o.architecture), concat(", ", sort(workloads)), provider_phrase(provider), allowed_phrase(allowed)],
		),
	}
}

# disallowed_providers maps each provider outside the allow-list to the
# workloads the option routes to it.
disallowed_providers(o, allowed) := {p: workloads |
	some r in o.routes
	r.served_by == "managed"
	p := object.get(r, "provider", "")
	not p in allowed
	workloads := {w.workload |
		some w in o.routes
		w.served_by == "managed"
		object.get(w, "provider", "") == p
	}
}

provider_phrase(p) := sprintf("provider %q", [p]) if p != ""

provider_phrase("") := "a managed API whose provider is unknown"

allowed_phrase(allowed) := concat(", ", sort(allowed)) if count(allowed) > 0

allowed_phrase(allowed) := "none" if count(allowed) == 0
