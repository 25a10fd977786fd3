package ranges

import (
	"fmt"
	"time"
)

// ParseFunc parses the content of one feed file. name is the file's name or
// URL, used only in error messages. A ParseFunc must not panic on any input
// and must reject empty or truncated content with an error naming what was
// expected. It leaves Provider and Partition empty unless the file itself
// decides them (an AWS China region, an ASN's owner); [Feed.Read] fills the
// rest from the feed.
type ParseFunc func(name string, data []byte) (Parsed, error)

// Parsed is what a [ParseFunc] returns for one file.
type Parsed struct {
	Records      []Record
	UpstreamID   string    // the file's own version marker, if any
	UpstreamDate time.Time // the file's own creation date, if any
}

// File is one file of a feed.
type File struct {
	// Glob locates the file under a directory laid out like
	// ../shared/data/ranges, e.g. "aws/ip-ranges.json". When it matches
	// several files, the lexically last (the newest dated name) is used,
	// unless the feed is [Feed.Multi].
	Glob string
	// URL is the official upstream location used by "update". For Azure,
	// whose file name changes weekly, it is the download page that links
	// the current file (see [Feed.Resolve]).
	URL string
}

// Feed describes one source of ranges: where it comes from, how to parse it
// and how far to trust it.
type Feed struct {
	ID          string // stable key, e.g. "aws", "azure-china"
	Provider    string // provider key for records that do not set their own
	Partition   string // partition for records that do not set their own
	Tier        Tier
	Description string
	Files       []File
	// Multi means every file matching a Glob belongs to the snapshot
	// (one file per ASN, say), not only the newest.
	Multi bool
	// MaxAge is how old a snapshot may get before "feeds" warns.
	MaxAge time.Duration
	Parse  ParseFunc
	// Resolve, when set, turns the HTML of the page at File.URL into the
	// URL of the current data file.
	Resolve func(page []byte) (string, error)
}

// Lookup returns the feed with the given id.
func Lookup(id string) (*Feed, error) {
	for i := range Feeds {
		if Feeds[i].ID == id {
			return &Feeds[i], nil
		}
	}
	return nil, fmt.Errorf("unknown feed %q (run \"cloudatlas feeds\" for the list)", id)
}
