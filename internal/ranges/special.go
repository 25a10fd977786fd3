package ranges

import (
	"github.com/cloudatlas/cloudatlas/internal/guard"
)

// findSpecial returns the records of one file that lie in or cover
// special-purpose address space (see [guard.Special]).
func findSpecial(file string, recs []Record) []guard.Finding {
	var out []guard.Finding
	for _, r := range recs {
		if f, ok := guard.Special(r.Prefix); ok {
			f.File = file
			out = append(out, f)
		}
	}
	return out
}

// dropSpecial removes records in special-purpose address space and
// returns one warning per dropped record.
func dropSpecial(recs []Record) ([]Record, []string) {
	var warnings []string
	out := recs[:0]
	for _, r := range recs {
		if f, ok := guard.Special(r.Prefix); ok {
			warnings = append(warnings, "dropped "+f.String()+", not a cloud range")
			continue
		}
		out = append(out, r)
	}
	return out, warnings
}

// DropSpecial removes the records of s listed in s.Special, as an update
// forced past the guard does: the file is accepted, the prefixes no
// provider can hold are not. Each dropped record becomes a warning.
func (s *Snapshot) DropSpecial() {
	if len(s.Special) == 0 {
		return
	}
	var w []string
	s.Records, w = dropSpecial(s.Records)
	s.Warnings = append(s.Warnings, w...)
	s.Special = nil
}
