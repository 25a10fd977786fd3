package atlas

import (
	"os"
	"testing"
)

// mustLoad loads the atlas under dir and fails the test on error.
func mustLoad(tb testing.TB, dir string) *Atlas {
	tb.Helper()
	a, err := Load(os.DirFS(dir))
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestFixtureIsValid(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	if err := Check(a).Err(); err != nil {
		t.Fatalf("fixture atlas has problems:\n%v", err)
	}
	e, s, p, r := a.Counts()
	if e == 0 || s == 0 || p != 1 || r != 1 {
		t.Errorf("Counts() = %d, %d, %d, %d", e, s, p, r)
	}
}
