package answer

import (
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// earliest is the first day an as-of date may name: no range feed or
// cloud existed before it, and a date like 0000-01-01 is a typo.
var earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseAsOf parses an as-of date as every surface takes it: "" is the
// start of today (UTC); YYYY, YYYY-MM and YYYY-MM-DD are the start of
// that year, month or day. Dates before 1970 are refused. Errors are of
// kind [Invalid] and name the value.
func ParseAsOf(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return atlas.DateOf(now.UTC()).Start(), nil
	}
	d, err := atlas.ParseDate(s)
	if err != nil {
		return time.Time{}, invalidf("as-of date %q: %v", clip(s), err)
	}
	t := d.Start()
	if t.Before(earliest) {
		return time.Time{}, invalidf("as-of date %q is before 1970; nothing in the atlas is that old", s)
	}
	return t, nil
}

// Day formats an as-of instant as the answers print it (YYYY-MM-DD).
func Day(t time.Time) string { return atlas.DateOf(t).String() }

// Day0 returns the start of the day of now, UTC: the as-of instant of
// "today".
func Day0(now time.Time) time.Time { return atlas.DateOf(now.UTC()).Start() }
