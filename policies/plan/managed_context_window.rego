# METADATA
# title: managed.context_window
# description: |
#   Denies an option that sends a workload's prompts to a managed model
#   whose context window, through the route's provider, takes fewer input
#   tokens than the workload's context_tokens: the API refuses every such
#   request, so the option is priced for a service that cannot run. Sealed
#   and unwaivable, as capacity.exceeded is: no override makes a window
#   longer. The search never picks such a route for an "auto" workload; a
#   pinned route or model can still ask for one, and this says no. A window
#   the catalog does not know (max_input_tokens null) is not judged.
package costgate.managed_context

import data.costgate.lib

deny contains v if {
	some o in input.options
	some r in o.routes
	r.served_by == "managed"
	is_number(r.max_input_tokens)
	r.context_tokens > r.max_input_tokens
	v := {
		"policy": "managed.context_window",
		"attribute": sprintf("workload.%s.context_tokens", [r.workload]),
		"option": o.architecture,
		"msg": sprintf(
			"The %s option sends %s's %v-token prompts to %s through %s, which takes at most %v input tokens a request: every such request is refused. Route the workload to a model with a longer window, or shorten its prompts.",
			[lib.label(o.architecture), r.workload, r.context_tokens, r.model, r.provider, r.max_input_tokens],
		),
	}
}
