package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// AtlasFormat and AtlasVersion name the JSON Lines format of [Atlas] in
// its header line. A change that removes or renames a key, or changes a
// value's meaning, takes a new version; new keys may be added within one.
const (
	AtlasFormat  = "cloudatlas-atlas"
	AtlasVersion = 1
)

// AtlasCounts is how many objects of each type an atlas export holds.
type AtlasCounts struct {
	Entities   int `json:"entities"`
	Statements int `json:"statements"`
	Series     int `json:"series"`
	Readings   int `json:"readings"`
	Gaps       int `json:"gaps"`
}

// Atlas writes the atlas a to w as JSON Lines: a header line, then
// every entity, statement, market series, reading and known gap, each
// in the atlas's file order, one object a line with its "type". Dates
// are written as the data gives them (YYYY, YYYY-MM or YYYY-MM-DD).
func Atlas(w io.Writer, a *atlas.Atlas) (AtlasCounts, error) {
	n := AtlasCounts{Entities: len(a.Entities), Statements: len(a.Statements), Series: len(a.Series),
		Readings: len(a.Readings), Gaps: len(a.Gaps)}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("export: atlas: %w", err)
		}
		return nil
	}
	if err := put(atlasHeader{Type: "header", Format: AtlasFormat, Version: AtlasVersion, AtlasCounts: n}); err != nil {
		return n, err
	}
	for _, e := range a.Entities {
		if err := put(entityLine(e)); err != nil {
			return n, err
		}
	}
	for _, s := range a.Statements {
		if err := put(statementLine(s)); err != nil {
			return n, err
		}
	}
	for _, s := range a.Series {
		if err := put(seriesLine(s)); err != nil {
			return n, err
		}
	}
	for _, r := range a.Readings {
		if err := put(readingLine(r)); err != nil {
			return n, err
		}
	}
	for _, g := range a.Gaps {
		if err := put(gapLine(g)); err != nil {
			return n, err
		}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export: atlas: %w", err)
	}
	return n, nil
}

type atlasHeader struct {
	Type    string `json:"type"`
	Format  string `json:"format"`
	Version int    `json:"version"`
	AtlasCounts
}

// sourceJSON is where a fact was published.
type sourceJSON struct {
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Published string `json:"published"`
}

func sourcesOf(ss []atlas.Source) []sourceJSON {
	out := make([]sourceJSON, len(ss))
	for i, s := range ss {
		out[i] = sourceOf(s)
	}
	return out
}

func sourceOf(s atlas.Source) sourceJSON {
	return sourceJSON{URL: s.URL, Publisher: s.Publisher, Published: s.Published.String()}
}

type entityJSON struct {
	Type         string            `json:"type"`
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	Name         string            `json:"name"`
	NameZH       string            `json:"name_zh,omitempty"`
	Aliases      []string          `json:"aliases,omitempty"`
	IDs          map[string]string `json:"ids,omitempty"`
	Country      string            `json:"country,omitempty"`
	State        bool              `json:"state,omitempty"`
	Provider     string            `json:"provider,omitempty"`
	Partition    string            `json:"partition,omitempty"`
	Code         string            `json:"code,omitempty"`
	Launched     string            `json:"launched,omitempty"`
	Jurisdiction string            `json:"jurisdiction,omitempty"`
	Reach        []string          `json:"reach,omitempty"`
	InForceFrom  string            `json:"in_force_from,omitempty"`
	InForceTo    string            `json:"in_force_to,omitempty"`
	Note         string            `json:"note,omitempty"`
	Sources      []sourceJSON      `json:"sources"`
}

func entityLine(e *atlas.Entity) entityJSON {
	return entityJSON{Type: "entity", ID: e.ID, Kind: e.Kind, Name: e.Name, NameZH: e.NameZH, Aliases: e.Aliases,
		IDs: e.IDs, Country: e.Country, State: e.State, Provider: e.Provider, Partition: e.Partition, Code: e.Code,
		Launched: e.Launched.String(), Jurisdiction: e.Jurisdiction, Reach: e.Reach,
		InForceFrom: e.InForce.From.String(), InForceTo: e.InForce.To.String(), Note: e.Note,
		Sources: sourcesOf(e.Sources)}
}

type statementJSON struct {
	Type      string   `json:"type"`
	ID        string   `json:"id"`
	Subject   string   `json:"subject"`
	Predicate string   `json:"predicate"`
	Object    string   `json:"object"`
	From      string   `json:"from,omitempty"`
	To        string   `json:"to,omitempty"`
	Confirmed []string `json:"confirmed,omitempty"`
	// ValidFrom and ValidTo bound the statement for as-of questions:
	// from and to, with the earliest confirmed date as the start when
	// no from was written.
	ValidFrom string       `json:"valid_from,omitempty"`
	ValidTo   string       `json:"valid_to,omitempty"`
	Share     *float64     `json:"share,omitempty"`
	ShareMin  *float64     `json:"share_min,omitempty"`
	ShareMax  *float64     `json:"share_max,omitempty"`
	Role      string       `json:"role,omitempty"`
	Amount    string       `json:"amount,omitempty"`
	Claim     string       `json:"claim,omitempty"`
	Preferred bool         `json:"preferred,omitempty"`
	Why       string       `json:"why,omitempty"`
	Note      string       `json:"note,omitempty"`
	Recorded  string       `json:"recorded"`
	Sources   []sourceJSON `json:"sources"`
}

func statementLine(s *atlas.Statement) statementJSON {
	out := statementJSON{Type: "statement", ID: s.ID, Subject: s.Subject, Predicate: s.Predicate, Object: s.Object,
		From: s.Bounds.From.String(), To: s.Bounds.To.String(),
		ValidFrom: s.Valid.From.String(), ValidTo: s.Valid.To.String(),
		Share: s.Share, ShareMin: s.ShareMin, ShareMax: s.ShareMax, Role: s.Role, Amount: s.Amount, Claim: s.Claim,
		Preferred: s.Preferred, Why: s.Why, Note: s.Note, Recorded: s.Recorded.String(), Sources: sourcesOf(s.Sources)}
	for _, d := range s.Confirmed {
		out.Confirmed = append(out.Confirmed, d.String())
	}
	return out
}

type seriesJSON struct {
	Type       string      `json:"type"`
	ID         string      `json:"id"`
	Firm       string      `json:"firm"`
	Market     string      `json:"market"`
	Measure    string      `json:"measure"`
	Definition string      `json:"definition"`
	Covers     []string    `json:"covers,omitempty"`
	Points     []pointJSON `json:"points"`
}

type pointJSON struct {
	Period  string     `json:"period"`
	Entity  string     `json:"entity"`
	Value   float64    `json:"value"`
	Vintage string     `json:"vintage"`
	Source  sourceJSON `json:"source"`
}

func seriesLine(s *atlas.Series) seriesJSON {
	out := seriesJSON{Type: "series", ID: s.ID, Firm: s.Firm, Market: s.Market, Measure: s.Measure,
		Definition: s.Definition, Covers: s.Covers, Points: make([]pointJSON, len(s.Points))}
	for i, p := range s.Points {
		out.Points[i] = pointJSON{Period: p.Period, Entity: p.Entity, Value: p.Value, Vintage: p.Vintage.String(),
			Source: sourceOf(p.Source)}
	}
	return out
}

type readingJSON struct {
	Type      string   `json:"type"`
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Publisher string   `json:"publisher"`
	Published string   `json:"published"`
	Note      string   `json:"note,omitempty"`
	Entities  []string `json:"entities"`
}

func readingLine(r *atlas.Reading) readingJSON {
	ents := r.Entities
	if ents == nil {
		ents = []string{}
	}
	return readingJSON{Type: "reading", URL: r.URL, Title: r.Title, Publisher: r.Publisher,
		Published: r.Published.String(), Note: r.Note, Entities: ents}
}

type gapJSON struct {
	Type     string   `json:"type"`
	Subject  string   `json:"subject"`
	Missing  string   `json:"missing"`
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	Searched string   `json:"searched"`
	Where    []string `json:"where,omitempty"`
	Note     string   `json:"note,omitempty"`
}

func gapLine(g *atlas.Gap) gapJSON {
	return gapJSON{Type: "gap", Subject: g.Subject, Missing: g.Missing, From: g.Period.From.String(),
		To: g.Period.To.String(), Searched: g.Searched.String(), Where: g.Where, Note: g.Note}
}
