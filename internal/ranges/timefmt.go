package ranges

import (
	"fmt"
	"time"
)

// Layouts of the zone-less timestamps that feeds write. The fraction is
// optional: Google writes "2024-04-25T07:05:03.68994", Oracle
// "2025-07-21T07:13:25.457838". The times are read as UTC.
const (
	isoLocal   = "2006-01-02T15:04:05.999999999"
	spaceLocal = "2006-01-02 15:04:05.999999999"
)

// parseTime parses a zone-less ISO 8601 timestamp of a feed, naming the
// file and field on error.
func parseTime(name, field, s string) (time.Time, error) {
	t, err := time.Parse(isoLocal, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %s %q: want YYYY-MM-DDThh:mm:ss[.ffffff]", name, field, s)
	}
	return t, nil
}
