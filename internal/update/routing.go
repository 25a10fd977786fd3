package update

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// RoutingFeed is the feed id of the routing tier in results, logs and
// "update --feed".
const RoutingFeed = "routing"

// routingDirs returns where an import from dir looks for the two
// ip-location-db tarballs: dir itself, dir/asn, and an asn folder beside
// dir (../shared/data/asn beside ../shared/data/ranges).
func routingDirs(dir string) []string {
	return []string{dir, filepath.Join(dir, "asn"), filepath.Join(filepath.Dir(filepath.Clean(dir)), "asn")}
}

// hasTarballs reports whether dir holds a tarball of the ASN package.
func hasTarballs(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, routing.TarballFile(routing.PackageASN, "*")))
	return len(m) > 0
}

// routing updates the routing tier: the two ip-location-db packages from
// RoutingFrom, else from beside From, else from the npm registry; then
// the guard against the current snapshot, the parse (which refuses a bad
// tarball, naming the member and row), the store and the routing file.
func (u *Updater) routing(ctx context.Context) Result {
	res := Result{Feed: RoutingFeed}
	cur, err := u.Store.CurrentRouting(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return failed(res, err)
	}
	asn, country, skip, err := u.routingTarballs(ctx, cur)
	if err != nil {
		return failed(res, err)
	}
	if skip != nil {
		return *skip
	}
	res.Source = asn.Source + " " + country.Source
	if cur != nil && cur.ASNSHA256 == asn.SHA256 && cur.CountrySHA256 == country.SHA256 {
		res.Status, res.Reason, res.Snapshot = Unchanged, "same tarballs as the current routing snapshot", routingInfo(cur)
		return res
	}
	tbl, _, err := routing.Parse(asn, country, routing.DefaultLimits)
	if err != nil {
		return failed(res, err)
	}
	next := &store.RoutingSnapshot{ASNVersion: asn.Version, ASNIntegrity: asn.Integrity, ASNSHA256: asn.SHA256,
		CountryVersion: country.Version, CountryIntegrity: country.Integrity, CountrySHA256: country.SHA256,
		Fetched: u.now(), Source: res.Source, Table: tbl.Bytes()}
	next.V4, next.V6 = tbl.Len()
	if cur != nil && !u.Force {
		if r := routingSuccessor(cur, next, asn, country, u.limits()); r != nil {
			res.Status, res.Refusal, res.Err = Refused, r, r
			return res
		}
	}
	if next.ID, err = u.Store.SaveRouting(ctx, next); err != nil {
		return failed(res, err)
	}
	res.Status, res.Snapshot = Saved, routingInfo(next)
	tag, err := index.StoreTag(ctx, u.Store, u.Dir)
	if err == nil {
		err = routing.WriteFile(filepath.Join(u.Dir, routing.FileName),
			routing.Stored{Table: tbl, Snapshot: next.ID, Fetched: next.Fetched, Store: tag})
	}
	if err != nil {
		res.Warnings = append(res.Warnings, err.Error()+"; readers load the routing table from the store until it can be written")
	}
	return res
}

// routingTarballs finds or downloads the two tarballs. skip is set when
// there is nothing to import: no tarballs beside From, or the registry
// has nothing newer.
func (u *Updater) routingTarballs(ctx context.Context, cur *store.RoutingSnapshot) (asn, country *routing.Tarball, skip *Result, err error) {
	dirs := []string{u.RoutingFrom}
	if u.RoutingFrom == "" && u.From != "" {
		dirs = routingDirs(u.From)
	}
	if dirs[0] != "" {
		for _, d := range dirs {
			if hasTarballs(d) {
				asn, country, err = routing.ImportDir(d)
				return asn, country, nil, err
			}
		}
		return nil, nil, &Result{Feed: RoutingFeed, Status: Skipped,
			Reason: "no ip-location-db tarballs in " + strings.Join(dirs, ", ")}, nil
	}
	var haveASN, haveCountry string
	if cur != nil {
		haveASN, haveCountry = cur.ASNVersion, cur.CountryVersion
	}
	client := u.client().HTTP
	asn, errA := routing.Fetch(ctx, client, routing.Registry, routing.PackageASN, haveASN)
	country, errC := routing.Fetch(ctx, client, routing.Registry, routing.PackageCountry, haveCountry)
	switch {
	case errors.Is(errA, routing.ErrUnchanged) && errors.Is(errC, routing.ErrUnchanged):
		return nil, nil, &Result{Feed: RoutingFeed, Status: Unchanged, Reason: "no newer version on the npm registry",
			Snapshot: routingInfo(cur)}, nil
	case errA != nil && !errors.Is(errA, routing.ErrUnchanged):
		return nil, nil, nil, errA
	case errC != nil && !errors.Is(errC, routing.ErrUnchanged):
		return nil, nil, nil, errC
	}
	// One package moved on: take the other's current version again.
	if asn == nil {
		asn, err = routing.FetchVersion(ctx, client, routing.Registry, routing.PackageASN, haveASN)
	}
	if country == nil && err == nil {
		country, err = routing.FetchVersion(ctx, client, routing.Registry, routing.PackageCountry, haveCountry)
	}
	return asn, country, nil, err
}

// routingSuccessor applies the guard to a new routing snapshot: package
// versions never go backwards, content never changes under an unchanged
// version, and the routed intervals neither shrink nor grow beyond the
// limits.
func routingSuccessor(cur, next *store.RoutingSnapshot, asn, country *routing.Tarball, lim guard.Limits) *guard.Refusal {
	for _, p := range []struct {
		file                string
		curV, nextV         string
		curSHA, nextSHA     string
		curCount, nextCount int
	}{
		{asn.Source, cur.ASNVersion, next.ASNVersion, cur.ASNSHA256, next.ASNSHA256, cur.V4 + cur.V6, next.V4 + next.V6},
		{country.Source, cur.CountryVersion, next.CountryVersion, cur.CountrySHA256, next.CountrySHA256, cur.V4 + cur.V6, next.V4 + next.V6},
	} {
		if c, err := routing.CompareVersions(p.nextV, p.curV); err == nil && c < 0 {
			return &guard.Refusal{Reason: guard.IDBackwards, File: p.file,
				Detail: fmt.Sprintf("package version went backwards (%s, current routing snapshot %d has %s)", p.nextV, cur.ID, p.curV)}
		}
		if p.nextV == p.curV && p.nextSHA != p.curSHA {
			return &guard.Refusal{Reason: guard.ChangedSameID, File: p.file,
				Detail: fmt.Sprintf("content changed under the same version %s (sha256 %.12s, current routing snapshot %d has %.12s)",
					p.nextV, p.nextSHA, cur.ID, p.curSHA)}
		}
	}
	return guard.Successor(guard.Version{Snapshot: cur.ID, Prefixes: cur.V4 + cur.V6},
		guard.Version{File: asn.Source, Prefixes: next.V4 + next.V6}, lim)
}

// routingInfo describes a routing snapshot as results describe feeds.
func routingInfo(s *store.RoutingSnapshot) store.SnapshotInfo {
	if s == nil {
		return store.SnapshotInfo{}
	}
	return store.SnapshotInfo{ID: s.ID, Feed: RoutingFeed, UpstreamID: s.ASNVersion, Fetched: s.Fetched,
		SHA256: s.ASNSHA256, Source: s.Source, V4: s.V4, V6: s.V6, Records: s.V4 + s.V6}
}
