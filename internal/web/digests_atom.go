package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atomfeed"
	"github.com/cloudatlas/cloudatlas/internal/bulletin"
	"github.com/cloudatlas/cloudatlas/internal/digest"
)

// feedEntries bounds the entries of a feed.
const feedEntries = 30

const atomType = "application/atom+xml; charset=utf-8"

// writeAtom sends a feed.
func writeAtom(w http.ResponseWriter, f atomfeed.Feed) error {
	var b bytes.Buffer
	if err := atomfeed.Write(&b, f); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeBytes(w, atomType, b.Bytes())
}

// roundupEntry is the feed entry of a stored roundup.
func (s *Server) roundupEntry(r *http.Request, is *bulletin.RoundupIssue) atomfeed.Entry {
	var sentences []string
	for _, c := range is.Ranges {
		sentences = append(sentences, c.Sentence)
	}
	for _, c := range is.Atlas {
		sentences = append(sentences, c.Sentence)
	}
	for _, rd := range is.Readings {
		sentences = append(sentences, "Reading: "+rd.Title+" ("+rd.Publisher+")")
	}
	if len(sentences) == 0 {
		sentences = []string{digest.QuietSentence(is.Date)}
	}
	return atomfeed.Entry{Name: "roundup/" + is.Date, Title: "What changed on " + is.Date,
		Link: s.siteURL(r, "/roundup/"+is.Date), Summary: summarize(sentences), HTML: htmlList(sentences),
		Published: is.BuiltAt, Updated: is.BuiltAt}
}

// summarize joins the first sentences into a plain-text summary.
func summarize(sentences []string) string {
	const most = 3
	s := strings.Join(sentences[:min(most, len(sentences))], " ")
	if len(sentences) > most {
		s += " (and " + plural(len(sentences)-most, "more change") + ")"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// htmlList renders sentences as an HTML list, escaped.
func htmlList(sentences []string) string {
	var b strings.Builder
	b.WriteString("<ul>")
	for _, s := range sentences {
		b.WriteString("<li>" + template.HTMLEscapeString(s) + "</li>")
	}
	b.WriteString("</ul>")
	return b.String()
}

// handleRoundupAtom serves the feed of the latest roundups with changes
// (complete days only; each entry is the roundup as stored).
func (s *Server) handleRoundupAtom(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	days, err := svc.ChangeDays(r.Context(), feedEntries)
	if err != nil {
		return err
	}
	f := atomfeed.Feed{Name: "roundup", Title: "cloudatlas: what changed, day by day",
		Subtitle: "Range changes of the cloud providers and dated changes of the atlas, one roundup a day.",
		Link:     s.siteURL(r, "/roundup"), Author: "cloudatlas", Updated: s.feedEpoch()}
	for _, d := range days {
		day, _ := digest.ParseDay(d)
		is, err := svc.Roundup(r.Context(), day, false)
		if err != nil {
			return digestError(w, err)
		}
		f.Entries = append(f.Entries, s.roundupEntry(r, is))
	}
	return writeAtom(w, f)
}

// feedEpoch is the updated time of a feed with no entry: the start of
// the day, so that it does not change on every request.
func (s *Server) feedEpoch() time.Time { return digest.DayOf(s.now()) }

// listEntry is the feed entry of a stored reading list.
func (s *Server) listEntry(r *http.Request, l *bulletin.ListIssue) atomfeed.Entry {
	var sentences []string
	for _, rd := range l.Readings {
		sentences = append(sentences, rd.Title+" ("+rd.Publisher+", "+rd.Published+")")
	}
	for _, h := range l.Highlights {
		sentences = append(sentences, h.Date+": "+h.Sentence)
	}
	if len(sentences) == 0 {
		sentences = []string{"No reading was published in " + l.Week + " and nothing changed that week."}
	}
	return atomfeed.Entry{Name: "reading-list/" + l.Week, Title: "Reading list for " + l.Week,
		Link: s.siteURL(r, "/reading-list/"+l.Week), Summary: summarize(sentences), HTML: htmlList(sentences),
		Published: l.BuiltAt, Updated: l.BuiltAt}
}

// handleReadingListAtom serves the feed of the latest complete weeks
// that have readings.
func (s *Server) handleReadingListAtom(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	f := atomfeed.Feed{Name: "reading-list", Title: "cloudatlas: the weekly reading list",
		Subtitle: "Each week's readings about who runs, owns and reaches the clouds, and the week's main changes.",
		Link:     s.siteURL(r, "/reading-list"), Author: "cloudatlas", Updated: s.feedEpoch()}
	cur := digest.WeekOf(s.now())
	for _, wk := range digest.ReadingWeeks(s.atlas) {
		if len(f.Entries) == feedEntries {
			break
		}
		if wk == cur || wk.Monday().After(s.now()) {
			continue // not over yet
		}
		l, err := svc.ReadingList(r.Context(), wk, false)
		if err != nil {
			return digestError(w, err)
		}
		f.Entries = append(f.Entries, s.listEntry(r, l))
	}
	return writeAtom(w, f)
}

// handleEntityAtom serves the feed of one entity: the roundups and
// reading lists that concern it and its readings.
func (s *Server) handleEntityAtom(w http.ResponseWriter, r *http.Request, id string) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	e := s.atlas.Entity(id)
	d, err := svc.ForEntity(r.Context(), id)
	if err != nil {
		return err
	}
	f := atomfeed.Feed{Name: "entity/" + id, Title: "cloudatlas: " + e.Name,
		Subtitle: "What changed about " + e.Name + ", and what to read.", Link: s.siteURL(r, entityURL(id)),
		Author: "cloudatlas", Updated: s.feedEpoch()}
	for _, day := range d.Days[:min(len(d.Days), feedEntries)] {
		t, _ := digest.ParseDay(day)
		is, err := svc.Roundup(r.Context(), t, false)
		if err != nil {
			return digestError(w, err)
		}
		f.Entries = append(f.Entries, s.roundupEntry(r, is))
	}
	for _, wk := range d.Weeks {
		w2, err := digest.ParseWeek(wk)
		if err != nil {
			continue
		}
		l, err := svc.ReadingList(r.Context(), w2, false)
		if err != nil {
			return digestError(w, err)
		}
		f.Entries = append(f.Entries, s.listEntry(r, l))
	}
	for _, rd := range d.Readings {
		pub := readingTime(rd.Published)
		f.Entries = append(f.Entries, atomfeed.Entry{Name: "reading/" + rd.URL, Title: rd.Title + " (" + rd.Publisher + ")",
			Link: rd.URL, Summary: rd.Note, Published: pub, Updated: pub})
	}
	return writeAtom(w, f)
}

// readingTime is the instant a reading's published date starts.
func readingTime(published string) time.Time {
	for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
		if t, err := time.Parse(layout, published); err == nil {
			return t
		}
	}
	return time.Time{}
}
