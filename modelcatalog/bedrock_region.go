package modelcatalog

import (
	"slices"
	"strings"
)

// BedrockGeographies are the geographies whose regional (geography-bound)
// inference profiles take requests from an AWS Region, narrowest first,
// as the profile ids' prefixes name them ("eu" for eu.anthropic.…); none
// for a Region of no geography the catalog knows. Source: AWS, "Supported
// Regions and models for inference profiles" and the CDK's
// CrossRegionInferenceProfileRegion (US, US_GOV, EU, APAC, JP, AU),
// docs.aws.amazon.com, read 2026-12-06; Canada's "ca." prefix is the
// catalog's regional_prefixes.
func BedrockGeographies(region string) []string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return []string{"us-gov"}
	case strings.HasPrefix(region, "us-"):
		return []string{"us"}
	case strings.HasPrefix(region, "ca-"):
		return []string{"ca"}
	case strings.HasPrefix(region, "eu-"):
		return []string{"eu"}
	case region == "ap-northeast-1", region == "ap-northeast-3":
		return []string{"jp", "apac"}
	case region == "ap-southeast-2", region == "ap-southeast-4":
		return []string{"au", "apac"}
	case strings.HasPrefix(region, "ap-"):
		return []string{"apac"}
	}
	return nil
}

// RegionalID is m's regional inference profile for requests from region:
// the one of its bedrock_regional_ids of the narrowest geography that
// serves region; "" when none does.
func (m *ManagedModel) RegionalID(region string) string {
	for _, g := range BedrockGeographies(region) {
		for _, id := range m.BedrockRegionalIDs {
			if strings.HasPrefix(id, g+".") {
				return id
			}
		}
	}
	return ""
}

// ForBedrock is the catalog as a stack in region calls Bedrock under
// profile. With BedrockRegional every model Bedrock serves through a
// global profile is called by its regional profile of the region's
// geography (RegionalID), or is not served at all where it has none there
// (its bedrock_id is empty: the program refuses a route to it); a model
// Bedrock serves in region by its own id keeps it. With BedrockGlobal the
// catalog is c. The plan prices a regional profile's surcharge; the
// program must call that profile, or the requests of a spec that keeps
// its code in a geography go to any Region.
func (c *Catalog) ForBedrock(profile, region string) *Catalog {
	if profile != BedrockRegional {
		return c
	}
	out := *c
	out.Managed = slices.Clone(c.Managed)
	for i := range out.Managed {
		m := &out.Managed[i]
		if _, global := c.ProfilePrefix(m.BedrockID); global {
			m.BedrockID = m.RegionalID(region)
		}
	}
	return &out
}
