// Package atlas is the domain core of cloudatlas: the curated graph of
// providers, partitions, regions, data centers, organisations, people,
// jurisdictions and laws, and the time-bounded statements that link them.
//
// The data format is described in docs/atlas-data.md. [Load] reads every
// *.yaml file of an [io/fs.FS]; [Check] validates what was read; the
// methods of [Atlas] answer as-of questions: who operates a region
// ([Atlas.At]), who owns an organisation ([Atlas.Owners]), which laws reach
// an asset ([Atlas.Reach]), and all of it together ([Atlas.Whois]).
//
// # I/O
//
// The package reads an fs.FS and nothing else: no network, no database,
// no processes. A loaded [Atlas] is immutable and safe for concurrent reads.
//
// # Time
//
// Every query takes an instant t. A statement holds at t when its from
// bound (widened to the start of the written period) is at or before t and
// t is before the end of its to bound (widened to the end of the written
// period). See [Date].
package atlas
