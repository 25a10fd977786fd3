package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// ReportSchema names the JSON report's schema; its version changes only
// when a field is removed or changes meaning (docs/audit.md).
const ReportSchema = "cloudatlas-audit-report/1"

// WriteOptions are what every report format needs besides the report.
type WriteOptions struct {
	FailOn Severity
	// Tool is the cloudatlas version that made the report.
	Tool string
	// Root, when set, is the directory inventory paths are made
	// relative to (SARIF artefact URIs must be repository-relative).
	Root string
}

// refs numbers the places and verdicts of a report in the order the
// findings first cite them, so that every format names them alike.
type refs struct {
	places   map[*Place]string
	pOrder   []*Place
	verdicts map[*Verdict]string
	vOrder   []*Verdict
	assets   map[*Asset]string
	aOrder   []*Finding // the first finding of each asset
}

func (r *Report) refs() *refs {
	x := &refs{places: map[*Place]string{}, verdicts: map[*Verdict]string{}, assets: map[*Asset]string{}}
	for _, f := range r.Findings {
		if _, ok := x.assets[f.Asset]; !ok {
			x.assets[f.Asset] = "a" + strconv.Itoa(len(x.aOrder)+1)
			x.aOrder = append(x.aOrder, f)
		}
		for _, v := range f.Verdicts {
			if v.Place == nil {
				continue
			}
			if _, ok := x.verdicts[v]; !ok {
				x.verdicts[v] = "v" + strconv.Itoa(len(x.vOrder)+1)
				x.vOrder = append(x.vOrder, v)
			}
			if _, ok := x.places[v.Place]; !ok {
				x.places[v.Place] = "p" + strconv.Itoa(len(x.pOrder)+1)
				x.pOrder = append(x.pOrder, v.Place)
			}
		}
		for _, p := range f.Resolution.Places {
			if _, ok := x.places[p]; !ok {
				x.places[p] = "p" + strconv.Itoa(len(x.pOrder)+1)
				x.pOrder = append(x.pOrder, p)
			}
		}
	}
	return x
}

// jsonHead is the part of the JSON report before places, verdicts and
// findings.
type jsonHead struct {
	Schema    string          `json:"schema"`
	Tool      string          `json:"tool"`
	AsOf      string          `json:"as_of"`
	Policy    jsonPolicy      `json:"policy"`
	FailOn    string          `json:"fail_on"`
	Outcome   Outcome         `json:"outcome"`
	Inventory []InventoryFile `json:"inventory"`
	Data      jsonData        `json:"data"`
	Summary   jsonSummary     `json:"summary"`
	Rules     []jsonRule      `json:"rules"`
}

type jsonPolicy struct {
	File        string `json:"file"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Version     int    `json:"version"`
	SHA256      string `json:"sha256"`
}

type jsonData struct {
	Snapshots []Snapshot `json:"snapshots"`
	Atlas     jsonAtlas  `json:"atlas"`
}

type jsonAtlas struct {
	Entities   int `json:"entities"`
	Statements int `json:"statements"`
}

type jsonSummary struct {
	Assets   int `json:"assets"`
	Findings int `json:"findings"` // listed in findings
	Counts
	ByRule []RuleCounts `json:"by_rule"`
}

type jsonRule struct {
	ID          string    `json:"id"`
	Description string    `json:"description,omitempty"`
	Severity    string    `json:"severity"`
	OnUnknown   string    `json:"on_unknown"`
	Match       jsonMatch `json:"match"`
	Conditions  []string  `json:"conditions"`
	Line        int       `json:"line"`
	Exceptions  []jsonExc `json:"exceptions"`
	Explain     string    `json:"explain"`
}

type jsonMatch struct {
	Kinds     []string          `json:"kinds"`
	Providers []string          `json:"providers"`
	Tags      map[string]string `json:"tags"`
}

type jsonExc struct {
	Rule    string `json:"rule"`
	Asset   string `json:"asset"`
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
	Line    int    `json:"line"`
	Expired bool   `json:"expired"`
}

// jsonPlace is a place as the report lists it once.
type jsonPlace struct {
	Key           string              `json:"key"`
	Label         string              `json:"label"`
	Provider      string              `json:"provider"`
	Partition     string              `json:"partition"`
	Region        string              `json:"region"`
	ASN           uint32              `json:"asn,omitempty"`
	Country       string              `json:"country,omitempty"`
	Subject       string              `json:"subject,omitempty"`
	RegionEntity  string              `json:"region_entity,omitempty"`
	Launch        *atlas.LaunchAnswer `json:"launch,omitempty"`
	Operators     []Named             `json:"operators"`
	Controllers   []Named             `json:"controllers"`
	Jurisdictions []jsonExposure      `json:"jurisdictions"`
	Laws          []jsonLaw           `json:"laws"`
	Notes         []string            `json:"notes"`
	Sources       []atlas.SourceRef   `json:"sources"`
	Error         string              `json:"error,omitempty"`
}

type jsonExposure struct {
	Code         string       `json:"code"`
	Jurisdiction string       `json:"jurisdiction"`
	Basis        string       `json:"basis"`
	Path         []atlas.Step `json:"path"`
}

type jsonLaw struct {
	Law          string       `json:"law"`
	Name         string       `json:"name"`
	Jurisdiction string       `json:"jurisdiction"`
	Basis        string       `json:"basis"`
	Path         []atlas.Step `json:"path"`
}

type jsonVerdict struct {
	Rule     string            `json:"rule"`
	Place    string            `json:"place"`
	Status   string            `json:"status"`
	Message  string            `json:"message"`
	Evidence []Evidence        `json:"evidence"`
	Sources  []atlas.SourceRef `json:"sources"`
}

// WriteJSON writes the report in its canonical form (docs/audit.md):
// the header, the places and verdicts that findings cite by id, and the
// findings.
func WriteJSON(w io.Writer, r *Report, opt WriteOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	x := r.refs()
	head, err := marshal(r.jsonHead(opt))
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"places":{`)
	for i, p := range x.pOrder {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := marshal(jsonPlaceOf(p))
		if err != nil {
			return err
		}
		bw.Write(appendJSONString(nil, x.places[p]))
		bw.WriteByte(':')
		bw.Write(b)
	}
	bw.WriteString(`},"verdicts":{`)
	for i, v := range x.vOrder {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := marshal(jsonVerdict{Rule: v.Rule, Place: x.places[v.Place], Status: v.Status, Message: v.Message,
			Evidence: orEmpty(v.Evidence), Sources: orEmpty(v.Sources)})
		if err != nil {
			return err
		}
		bw.Write(appendJSONString(nil, x.verdicts[v]))
		bw.WriteByte(':')
		bw.Write(b)
	}
	bw.WriteString(`},"assets":{`)
	err = inParallel(len(x.aOrder), 2048, bw, func(lo, hi int, b []byte) []byte {
		for i := lo; i < hi; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAsset(b, x.aOrder[i], x)
		}
		return b
	})
	if err != nil {
		return err
	}
	bw.WriteString(`},"findings":[`)
	err = inParallel(len(r.Findings), 4096, bw, func(lo, hi int, b []byte) []byte {
		for i := lo; i < hi; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFinding(b, r.Findings[i], x)
		}
		return b
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// inParallel encodes items [0, n) in chunks on every core and writes
// the chunks to w in order.
func inParallel(n, chunk int, w io.Writer, encode func(lo, hi int, b []byte) []byte) error {
	type job struct {
		lo, hi int
		out    chan []byte
	}
	workers := runtime.GOMAXPROCS(0)
	jobs, order := make(chan job), make(chan job, 2*workers)
	go func() {
		for lo := 0; lo < n; lo += chunk {
			j := job{lo, min(lo+chunk, n), make(chan []byte, 1)}
			order <- j
			jobs <- j
		}
		close(jobs)
		close(order)
	}()
	free := make(chan []byte, 2*workers+2)
	for range workers {
		go func() {
			for j := range jobs {
				var b []byte
				select {
				case b = <-free:
				default:
					b = make([]byte, 0, 256*chunk)
				}
				j.out <- encode(j.lo, j.hi, b[:0])
			}
		}()
	}
	var err error
	for j := range order {
		b := <-j.out
		if err == nil {
			_, err = w.Write(b)
		}
		select {
		case free <- b:
		default:
		}
	}
	return err
}

func (r *Report) jsonHead(opt WriteOptions) jsonHead {
	p := r.Policy
	h := jsonHead{Schema: ReportSchema, Tool: opt.Tool, AsOf: atlas.DateOf(r.AsOf).String(),
		Policy: jsonPolicy{File: p.File, Name: p.Name, Description: p.Description, Version: p.Version, SHA256: p.SHA256},
		FailOn: opt.FailOn.String(), Outcome: r.Outcome(opt.FailOn), Inventory: orEmpty(r.Files),
		Data:    jsonData{Snapshots: orEmpty(r.Snapshots), Atlas: jsonAtlas{r.AtlasEntities, r.AtlasStatements}},
		Summary: jsonSummary{Assets: r.Assets, Findings: len(r.Findings), Counts: r.Summary.Counts, ByRule: orEmpty(r.Summary.ByRule)},
		Rules:   []jsonRule{}}
	for i := range h.Inventory {
		h.Inventory[i].Notes = orEmpty(h.Inventory[i].Notes)
	}
	for _, rule := range p.Rules {
		jr := jsonRule{ID: rule.ID, Description: rule.Description, Severity: rule.Severity.String(), OnUnknown: rule.OnUnknown,
			Match:      jsonMatch{Kinds: orEmpty(rule.Match.Kinds), Providers: orEmpty(rule.Match.Providers), Tags: rule.Match.Tags},
			Conditions: rule.conditions(), Line: rule.Line, Exceptions: []jsonExc{}, Explain: Explain(p, rule, nil)}
		if jr.Match.Tags == nil {
			jr.Match.Tags = map[string]string{}
		}
		for _, e := range p.Exceptions {
			if e.Rule == rule.ID {
				jr.Exceptions = append(jr.Exceptions, jsonExc{Rule: e.Rule, Asset: e.Asset, Reason: e.Reason,
					Expires: e.Expires.String(), Line: e.Line, Expired: !r.AsOf.Before(e.Expires.End())})
			}
		}
		h.Rules = append(h.Rules, jr)
	}
	return h
}

func jsonPlaceOf(p *Place) jsonPlace {
	jp := jsonPlace{Key: p.Key, Label: p.Label(), Provider: p.Provider, Partition: p.Partition, Region: p.Region,
		ASN: p.ASN, Country: p.Country, Operators: p.Operators, Controllers: p.Controllers,
		Jurisdictions: []jsonExposure{}, Laws: []jsonLaw{}, Notes: []string{}, Sources: []atlas.SourceRef{}}
	ans := p.Answer.Answer
	if ans == nil {
		if p.Answer.Err != nil {
			jp.Error = p.Answer.Err.Error()
		}
		return jp
	}
	jp.Subject, jp.RegionEntity, jp.Launch = ans.Subject, ans.Region, ans.Launch
	jp.Notes, jp.Sources = orEmpty(ans.Notes), orEmpty(ans.Sources)
	for _, x := range ans.Jurisdictions {
		jp.Jurisdictions = append(jp.Jurisdictions, jsonExposure{Code: p.code(x.Jurisdiction), Jurisdiction: x.Jurisdiction,
			Basis: x.Basis, Path: orEmpty(x.Path)})
	}
	for _, l := range ans.Reach {
		jp.Laws = append(jp.Laws, jsonLaw{Law: l.Law, Name: ans.Entities[l.Law].Name, Jurisdiction: p.code(l.Jurisdiction),
			Basis: l.Basis, Path: orEmpty(l.Path)})
	}
	return jp
}

// appendAsset appends an asset as "id": {...}: what it is, where it
// was written, and what it resolved to (the places, the range matches
// and their feed snapshots, or why it resolved to none).
func appendAsset(b []byte, f *Finding, x *refs) []byte {
	a := f.Asset
	b = appendJSONString(b, x.assets[a])
	b = append(b, `:{"input":`...)
	b = appendJSONString(b, a.Input)
	b = append(b, `,"kind":"`...)
	b = append(b, a.Kind...)
	b = append(b, `","file":`...)
	b = appendJSONString(b, a.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(a.Line), 10)
	for _, kv := range [][2]string{{"terraform_address", a.Resource}, {"attribute", a.Attribute}, {"provider", a.Provider},
		{"region", a.Region}, {"scope", a.Scope}} {
		if kv[1] != "" {
			b = append(b, `,"`...)
			b = append(b, kv[0]...)
			b = append(b, `":`...)
			b = appendJSONString(b, kv[1])
		}
	}
	res := f.Resolution
	b = append(b, `,"places":[`...)
	for i, p := range res.Places {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, x.places[p])
	}
	b = append(b, `],"matches":[`...)
	for i, m := range res.Matches {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"place":`...)
		b = appendJSONString(b, x.places[res.Places[m.Place]])
		if m.Address != "" {
			b = append(b, `,"address":`...)
			b = appendJSONString(b, m.Address)
		}
		b = append(b, `,"prefix":"`...)
		b = m.Prefix.AppendTo(b)
		b = append(b, `","feed":`...)
		b = appendJSONString(b, m.Feed)
		b = append(b, `,"snapshot":`...)
		b = strconv.AppendInt(b, m.Snapshot, 10)
		b = append(b, '}')
	}
	b = append(b, `],"snapshots":[`...)
	var seen []int64
	for _, m := range res.Matches {
		if !slices.Contains(seen, m.Snapshot) {
			if len(seen) > 0 {
				b = append(b, ',')
			}
			seen = append(seen, m.Snapshot)
			b = strconv.AppendInt(b, m.Snapshot, 10)
		}
	}
	b = append(b, ']')
	if res.Error != "" {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, res.Error)
	}
	return append(b, '}')
}

// appendFinding appends one finding's JSON: its rule and status, its
// asset and verdicts by id, and the exceptions that waived it or have
// expired.
func appendFinding(b []byte, f *Finding, x *refs) []byte {
	b = append(b, `{"fingerprint":"`...)
	b = append(b, f.Fingerprint()...)
	b = append(b, `","rule":`...)
	b = appendJSONString(b, f.Rule.ID)
	b = append(b, `,"severity":"`...)
	b = append(b, f.Rule.Severity.String()...)
	b = append(b, `","status":"`...)
	b = append(b, f.Status...)
	b = append(b, `","asset":`...)
	b = appendJSONString(b, x.assets[f.Asset])
	b = append(b, `,"verdicts":[`...)
	n := 0
	for _, v := range f.Verdicts {
		if id, ok := x.verdicts[v]; ok {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, id)
			n++
		}
	}
	b = append(b, ']')
	if len(f.Resolution.Places) == 0 {
		b = append(b, `,"message":`...)
		b = appendJSONString(b, f.Verdicts[0].Message)
	}
	if e := f.Waiver; e != nil {
		b = append(b, `,"waiver":`...)
		b = appendException(b, e, false)
	}
	if len(f.Expired) > 0 {
		b = append(b, `,"expired_exceptions":[`...)
		for i, e := range f.Expired {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendException(b, e, true)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendException(b []byte, e *Exception, expired bool) []byte {
	b = append(b, `{"rule":`...)
	b = appendJSONString(b, e.Rule)
	b = append(b, `,"asset":`...)
	b = appendJSONString(b, e.Asset)
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, e.Reason)
	b = append(b, `,"expires":"`...)
	b = append(b, e.Expires.String()...)
	b = append(b, `","line":`...)
	b = strconv.AppendInt(b, int64(e.Line), 10)
	b = append(b, `,"expired":`...)
	b = strconv.AppendBool(b, expired)
	return append(b, '}')
}

// marshal encodes v without escaping <, > and &.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD so that the report is always valid JSON.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(dst, '"')
}
