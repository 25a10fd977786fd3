package routing

// entry is an address range with a value: a CSV row, or an interval of
// the resolved table.
type entry[V comparable] struct {
	span
	v V
}

// holding is what the ASN file says of a range: the ASN and the holder's
// name, as an index in the import's [interner].
type holding struct {
	asn, name uint32
}

// routed is what the table says of an interval.
type routed struct {
	holding
	country [2]byte // zero when the country file has no row for it
}

// flatten turns rows sorted by first address (which may nest or overlap)
// into sorted, non-overlapping entries. Where rows overlap, the most
// specific (narrowest) row wins, and of two rows of the same width the
// later one: the country file nests a provider's geofeed ranges inside the
// registry's wider ones, as a routing table nests longer prefixes.
// Adjacent results with the same value are merged.
func flatten[V comparable](rows []entry[V]) []entry[V] {
	out := make([]entry[V], 0, len(rows))
	var active []int // indexes of the rows covering p
	var p u128
	for i := 0; ; {
		if len(active) == 0 {
			if i == len(rows) {
				return out
			}
			p = rows[i].first
		}
		for i < len(rows) && rows[i].first == p {
			active = append(active, i)
			i++
		}
		end, win := activeEnd(rows, active)
		if i < len(rows) && rows[i].first.prev().less(end) {
			end = rows[i].first.prev()
		}
		out = appendMerged(out, entry[V]{span{p, end}, rows[win].v})
		if end == maxU128 {
			return out
		}
		p = end.next()
		active = dropEnded(rows, active, p)
	}
}

// activeEnd returns the lowest last address among the active rows and
// the row that wins there: the narrowest, the later on a tie.
func activeEnd[V comparable](rows []entry[V], active []int) (end u128, win int) {
	end, win = maxU128, active[0]
	for _, j := range active {
		r := &rows[j]
		if r.last.less(end) {
			end = r.last
		}
		w, rw := rows[win].last.sub(rows[win].first), r.last.sub(r.first)
		if !w.less(rw) && (rw.less(w) || j > win) {
			win = j
		}
	}
	return end, win
}

func dropEnded[V comparable](rows []entry[V], active []int, p u128) []int {
	kept := active[:0]
	for _, j := range active {
		if !rows[j].last.less(p) {
			kept = append(kept, j)
		}
	}
	return kept
}

// appendMerged appends e, merging it into the last entry when they touch
// and carry the same value.
func appendMerged[V comparable](out []entry[V], e entry[V]) []entry[V] {
	if n := len(out); n > 0 && out[n-1].v == e.v && out[n-1].last.next() == e.first && out[n-1].last != maxU128 {
		out[n-1].last = e.last
		return out
	}
	return append(out, e)
}

// intersect gives each ASN interval the country of the country intervals
// it overlaps, splitting it where the country changes. Parts no country
// interval covers keep a zero country. Addresses in the country file that
// no ASN interval covers are unrouted and are left out. Both inputs are
// sorted and non-overlapping.
func intersect(asns []entry[holding], ccs []entry[[2]byte]) []entry[routed] {
	out := make([]entry[routed], 0, len(asns)+len(ccs))
	j := 0
	for _, a := range asns {
		for j < len(ccs) && ccs[j].last.less(a.first) {
			j++
		}
		p, done := a.first, false
		for k := j; !done && k < len(ccs) && !a.last.less(ccs[k].first); k++ {
			c := ccs[k]
			if p.less(c.first) {
				out = appendMerged(out, entry[routed]{span{p, c.first.prev()}, routed{holding: a.v}})
				p = c.first
			}
			end := minU128(c.last, a.last)
			out = appendMerged(out, entry[routed]{span{p, end}, routed{a.v, c.v}})
			if end == a.last {
				done = true
			} else {
				p = end.next()
			}
		}
		if !done {
			out = appendMerged(out, entry[routed]{span{p, a.last}, routed{holding: a.v}})
		}
	}
	return out
}

func minU128(a, b u128) u128 {
	if a.less(b) {
		return a
	}
	return b
}
