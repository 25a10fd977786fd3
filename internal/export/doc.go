// Package export writes what cloudatlas knows in formats other tools
// read.
//
// [MMDB] writes a MaxMind DB (the format of GeoIP2 and of log pipelines'
// IP enrichment: Logstash, Vector, Fluent Bit, ClickHouse, Spark) with
// one [Record] per address: the first match "cloudatlas lookup" gives
// for it, joined to the atlas as of one date through the same
// [answer.Joiner] calls lookup makes, so the file answers as lookup does.
// [Atlas] writes the curated atlas as JSON Lines: entities, statements
// with their sources, market series and readings, one object a line.
// docs/export.md describes both formats and their rules.
//
// # I/O
//
// The package writes to an [io.Writer] and reads nothing: the caller
// opens the range data and the atlas (internal/dataset, internal/atlas).
package export
