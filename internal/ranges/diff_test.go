package ranges

import (
	"reflect"
	"testing"
)

func rec(prefix, region string, services ...string) Record {
	return Record{Prefix: pfx(prefix), Provider: "aws", Partition: "aws", Region: region, Services: services}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new []Record
		want     Changes
	}{
		{name: "identical", old: []Record{rec("192.0.2.0/24", "a", "EC2")}, new: []Record{rec("192.0.2.0/24", "a", "EC2")}},
		{name: "service order ignored",
			old: []Record{rec("192.0.2.0/24", "a", "EC2", "AMAZON")},
			new: []Record{rec("192.0.2.0/24", "a", "AMAZON", "EC2")}},
		{name: "added and removed, by prefix",
			old: []Record{rec("198.51.100.0/24", "a"), rec("192.0.2.0/24", "a")},
			new: []Record{rec("2001:db8::/32", "a"), rec("192.0.2.0/24", "a"), rec("10.0.0.0/8", "b")},
			want: Changes{
				Added:   []Record{rec("10.0.0.0/8", "b"), rec("2001:db8::/32", "a")},
				Removed: []Record{rec("198.51.100.0/24", "a")},
			}},
		{name: "region change",
			old:  []Record{rec("192.0.2.0/24", "a", "EC2")},
			new:  []Record{rec("192.0.2.0/24", "b", "EC2")},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"), rec("192.0.2.0/24", "a", "EC2"), rec("192.0.2.0/24", "b", "EC2")}}}},
		{name: "service change",
			old:  []Record{rec("192.0.2.0/24", "a", "AMAZON")},
			new:  []Record{rec("192.0.2.0/24", "a", "EC2", "AMAZON")},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"), rec("192.0.2.0/24", "a", "AMAZON"), rec("192.0.2.0/24", "a", "EC2", "AMAZON")}}}},
		{name: "one of two regions changes",
			old:  []Record{rec("192.0.2.0/24", "b"), rec("192.0.2.0/24", "a")},
			new:  []Record{rec("192.0.2.0/24", "a"), rec("192.0.2.0/24", "c")},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"), rec("192.0.2.0/24", "b"), rec("192.0.2.0/24", "c")}}}},
		{name: "prefix leaves one of two regions",
			old:  []Record{rec("192.0.2.0/24", "a"), rec("192.0.2.0/24", "b")},
			new:  []Record{rec("192.0.2.0/24", "a")},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"), rec("192.0.2.0/24", "b"), rec("192.0.2.0/24", "a")}}}},
		{name: "prefix gains a region",
			old:  []Record{rec("192.0.2.0/24", "b")},
			new:  []Record{rec("192.0.2.0/24", "a"), rec("192.0.2.0/24", "b")},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"), rec("192.0.2.0/24", "b"), rec("192.0.2.0/24", "a")}}}},
		{name: "geofeed location change",
			old: []Record{{Prefix: pfx("192.0.2.0/24"), Country: "NL", City: "Amsterdam"}},
			new: []Record{{Prefix: pfx("192.0.2.0/24"), Country: "DE", City: "Frankfurt"}},
			want: Changes{Moved: []Move{{pfx("192.0.2.0/24"),
				Record{Prefix: pfx("192.0.2.0/24"), Country: "NL", City: "Amsterdam"},
				Record{Prefix: pfx("192.0.2.0/24"), Country: "DE", City: "Frankfurt"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(&Snapshot{Records: tt.old}, &Snapshot{Records: tt.new})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.Empty() != reflect.DeepEqual(tt.want, Changes{}) {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

func TestDiffNil(t *testing.T) {
	s := &Snapshot{Records: []Record{rec("192.0.2.0/24", "a")}}
	if c := Diff(nil, s); len(c.Added) != 1 || len(c.Removed) != 0 {
		t.Errorf("Diff(nil, s) = %+v", c)
	}
	if c := Diff(s, nil); len(c.Removed) != 1 || len(c.Added) != 0 {
		t.Errorf("Diff(s, nil) = %+v", c)
	}
}

// TestDiffDoesNotModify checks that Diff leaves the snapshots' service
// slices alone while it sorts its copies.
func TestDiffDoesNotModify(t *testing.T) {
	s := &Snapshot{Records: []Record{rec("192.0.2.0/24", "a", "AMAZON", "EC2")}}
	Diff(s, s)
	if got := s.Records[0].Services; !reflect.DeepEqual(got, []string{"AMAZON", "EC2"}) {
		t.Errorf("services reordered to %v", got)
	}
}
