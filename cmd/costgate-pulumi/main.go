// Command costgate-pulumi is the Pulumi program named by Pulumi.yaml: it
// re-plans the stack's spec and provisions the decision, or fails before
// changing anything when the plan is blocked.
package main

import (
	"github.com/costgate/costgate/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(stacks.Program)
}
