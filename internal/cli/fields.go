package cli

import (
	"github.com/cloudatlas/cloudatlas/internal/query"

	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// row is what one output line describes: an input and one of its matches
// (nil when nothing matched), with the number of matches the input had.
type row struct {
	input string
	f     *query.Found
	n     int
	ops   *operatorCache // set when an atlas field is selected
}

// field is one output column. text appends its value as plain text for
// CSV and tables; json appends it as a JSON value.
type field struct {
	name string
	doc  string
	// perQuery marks columns that depend on the query, not only on the
	// matched record (input, relation, matches).
	perQuery bool
	// atlas marks columns joined from the curated atlas (the operator):
	// selecting one loads the atlas. They are not in the defaults.
	atlas bool
	text  func(dst []byte, r *row) []byte
	json  func(dst []byte, r *row) []byte
}

func strField(name, doc string, get func(r *row) string) field {
	return field{name: name, doc: doc,
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return append(dst, get(r)...)
		},
		json: func(dst []byte, r *row) []byte { return appendJSONString(dst, get(r)) },
	}
}

func perQuery(f field) field {
	f.perQuery = true
	return f
}

// fields lists every output column, in default order.
var fields = []field{
	{name: "input", doc: "the address or CIDR as given", perQuery: true,
		text: func(dst []byte, r *row) []byte { return append(dst, r.input...) },
		json: func(dst []byte, r *row) []byte { return appendJSONString(dst, r.input) }},
	{name: "prefix", doc: "the matching range",
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
	{name: "services", doc: "services the feed names, most specific first (CSV: joined by ';')",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return appendJoined(dst, r.f.Record.Services)
		},
		json: func(dst []byte, r *row) []byte { return appendJSONStrings(dst, r.f.Record.Services) }},
	strField("region", "region code as the feed spells it", func(r *row) string { return r.f.Record.Region }),
	strField("scope", "finer placement: AWS network border group, Google scope", func(r *row) string { return r.f.Record.Scope }),
	strField("country", "ISO country code (geofeeds)", func(r *row) string { return r.f.Record.Country }),
	strField("subdivision", "ISO 3166-2 subdivision (geofeeds)", func(r *row) string { return r.f.Record.Subdivision }),
	strField("city", "city (geofeeds)", func(r *row) string { return r.f.Record.City }),
	{name: "asn", doc: "announcing ASN (ASN-derived ranges)",
		text: func(dst []byte, r *row) []byte {
			if r.f == nil || r.f.Record.ASN == 0 {
				return dst
			}
			return strconv.AppendUint(dst, uint64(r.f.Record.ASN), 10)
		},
		json: func(dst []byte, r *row) []byte { return strconv.AppendUint(dst, uint64(r.f.Record.ASN), 10) }},
	strField("feed", "feed id the range came from", func(r *row) string { return r.f.Source.Feed }),
	strField("tier", "official, asn, classification or derived", func(r *row) string { return r.f.Source.Tier.String() }),
	{name: "snapshot", doc: "store id of the feed snapshot",
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
		return r.f.Source.UpstreamDate.Format("2006-01-02")
	}),
	{name: "operator", doc: "who operates the range's region (else partition, provider) as of --as-of, from the atlas; CSV: joined by ';'", atlas: true,
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return appendJoined(dst, r.ops.names(r.f.Record))
		},
		json: func(dst []byte, r *row) []byte { return appendJSONStrings(dst, r.ops.names(r.f.Record)) }},
	{name: "operator_id", doc: "atlas ids of the operators (see cloudatlas entity)", atlas: true,
		text: func(dst []byte, r *row) []byte {
			if r.f == nil {
				return dst
			}
			return appendJoined(dst, r.ops.ids(r.f.Record))
		},
		json: func(dst []byte, r *row) []byte { return appendJSONStrings(dst, r.ops.ids(r.f.Record)) }},
	{name: "matches", doc: "number of ranges that matched the input", perQuery: true,
		text: func(dst []byte, r *row) []byte { return strconv.AppendInt(dst, int64(r.n), 10) },
		json: func(dst []byte, r *row) []byte { return strconv.AppendInt(dst, int64(r.n), 10) }},
}

// defaultFields is the column set when --fields is not given.
const defaultFields = "input,prefix,provider,partition,services,region,scope,country,city,feed,tier,matches"

// selectFields parses a comma-separated list of field names.
func selectFields(list string) ([]field, error) {
	var out []field
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == name })
		if i < 0 {
			return nil, fmt.Errorf("%w: unknown field %q (known: %s)", errUsage, name, fieldNames())
		}
		out = append(out, fields[i])
	}
	return out, nil
}

func fieldNames() string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ",")
}

// rangeFieldNames lists every column but the atlas ones: the default of
// JSON Lines, which needs no atlas.
func rangeFieldNames() string {
	var names []string
	for _, f := range fields {
		if !f.atlas {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ",")
}

// needsAtlas reports whether any column is joined from the atlas.
func needsAtlas(cols []field) bool {
	return slices.ContainsFunc(cols, func(f field) bool { return f.atlas })
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

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
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

// appendCSV appends s as one CSV field, quoted when needed.
func appendCSV(dst []byte, s []byte) []byte {
	quote := false
	for _, c := range s {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, c := range s {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}
