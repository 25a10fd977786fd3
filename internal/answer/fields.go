package answer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// row is what one output line describes: an input and one of its matches
// (nil when nothing matched or the input was bad), with the number of
// matches the input had.
type row struct {
	input string
	f     *Found
	n     int
	err   error
	pv    *placeView // set when an atlas field is selected
	host  *Host      // set for a host name
}

// Field is one output column of the match encoders. Its text is the
// value in CSV and tables, its json the value in JSON Lines.
type Field struct {
	Name string
	Doc  string
	// perQuery marks columns that depend on the query, not only on the
	// matched record (input, relation, matches, error, the name fields).
	perQuery bool
	// perInput marks the columns that describe the input, not a match:
	// JSON Lines give them once per line, outside the matches.
	perInput bool
	// atlas marks columns joined from the curated atlas (the operator):
	// selecting one loads the atlas. They are not in the defaults.
	atlas bool
	text  func(dst []byte, r *row) []byte
	json  func(dst []byte, r *row) []byte
}

func strField(name, doc string, get func(r *row) string) Field {
	return Field{Name: name, Doc: doc,
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return append(dst, get(r)...)
		},
		json: func(dst []byte, r *row) []byte { return appendJSONString(dst, get(r)) },
	}
}

func perQuery(f Field) Field {
	f.perQuery = true
	return f
}

// fields lists every output column, in default order.
var fields = []Field{
	{Name: "input", Doc: "the address, CIDR or host name as given", perQuery: true, perInput: true,
		text: func(dst []byte, r *row) []byte { return append(dst, r.input...) },
		json: func(dst []byte, r *row) []byte { return appendJSONString(dst, r.input) }},
	{Name: "prefix", Doc: "the matching range",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return r.f.Record.Prefix.AppendTo(dst)
		},
		json: func(dst []byte, r *row) []byte {
			dst = append(dst, '"')
			return append(r.f.Record.Prefix.AppendTo(dst), '"')
		}},
	perQuery(strField("relation", "contains (the range holds the input) or within (inside a CIDR input)", func(r *row) string {
		if r.f.Within {
			return "within"
		}
		return "contains"
	})),
	strField("provider", "provider key: aws, azure, google, alibaba...", func(r *row) string { return r.f.Record.Provider }),
	strField("partition", "cloud partition: aws, aws-cn, aws-us-gov, azure-china...", func(r *row) string { return r.f.Record.Partition }),
	{Name: "services", Doc: "services the feed names, most specific first (CSV: joined by ';')",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return appendJoined(dst, r.f.Record.Services)
		},
		json: func(dst []byte, r *row) []byte { return appendJSONStrings(dst, r.f.Record.Services) }},
	strField("region", "region code as the feed spells it", func(r *row) string { return r.f.Record.Region }),
	strField("scope", "finer placement: AWS network border group, Google scope", func(r *row) string { return r.f.Record.Scope }),
	strField("country", "ISO country code: a geofeed's, else the atlas's country of the feed's region, or a routed range's registered country", func(r *row) string { return r.f.Record.Country }),
	strField("subdivision", "ISO 3166-2 subdivision (geofeeds)", func(r *row) string { return r.f.Record.Subdivision }),
	strField("city", "city (geofeeds)", func(r *row) string { return r.f.Record.City }),
	{Name: "asn", Doc: "announcing ASN (ASN-derived ranges, routing tier)",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil || r.f.Record.ASN == 0 {
				return dst
			}
			return strconv.AppendUint(dst, uint64(r.f.Record.ASN), 10)
		},
		json: func(dst []byte, r *row) []byte { return strconv.AppendUint(dst, uint64(r.f.Record.ASN), 10) }},
	strField("as_name", "the AS holder's name in the routing data (routing tier)", func(r *row) string { return r.f.Record.Holder }),
	strField("feed", "feed id the range came from", func(r *row) string { return r.f.Source.Feed }),
	strField("tier", "official, asn, classification, derived or routing", func(r *row) string { return r.f.Source.Tier.String() }),
	{Name: "snapshot", Doc: "store id of the feed snapshot",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return strconv.AppendInt(dst, r.f.Source.SnapshotID, 10)
		},
		json: func(dst []byte, r *row) []byte { return strconv.AppendInt(dst, r.f.Source.SnapshotID, 10) }},
	strField("upstream_id", "the feed's own version (syncToken, changeNumber)", func(r *row) string { return r.f.Source.UpstreamID }),
	strField("upstream_date", "the feed's own date", func(r *row) string {
		if r.f.Source.UpstreamDate.IsZero() {
			return ""
		}
		return r.f.Source.UpstreamDate.Format(time.DateOnly)
	}),
	atlasField("operator", "who operates the range's region (else partition, provider) as of the date, from the atlas; CSV: joined by ';'",
		(*PlaceAnswer).OperatorNames),
	atlasField("operator_id", "atlas ids of the operators (see cloudatlas entity)", (*PlaceAnswer).OperatorIDs),
	atlasField("jurisdictions", "codes of the jurisdictions the range answers to as of the date: where it is located (a region's country, a routed range's registered country), where its operator or AS holder is incorporated, and where their controllers are; CSV: joined by ';'",
		(*PlaceAnswer).Jurisdictions),
	hostField("name", "a host name input's lower-case ASCII form", func(h *Host) []string { return []string{h.Name} }),
	hostField("address", "the address looked up for a host name: its first A record, else its first AAAA", func(h *Host) []string {
		if a, ok := h.First(); ok {
			return []string{a.String()}
		}
		return nil
	}),
	hostField("addresses", "every address of a host name, A then AAAA (CSV: joined by ';')", func(h *Host) []string { return addrStrings(h.Addresses()) }),
	hostField("cnames", "a host name's CNAME chain, in order (CSV: joined by ';')", (*Host).CNAMEs),
	hostField("evidence", "what the names of a host name's chain say, from the suffix table: provider/service/region@name (CSV: joined by ';')", func(h *Host) []string {
		out := make([]string, 0, len(h.Evidence))
		for _, e := range h.Evidence {
			out = append(out, evidenceText(e))
		}
		return out
	}),
	{Name: "matches", Doc: "number of ranges that matched the input", perQuery: true, perInput: true,
		text: func(dst []byte, r *row) []byte { return strconv.AppendInt(dst, int64(r.n), 10) },
		json: func(dst []byte, r *row) []byte { return strconv.AppendInt(dst, int64(r.n), 10) }},
	{Name: "error", Doc: "why the input could not be looked up, or a host name not resolved (empty when it could)", perQuery: true, perInput: true,
		text: func(dst []byte, r *row) []byte {
			if r.err == nil {
				return dst
			}
			return append(dst, r.err.Error()...)
		},
		json: func(dst []byte, r *row) []byte {
			if r.err == nil {
				return append(dst, `""`...)
			}
			return appendJSONString(dst, r.err.Error())
		}},
}

// hostField is a column about a host name input; empty for addresses.
// JSON Lines carry these once per line (see appendHostJSON).
func hostField(name, doc string, get func(*Host) []string) Field {
	return Field{Name: name, Doc: doc, perQuery: true, perInput: true,
		text: func(dst []byte, r *row) []byte {
			if r.host == nil {
				return dst
			}
			return appendJoined(dst, get(r.host))
		},
		json: func(dst []byte, r *row) []byte {
			if r.host == nil {
				return appendJSONStrings(dst, nil)
			}
			return appendJSONStrings(dst, get(r.host))
		},
	}
}

// evidenceText describes one piece of name evidence:
// provider[/partition][/service][/region]@name.
func evidenceText(e suffix.Evidence) string {
	parts := []string{e.Provider}
	for _, p := range []string{e.Partition, e.Service, e.Region} {
		if p != "" && p != e.Provider {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/") + "@" + e.Name
}

// atlasField is a column of strings joined from the atlas answer of the
// matched range's place.
func atlasField(name, doc string, get func(*PlaceAnswer) []string) Field {
	values := func(r *row) []string {
		if pa := r.pv.of(r.f); pa != nil {
			return get(pa)
		}
		return nil
	}
	return Field{Name: name, Doc: doc, atlas: true,
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return appendJoined(dst, values(r))
		},
		json: func(dst []byte, r *row) []byte { return appendJSONStrings(dst, values(r)) },
	}
}

// placeView gives the field functions the place answers of matched
// records as of one day, each record looked up in the Joiner's memo
// once. It is not safe for concurrent use: each worker has its own.
type placeView struct {
	j    *Joiner
	day  time.Time
	seen map[*ranges.Record]*PlaceAnswer
}

func (j *Joiner) view(day time.Time) *placeView {
	return &placeView{j: j, day: day, seen: make(map[*ranges.Record]*PlaceAnswer)}
}

// clone returns a view of its own for another worker; nil stays nil.
func (v *placeView) clone() *placeView {
	if v == nil {
		return nil
	}
	return v.j.view(v.day)
}

// of returns the place answer of f's place, or nil when f names no
// place or the atlas has no answer for it. Matches that a table numbered
// are remembered by record; others (routing matches, whose records are
// scratch space) are asked of the Joiner's memo each time.
func (v *placeView) of(f *Found) *PlaceAnswer {
	if f.ID == lpm.NoID {
		return okAnswer(v.j.matchAnswer(f, v.day))
	}
	if pa, ok := v.seen[f.Record]; ok {
		return pa
	}
	pa := okAnswer(v.j.matchAnswer(f, v.day))
	v.seen[f.Record] = pa
	return pa
}

// okAnswer returns pa, or nil when it has no answer.
func okAnswer(pa *PlaceAnswer) *PlaceAnswer {
	if pa == nil || pa.Err != nil {
		return nil
	}
	return pa
}

// DefaultFields is the column set of CSV and tables when none is
// chosen, on the command line and in the API alike. JSON Lines default
// to every range field ([RangeFields]).
const DefaultFields = "input,prefix,provider,partition,services,region,scope,country,city,feed,tier,matches,error"

// rangeFields is every column that needs no atlas: the matches of
// /v1/ip and of "ip --format json" carry them all.
var rangeFields = func() []Field {
	var out []Field
	for _, f := range fields {
		if !f.atlas {
			out = append(out, f)
		}
	}
	return out
}()

// RangeFields returns every column that needs no atlas.
func RangeFields() []Field { return slices.Clone(rangeFields) }

// SelectFields parses a comma-separated list of field names for a
// format: "" is the format's default (see [DefaultFields]) and "all" is
// every field. Errors are of kind [Invalid] and list the known names.
func SelectFields(list, format string) ([]Field, error) {
	switch strings.TrimSpace(list) {
	case "":
		if format == FormatJSONL || format == "json" {
			return RangeFields(), nil
		}
		list = DefaultFields
	case "all":
		return slices.Clone(fields), nil
	}
	var out []Field
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == name })
		if i < 0 {
			return nil, invalidf("unknown field %q (known: all, %s)", clip(name), FieldNames())
		}
		out = append(out, fields[i])
	}
	return out, nil
}

// FieldNames lists every field name, comma-separated, in default order.
func FieldNames() string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ",")
}

// FieldDocs describes every field, one "name: doc" line each.
func FieldDocs() string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "  %-14s %s\n", f.Name, f.Doc)
	}
	return b.String()
}

// NeedsAtlas reports whether any column is joined from the atlas.
func NeedsAtlas(cols []Field) bool {
	return slices.ContainsFunc(cols, func(f Field) bool { return f.atlas })
}

// appendJoined appends ss joined by ';'.
func appendJoined(dst []byte, ss []string) []byte {
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, s...)
	}
	return dst
}

// appendJSONStrings appends ss as a JSON array of strings.
func appendJSONStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, so that the output is always valid JSON.
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
			switch {
			case r == utf8.RuneError && size == 1:
				dst = append(dst, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				dst = append(dst, `\u202`...)
				dst = append(dst, hex[r&0xf])
			default:
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(dst, '"')
}
