package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/specfile"
)

// GatedEnv names the environment variable that holds the file of the
// decision the deploy job's gate passed (check --gated-out), which
// pulumi up's program must reach again before it changes a resource.
const GatedEnv = "COSTGATE_GATED"

// Gated is what a plan deploys: its decision, each workload's route and
// the fleet's shape, with the overrides that waived a denial. The deploy
// gate writes it for the stack it passes; the program refuses to deploy a
// plan whose Gated differs. The gate and the program are two deciders:
// any input one reads and the other does not (approvals, a policy folder,
// a price book, a date) could make the program deploy an option the gate
// never passed, and this is where such a difference stops the deploy.
// Prices are left out: they are not provisioned, and a price that moves
// the decision moves what is compared.
type Gated struct {
	Team         string            `json:"team"`
	Architecture architecture.Name `json:"architecture"`
	Routes       []GatedRoute      `json:"routes"`
	Fleet        *GatedFleet       `json:"fleet,omitempty"`
	// Waivers are the policies an override waived.
	Waivers []string `json:"waivers"`
	// Overrides are the overrides the gate counted as approved (by the
	// change's approvals, or carried unchanged from the last deployed
	// commit): the program, which has no base, counts these too.
	Overrides []GatedOverride `json:"overrides"`
}

// GatedOverride is one override the gate counted as approved.
type GatedOverride struct {
	Name     string `json:"name"`
	Policy   string `json:"policy"`
	Approver string `json:"approver"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
}

// evidence is the gated overrides as the plan's evidence
// (plan.Options.Evidenced).
func (g *Gated) evidence() []plan.Waiver {
	if g == nil {
		return nil
	}
	out := make([]plan.Waiver, 0, len(g.Overrides))
	for _, o := range g.Overrides {
		out = append(out, plan.Waiver{Name: o.Name, Policy: o.Policy, Approver: o.Approver, Reason: o.Reason, Expires: o.Expires})
	}
	return out
}

// GatedRoute is where one workload's requests go.
type GatedRoute struct {
	Workload string            `json:"workload"`
	ServedBy architecture.Name `json:"served_by"`
	Model    string            `json:"model"`
	Provider string            `json:"provider,omitempty"`
}

// GatedFleet is the shape of the fleet the program launches.
type GatedFleet struct {
	Model          string   `json:"model"`
	GPU            string   `json:"gpu"`
	Region         string   `json:"region"`
	InstanceType   string   `json:"instance_type"`
	Instances      int      `json:"instances"`
	TensorParallel int      `json:"tensor_parallel"`
	Replicas       int      `json:"replicas"`
	Pricing        string   `json:"pricing"`
	Schedule       string   `json:"schedule"`
	Baseline       int      `json:"baseline_instances"`
	Peak           int      `json:"peak_instances"`
	OnDemandBase   int      `json:"on_demand_base"`
	VLLMArgs       []string `json:"vllm_args"`
}

// GatedOf is what p deploys.
func GatedOf(p *plan.Plan) Gated {
	g := Gated{Team: p.Team, Architecture: p.Decision.Architecture, Routes: []GatedRoute{}, Waivers: []string{}, Overrides: []GatedOverride{}}
	for _, w := range p.Waivers {
		// A review's approval of a loosened spec is the gate's alone (the
		// program has no base to loosen from); an override is both's.
		if w.Active() && !w.Review && len(w.Waived) > 0 {
			g.Waivers = append(g.Waivers, w.Policy)
		}
		if w.Active() && !w.Review && w.Verified {
			g.Overrides = append(g.Overrides, GatedOverride{Name: w.Name, Policy: w.Policy, Approver: w.Approver, Reason: w.Reason, Expires: w.Expires})
		}
	}
	o := p.Chosen()
	if o == nil {
		return g
	}
	for _, r := range o.Routes {
		g.Routes = append(g.Routes, GatedRoute{Workload: r.Workload, ServedBy: r.ServedBy, Model: r.Model, Provider: r.Provider})
	}
	if s := o.Sizing; s != nil {
		g.Fleet = &GatedFleet{Model: s.Model, GPU: s.GPU, Region: s.Region, InstanceType: s.InstanceType, Instances: s.Instances,
			TensorParallel: s.TensorParallel, Replicas: s.Replicas, Pricing: s.Pricing, Schedule: s.Schedule,
			Baseline: s.BaselineInstances, Peak: s.PeakInstances, OnDemandBase: s.OnDemandBase, VLLMArgs: s.VLLMArgs}
	}
	return g
}

// WriteGated writes g as the deploy gate's file.
func WriteGated(w io.Writer, g Gated) error {
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// maxGatedFile bounds the file: one plan's routes and fleet.
const maxGatedFile = 1 << 20

// ReadGated reads the deploy gate's file; unknown fields are errors, so a
// file of another shape never passes as the gate's.
func ReadGated(path string) (*Gated, error) {
	raw, err := specfile.ReadRegular(path, maxGatedFile)
	if err != nil {
		return nil, fmt.Errorf("read the gated decision: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var g Gated
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("read the gated decision %s: %w", path, err)
	}
	if g.Architecture == "" {
		return nil, fmt.Errorf("read the gated decision %s: no architecture", path)
	}
	return &g, nil
}

// checkGated refuses a plan whose deployment differs from the one the
// deploy gate passed, naming each difference; nil when cfg has no gated
// decision (a laptop's pulumi up).
func checkGated(p *plan.Plan, cfg Config) error {
	if cfg.Gated == nil {
		return nil
	}
	got := GatedOf(p)
	if reflect.DeepEqual(got, *cfg.Gated) {
		return nil
	}
	want, _ := json.Marshal(cfg.Gated)
	have, _ := json.Marshal(got)
	return fmt.Errorf("costgate: the program's plan for %s differs from the one the deploy gate passed (%s), so no resource was changed: an input one read and the other did not (approvals, policy folders, price book, date) changed the decision; run the deploy job again\n  gate passed: %s\n  program:     %s",
		p.Team, GatedEnv, want, have)
}
