package ranges

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// readFixture returns the content of testdata/name.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkRecords fails t unless every record has a valid, masked prefix.
func checkRecords(t testing.TB, recs []Record) {
	t.Helper()
	for i, r := range recs {
		if !r.Prefix.IsValid() || r.Prefix != r.Prefix.Masked() {
			t.Fatalf("record %d: prefix %v is not a valid masked prefix", i, r.Prefix)
		}
	}
}

// sprintf is fmt.Sprintf, short for table literals.
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
