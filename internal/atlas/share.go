package atlas

import (
	"encoding/json"
	"strconv"
)

// ShareRange is an ownership share in percent: exact when Min == Max, a
// range when the sources give only bounds, and unknown when Known is
// false. An unknown share is never treated as zero.
type ShareRange struct {
	Min, Max float64
	Known    bool
}

// exact returns the known share v.
func exact(v float64) ShareRange { return ShareRange{Min: v, Max: v, Known: true} }

// statementShare returns the share an owns statement gives, else unknown.
func statementShare(s *Statement) ShareRange {
	switch {
	case s.Predicate != "owns":
	case s.Share != nil:
		return exact(*s.Share)
	case s.ShareMin != nil || s.ShareMax != nil:
		r := ShareRange{Min: 0, Max: 100, Known: true}
		if s.ShareMin != nil {
			r.Min = *s.ShareMin
		}
		if s.ShareMax != nil {
			r.Max = *s.ShareMax
		}
		return r
	}
	return ShareRange{}
}

// IsZero reports whether the share is unknown (used by omitzero).
func (r ShareRange) IsZero() bool { return !r.Known }

// Times returns the share of a share: the product, in percent.
func (r ShareRange) Times(o ShareRange) ShareRange {
	if !r.Known || !o.Known {
		return ShareRange{}
	}
	return ShareRange{Min: r.Min * o.Min / 100, Max: r.Max * o.Max / 100, Known: true}
}

// Plus returns the sum of two known shares, capped at 100.
func (r ShareRange) Plus(o ShareRange) ShareRange {
	if !r.Known || !o.Known {
		return ShareRange{}
	}
	return ShareRange{Min: min(r.Min+o.Min, 100), Max: min(r.Max+o.Max, 100), Known: true}
}

// Majority reports whether the share is surely above 50 percent.
func (r ShareRange) Majority() bool { return r.Known && r.Min > 50 }

// String returns "51%", "50-100%" or "unknown".
func (r ShareRange) String() string {
	switch {
	case !r.Known:
		return "unknown"
	case r.Min == r.Max:
		return pct(r.Min) + "%"
	}
	return pct(r.Min) + "-" + pct(r.Max) + "%"
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// MarshalJSON encodes a known share as {"min":..,"max":..} and an
// unknown one as null.
func (r ShareRange) MarshalJSON() ([]byte, error) {
	if !r.Known {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Min float64 `json:"min"`
		Max float64 `json:"max"`
	}{round(r.Min), round(r.Max)})
}

// round keeps shares readable and stable in output: 4 decimals.
func round(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 4, 64), 64)
	return f
}
