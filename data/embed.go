// Package data holds the curated atlas, embedded into the binary. The
// file format is described in docs/atlas-data.md.
package data

import "embed"

// Atlas holds every file under data/atlas, at paths "atlas/...".
//
//go:embed atlas
var Atlas embed.FS
