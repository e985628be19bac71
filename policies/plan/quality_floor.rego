# METADATA
# title: quality.floor
# description: |
#   Denies an option that serves a workload with a model whose quality score
#   (for the workload's complexity) is below the workload's min_quality, or
#   unknown. The search never picks such a route for an "auto" workload; a
#   pinned route or model can still ask for one, and this says no.
package costgate.quality

import data.costgate.lib

deny contains v if {
	some o in input.options
	some r in o.routes
	is_number(r.min_quality)
	not meets_floor(r)
	v := {
		"policy": "quality.floor",
		"attribute": sprintf("workload.%s.min_quality", [r.workload]),
		"option": o.architecture,
		"msg": message(o, r),
	}
}

meets_floor(r) if {
	is_number(r.quality)
	r.quality >= r.min_quality
}

message(o, r) := sprintf(
	"The %s option serves %s with %s, whose quality score of %v is below the workload's min_quality of %v.",
	[lib.label(o.architecture), r.workload, r.model, r.quality, r.min_quality],
) if {
	is_number(r.quality)
} else := sprintf(
	"The %s option serves %s with %s, whose quality score is unknown; the workload's min_quality is %v.",
	[lib.label(o.architecture), r.workload, r.model, r.min_quality],
)
