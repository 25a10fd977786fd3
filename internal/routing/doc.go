// Package routing is the routing tier: for every routed IPv4 and IPv6
// address, the autonomous system that announces it, the AS holder's name
// and the address range's registered country.
//
// The data is two npm packages of the ip-location-db project, taken as the
// registry serves them: [PackageASN] (ranges to ASN and holder, from
// RouteViews, the RIRs via the NRO, and DB-IP; CC BY 4.0) and
// [PackageCountry] (ranges to country, from geofeeds and RIR whois).
// [Fetch] downloads the latest version of one from the registry and checks
// its sha512 integrity; [ImportDir] reads the newest of each from a
// directory; [Parse] validates both tarballs, refusing the whole import on
// any bad row, and builds a [Table]: sorted, non-overlapping intervals,
// each with one ASN, holder and country.
//
// A Table lives in its binary encoding ([Table.Bytes], [Open]), searched
// in place: opening checks a checksum and the structure, and a lookup is a
// binary search that allocates nothing. docs/routing.md describes the
// interval model, the encoding and the refusal rules.
package routing
