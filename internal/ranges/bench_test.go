package ranges

import (
	"testing"
	"time"
)

// BenchmarkReadDirAll reads and parses every feed from the shared
// directory, as "cloudatlas update --from" does.
func BenchmarkReadDirAll(b *testing.B) {
	dir := sharedDir(b)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		for i := range Feeds {
			if _, err := Feeds[i].ReadDir(dir, now); err != nil {
				b.Fatal(err)
			}
		}
	}
}
