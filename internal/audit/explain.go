package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// conditions lists the rule's conditions as written: "deny.laws:
// law/us-cloud-act, law/us-fisa-702".
func (r *Rule) conditions() []string {
	var out []string
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			out = append(out, name+": "+strings.Join(vals, ", "))
		}
	}
	add("deny.jurisdictions", r.Deny.Jurisdictions)
	add("deny.laws", r.Deny.Laws)
	add("deny.operators", r.Deny.Operators)
	if !r.Deny.RegionLaunchedAfter.IsZero() {
		add("deny.region_launched_after", []string{r.Deny.RegionLaunchedAfter.String()})
	}
	add("require.operator_controlled_from", r.Require.OperatorControlledFrom)
	add("require.located_in", r.Require.LocatedIn)
	regions := make([]string, len(r.Require.Regions))
	for i, ref := range r.Require.Regions {
		regions[i] = ref.String()
	}
	add("require.regions", regions)
	return out
}

// Rule returns the rule with id, or nil.
func (p *Policy) Rule(id string) *Rule {
	for _, r := range p.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Explain says in sentences what a rule checks, when it fails, when it
// cannot be decided, and which exceptions it has. With an atlas, the
// laws, operators and regions it names are given their names.
func Explain(p *Policy, r *Rule, a *atlas.Atlas) string {
	var b strings.Builder
	name := func(id string) string {
		if a == nil {
			return id
		}
		if n := a.DisplayName(id); n != id {
			return n + " (" + id + ")"
		}
		return id
	}
	fmt.Fprintf(&b, "Rule %s (severity %s", r.ID, r.Severity)
	fmt.Fprintf(&b, "; an asset it cannot decide is %s)\n", map[string]string{UnknownFail: "a failure (exit 3)",
		UnknownWarn: "reported as a warning", UnknownIgnore: "counted and not reported"}[r.OnUnknown])
	if r.Description != "" {
		fmt.Fprintf(&b, "  %s\n", r.Description)
	}
	fmt.Fprintf(&b, "  Applies to %s.\n", r.scopeText())
	b.WriteString("  Each asset is resolved to the places that serve it (its ranges' provider, partition and region; a\n" +
		"  region as named), and each place is judged on the atlas's answer as of the audit date.\n")
	b.WriteString("  The asset fails when any of these holds of any of its places:\n")
	if js := r.Deny.Jurisdictions; len(js) > 0 {
		fmt.Fprintf(&b, "    - it answers to %s: it is located there, or an operator is incorporated there, or an\n"+
			"      entity that controls an operator is (a member state counts for the EU on the days it is a member)\n", strings.Join(js, ", "))
	}
	for _, l := range r.Deny.Laws {
		fmt.Fprintf(&b, "    - %s reaches it: the law is in force and reaches one of those bases\n", name(l))
	}
	for _, o := range r.Deny.Operators {
		fmt.Fprintf(&b, "    - %s operates it\n", name(o))
	}
	if d := r.Deny.RegionLaunchedAfter; !d.IsZero() {
		fmt.Fprintf(&b, "    - its region launched after %s\n", d)
	}
	if cs := r.Require.OperatorControlledFrom; len(cs) > 0 {
		fmt.Fprintf(&b, "    - an operator is controlled from outside %s: the home of an entity that controls it\n"+
			"      (controls, subsidiary_of, or a majority stake, up the chain), or its own home when nothing\n"+
			"      controls it, is not one of them (nor a member of one of them on the audit date)\n", strings.Join(cs, ", "))
	}
	if ls := r.Require.LocatedIn; len(ls) > 0 {
		fmt.Fprintf(&b, "    - it is located outside %s\n", strings.Join(ls, ", "))
	}
	if rs := r.Require.Regions; len(rs) > 0 {
		names := make([]string, len(rs))
		for i, ref := range rs {
			names[i] = ref.String()
		}
		fmt.Fprintf(&b, "    - it is in a region other than %s (a global or multi-region location fails too)\n", strings.Join(names, ", "))
	}
	b.WriteString("  It is unknown when none holds but one cannot be decided: the asset resolves to no place, the\n" +
		"  atlas has no answer or no operator for the place, an operator's home or owners are not recorded,\n" +
		"  or the place names no region (for the region conditions).\n")
	var exc []*Exception
	for _, e := range p.Exceptions {
		if e.Rule == r.ID {
			exc = append(exc, e)
		}
	}
	if len(exc) == 0 {
		b.WriteString("  No exception.\n")
	}
	for _, e := range exc {
		fmt.Fprintf(&b, "  Exception (line %d): assets matching %q are waived until %s: %s\n", e.Line, e.Asset, e.Expires, e.Reason)
	}
	return b.String()
}

// scopeText describes which assets a rule matches.
func (r *Rule) scopeText() string {
	m := r.Match
	kinds := "every asset (address, cidr, host, region)"
	if len(m.Kinds) > 0 {
		kinds = "assets of kind " + strings.Join(m.Kinds, ", ")
	}
	if len(m.Providers) > 0 {
		kinds += " of provider " + strings.Join(m.Providers, ", ")
	}
	if len(m.Tags) > 0 {
		var tags []string
		for k, v := range m.Tags {
			tags = append(tags, k+"="+v)
		}
		kinds += " tagged " + strings.Join(slices.Sorted(slices.Values(tags)), ", ")
	}
	return kinds
}
