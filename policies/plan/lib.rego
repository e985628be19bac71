# Helpers shared by the built-in plan policies: money and percentage
# formatting for messages, and option labels. It defines no deny or warn
# rules, so the engine evaluates nothing here on its own.
package costgate.lib

# usd formats a dollar amount rounded to whole dollars with thousands
# separators: 12345.4 -> "$12,345", -1500 -> "-$1,500". It runs for every
# finding, so it uses few built-in calls (Rego arithmetic is slow next to
# string functions): reverse the digits, put a comma after every third,
# reverse back.
usd(x) := concat("", [sign(x), "$", grouped]) if {
	digits := sprintf("%d", [abs(round(x))])
	grouped := trim_left(strings.reverse(regex.replace(strings.reverse(digits), `(\d{3})`, "$1,")), ",")
}

sign(x) := "-" if {
	x <= -0.5
} else := ""

# percent formats a ratio as a whole percentage: 0.857 -> "86%".
percent(x) := sprintf("%v%%", [round(x * 100)])

# label names an architecture the way messages read.
label(arch) := object.get({"managed": "managed", "self_hosted": "self-hosted", "hybrid": "hybrid"}, arch, arch)

# required_fleet names, for a fixed fleet, the fleet the sizer would size
# to carry the load at the target utilization (sizing.required_gpus and
# sizing.required_monthly_usd); "" when the sizing gives none.
required_fleet(sizing) := sprintf(
	" The fleet that would carry the load at the target has %v GPUs, for %s a month expected.",
	[sizing.required_gpus, usd(sizing.required_monthly_usd)],
) if {
	is_number(sizing.required_gpus)
	is_number(sizing.required_monthly_usd)
} else := ""
