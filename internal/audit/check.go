package audit

import (
	"fmt"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Check resolves the policy's references against the atlas, rewriting
// them to the forms rules compare: jurisdictions to their codes (US,
// EU; an id like jurisdiction/us is accepted), laws and operators to
// entity ids (a name or alias the atlas resolves is accepted), and
// checks that every region named exists. Every problem is reported with
// file, line and field.
func (p *Policy) Check(a *atlas.Atlas) error {
	codes := jurisdictionCodes(a)
	var errs Errors
	bad := func(r *Rule, field, format string, args ...any) {
		errs = append(errs, &Error{File: p.File, Line: r.lineOf(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for i, r := range p.Rules {
		at := fmt.Sprintf("rules[%d].", i)
		for _, l := range []struct {
			field string
			list  []string
		}{{"deny.jurisdictions", r.Deny.Jurisdictions}, {"require.operator_controlled_from", r.Require.OperatorControlledFrom},
			{"require.located_in", r.Require.LocatedIn}} {
			for j, v := range l.list {
				code, ok := codes[strings.ToUpper(strings.TrimPrefix(strings.ToLower(v), "jurisdiction/"))]
				if !ok {
					bad(r, fmt.Sprintf("%s%s[%d]", at, l.field, j), "%q is no jurisdiction of the atlas (a code such as US, CN, DE or EU)", v)
					continue
				}
				l.list[j] = code
			}
		}
		for j, v := range r.Deny.Laws {
			e := resolveKind(a, v, atlas.KindLaw)
			if e == nil {
				bad(r, fmt.Sprintf("%sdeny.laws[%d]", at, j), "%q is no law of the atlas (an id such as law/us-cloud-act; see cloudatlas search)", v)
				continue
			}
			r.Deny.Laws[j] = e.ID
		}
		for j, v := range r.Deny.Operators {
			e := resolveKind(a, v, atlas.KindOrganisation)
			if e == nil {
				bad(r, fmt.Sprintf("%sdeny.operators[%d]", at, j), "%q is no organisation of the atlas (an id such as org/example; see cloudatlas search)", v)
				continue
			}
			r.Deny.Operators[j] = e.ID
		}
		for j, ref := range r.Require.Regions {
			if a.Region(ref.Provider, ref.Code) == nil {
				bad(r, fmt.Sprintf("%srequire.regions[%d]", at, j), "%q is no region of the atlas", ref.String())
			}
		}
	}
	return errs.err()
}

// lineOf returns the line a field of the rule was written on (a path
// such as rules[0].deny.laws[1]), else the rule's line.
func (r *Rule) lineOf(field string) int {
	if l, ok := r.lines[field]; ok {
		return l
	}
	return r.Line
}

// jurisdictionCodes maps the code of every jurisdiction of the atlas to
// itself, upper case.
func jurisdictionCodes(a *atlas.Atlas) map[string]string {
	out := map[string]string{}
	for _, e := range a.Entities {
		if e.Kind == atlas.KindJurisdiction {
			c := strings.ToUpper(a.JurisdictionCode(e.ID))
			out[c] = c
		}
	}
	return out
}

// resolveKind returns the entity of kind that v names by id, name or
// alias, or nil.
func resolveKind(a *atlas.Atlas, v, kind string) *atlas.Entity {
	if e := a.Entity(v); e != nil && e.Kind == kind {
		return e
	}
	if e, err := a.Resolve(v); err == nil && e.Kind == kind {
		return e
	}
	return nil
}
