package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDay parses a day written YYYY-MM-DD and returns its first instant
// (UTC midnight).
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q (want YYYY-MM-DD)", s)
	}
	return t, nil
}

// DayOf returns the UTC midnight that starts t's day.
func DayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Week is an ISO 8601 week: weeks start on Monday and week 1 is the one
// with the year's first Thursday.
type Week struct {
	Year, Num int
}

// WeekOf returns the ISO week that contains t.
func WeekOf(t time.Time) Week {
	y, w := t.UTC().ISOWeek()
	return Week{y, w}
}

// ParseWeek parses a week written YYYY-Www ("2026-W34").
func ParseWeek(s string) (Week, error) {
	bad := fmt.Errorf("bad week %q (want YYYY-Www, e.g. 2026-W34)", s)
	ys, ws, ok := strings.Cut(s, "-W")
	if !ok || len(ys) != 4 || len(ws) != 2 {
		return Week{}, bad
	}
	y, err1 := strconv.Atoi(ys)
	n, err2 := strconv.Atoi(ws)
	if err1 != nil || err2 != nil || n < 1 {
		return Week{}, bad
	}
	w := Week{y, n}
	if WeekOf(w.Monday()) != w {
		return Week{}, fmt.Errorf("bad week %q: %d has no week %d", s, y, n)
	}
	return w, nil
}

// String returns the week as YYYY-Www.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Monday returns the first instant of the week.
func (w Week) Monday() time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -back+7*(w.Num-1))
}

// Days returns the week's seven days, Monday first.
func (w Week) Days() []time.Time {
	out := make([]time.Time, 7)
	for i := range out {
		out[i] = w.Monday().AddDate(0, 0, i)
	}
	return out
}

// Prev returns the week before w.
func (w Week) Prev() Week { return WeekOf(w.Monday().AddDate(0, 0, -7)) }

// Next returns the week after w.
func (w Week) Next() Week { return WeekOf(w.Monday().AddDate(0, 0, 7)) }

// Contains reports whether the instant t falls in the week.
func (w Week) Contains(t time.Time) bool { return WeekOf(t) == w }

// dayString formats a day as YYYY-MM-DD.
func dayString(t time.Time) string { return t.UTC().Format(time.DateOnly) }
