package store

import (
	"context"
	"sync"
	"testing"
)

// TestConcurrentFirstOpen: processes opening a new data dir at once (two
// updates, a server and an update) all get the store: SQLite's
// "database is locked" while the first switches the file to WAL mode is
// waited out.
func TestConcurrentFirstOpen(t *testing.T) {
	for range 20 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := Open(context.Background(), dir)
				if err != nil {
					t.Error(err)
					return
				}
				db.Close()
			}()
		}
		wg.Wait()
	}
}
