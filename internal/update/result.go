package update

import (
	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// Status is the outcome of updating one feed (or importing one history
// file).
type Status int

// The outcomes.
const (
	Saved     Status = iota + 1 // a new snapshot is stored and current
	Unchanged                   // the feed equals its current snapshot
	Skipped                     // nothing to do: no files, or already stored
	Refused                     // the guard refused the new snapshot
	Failed                      // the feed could not be read, parsed or stored
)

var statusNames = [...]string{Saved: "saved", Unchanged: "unchanged", Skipped: "skipped", Refused: "refused", Failed: "failed"}

// String returns the status's name, as in logs.
func (s Status) String() string {
	if s > 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Result is the outcome for one feed, or for one file of the history
// folder. A refused or failed feed keeps its previous snapshot current.
type Result struct {
	Feed   string
	Status Status
	// Source is what was read: file path(s) or URL(s).
	Source string
	// History marks the result of a file of the history/ folder.
	History bool
	// Snapshot is the new snapshot (Saved), or the stored one the feed
	// equals (Unchanged, or Skipped as already stored); zero otherwise.
	Snapshot store.SnapshotInfo
	// Reason says, in words, why a feed is Unchanged or Skipped
	// ("not modified upstream", "no files under DIR").
	Reason string
	// Warnings describe records dropped from the snapshot (third-party
	// lists' special-purpose prefixes, or a forced provider file's).
	Warnings []string
	// Refusal says why the guard refused (Refused).
	Refusal *guard.Refusal
	// Err is the failure (Failed) or the refusal (Refused).
	Err error
}
