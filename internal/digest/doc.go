// Package digest is the domain core of what changed: the daily roundup
// of a date and the weekly reading list of an ISO week.
//
// A [Roundup] for a day D tells, in sentences, how the published ranges
// moved between the snapshots in force at the end of D-1 and at the end
// of D (per provider, partition and region), which atlas facts are dated
// D (statements that begin or end, laws that take effect, regions that
// launch, events, market figures published) and which readings were
// published on D. A [ReadingList] for a week gathers the readings
// published in it, each with its note and the entities it concerns, and
// the week's most important changes, ranked by [Importance].
//
// # I/O
//
// None: [BuildRoundup] takes the atlas and the snapshots already loaded
// (internal/bulletin reads them from the store), and every output is a
// value that the callers render and store. Equal inputs give equal
// output, byte for byte, in text and in JSON.
//
// # Dates
//
// Only facts written with day precision fall on a day: a statement
// written "from: 2016-08" belongs to no daily roundup (the entity's
// timeline shows it). Times are UTC.
package digest
