// Package atomfeed writes Atom feeds (RFC 4287) with
// github.com/gorilla/feeds. Entry and feed ids are name-based UUIDs
// ([ID]), so they stay the same when the site moves to another host;
// links are absolute; a feed's updated is its newest entry's.
package atomfeed

import (
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// Feed is one Atom feed.
type Feed struct {
	// Name makes the feed's id (see [ID]), e.g. "roundup".
	Name     string
	Title    string
	Subtitle string
	// Link is the absolute URL of the page the feed mirrors.
	Link string
	// Author names who writes it (Atom requires one).
	Author  string
	Entries []Entry
	// Updated is used when there is no entry; otherwise the newest
	// entry's Updated is the feed's.
	Updated time.Time
}

// Entry is one entry.
type Entry struct {
	// Name makes the entry's id, e.g. "roundup/2026-08-22".
	Name  string
	Title string
	// Link is the absolute URL of the entry's page.
	Link string
	// Summary is plain text; HTML is the content as HTML.
	Summary string
	HTML    string
	// Published is when the entry first appeared; Updated when it last
	// changed (never before Published).
	Published, Updated time.Time
}

// ID returns the id of a named feed or entry: a name-based (version 5)
// UUID URN, the same wherever the site is served from.
func ID(name string) string {
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("cloudatlas:"+name)).String()
}

// Write writes f as Atom XML.
func Write(w io.Writer, f Feed) error {
	g := &feeds.Feed{Title: f.Title, Link: &feeds.Link{Href: f.Link, Rel: "alternate"}, Description: f.Subtitle,
		Author: &feeds.Author{Name: f.Author}, Updated: f.Updated}
	for _, e := range f.Entries {
		if e.Updated.After(g.Updated) {
			g.Updated = e.Updated
		}
		g.Items = append(g.Items, &feeds.Item{Title: e.Title, Link: &feeds.Link{Href: e.Link}, Id: ID(e.Name),
			Description: e.Summary, Content: e.HTML, Created: e.Published, Updated: e.Updated})
	}
	if g.Updated.IsZero() {
		return fmt.Errorf("atomfeed: feed %s has no entry and no updated time", f.Name)
	}
	af := (&feeds.Atom{Feed: g}).AtomFeed()
	af.Id = ID(f.Name)
	for i, e := range f.Entries {
		ae := af.Entries[i]
		ae.Updated = e.Updated.UTC().Format(time.RFC3339)
		if !e.Published.IsZero() {
			ae.Published = e.Published.UTC().Format(time.RFC3339)
		}
		if ae.Summary != nil {
			ae.Summary.Type = "text"
		}
	}
	af.Updated = g.Updated.UTC().Format(time.RFC3339)
	if err := feeds.WriteXML(af, w); err != nil {
		return fmt.Errorf("atomfeed: write %s: %w", f.Name, err)
	}
	return nil
}
