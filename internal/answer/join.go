package answer

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Joiner joins queries to the ranges and the atlas. It owns the memo of
// place answers, so one Joiner should live as long as its atlas; the
// ranges are passed per call because they are swapped when new feeds
// arrive. It is safe for concurrent use.
type Joiner struct {
	atlas *atlas.Atlas
	memo  *memo
}

// New returns a Joiner over the atlas a.
func New(a *atlas.Atlas) *Joiner {
	return &Joiner{atlas: a, memo: &memo{m: make(map[placeKey]*PlaceAnswer)}}
}

// Atlas returns the atlas the Joiner answers from.
func (j *Joiner) Atlas() *atlas.Atlas { return j.atlas }

// Place returns the whois answer for a place as of day (the start of a
// day; see [ParseAsOf]), built once per place and day.
func (j *Joiner) Place(p atlas.Place, day time.Time) *PlaceAnswer {
	return j.memo.get(j.atlas, p, day)
}

// Result is the whole answer for one query as of one day: every range
// match, most specific first, and the whois answer of each distinct
// place they name.
type Result struct {
	Query   Query
	AsOf    time.Time
	Matches []Found
	Whois   []Whois
}

// Whois is the whois answer of one place an address lies in, with the
// most specific range that puts it there.
type Whois struct {
	Place atlas.Place
	Found *Found
	*PlaceAnswer
}

// Answer looks q up in r and joins each distinct place of its matches
// (at most [MaxPlaces]) to the atlas as of day. For a CIDR query, at
// most limit ranges inside it are listed (no bound when limit is 0).
func (j *Joiner) Answer(r Ranges, q Query, day time.Time, limit int) *Result {
	res := &Result{Query: q, AsOf: day, Matches: Find(r, q, limit, nil)}
	for _, p := range Places(res.Matches, MaxPlaces) {
		w := Whois{Place: p, PlaceAnswer: j.Place(p, day)}
		for i := range res.Matches {
			if rec := res.Matches[i].Record; rec.Provider == p.Provider && rec.Partition == p.Partition && rec.Region == p.Region {
				w.Found = &res.Matches[i]
				break
			}
		}
		res.Whois = append(res.Whois, w)
	}
	return res
}

// resultJSON is a [Result] as the API (/v1/ip) and "whois --format json"
// give it. Matches carry every range field, as JSON Lines do.
type resultJSON struct {
	Query   string      `json:"query"`
	AsOf    string      `json:"as_of"`
	Matches matchList   `json:"matches"`
	Whois   []whoisJSON `json:"whois"`
}

type whoisJSON struct {
	Place  atlas.Place  `json:"place"`
	Prefix string       `json:"prefix"`
	Feed   string       `json:"feed"`
	Answer *PlaceAnswer `json:"answer,omitempty"`
	Error  string       `json:"error,omitempty"`
}

// MarshalJSON encodes the result in its documented shape (docs/api.md).
func (res *Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{Query: res.Query.Input, AsOf: Day(res.AsOf),
		Matches: matchList{res.Matches}, Whois: make([]whoisJSON, 0, len(res.Whois))}
	for _, w := range res.Whois {
		wj := whoisJSON{Place: w.Place}
		if w.Found != nil {
			wj.Prefix, wj.Feed = w.Found.Record.Prefix.String(), w.Found.Source.Feed
		}
		if w.Err != nil {
			wj.Error = w.Err.Error()
		} else {
			wj.Answer = w.PlaceAnswer
		}
		out.Whois = append(out.Whois, wj)
	}
	return marshal(out)
}

// marshal encodes v as compact JSON without escaping <, > and &: the
// answers are not embedded in HTML, and names like "AT&T" should read
// as they are.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// matchList encodes matches with every range field, exactly as a JSON
// Lines line of "lookup" lists them.
type matchList struct{ ms []Found }

func (l matchList) MarshalJSON() ([]byte, error) {
	return appendMatchesJSON(nil, rangeFields, l.ms, nil), nil
}
