package ranges

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// geofeedModified introduces the date header that Linode writes, e.g.
// "# Last modified: 2025-07-24 10:00:06.525037".
const geofeedModified = "# Last modified:"

// ParseGeofeed parses a self-published geofeed (RFC 8805): CSV lines of
// prefix, country (ISO 3166-1 alpha-2), region (ISO 3166-2), city and
// postal code, of which only the prefix is required. Lines starting with
// '#' are comments; a "# Last modified:" comment, when it holds a
// timestamp, gives the upstream date. The geofeed region is an ISO
// subdivision, not a cloud region, so it goes to Subdivision and the
// record's Region stays empty. The postal code is dropped.
func ParseGeofeed(name string, data []byte) (Parsed, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Parsed{}, fmt.Errorf("%s: empty file", name)
	}
	var p Parsed
	for n, text := range lines(data) {
		switch {
		case text == "":
		case strings.HasPrefix(text, "#"):
			if t, ok := geofeedDate(text); ok {
				p.UpstreamDate = t
			}
		default:
			r, err := geofeedRecord(name, n, text)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, r)
		}
	}
	return p, nil
}

// geofeedRecord parses line n of a geofeed.
func geofeedRecord(name string, n int, text string) (Record, error) {
	f := strings.Split(text, ",")
	if len(f) > 5 {
		return Record{}, fmt.Errorf("%s: line %d: %d fields, want at most 5 (prefix,country,region,city,postal)", name, n, len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	f = append(f, "", "", "", "")
	pfx, err := parsePrefix(name, fmt.Sprintf("line %d", n), f[0])
	if err != nil {
		return Record{}, err
	}
	country := strings.ToUpper(f[1])
	if country != "" && !isAlpha2(country) {
		return Record{}, fmt.Errorf("%s: line %d: country %q: want an ISO 3166-1 alpha-2 code or nothing", name, n, f[1])
	}
	return Record{Prefix: pfx, Country: country, Subdivision: f[2], City: f[3]}, nil
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// geofeedDate returns the timestamp of a "# Last modified:" comment.
// Other comments, and dates in another layout, give false: the header is
// informal, so an unreadable one leaves the date unknown rather than
// failing the feed.
func geofeedDate(comment string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(comment, geofeedModified)
	if !ok {
		return time.Time{}, false
	}
	rest = strings.TrimSpace(rest)
	for _, layout := range []string{spaceLocal, isoLocal, time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, rest); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
