package spec

import (
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// teamAttrs are the team block's attributes.
var teamAttrs = []string{
	"developers", "tokens_per_developer", "input_share", "cached_input_share",
	"cache_write_share", "cache_ttl", "working_hours_per_month", "peak_to_average",
	"developer_hourly_usd", "cost_center", "timezone",
}

// DefaultTimezone is the team's timezone when the spec names none.
const DefaultTimezone = "UTC"

// teamName is the team label's syntax: it names cloud resources, so it is
// kept to what every AWS resource name accepts.
var teamName = regexp.MustCompile(`^[a-z0-9-]{1,40}\z`)

// maxHoursPerMonth is the longest month: 31 days of 24 hours.
const maxHoursPerMonth = 744

func (d *decoder) team(blk *hclsyntax.Block) Team {
	b := d.open(blk, blockTeam, "the team block", true)
	b.check(teamAttrs, nil)
	b.require("developers", "tokens_per_developer", "cost_center")

	t := Team{}
	if name, ok := d.label(blk, `team "acme-platform" { ... }`); ok {
		if teamName.MatchString(name) {
			t.Name = name
		} else {
			d.errorf(blk.LabelRanges[0], "Invalid team name",
				"The team's name names its cloud resources, so it must be 1 to 40 lowercase letters, digits or hyphens; got %q.", name)
		}
	}
	t.Developers = b.rng("developers", atLeast(1).whole().upTo(1e7), Range{})
	t.TokensPerDeveloper = b.rng("tokens_per_developer", above(0).upTo(1e12), Range{})
	t.InputShare = b.rng("input_share", between(0, 1), Scalar(0.8))
	t.CachedInputShare = b.rng("cached_input_share", between(0, 1), Scalar(0))
	t.CacheWriteShare = b.rng("cache_write_share", between(0, 1), Scalar(0))
	// The tolerance forgives float sums such as 0.7 + 0.3.
	if t.CachedInputShare.High+t.CacheWriteShare.High > 1+1e-9 {
		if a := b.attr("cache_write_share"); a != nil {
			d.errorf(a.Expr.Range(), "Cache shares exceed the input",
				"team.cached_input_share and team.cache_write_share are shares of the same input tokens, so together they must not exceed 1; their highs are %s and %s.",
				formatNumber(t.CachedInputShare.High), formatNumber(t.CacheWriteShare.High))
		}
	}
	t.CacheTTL = b.oneOf("cache_ttl", d.cat.CacheTTLs(), "")
	t.Timezone = DefaultTimezone
	if tz, a, ok := b.str("timezone"); ok {
		// time.LoadLocation also takes "" and "Local", which name no
		// place and would make a plan depend on the machine.
		if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
			d.errorf(a.Expr.Range(), "Unknown timezone",
				"team.timezone must be an IANA time zone name such as \"Europe/Berlin\" or \"America/New_York\"; %q is not one. It places the team's working hours (09:00-18:00 local, weekdays) against vendors' peak-price windows.", tz)
		} else {
			t.Timezone = tz
		}
	}
	t.WorkingHoursPerMonth = b.number("working_hours_per_month", atLeast(1).upTo(maxHoursPerMonth), 176)
	t.PeakToAverage = b.rng("peak_to_average", atLeast(1).upTo(1e6), Scalar(2))
	// The average is the month's tokens over its working hours, so no hour
	// carries more than working_hours_per_month times it: a higher peak
	// would put more than the team's month in one hour, and the fleet
	// priced for it would be sized for load no team sends.
	if a := b.attr("peak_to_average"); a != nil && t.PeakToAverage.High > t.WorkingHoursPerMonth {
		d.errorf(a.Expr.Range(), "Peak above the month",
			"team.peak_to_average is the peak hour's load over the average working hour's (the month's tokens over team.working_hours_per_month), so it is at most the working hours, %s, where the whole month's tokens fall in one hour; its high of %s would put %s months of tokens in the peak hour.",
			formatNumber(t.WorkingHoursPerMonth), formatNumber(t.PeakToAverage.High), formatNumber(t.PeakToAverage.High/t.WorkingHoursPerMonth))
	}
	t.DeveloperHourlyUSD = b.rng("developer_hourly_usd", atLeast(0).upTo(1e6), Scalar(DefaultDeveloperHourlyUSD))
	if cc, a, ok := b.str("cost_center"); ok {
		switch {
		case cc == "":
			d.errorf(a.Expr.Range(), "Empty value", "team.cost_center must not be empty: it is tagged on every resource.")
		case len(cc) > 256:
			d.errorf(a.Expr.Range(), "Value too long", "team.cost_center is tagged on every resource, and AWS tag values hold at most 256 characters; this one has %d.", len(cc))
		case !tagValue.MatchString(cc):
			d.errorf(a.Expr.Range(), "Invalid tag value",
				"team.cost_center is tagged on every resource, so it may hold only letters, digits, spaces and _ . : / = + - @, as AWS tag values do.")
		default:
			t.CostCenter = cc
		}
	}
	return t
}

// tagValue is the character set AWS allows in tag values.
var tagValue = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z`)

// DefaultDeveloperHourlyUSD is team.developer_hourly_usd unless the spec
// sets it: the loaded cost of an engineer hour the quality gap counts.
const DefaultDeveloperHourlyUSD = 100
