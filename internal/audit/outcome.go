package audit

import (
	"fmt"
	"slices"
	"strings"
)

// Exit codes of an audit, as "cloudatlas audit" exits and as the API's
// report gives them in outcome.exit_code.
const (
	ExitClean      = 0 // every finding at or above --fail-on passed (or was waived)
	ExitViolation  = 1 // a violation at or above --fail-on
	ExitError      = 2 // a usage, policy or inventory error; or nothing was checked
	ExitUnresolved = 3 // an asset could not be resolved under a rule with on_unknown: fail
)

// Outcome is what a report means for a CI gate.
type Outcome struct {
	Code   int    `json:"exit_code"`
	Result string `json:"result"` // clean, violations, unresolved, nothing-checked
	Reason string `json:"reason"`
}

// Outcome decides the report's exit code for a --fail-on severity. A
// violation wins over an unresolved asset; "nothing checked" (no asset,
// no rule matching any asset, or nothing decided) is never clean.
func (r *Report) Outcome(failOn Severity) Outcome {
	if r.Assets == 0 {
		return Outcome{ExitError, "nothing-checked", "the inventory has no assets"}
	}
	var violations, unresolved []string
	nViol, nUnres := 0, 0
	for _, f := range r.Findings {
		if f.Rule.Severity < failOn {
			continue
		}
		switch {
		case f.Status == StatusFail:
			nViol++
			violations = appendOnce(violations, f.Rule.ID)
		case f.Status == StatusUnknown && f.Rule.OnUnknown == UnknownFail:
			nUnres++
			unresolved = appendOnce(unresolved, f.Rule.ID)
		}
	}
	s := r.Summary
	switch {
	case nViol > 0:
		return Outcome{ExitViolation, "violations", fmt.Sprintf("%d violation%s at or above %s (rules %s)", nViol, plural(nViol), failOn, strings.Join(violations, ", "))}
	case nUnres > 0:
		return Outcome{ExitUnresolved, "unresolved", fmt.Sprintf("%d finding%s could not be decided under on_unknown: fail (rules %s)", nUnres, plural(nUnres), strings.Join(unresolved, ", "))}
	case s.Checked()+s.Unknown+s.UnknownIgnored == 0:
		return Outcome{ExitError, "nothing-checked", fmt.Sprintf("no rule matched any of the %d assets: nothing was checked", r.Assets)}
	case s.Checked() == 0:
		return Outcome{ExitUnresolved, "nothing-checked", fmt.Sprintf("none of the %d findings could be decided: nothing was checked", s.Unknown+s.UnknownIgnored)}
	}
	return Outcome{ExitClean, "clean", fmt.Sprintf("no violation at or above %s (%d checked)", failOn, s.Checked())}
}

func appendOnce(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Message is the finding's explanation in one line: why it fails, is
// unknown or passes, and for a waived finding the exception's reason.
func (f *Finding) Message() string {
	var msg string
	if len(f.Verdicts) == 1 {
		msg = f.Verdicts[0].Message
	} else {
		base := combine(f.Verdicts)
		var parts []string
		for _, v := range f.Verdicts {
			if v.Status == base {
				parts = append(parts, v.Place.Label()+": "+v.Message)
			}
		}
		msg = strings.Join(parts, "; ")
	}
	if f.Resolution != nil && len(f.Resolution.Places) == 0 {
		msg = "could not be resolved: " + msg
	}
	if f.Waiver != nil {
		msg = fmt.Sprintf("waived until %s (%s): %s", f.Waiver.Expires, f.Waiver.Reason, msg)
	}
	for _, x := range f.Expired {
		msg += fmt.Sprintf(" [exception for %q expired %s and no longer applies]", x.Asset, x.Expires)
	}
	return msg
}
