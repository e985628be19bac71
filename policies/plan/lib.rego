# Helpers shared by the built-in plan policies: money and percentage
# formatting for messages, and option labels. It defines no deny or warn
# rules, so the engine evaluates nothing here on its own.
package costgate.lib

# usd formats a dollar amount rounded to whole dollars with thousands
# separators: 12345.4 -> "$12,345", -1500 -> "-$1,500". Arithmetic and one
# sprintf keep it cheap; it runs for every finding.
usd(x) := concat("", [sign(x), "$", group_thousands(abs(round(x)))])

sign(x) := "-" if round(x) < 0

sign(x) := "" if round(x) >= 0

group_thousands(n) := sprintf("%d", [n]) if n < 1000

group_thousands(n) := sprintf("%d,%03d", [floor(n / 1000), n % 1000]) if {
	n >= 1000
	n < 1000000
}

group_thousands(n) := sprintf("%d,%03d,%03d", [floor(n / 1000000), floor(n / 1000) % 1000, n % 1000]) if {
	n >= 1000000
	n < 1000000000
}

# Past a billion dollars a month the digits stay ungrouped.
group_thousands(n) := sprintf("%d", [n]) if n >= 1000000000

# percent formats a ratio as a whole percentage: 0.857 -> "86%".
percent(x) := sprintf("%v%%", [round(x * 100)])

# label names an architecture the way messages read.
label(arch) := object.get({"managed": "managed", "self_hosted": "self-hosted", "hybrid": "hybrid"}, arch, arch)
