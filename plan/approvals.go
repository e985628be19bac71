package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"

	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/specfile"
)

// Approvals are the identities that approved the change under review
// (--approvals): emails or GitHub logins ("@octocat"). An override counts
// only when its approver is among them; loosening a spec needs one of them.
type Approvals struct {
	ApprovedBy []string `json:"approved_by"`
}

// Has reports whether id approved the change.
func (a *Approvals) Has(id string) bool {
	if a == nil {
		return false
	}
	want := policies.NormalizeIdentity(id)
	return want != "" && slices.ContainsFunc(a.ApprovedBy, func(s string) bool { return policies.NormalizeIdentity(s) == want })
}

// maxApprovalsFile bounds the approvals file; it lists a review's people.
const maxApprovalsFile = 1 << 20

// identity is an email address or a GitHub login with its @.
var identity = regexp.MustCompile(`^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9._-]{1,100})?|[^@\s]{1,128}@[^@\s]{1,255})\z`)

// LoadApprovals reads an approvals file: {"approved_by": ["cfo@acme.example", "@octocat"]}.
// Every entry must be an email or an @login; unknown fields and duplicate
// keys are errors, so a malformed file never counts as an approval.
func LoadApprovals(path string) (*Approvals, error) {
	f, err := specfile.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxApprovalsFile+1))
	if err != nil {
		return nil, fmt.Errorf("read approvals %s: %w", path, err)
	}
	if len(raw) > maxApprovalsFile {
		return nil, fmt.Errorf("read approvals %s: larger than %d KiB", path, maxApprovalsFile>>10)
	}
	a, err := ParseApprovals(raw)
	if err != nil {
		return nil, fmt.Errorf("read approvals %s: %w", path, err)
	}
	return a, nil
}

// ParseApprovals decodes the approvals file's JSON.
func ParseApprovals(raw []byte) (*Approvals, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var a Approvals
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("want {\"approved_by\": [\"cfo@acme.example\", \"@octocat\"]}: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON object")
	}
	if bytes.Count(raw, []byte(`"approved_by"`)) > 1 {
		return nil, errors.New("approved_by is given twice")
	}
	if a.ApprovedBy == nil {
		return nil, errors.New("approved_by is missing")
	}
	for _, id := range a.ApprovedBy {
		if !identity.MatchString(id) {
			return nil, fmt.Errorf("approved_by: %q is neither an email nor a GitHub @login", id)
		}
	}
	return &a, nil
}
