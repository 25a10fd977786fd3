package atlas

import (
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a [Date] was written.
type Precision uint8

// The precisions, coarsest first. PrecisionNone marks the zero Date.
const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionMonth
	PrecisionDay
)

// Date is a calendar date written with year, month or day precision. The
// zero value is the unset date: an open bound.
type Date struct {
	Year  int
	Month time.Month // 0 when the precision is year
	Day   int        // 0 when the precision is year or month
	Prec  Precision
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	var d Date
	var err error
	switch len(s) {
	case 4:
		d.Prec = PrecisionYear
		d.Year, err = parseDigits(s)
	case 7:
		d.Prec = PrecisionMonth
		var t time.Time
		t, err = time.Parse("2006-01", s)
		d.Year, d.Month = t.Year(), t.Month()
	case 10:
		d.Prec = PrecisionDay
		var t time.Time
		t, err = time.Parse(time.DateOnly, s)
		d.Year, d.Month, d.Day = t.Year(), t.Month(), t.Day()
	default:
		err = fmt.Errorf("wrong length")
	}
	if err != nil {
		return Date{}, fmt.Errorf("bad date %q (want YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	return d, nil
}

func parseDigits(s string) (int, error) {
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number: %q", s)
		}
	}
	return strconv.Atoi(s)
}

// DateOf returns t as a Date with day precision (in UTC).
func DateOf(t time.Time) Date {
	t = t.UTC()
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day(), Prec: PrecisionDay}
}

// IsZero reports whether d is the unset date.
func (d Date) IsZero() bool { return d.Prec == PrecisionNone }

// Start returns the first instant of the written period (UTC midnight).
func (d Date) Start() time.Time {
	switch d.Prec {
	case PrecisionYear:
		return time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC)
	case PrecisionDay:
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// End returns the first instant after the written period: for "2016" it
// is 2017-01-01T00:00Z, so the period is [Start, End).
func (d Date) End() time.Time {
	switch d.Prec {
	case PrecisionYear:
		return d.Start().AddDate(1, 0, 0)
	case PrecisionMonth:
		return d.Start().AddDate(0, 1, 0)
	case PrecisionDay:
		return d.Start().AddDate(0, 0, 1)
	}
	return time.Time{}
}

// String returns the date as it was written, or "" for the zero Date.
func (d Date) String() string {
	switch d.Prec {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return ""
}

// MarshalText returns the date as written.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Interval is a validity period with optional bounds. The zero value is
// always true.
type Interval struct {
	From, To Date
}

// Contains reports whether t lies in the interval, with each bound
// widened to its written period.
func (iv Interval) Contains(t time.Time) bool {
	if !iv.From.IsZero() && t.Before(iv.From.Start()) {
		return false
	}
	if !iv.To.IsZero() && !t.Before(iv.To.End()) {
		return false
	}
	return true
}

// Overlaps reports whether two intervals share an instant.
func (iv Interval) Overlaps(o Interval) bool {
	return startOf(iv.From).Before(endOf(o.To)) && startOf(o.From).Before(endOf(iv.To))
}

var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func startOf(d Date) time.Time {
	if d.IsZero() {
		return minTime
	}
	return d.Start()
}

func endOf(d Date) time.Time {
	if d.IsZero() {
		return maxTime
	}
	return d.End()
}

// String renders the interval as "from..to" with open bounds left empty.
func (iv Interval) String() string {
	if iv.From.IsZero() && iv.To.IsZero() {
		return ""
	}
	return iv.From.String() + ".." + iv.To.String()
}
