# latency.timeout: a fleet whose p95 time to first token at peak is above
# its load balancer's idle timeout fails those requests: the load balancer
# closes a connection that has received no byte for that long (HTTP 504),
# and a request still queued for its first token has received none. The
# sizer keeps the fleets it sizes within it; a fixed fleet (self_hosted.gpus)
# may not be. Whatever the workload's own target, the option is denied.
package costgate.latency

import data.costgate.lib

deny contains v if {
	some o in input.options
	timeout := o.sizing.idle_timeout_s
	is_number(timeout)
	some r in o.routes
	r.served_by == "self_hosted"
	is_number(r.ttft_ms)
	r.ttft_ms > timeout * 1000
	v := {
		"policy": "latency.timeout",
		"attribute": "self_hosted.gpus",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option's fleet answers %s's first token in %s at peak (p95), beyond its load balancer's %v s idle timeout: at peak more than one request in twenty would fail with HTTP 504 before its first token.%s",
			[lib.label(o.architecture), r.workload, seconds(r.ttft_ms), timeout, lib.required_fleet(o.sizing)],
		),
	}
}
