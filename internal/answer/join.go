package answer

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
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
	return j.memo.get(j.atlas, placeKey{place: p, day: day})
}

// Route returns the whois answer for a routed range as of day: the AS
// that announces it (asn, and the holder's name in the routing data)
// and its registered country, built once per AS, country and day.
func (j *Joiner) Route(asn uint32, holder, country string, day time.Time) *PlaceAnswer {
	return j.memo.get(j.atlas, placeKey{asn: asn, holder: holder, country: country, day: day})
}

// matchAnswer returns the place answer of a match: its feed's place, or
// its routed range; nil when it names neither.
func (j *Joiner) matchAnswer(f *Found, day time.Time) *PlaceAnswer {
	r := f.Record
	switch {
	case f.Source.Tier == ranges.TierRouting:
		return j.Route(r.ASN, r.Holder, r.Country, day)
	case r.Provider != "":
		return j.Place(atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}, day)
	}
	return nil
}

// Result is the whole answer for one query as of one day: every range
// match, most specific first, and the whois answer of each distinct
// place they name.
type Result struct {
	Query   Query
	AsOf    time.Time
	Matches []Found
	Whois   []Whois
	// Routing is the whois answer of the routing match (the last of
	// Matches, tier routing), when the range data has a routing tier and
	// the query is routed.
	Routing *Whois
	// Notes say what the answer lacks: feeds with no snapshot in force
	// on the day asked.
	Notes []string
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
	if n := len(res.Matches); n > 0 && res.Matches[n-1].Source.Tier == ranges.TierRouting {
		f := &res.Matches[n-1]
		res.Routing = &Whois{Found: f, PlaceAnswer: j.matchAnswer(f, day)}
	}
	return res
}

// resultJSON is a [Result] as the API (/v1/ip) and "whois --format json"
// give it. Matches carry every range field, as JSON Lines do.
type resultJSON struct {
	Query   string       `json:"query"`
	AsOf    string       `json:"as_of"`
	Matches matchList    `json:"matches"`
	Whois   []whoisJSON  `json:"whois"`
	Routing *routingJSON `json:"routing,omitempty"`
	Notes   []string     `json:"notes,omitempty"`
	Credits []string     `json:"credits,omitempty"`
}

// routingJSON is the routing match of a result with its whois answer.
type routingJSON struct {
	Prefix  string       `json:"prefix"`
	ASN     uint32       `json:"asn"`
	ASName  string       `json:"as_name"`
	Country string       `json:"country"`
	Version string       `json:"version"`
	Answer  *PlaceAnswer `json:"answer,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// RoutingCredit is the attribution the routing data's licences ask of
// every answer that shows it (docs/routing.md).
const RoutingCredit = "Routing data: RouteViews (https://www.routeviews.org), the RIRs via the NRO (https://www.nro.net) and DB-IP (https://db-ip.com), compiled by ip-location-db; CC BY 4.0; merged and split by country by cloudatlas."

type whoisJSON struct {
	Place  atlas.Place  `json:"place"`
	Prefix string       `json:"prefix"`
	Feed   string       `json:"feed"`
	Answer *PlaceAnswer `json:"answer,omitempty"`
	Error  string       `json:"error,omitempty"`
}

// MarshalJSON encodes the result in its documented shape (docs/api.md):
// resultJSON through encoding/json. [Result.AppendJSON] writes the same
// bytes faster; a test holds the two to each other.
func (res *Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{Query: res.Query.Input, AsOf: Day(res.AsOf),
		Matches: matchList{res.Matches}, Whois: make([]whoisJSON, 0, len(res.Whois)), Notes: res.Notes}
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
	if w := res.Routing; w != nil {
		r := w.Found.Record
		rj := &routingJSON{Prefix: r.Prefix.String(), ASN: r.ASN, ASName: r.Holder, Country: r.Country,
			Version: w.Found.Source.UpstreamID}
		if w.Err != nil {
			rj.Error = w.Err.Error()
		} else {
			rj.Answer = w.PlaceAnswer
		}
		out.Routing = rj
		out.Credits = []string{RoutingCredit}
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

// AppendJSON appends the result's JSON, byte for byte what MarshalJSON
// gives, to dst. It splices each place answer's JSON, encoded once per
// place and day, where encoding/json would scan it again on every
// request: the API's hot path.
func (res *Result) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"query":`...)
	dst = appendJSONString(dst, res.Query.Input)
	dst = append(dst, `,"as_of":`...)
	dst = appendJSONString(dst, Day(res.AsOf))
	dst = append(dst, `,"matches":`...)
	dst = appendMatchesJSON(dst, rangeFields, res.Matches, nil)
	dst = append(dst, `,"whois":[`...)
	for i, w := range res.Whois {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"place":{"provider":`...)
		dst = appendJSONString(dst, w.Place.Provider)
		dst = append(dst, `,"partition":`...)
		dst = appendJSONString(dst, w.Place.Partition)
		dst = append(dst, `,"region":`...)
		dst = appendJSONString(dst, w.Place.Region)
		dst = append(dst, `},"prefix":`...)
		var prefix, feed string
		if w.Found != nil {
			prefix, feed = w.Found.Record.Prefix.String(), w.Found.Source.Feed
		}
		dst = appendJSONString(dst, prefix)
		dst = append(dst, `,"feed":`...)
		dst = appendJSONString(dst, feed)
		var err error
		if dst, err = appendAnswer(dst, w.PlaceAnswer); err != nil {
			return nil, err
		}
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if w := res.Routing; w != nil {
		r := w.Found.Record
		dst = append(dst, `,"routing":{"prefix":`...)
		dst = appendJSONString(dst, r.Prefix.String())
		dst = append(dst, `,"asn":`...)
		dst = strconv.AppendUint(dst, uint64(r.ASN), 10)
		dst = append(dst, `,"as_name":`...)
		dst = appendJSONString(dst, r.Holder)
		dst = append(dst, `,"country":`...)
		dst = appendJSONString(dst, r.Country)
		dst = append(dst, `,"version":`...)
		dst = appendJSONString(dst, w.Found.Source.UpstreamID)
		var err error
		if dst, err = appendAnswer(dst, w.PlaceAnswer); err != nil {
			return nil, err
		}
		dst = append(dst, '}')
	}
	if len(res.Notes) > 0 {
		dst = append(dst, `,"notes":`...)
		dst = appendJSONStrings(dst, res.Notes)
	}
	if res.Routing != nil {
		dst = append(dst, `,"credits":`...)
		dst = appendJSONStrings(dst, []string{RoutingCredit})
	}
	return append(dst, '}'), nil
}

// appendAnswer appends `,"answer":...` or `,"error":...` for pa.
func appendAnswer(dst []byte, pa *PlaceAnswer) ([]byte, error) {
	if pa.Err != nil {
		dst = append(dst, `,"error":`...)
		return appendJSONString(dst, pa.Err.Error()), nil
	}
	b, err := pa.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dst = append(dst, `,"answer":`...)
	return append(dst, b...), nil
}
