// Package guard decides whether a new version of a data feed may replace
// the current one. Feeds are trusted by their content, not by their
// label: a version is refused when its upstream id or date goes
// backwards, when its content changed under an unchanged upstream id,
// when it shrank or grew beyond a bound, or when a provider's own file
// lists special-purpose address space (see [Special]).
//
// The package does no I/O. The range updater (internal/update) and the
// routing-data importer call it with what they know of both versions.
package guard

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Version is one version of a feed as the guard sees it.
type Version struct {
	// File names where the version was read from (a path or URL; several
	// joined by spaces), for messages.
	File string
	// Snapshot is the store id of a stored version, 0 for a candidate.
	Snapshot int64
	// ID is the feed's own version marker (AWS syncToken, Azure
	// changeNumber, ...); empty when the feed has none.
	ID string
	// Files is how many files the version was built from. Only a
	// single-file version's id names its whole content; a multi-file
	// version carries the newest of its files' ids.
	Files int
	// Date is the version's own date (in-file, else the server's
	// Last-Modified); zero when unknown.
	Date time.Time
	// SHA256 is the hex digest of the version's source bytes.
	SHA256 string
	// Prefixes is the number of distinct prefixes it lists.
	Prefixes int
}

// Limits bound how much a feed may change in one update.
type Limits struct {
	MaxShrink float64 // largest fraction of prefixes that may disappear
	MaxGrowth float64 // largest growth, as a fraction of the current count
}

// DefaultLimits: a feed that lost more than 20% of its prefixes, or grew
// by more than half, is more likely broken or tampered with than real.
var DefaultLimits = Limits{MaxShrink: 0.20, MaxGrowth: 0.50}

// Reason says why a version was refused.
type Reason string

// The reasons for a refusal.
const (
	IDBackwards    Reason = "id-backwards"    // the upstream id is older than the current one
	ChangedSameID  Reason = "changed-same-id" // different content under the same upstream id
	DateBackwards  Reason = "date-backwards"  // the upstream date is older than the current one
	Shrank         Reason = "shrank"          // lost more than MaxShrink of its prefixes
	Grew           Reason = "grew"            // grew by more than MaxGrowth
	SpecialPurpose Reason = "special-purpose" // a provider's file lists special-purpose space
)

// Refusal is a version the guard refused. It is an error.
type Refusal struct {
	Reason Reason
	File   string // the file (or files) refused
	Detail string // what was found, in words
}

// Error says which file was refused, why, and how to accept it anyway.
func (r *Refusal) Error() string {
	return fmt.Sprintf("%s: %s: refusing; use --force to accept", r.File, r.Detail)
}

// Successor checks whether next may replace cur, the current version of
// the same feed. It returns nil when it may. Equal content (same SHA256)
// is not its concern: the caller treats that as unchanged first.
func Successor(cur, next Version, lim Limits) *Refusal {
	for _, check := range []func(cur, next Version, lim Limits) *Refusal{
		idBackwards, changedSameID, dateBackwards, shrank, grew,
	} {
		if r := check(cur, next, lim); r != nil {
			return r
		}
	}
	return nil
}

func refuse(reason Reason, next Version, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, File: next.File, Detail: fmt.Sprintf(format, args...)}
}

func idBackwards(cur, next Version, _ Limits) *Refusal {
	if cur.ID == "" || next.ID == "" || CompareIDs(next.ID, cur.ID) >= 0 {
		return nil
	}
	return refuse(IDBackwards, next, "upstream id went backwards (%s, current snapshot %d has %s)",
		next.ID, cur.Snapshot, cur.ID)
}

func changedSameID(cur, next Version, _ Limits) *Refusal {
	if cur.ID == "" || next.ID != cur.ID || next.Files > 1 || next.SHA256 == cur.SHA256 {
		return nil
	}
	return refuse(ChangedSameID, next, "content changed under the same upstream id %s (sha256 %s, current snapshot %d has %s)",
		next.ID, short(next.SHA256), cur.Snapshot, short(cur.SHA256))
}

func dateBackwards(cur, next Version, _ Limits) *Refusal {
	if cur.Date.IsZero() || next.Date.IsZero() || !next.Date.Before(cur.Date) {
		return nil
	}
	return refuse(DateBackwards, next, "upstream date went backwards (%s, current snapshot %d is of %s)",
		day(next.Date), cur.Snapshot, day(cur.Date))
}

func shrank(cur, next Version, lim Limits) *Refusal {
	if float64(next.Prefixes) >= float64(cur.Prefixes)*(1-lim.MaxShrink) {
		return nil
	}
	return refuse(Shrank, next, "only %d prefixes, down from %d in snapshot %d (more than %s lost)",
		next.Prefixes, cur.Prefixes, cur.Snapshot, percent(lim.MaxShrink))
}

func grew(cur, next Version, lim Limits) *Refusal {
	if float64(next.Prefixes) <= float64(cur.Prefixes)*(1+lim.MaxGrowth) {
		return nil
	}
	return refuse(Grew, next, "%d prefixes, up from %d in snapshot %d (more than %s growth)",
		next.Prefixes, cur.Prefixes, cur.Snapshot, percent(lim.MaxGrowth))
}

// CompareIDs compares two upstream ids: numerically when both are decimal
// numbers, else as strings (dates such as 2026-08-22 sort correctly).
func CompareIDs(a, b string) int {
	if isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func percent(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }
