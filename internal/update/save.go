package update

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// candidate is a snapshot on its way into the store.
type candidate struct {
	snap    *ranges.Snapshot
	files   []string // the files (or URLs) it was built from
	history bool     // a file of the history/ folder
}

// notSaved carries, out of the saving transaction, why a candidate was
// not saved although nothing went wrong.
type notSaved struct {
	status Status
	reason string
	same   *store.SnapshotInfo
}

func (n *notSaved) Error() string { return n.reason }

// save stores c.snap unless it equals a stored snapshot or the guard
// refuses it. The guard runs inside the transaction that saves, against
// the current snapshot as it is then.
func (u *Updater) save(ctx context.Context, c candidate) Result {
	res := Result{Feed: c.snap.Feed, Source: c.snap.Source, History: c.history}
	u.fillCountries(c.snap)
	if !u.marked {
		if err := index.Invalidate(u.Dir); err != nil {
			return failed(res, err)
		}
		u.marked = true
	}
	id, err := u.Store.SaveIf(ctx, c.snap, func(cur, same *store.SnapshotInfo) error {
		return u.accept(c, cur, same)
	})
	res.Warnings = c.snap.Warnings
	var ns *notSaved
	var refusal *guard.Refusal
	switch {
	case errors.As(err, &ns):
		res.Status, res.Reason = ns.status, ns.reason
		if ns.same != nil {
			res.Snapshot = *ns.same
		}
		return res
	case errors.As(err, &refusal):
		res.Status, res.Refusal, res.Err = Refused, refusal, refusal
		return res
	case err != nil:
		return failed(res, err)
	}
	if res.Snapshot, err = u.Store.Info(ctx, id); err != nil {
		return failed(res, err)
	}
	res.Status = Saved
	return res
}

// accept decides, given the feed's current snapshot and a stored one with
// the same content (either may be nil), whether c may be saved. Forced
// past a provider file's special-purpose prefixes, it drops them from
// the snapshot about to be saved.
func (u *Updater) accept(c candidate, cur, same *store.SnapshotInfo) error {
	s := c.snap
	switch {
	case c.history && same != nil:
		return &notSaved{Skipped, fmt.Sprintf("already stored as snapshot %d", same.ID), same}
	case cur != nil && cur.SHA256 == s.SHA256:
		return &notSaved{Unchanged, fmt.Sprintf("snapshot %d, same sha256", cur.ID), cur}
	case c.history && cur != nil && !s.UpstreamDate.After(cur.InForceFrom()):
		return &notSaved{status: Skipped, reason: fmt.Sprintf("dated %s, not after the current snapshot %d (%s): "+
			"history is imported only before newer snapshots", day(s.UpstreamDate), cur.ID, day(cur.InForceFrom()))}
	}
	if len(s.Special) > 0 {
		if !u.Force {
			return guard.SpecialRefusal(s.Special)
		}
		s.DropSpecial()
		if len(s.Records) == 0 {
			return fmt.Errorf("%s: every prefix is in special-purpose address space", c.source())
		}
	}
	if cur == nil || u.Force {
		return nil
	}
	if r := guard.Successor(storedVersion(*cur), candidateVersion(c), u.limits()); r != nil {
		return r
	}
	return nil
}

// storedVersion describes a stored snapshot to the guard.
func storedVersion(si store.SnapshotInfo) guard.Version {
	return guard.Version{File: si.Source, Snapshot: si.ID, ID: si.UpstreamID, Date: si.UpstreamDate,
		SHA256: si.SHA256, Prefixes: si.V4 + si.V6}
}

// candidateVersion describes a candidate to the guard.
func candidateVersion(c candidate) guard.Version {
	v4, v6 := c.snap.PrefixCount()
	return guard.Version{File: c.source(), ID: c.snap.UpstreamID, Files: len(c.files), Date: c.snap.UpstreamDate,
		SHA256: c.snap.SHA256, Prefixes: v4 + v6}
}

// maxNamed bounds how many files a message names one by one.
const maxNamed = 3

// source names the candidate's files for a message: each of a few, or
// the directory and count of many (a feed of one file per ASN).
func (c candidate) source() string {
	if len(c.files) <= maxNamed {
		return strings.Join(c.files, ", ")
	}
	return fmt.Sprintf("%s (%d files)", commonDir(c.files)+string(filepath.Separator), len(c.files))
}

// commonDir returns the deepest directory holding every path.
func commonDir(paths []string) string {
	dir := filepath.Dir(paths[0])
	for _, p := range paths[1:] {
		for dir != "." && dir != string(filepath.Separator) && !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			dir = filepath.Dir(dir)
		}
	}
	return dir
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func failed(res Result, err error) Result {
	res.Status, res.Err = Failed, err
	return res
}

// fillCountries gives the records of a region that the feed leaves
// without a country the country of that region, when RegionCountry
// knows it (the atlas knows where every region is).
func (u *Updater) fillCountries(snap *ranges.Snapshot) {
	if u.RegionCountry == nil {
		return
	}
	for i := range snap.Records {
		if r := &snap.Records[i]; r.Country == "" && r.Region != "" {
			r.Country = u.RegionCountry(r.Provider, r.Region)
		}
	}
}
