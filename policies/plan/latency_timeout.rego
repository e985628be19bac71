# latency.timeout: a fleet whose p99.9 time to first token at peak is above
# its load balancer's idle timeout fails more than one request in a
# thousand: the load balancer closes a connection that has received no
# byte for that long (HTTP 504), and a request still queued for its first
# token has received none. The sizer keeps the fleets it sizes within it;
# a fixed fleet (self_hosted.gpus) may not be. Whatever the workload's own
# target, the option is denied. A route without a p99.9 is judged by its
# p95.
package costgate.latency

import data.costgate.lib

deny contains v if {
	some o in input.options
	timeout := o.sizing.idle_timeout_s
	is_number(timeout)
	some r in o.routes
	r.served_by == "self_hosted"
	t := tail(r)
	is_number(t)
	t > timeout * 1000
	v := {
		"policy": "latency.timeout",
		"attribute": "self_hosted.gpus",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option's fleet leaves %s's slowest requests waiting %s for their first token at peak (p99.9; p95 %s), beyond its load balancer's %v s idle timeout: at peak more than one request in a thousand would fail with HTTP 504 before its first token.%s",
			[lib.label(o.architecture), r.workload, seconds(t), seconds(r.ttft_ms), timeout, lib.required_fleet(o.sizing)],
		),
	}
}

# tail is a fleet route's p99.9 time to first token, else its p95.
tail(r) := r.ttft_p999_ms if is_number(r.ttft_p999_ms)

else := r.ttft_ms
