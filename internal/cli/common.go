package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// openIndex returns the current range index of the data dir: the index
// file when there is one (see [index.Invalidate]), else rebuilt from the
// store. It fails with [index.ErrEmpty] when no feed has been loaded.
func openIndex(ctx context.Context, dir string) (*index.Index, error) {
	if ix, err := index.Read(filepath.Join(dir, index.File)); err == nil && !ix.Empty() {
		return ix, nil
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ix, err := index.Open(ctx, db, dir)
	if err != nil {
		return nil, err
	}
	if ix.Empty() {
		return nil, index.ErrEmpty
	}
	return ix, nil
}

// query is one parsed input: an address, or a CIDR prefix.
type query struct {
	addr   netip.Addr
	prefix netip.Prefix // valid only for CIDR input
}

// errBadInput describes an input that is neither an address nor a prefix.
var errBadInput = errors.New("not an IP address or CIDR prefix")

// parseQuery parses an IP address or CIDR prefix, tolerating surrounding
// spaces, IPv6 zones and IPv4-mapped IPv6 forms. A prefix of full length
// (/32, /128) is treated as an address.
func parseQuery(s string) (query, error) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return query{}, errBadInput
		}
		return query{addr: lpm.Normalize(a)}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return query{}, errBadInput
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() {
		if bits < 96 {
			return query{}, errBadInput
		}
		a, bits = a.Unmap(), bits-96
	}
	p = netip.PrefixFrom(a, bits).Masked()
	if bits == a.BitLen() {
		return query{addr: a}, nil
	}
	return query{addr: p.Addr(), prefix: p}, nil
}

// isPrefix reports whether q is a CIDR query.
func (q query) isPrefix() bool { return q.prefix.IsValid() }

// found is one match of a query with how it relates to the query: the
// range contains the query, or (for a CIDR query) lies within it.
type found struct {
	lpm.Match
	within bool
}

// resolve returns every match of q in tbl: for an address, the ranges
// that contain it; for a prefix, those that contain it and then those
// inside it.
func resolve(tbl *lpm.Table, q query, buf []found) []found {
	buf = buf[:0]
	if !q.isPrefix() {
		for _, m := range tbl.Lookup(q.addr) {
			buf = append(buf, found{Match: m})
		}
		return buf
	}
	for _, m := range tbl.Covering(q.prefix) {
		buf = append(buf, found{Match: m})
	}
	tbl.Within(q.prefix, func(m lpm.Match) bool {
		buf = append(buf, found{Match: m, within: true})
		return true
	})
	return buf
}

// buildTable decodes every record of ix and indexes them.
func buildTable(ix *index.Index) (*lpm.Table, error) {
	sets, err := ix.Sets()
	if err != nil {
		return nil, err
	}
	return lpm.Build(sets), nil
}

// resolveAddress returns the distinct placements (provider, partition,
// region) among the range matches of an address or CIDR argument, each
// with its most specific prefix, most specific first.
func resolveAddress(ctx context.Context, e *Env, dataDir, arg string) ([]RegionRef, error) {
	q, err := parseQuery(arg)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", errUsage, arg, err)
	}
	ix, err := openIndex(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	find, err := finder(ix, []query{q})
	if err != nil {
		return nil, err
	}
	matches, err := find(q)
	if err != nil {
		return nil, err
	}
	var refs []RegionRef
	seen := map[RegionRef]bool{}
	for _, m := range matches {
		r := m.Record
		key := RegionRef{Provider: r.Provider, Partition: r.Partition, Region: r.Region}
		if seen[key] {
			continue
		}
		seen[key] = true
		key.Prefix, key.Feed = r.Prefix.String(), m.Source.Feed
		refs = append(refs, key)
	}
	return refs, nil
}
