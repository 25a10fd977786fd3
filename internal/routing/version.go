package routing

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CompareVersions compares two package versions made of dot-separated
// decimal numbers, such as 2.3.2026061719, number by number; a missing
// trailing number counts as 0. It returns -1 when a is older than b, 0
// when they are the same version and +1 when a is newer. A version that is
// not of that form (empty, a pre-release suffix, a sign) is an error: the
// caller cannot tell whether it goes backwards.
func CompareVersions(a, b string) (int, error) {
	pa, err := versionParts(a)
	if err != nil {
		return 0, err
	}
	pb, err := versionParts(b)
	if err != nil {
		return 0, err
	}
	for i := range max(len(pa), len(pb)) {
		var x, y uint64
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c, nil
		}
	}
	return 0, nil
}

func versionParts(v string) ([]uint64, error) {
	if v == "" {
		return nil, fmt.Errorf("routing: empty version")
	}
	fields := strings.Split(v, ".")
	out := make([]uint64, len(fields))
	for i, f := range fields {
		if f == "" || strings.TrimLeft(f, "0123456789") != "" {
			return nil, fmt.Errorf("routing: version %q: want dot-separated numbers like 2.3.2026061719", v)
		}
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("routing: version %q: %w", v, err)
		}
		out[i] = n
	}
	return out, nil
}

// VersionDate returns the date a package version carries: ip-location-db
// versions end in the build hour, YYYYMMDDHH (2.3.2026061719 was built
// on 2026-06-17). ok is false for a version without one.
func VersionDate(v string) (t time.Time, ok bool) {
	i := strings.LastIndexByte(v, '.')
	last := v[i+1:]
	if len(last) != 10 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006010215", last)
	return t, err == nil
}
