package data

import "embed"

// Suffixes holds the host-name suffix table, at paths "suffixes/...".
// Its format is described in docs/suffixes.md.
//
//go:embed suffixes
var Suffixes embed.FS
