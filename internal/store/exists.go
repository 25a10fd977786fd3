package store

import (
	"os"
	"path/filepath"
)

// Exists reports whether dir holds a store, without creating one.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, DBFile))
	return err == nil
}
