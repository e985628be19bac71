package spec

import "github.com/hashicorp/hcl/v2/hclwrite"

// Format returns src in canonical HCL layout: indentation, aligned equals
// signs, normalised spacing. It works on tokens, so it keeps comments and
// formats even a spec that does not decode; formatting its output again
// changes nothing.
func Format(src []byte) []byte {
	return hclwrite.Format(src)
}
