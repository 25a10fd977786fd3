package atlas

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in         string
		start, end string
		wantErr    bool
	}{
		{in: "2016", start: "2016-01-01", end: "2017-01-01"},
		{in: "2016-02", start: "2016-02-01", end: "2016-03-01"},
		{in: "2016-02-29", start: "2016-02-29", end: "2016-03-01"},
		{in: "2016-13", wantErr: true},
		{in: "2015-02-29", wantErr: true},
		{in: "16", wantErr: true},
		{in: "20x6", wantErr: true},
		{in: "2016/01/01", wantErr: true},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if d.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, d)
		}
		if got := d.Start().Format(time.DateOnly); got != tt.start {
			t.Errorf("ParseDate(%q).Start() = %s, want %s", tt.in, got, tt.start)
		}
		if got := d.End().Format(time.DateOnly); got != tt.end {
			t.Errorf("ParseDate(%q).End() = %s, want %s", tt.in, got, tt.end)
		}
	}
}

func TestIntervalWidening(t *testing.T) {
	iv := Interval{From: mustDate("2016"), To: mustDate("2016")}
	for at, want := range map[string]bool{"2015-12-31": false, "2016-01-01": true, "2016-12-31": true, "2017-01-01": false} {
		if got := iv.Contains(day(at)); got != want {
			t.Errorf("%v.Contains(%s) = %v, want %v", iv, at, got, want)
		}
	}
	if !(Interval{To: mustDate("2016")}).Overlaps(Interval{From: mustDate("2016-12")}) {
		t.Error("..2016 and 2016-12.. should overlap")
	}
	if (Interval{To: mustDate("2016-06")}).Overlaps(Interval{From: mustDate("2016-07")}) {
		t.Error("..2016-06 and 2016-07.. should not overlap")
	}
}

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FuzzParseDate checks that ParseDate never panics, that what it accepts
// prints back as written, and that the period it names is non-empty.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2016", "2016-02", "2016-02-29", "0000", "9999-12-31", "2016-13", "20x6", "+016", "2016-1-1", " 2016"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Errorf("ParseDate(%q).String() = %q", s, d)
		}
		if !d.Start().Before(d.End()) {
			t.Errorf("ParseDate(%q): empty period [%v, %v)", s, d.Start(), d.End())
		}
	})
}
