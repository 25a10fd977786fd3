package ranges

import (
	"cmp"
	"net/netip"
	"slices"
)

// umbrella names the catch-all services that providers list beside the
// specific ones; they sort after every specific service.
var umbrella = map[string]bool{"AMAZON": true, "AzureCloud": true}

// key is a record without its services: records with equal keys are the
// same placement and are merged.
type key struct {
	prefix                             netip.Prefix
	provider, partition, region, scope string
	country, subdivision, city         string
	asn                                uint32
}

func keyOf(r *Record) key {
	return key{r.Prefix, r.Provider, r.Partition, r.Region, r.Scope, r.Country, r.Subdivision, r.City, r.ASN}
}

// Merge folds records that differ only in their services into one record
// listing all of them, specific services first and umbrella services
// (AMAZON, AzureCloud) last. Records that name no region are folded into a
// regional record of the same prefix and provider when there is one, since
// the region-less entry (Azure's "Storage" beside "Storage.EastUS") adds
// only services. The result is sorted by prefix, then by the other fields,
// so that equal inputs give equal outputs.
func Merge(recs []Record) []Record {
	idx := make(map[key]int, len(recs))
	out := make([]Record, 0, len(recs))
	for _, r := range recs {
		k := keyOf(&r)
		if i, ok := idx[k]; ok {
			out[i].Services = addServices(out[i].Services, r.Services)
			continue
		}
		idx[k] = len(out)
		r.Services = addServices(nil, r.Services)
		out = append(out, r)
	}
	out = foldRegionless(out)
	for i := range out {
		sortServices(out[i].Services)
	}
	slices.SortFunc(out, func(a, b Record) int { return CompareRecords(&a, &b) })
	return out
}

// foldRegionless moves the services of region-less records into the
// regional records of the same prefix and provider, and drops them.
func foldRegionless(recs []Record) []Record {
	type pp struct {
		prefix              netip.Prefix
		provider, partition string
	}
	regional := make(map[pp][]int)
	for i := range recs {
		if recs[i].Region != "" {
			k := pp{recs[i].Prefix, recs[i].Provider, recs[i].Partition}
			regional[k] = append(regional[k], i)
		}
	}
	drop := make([]bool, len(recs))
	for i := range recs {
		r := &recs[i]
		if r.Region != "" || r.Country != "" {
			continue
		}
		js := regional[pp{r.Prefix, r.Provider, r.Partition}]
		for _, j := range js {
			recs[j].Services = addServices(recs[j].Services, r.Services)
		}
		drop[i] = len(js) > 0
	}
	out := recs[:0]
	for i := range recs {
		if !drop[i] {
			out = append(out, recs[i])
		}
	}
	return out
}

func addServices(dst, src []string) []string {
	for _, s := range src {
		if s != "" && !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

func sortServices(s []string) {
	slices.SortStableFunc(s, func(a, b string) int {
		if c := cmp.Compare(b2i(umbrella[a]), b2i(umbrella[b])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CompareRecords orders records by prefix, then by every other field, so
// that equal inputs give equal outputs.
func CompareRecords(a, b *Record) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()),
		cmp.Compare(a.Provider, b.Provider),
		cmp.Compare(a.Partition, b.Partition),
		cmp.Compare(a.Region, b.Region),
		cmp.Compare(a.Scope, b.Scope),
		cmp.Compare(a.Country, b.Country),
		cmp.Compare(a.Subdivision, b.Subdivision),
		cmp.Compare(a.City, b.City),
		cmp.Compare(a.ASN, b.ASN),
		slices.Compare(a.Services, b.Services),
	)
}
