package spec

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/specfile"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Block types of the spec language.
const (
	blockTeam         = "team"
	blockWorkload     = "workload"
	blockManaged      = "managed"
	blockSelfHosted   = "self_hosted"
	blockCompliance   = "compliance"
	blockOrganization = "organization"
	blockBudget       = "budget"
	blockQuality      = "quality"
	blockOverride     = "override"
	blockModel        = "model"
	blockThroughput   = "throughput"
)

// topBlocks are the block types a spec file takes, in the order the
// language's documentation presents them.
var topBlocks = []string{
	blockTeam, blockWorkload, blockManaged, blockSelfHosted, blockCompliance,
	blockOrganization, blockBudget, blockQuality, blockOverride, blockModel,
}

// Parser parses spec files against a model catalog. It keeps every file it
// has parsed so that diagnostics can quote their source. A Parser is not
// safe for concurrent use.
type Parser struct {
	cat   *modelcatalog.Catalog
	files map[string]*hcl.File
}

// NewParser returns a parser that checks catalog ids against cat.
func NewParser(cat *modelcatalog.Catalog) *Parser {
	return &Parser{cat: cat, files: map[string]*hcl.File{}}
}

// Files returns the parsed files by name, as NewDiagnosticTextWriter takes them.
func (p *Parser) Files() map[string]*hcl.File { return p.files }

// WriteDiagnostics renders diags with the source snippet of each, wrapped
// at 80 columns, without color. HCL's renderer cites "FILE line N"; the
// citation is rewritten to FILE:LINE:COLUMN, the form editors and CI log
// annotators jump to.
func (p *Parser) WriteDiagnostics(w io.Writer, diags hcl.Diagnostics) error {
	var buf bytes.Buffer
	dw := hcl.NewDiagnosticTextWriter(&buf, p.files, 80, false)
	for _, diag := range diags {
		buf.Reset()
		if err := dw.WriteDiagnostic(diag); err != nil {
			return fmt.Errorf("write diagnostics: %w", err)
		}
		out := buf.String()
		if r := diag.Subject; r != nil {
			cite := fmt.Sprintf("  on %s line %d", r.Filename, r.Start.Line)
			pos := fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
			if strings.Contains(out, cite) {
				out = strings.Replace(out, cite, "  on "+pos, 1)
			} else {
				out = pos + ":\n" + out
			}
		}
		if _, err := io.WriteString(w, sanitize(out)); err != nil {
			return fmt.Errorf("write diagnostics: %w", err)
		}
	}
	return nil
}

// ParseFile reads and parses the spec at path. A path that is not a spec
// file, a symlink out of the repository, or anything but a regular file,
// is refused unread, and a spec past 1 MiB too (specfile.ReadSpec), so
// that no diagnostic quotes another file and no read blocks or never ends.
func (p *Parser) ParseFile(path string) (*Spec, hcl.Diagnostics) {
	src, err := specfile.ReadSpec(path)
	path = specfile.Display(path)
	if err != nil {
		start := hcl.Pos{Line: 1, Column: 1}
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read spec",
			Detail:   fmt.Sprintf("The spec file could not be read: %v.", err),
			Subject:  &hcl.Range{Filename: path, Start: start, End: start},
		}}
	}
	return p.Parse(path, src)
}

// ParseFiles is ParseFile of each path, on up to workers goroutines, the
// results in the order of paths: a parse reads one file and the catalog,
// each into a parser of its own, whose files p keeps after, in order.
func (p *Parser) ParseFiles(paths []string, workers int) ([]*Spec, []hcl.Diagnostics) {
	specs, diags := make([]*Spec, len(paths)), make([]hcl.Diagnostics, len(paths))
	own := make([]*Parser, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(workers, len(paths))) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				own[i] = NewParser(p.cat)
				specs[i], diags[i] = own[i].ParseFile(paths[i])
			}
		})
	}
	wg.Wait()
	for _, q := range own {
		maps.Copy(p.files, q.files)
	}
	return specs, diags
}

// Parse parses one spec. The Spec is nil when diags has errors; warnings
// come with a Spec. A file with syntax errors is not decoded further,
// because a half-parsed file would only add misleading errors.
func (p *Parser) Parse(filename string, src []byte) (*Spec, hcl.Diagnostics) {
	if d := refuse(filename, src); d != nil {
		p.files[filename] = &hcl.File{Body: hcl.EmptyBody(), Bytes: nil}
		return nil, hcl.Diagnostics{d}
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if f == nil {
		f = &hcl.File{Body: hcl.EmptyBody(), Bytes: src}
	}
	p.files[filename] = f
	if diags.HasErrors() {
		sortDiagnostics(diags)
		return nil, capDiagnostics(filename, diags)
	}
	syn, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		start := hcl.Pos{Line: 1, Column: 1}
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported syntax",
			Detail:   "A spec must be written in HCL native syntax.",
			Subject:  &hcl.Range{Filename: filename, Start: start, End: start},
		})
	}
	d := &decoder{cat: p.cat, ranges: map[string]hcl.Range{}}
	s := d.file(filename, syn)
	diags = append(diags, d.diags...)
	sortDiagnostics(diags)
	diags = capDiagnostics(filename, diags)
	if diags.HasErrors() {
		return nil, diags
	}
	return s, diags
}

// MaxSpecBytes bounds a spec file. One team's spec is a few kilobytes; a
// larger file is not a spec, and parsing and quoting it back would take
// seconds to minutes.
const MaxSpecBytes = 256 << 10

// MaxDiagnostics bounds the diagnostics of one file: past this many, the
// file is not a spec with mistakes but something else.
const MaxDiagnostics = 50

// refuse returns a diagnostic for input that is not a spec at all: too
// large, not UTF-8 text, or holding NUL bytes.
func refuse(filename string, src []byte) *hcl.Diagnostic {
	at := &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
	switch {
	case len(src) > MaxSpecBytes:
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "File too large", Subject: at,
			Detail: fmt.Sprintf("A spec describes one team in a few kilobytes; this file has %d bytes, above the limit of %d.", len(src), MaxSpecBytes)}
	case !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0:
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not a text file", Subject: at,
			Detail: "A spec is UTF-8 text in HCL syntax; this file holds bytes that are not (binary data or another encoding)."}
	}
	return hiddenText(filename, src)
}

// Refused is the diagnostic Parse gives a file before reading its syntax
// (too large, not text, text that reads otherwise than it shows), or nil.
func Refused(filename string, src []byte) *hcl.Diagnostic { return refuse(filename, src) }

// hiddenText refuses text that reads otherwise than an editor or a diff
// shows it (specfile.Hidden): a comment line ending in a line break HCL
// does not see swallows the next line, which the gate then never reads;
// an invisible character after a heredoc's end marker, or a look-alike of
// a delimiter (specfile.LookAlikeHCL: "ЕOT" with a Cyrillic Е, "∗/"),
// leaves a heredoc or a block comment open over lines a reviewer reads as
// live. fmt may not normalise one either: that would change what the
// spec says.
func hiddenText(filename string, src []byte) *hcl.Diagnostic {
	h, found := specfile.Hidden(src)
	if !found {
		h, found = specfile.LookAlikeHCL(src)
	}
	if !found {
		return nil
	}
	pos := hcl.Pos{Line: h.Line, Column: h.Column, Byte: h.Byte}
	detail := fmt.Sprintf("The spec holds %s at line %d, column %d. An editor or a diff shows the text around it otherwise than HCL reads it (a comment ending in a line break HCL does not see swallows the next line), so a reviewer would approve what the gate does not read; remove it (write plain line feeds, CRLF or LF).", h.What, h.Line, h.Column)
	switch h.Summary {
	case specfile.SummaryInvisible:
		detail = fmt.Sprintf("At line %d, column %d the spec holds %s. A line that reads as a heredoc's end marker, or a comment's end, with one ends nothing for HCL, so a reviewer would approve what the gate does not read; remove it.", h.Line, h.Column, h.What)
	case specfile.SummaryLookAlike:
		detail = fmt.Sprintf("At line %d, column %d the spec holds %s. A reviewer reads the text after it as live, so would approve what the gate does not read; write the delimiter in ASCII, or reword the text.", h.Line, h.Column, h.What)
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: h.Summary, Subject: &hcl.Range{Filename: filename, Start: pos, End: pos}, Detail: detail}
}

// capDiagnostics keeps the first MaxDiagnostics diagnostics and says how
// many more there were.
func capDiagnostics(filename string, diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) <= MaxDiagnostics {
		return diags
	}
	more := len(diags) - MaxDiagnostics
	out := append(hcl.Diagnostics{}, diags[:MaxDiagnostics]...)
	return append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Too many errors",
		Detail:  fmt.Sprintf("%d more problems in %s are not shown; fix the ones above first.", more, filename),
		Subject: &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}})
}

// sortDiagnostics orders diagnostics by position, so output is stable and
// reads top to bottom.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a == nil || b == nil {
			return a != nil && b == nil
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}

// file decodes a whole spec file.
func (d *decoder) file(filename string, syn *hclsyntax.Body) *Spec {
	top := &body{d: d, what: "a spec file", syn: syn, def: syn.MissingItemRange()}
	top.check(nil, topBlocks)

	byType := map[string][]*hclsyntax.Block{}
	for _, blk := range syn.Blocks {
		byType[blk.Type] = append(byType[blk.Type], blk)
	}

	s := &Spec{Filename: filename}
	// Model blocks first: their names are valid values of self_hosted.model.
	s.Models, s.ModelThroughput = d.models(byType[blockModel])
	modelNames := make([]string, 0, len(byType[blockModel]))
	for _, blk := range byType[blockModel] {
		if len(blk.Labels) > 0 {
			modelNames = append(modelNames, blk.Labels[0])
		}
	}

	teams := byType[blockTeam]
	if len(teams) == 0 {
		d.errorf(syn.MissingItemRange(), "Missing team block",
			"A spec describes one team: add a block team \"NAME\" { ... } with developers, tokens_per_developer and cost_center.")
	} else {
		s.Team = d.team(teams[0])
		d.duplicates(teams, "A spec describes exactly one team", "Put each team in its own spec file.")
	}

	if len(byType[blockWorkload]) == 0 {
		d.errorf(syn.MissingItemRange(), "Missing workload block",
			"A spec needs at least one workload block, such as workload \"chat\" { share = 1, complexity = \"complex\" }.")
	}
	s.Workloads = d.workloads(byType[blockWorkload])

	s.Managed = d.managed(d.single(byType[blockManaged]))
	s.SelfHosted = d.selfHosted(d.single(byType[blockSelfHosted]), modelNames)
	s.Compliance = d.compliance(d.single(byType[blockCompliance]))
	s.Organization = d.organization(d.single(byType[blockOrganization]))
	s.Budget = d.budget(d.single(byType[blockBudget]))
	s.Quality = d.quality(d.single(byType[blockQuality]))
	s.Overrides = d.overrides(byType[blockOverride])
	s.Ranges = d.ranges
	d.contextFits(s)
	return s
}

// contextFits warns of a workload whose context the chosen open model
// cannot read or fills, leaving no room for an answer (either way the
// self-hosted option is left out of the plan), and the reviewer should
// hear it at the line that causes it.
func (d *decoder) contextFits(s *Spec) {
	var m *modelcatalog.OpenModel
	for i := range s.Models {
		if s.Models[i].ID == s.SelfHosted.Model {
			m = &s.Models[i]
		}
	}
	if m == nil {
		m, _ = d.cat.OpenModel(s.SelfHosted.Model)
	}
	if m == nil {
		if s.SelfHosted.Model == AutoModel {
			d.contextBeyondEveryModel(s)
		}
		return
	}
	for _, w := range s.Workloads {
		fit := m.Window(w.ContextTokens)
		at := d.contextAt(w)
		if fit == modelcatalog.WindowFits {
			d.answerFits(s, m, w, at)
			continue
		}
		if fit == modelcatalog.WindowFilled {
			d.warnf(at, "Context fills the model's window",
				"Workload %q carries %d context tokens, the whole of %s's window: nothing is left for its answers (vLLM refuses a request whose prompt and max_tokens exceed the window), so the self-hosted option cannot serve it and is left out of the plan (hybrid too, if the workload is simple). Set context_tokens to the prompts' real length, or choose a model with a longer context, or model = \"auto\".",
				w.Name, w.ContextTokens, m.ID)
			continue
		}
		d.warnf(at, "Context longer than the model reads",
			"Workload %q carries %d context tokens, but %s reads at most %d: the self-hosted option cannot serve it and is left out of the plan (hybrid too, if the workload is simple). Choose a model with a longer context, or model = \"auto\".",
			w.Name, w.ContextTokens, m.ID, m.MaxContext)
	}
}

// contextAt is where w's context is written: its context_tokens, else
// the workload block.
func (d *decoder) contextAt(w Workload) hcl.Range {
	if at, ok := d.ranges[blockWorkload+"."+w.Name+".context_tokens"]; ok {
		return at
	}
	return d.ranges[blockWorkload+"."+w.Name]
}

// contextBeyondEveryModel warns, under model = "auto", of a workload whose
// context no open model's window holds with room for an answer, the
// catalog's or the spec's own: the search finds no model for it. The
// self-hosted option was left out, or with every workload routed to the
// fleet the plan failed naming only the last model tried, with no line.
func (d *decoder) contextBeyondEveryModel(s *Spec) {
	var longest *modelcatalog.OpenModel
	for _, ms := range [][]modelcatalog.OpenModel{d.cat.OpenModels, s.Models} {
		for i := range ms {
			if longest == nil || ms[i].MaxContext > longest.MaxContext {
				longest = &ms[i]
			}
		}
	}
	if longest == nil {
		return
	}
	for _, w := range s.Workloads {
		if longest.Window(w.ContextTokens) != modelcatalog.WindowFits {
			d.warnf(d.contextAt(w), "Context longer than any model reads",
				"Workload %q carries %d context tokens, but no open model leaves room for an answer in that: the longest window, %s's, is %d tokens. model = \"auto\" finds no model to serve it, so the self-hosted option is left out of the plan (hybrid too, if the workload is simple), and with route = \"self_hosted\" nothing can serve it. Set context_tokens to the prompts' real length, or route the workload to a managed model.",
				w.Name, w.ContextTokens, longest.ID, longest.MaxContext)
		}
	}
}

// answerFits warns of a workload whose prompt and the answer the team's
// token mix gives it (at input_share's low end, the most output an input
// token) do not fit the model's window together: the sizer refuses it
// (inference, answersFit), as serving the stated output in shorter
// answers would prefill more prompts than the team's input holds.
func (d *decoder) answerFits(s *Spec, m *modelcatalog.OpenModel, w Workload, at hcl.Range) {
	share := s.Team.InputShare.Low
	if share >= 1 {
		return
	}
	if share <= 0 {
		d.warnf(at, "Answers do not fit the model's window",
			"Workload %q carries %d context tokens, and team.input_share 0 leaves the team no input: each request's answer would be unbounded, above %s's window of %d. The self-hosted option cannot serve that mix and is left out of the plan (hybrid too, if the workload is simple). Set input_share to the measured share (often 0.95 or more; costgate usage import reads it).",
			w.Name, w.ContextTokens, m.ID, m.MaxContext)
		return
	}
	answer, ok := m.Answer(w.ContextTokens, (1-share)/share)
	if ok {
		return
	}
	d.warnf(at, "Answers do not fit the model's window",
		"Workload %q carries %d context tokens, and team.input_share %s gives each request a %d-token answer: together %d tokens, above %s's window of %d. The self-hosted option cannot serve that mix and is left out of the plan (hybrid too, if the workload is simple). Agents re-send long contexts for short answers: set input_share to the measured share (often 0.95 or more; costgate usage import reads it), or context_tokens to the prompts' real length, or choose a model with a longer context.",
		w.Name, w.ContextTokens, formatNumber(share), answer, w.ContextTokens+answer, m.ID, m.MaxContext)
}

// single returns the first of an at-most-once block type, reporting the
// others, or nil when there is none.
func (d *decoder) single(blocks []*hclsyntax.Block) *hclsyntax.Block {
	if len(blocks) == 0 {
		return nil
	}
	d.duplicates(blocks, "A spec has at most one "+blocks[0].Type+" block", "Merge the two into one block.")
	return blocks[0]
}

// duplicates reports every block after the first.
func (d *decoder) duplicates(blocks []*hclsyntax.Block, rule, advice string) {
	for _, dup := range blocks[1:] {
		first := blocks[0].DefRange()
		d.errorf(dup.DefRange(), "Duplicate "+dup.Type+" block",
			"%s; the first is on line %d. %s", rule, first.Start.Line, advice)
	}
}

// label checks that a block has exactly one label, the block's name, and
// returns it.
func (d *decoder) label(blk *hclsyntax.Block, example string) (string, bool) {
	switch {
	case len(blk.Labels) == 0:
		d.errorf(blk.DefRange(), "Missing name for "+blk.Type,
			"A %s block needs a name in double quotes: %s.", blk.Type, example)
		return "", false
	case len(blk.Labels) > 1:
		d.errorf(blk.LabelRanges[1], "Extraneous label for "+blk.Type,
			"A %s block takes exactly one name, as in %s.", blk.Type, example)
		return "", false
	}
	return blk.Labels[0], true
}

// unlabeled reports labels on a block type that takes none.
func (d *decoder) unlabeled(blk *hclsyntax.Block) {
	if len(blk.Labels) > 0 {
		d.errorf(blk.LabelRanges[0], "Extraneous label for "+blk.Type,
			"A %s block takes no name: write %s { ... }.", blk.Type, blk.Type)
	}
}

// open starts decoding a block. When record is set, it records the block's
// range under path, and its attributes' beneath it.
func (d *decoder) open(blk *hclsyntax.Block, path, what string, record bool) *body {
	if record {
		d.ranges[path] = blk.DefRange()
	}
	return &body{d: d, path: path, what: what, syn: blk.Body, def: blk.DefRange(), unrecorded: !record}
}

// MaxQuotedLine bounds a rendered line: a spec's line is quoted back in
// every diagnostic about it, and a megabyte-long line would flood a
// terminal or a CI log.
const MaxQuotedLine = 200

// sanitize makes rendered diagnostics safe to print: control characters
// from the spec (which could rewrite a terminal) are shown escaped, and
// long lines are clipped.
func sanitize(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		var b strings.Builder
		n := 0
		for _, r := range l {
			if n >= MaxQuotedLine {
				b.WriteString("…")
				break
			}
			switch {
			case r == '\t':
				b.WriteRune(r)
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
				fmt.Fprintf(&b, "\\x%02x", r)
			default:
				b.WriteRune(r)
			}
			n++
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}
