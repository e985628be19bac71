package costgate.lib_test

import data.costgate.lib

test_usd_groups_thousands if {
	lib.usd(0) == "$0"
	lib.usd(7) == "$7"
	lib.usd(999.49) == "$999"
	lib.usd(999.5) == "$1,000"
	lib.usd(12345.4) == "$12,345"
	lib.usd(123456) == "$123,456"
	lib.usd(1234567.8) == "$1,234,568"
	lib.usd(1000000) == "$1,000,000"
	lib.usd(1001) == "$1,001"
	lib.usd(999999999) == "$999,999,999"
	lib.usd(1200000000) == "$1,200,000,000"
}

test_usd_negative if {
	lib.usd(-1500) == "-$1,500"
	lib.usd(-123456) == "-$123,456"
	lib.usd(-0.4) == "$0"
	lib.usd(-0.5) == "-$1"
}

test_percent if {
	lib.percent(0.857) == "86%"
	lib.percent(1.3) == "130%"
}

test_label if {
	lib.label("self_hosted") == "self-hosted"
	lib.label("managed") == "managed"
}

test_required_fleet_names_gpus_and_cost if {
	lib.required_fleet({"required_gpus": 16, "required_monthly_usd": 45849.22}) == " The fleet that would carry the load at the target has 16 GPUs, for $45,849 a month expected."
}

test_required_fleet_empty_without_one if {
	lib.required_fleet({"required_gpus": null, "required_monthly_usd": null}) == ""
	lib.required_fleet({}) == ""
}
