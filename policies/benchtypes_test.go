package policies_test

// The types below copy the shape of plan.Plan, so BenchmarkEvaluatePlan can
// measure a typed plan without importing the plan package (which imports
// this one). Field names and JSON tags match plan/plan.go.

type specRange struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

type benchPlan struct {
	Spec        string          `json:"spec"`
	Team        string          `json:"team"`
	CatalogAsOf string          `json:"catalog_as_of"`
	AsOf        string          `json:"as_of"`
	Inputs      benchInputs     `json:"inputs"`
	Options     []benchOption   `json:"options"`
	Decision    benchDecision   `json:"decision"`
	Verdict     string          `json:"verdict"`
	Breakeven   benchBreakeven  `json:"breakeven"`
	Checklist   benchChecklist  `json:"checklist"`
	Waivers     []benchWaiver   `json:"waivers"`
	Warnings    []benchFinding  `json:"warnings"`
	Resources   []benchResource `json:"resources"`
}

type benchMoney struct {
	Low      float64 `json:"low"`
	Expected float64 `json:"expected"`
	High     float64 `json:"high"`
}

type benchOption struct {
	Architecture    string          `json:"architecture"`
	MonthlyUSD      benchMoney      `json:"monthly_usd"`
	LineItems       []benchLineItem `json:"line_items"`
	QualityGapUSD   benchMoney      `json:"quality_gap_usd"`
	QualityIncluded bool            `json:"quality_included"`
	Sizing          *benchSizing    `json:"sizing,omitempty"`
	Routes          []benchRoute    `json:"routes"`
	Allowed         bool            `json:"allowed"`
	Violations      []benchFinding  `json:"violations"`
	Warnings        []benchFinding  `json:"warnings"`
	Waived          []benchFinding  `json:"waived"`
}

type benchLineItem struct {
	Name       string     `json:"name"`
	MonthlyUSD benchMoney `json:"monthly_usd"`
	Workload   string     `json:"workload,omitempty"`
	Model      string     `json:"model,omitempty"`
	Note       string     `json:"note,omitempty"`
}

type benchRoute struct {
	Workload      string   `json:"workload"`
	Complexity    string   `json:"complexity"`
	Share         float64  `json:"share"`
	ServedBy      string   `json:"served_by"`
	Model         string   `json:"model"`
	Provider      string   `json:"provider,omitempty"`
	TTFTMs        *float64 `json:"ttft_ms"`
	MaxTTFTMs     *float64 `json:"max_ttft_ms"`
	ContextTokens int      `json:"context_tokens"`
}

type benchSizing struct {
	Model               string    `json:"model"`
	GPU                 string    `json:"gpu"`
	GPUs                int       `json:"gpus"`
	Replicas            int       `json:"replicas"`
	TensorParallel      int       `json:"tensor_parallel"`
	InstanceType        string    `json:"instance_type"`
	Instances           int       `json:"instances"`
	ReplicasPerInstance int       `json:"replicas_per_instance"`
	Fixed               bool      `json:"fixed"`
	Pricing             string    `json:"pricing"`
	GPUHourUSD          specRange `json:"gpu_hour_usd"`
	BilledHours         float64   `json:"billed_hours"`
	Schedule            string    `json:"schedule"`
	MaxModelLen         int       `json:"max_model_len"`
	WeightsGB           float64   `json:"weights_gb"`
	KVCacheGB           float64   `json:"kv_cache_gb"`
	PeakUtilization     float64   `json:"peak_utilization"`
	TargetUtilization   float64   `json:"target_utilization"`
	TTFTMs              *float64  `json:"ttft_ms"`
	BaselineInstances   int       `json:"baseline_instances"`
	PeakInstances       int       `json:"peak_instances"`
	VLLMArgs            []string  `json:"vllm_args"`
	Notes               []string  `json:"notes"`
}

type benchFinding struct {
	Policy  string `json:"policy"`
	Option  string `json:"option,omitempty"`
	Message string `json:"message"`
}

type benchDecision struct {
	Architecture string   `json:"architecture"`
	Reasons      []string `json:"reasons"`
}

type benchBreakeven struct {
	Developers *int `json:"developers"`
}

type benchChecklist struct {
	Met     int                  `json:"met"`
	Items   []benchChecklistItem `json:"items"`
	Verdict string               `json:"verdict"`
}

type benchChecklistItem struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Met    bool   `json:"met"`
	Detail string `json:"detail"`
}

type benchWaiver struct {
	Name     string   `json:"name"`
	Policy   string   `json:"policy"`
	Approver string   `json:"approver"`
	Reason   string   `json:"reason"`
	Expires  string   `json:"expires"`
	Expired  bool     `json:"expired"`
	Waived   []string `json:"waived"`
}

type benchResource struct {
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Properties map[string]any `json:"properties"`
}

type benchInputs struct {
	Team               string               `json:"team"`
	CostCenter         string               `json:"cost_center"`
	Developers         specRange            `json:"developers"`
	TokensPerDeveloper specRange            `json:"tokens_per_developer"`
	Workloads          []benchWorkloadInput `json:"workloads"`
	ManagedProvider    string               `json:"managed_provider"`
	Compliance         benchComplianceInput `json:"compliance"`
	Organization       benchOrgInput        `json:"organization"`
	Budget             benchBudgetInput     `json:"budget"`
	Overrides          []benchWaiver        `json:"overrides"`
}

type benchWorkloadInput struct {
	Name          string   `json:"name"`
	Share         float64  `json:"share"`
	Complexity    string   `json:"complexity"`
	ContextTokens int      `json:"context_tokens"`
	MaxTTFTMs     *float64 `json:"max_ttft_ms"`
}

type benchComplianceInput struct {
	CodeMayLeaveNetwork bool     `json:"code_may_leave_network"`
	AllowedProviders    []string `json:"allowed_providers"`
}

type benchOrgInput struct {
	GPUExpertise       bool `json:"gpu_expertise"`
	LatencyOverQuality bool `json:"latency_over_quality"`
}

type benchBudgetInput struct {
	MonthlyLimitUSD  *float64 `json:"monthly_limit_usd"`
	ApprovalAboveUSD *float64 `json:"approval_above_usd"`
	AlertEmails      []string `json:"alert_emails"`
}
