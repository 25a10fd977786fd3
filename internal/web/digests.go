package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/bulletin"
	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
)

// The digest pages: the daily roundups, the weekly reading lists, their
// Atom feeds (digests_atom.go) and the mail subscriptions. The data
// comes from Config.Digests (internal/bulletin).

//go:embed templates/digest
var digestFS embed.FS

// digestPages are the page templates of templates/digest, each parsed
// with the shared layout and templates/digest/parts.html.
var digestPages = []string{"roundup", "roundups", "readinglist", "readinglists", "message"}

// routeDigests parses the digest pages, adds the entity page's digest
// section, and registers the routes.
func (s *Server) routeDigests(handle func(string, http.Handler)) {
	if err := s.parseDigestPages(); err != nil {
		panic(err) // the templates are embedded: a bad one is a build defect the tests catch
	}
	handle("GET /roundup", s.page(s.handleRoundups))
	handle("GET /roundup/go", s.page(s.handleRoundupGo))
	handle("GET /roundup/{date}", s.page(s.handleRoundup))
	handle("GET /roundup.atom", s.api(s.handleRoundupAtom))
	handle("GET /reading-list", s.page(s.handleReadingLists))
	handle("GET /reading-list/{week}", s.page(s.handleReadingList))
	handle("GET /reading-list.atom", s.api(s.handleReadingListAtom))
	handle("POST /subscribe", s.page(s.handleSubscribe))
	handle("GET /subscribe/confirm", s.page(s.handleConfirmPage))
	handle("POST /subscribe/confirm", s.page(s.handleConfirm))
	handle("GET /unsubscribe", s.page(s.handleUnsubscribePage))
	handle("POST /unsubscribe", s.page(s.handleUnsubscribe))
}

func (s *Server) digestFuncs() template.FuncMap {
	return template.FuncMap{
		"quiet":         digest.QuietSentence,
		"feedLine":      digest.FeedLine,
		"entityName":    s.atlas.DisplayName,
		"entityDigests": s.entityDigests,
	}
}

func (s *Server) parseDigestPages() error {
	funcs := templateFuncs(s.assets)
	for k, v := range s.digestFuncs() {
		funcs[k] = v
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, sharedTemplates...)
	if err != nil {
		return fmt.Errorf("web: digest templates: %w", err)
	}
	if base, err = base.ParseFS(digestFS, "templates/digest/parts.html"); err != nil {
		return fmt.Errorf("web: digest templates: %w", err)
	}
	for _, name := range digestPages {
		t, err := template.Must(base.Clone()).ParseFS(digestFS, "templates/digest/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: digest template %s: %w", name, err)
		}
		s.pages.byName["digest-"+name] = t
	}
	entity := s.pages.byName["entity"]
	if entity == nil {
		return errors.New("web: no entity page to add the digest section to")
	}
	_, err = entity.Funcs(s.digestFuncs()).ParseFS(digestFS, "templates/digest/parts.html", "templates/digest/entity_part.html")
	if err != nil {
		return fmt.Errorf("web: entity digest section: %w", err)
	}
	return nil
}

// digests returns the digest service, or an error page's error.
func (s *Server) digests() (*bulletin.Service, error) {
	if s.cfg.Digests == nil {
		return nil, errorf(http.StatusServiceUnavailable, "this server was started without the digests")
	}
	return s.cfg.Digests, nil
}

// digestBase is what every digest page shows besides its content.
type digestBase struct {
	pageBase
	MailEnabled bool
	SubList     string // the list the subscribe form preselects
}

func (s *Server) digestBase(title, list string) digestBase {
	b := digestBase{pageBase: s.base(title, "digests"), SubList: list}
	b.Notice = "" // the digests do not need the range lookup
	b.MailEnabled = s.cfg.Digests != nil && s.cfg.Digests.MailEnabled()
	return b
}

// digestError maps the digest service's errors to statuses.
func digestError(w http.ResponseWriter, err error) error {
	var inv *bulletin.InvalidError
	switch {
	case errors.Is(err, subscription.ErrExpired):
		return &Error{Status: http.StatusGone, Detail: err.Error()}
	case errors.As(err, &inv):
		return &Error{Status: http.StatusBadRequest, Detail: err.Error()}
	case errors.Is(err, bulletin.ErrRateLimited):
		w.Header().Set("Retry-After", "120")
		return &Error{Status: http.StatusTooManyRequests, Detail: err.Error()}
	case errors.Is(err, bulletin.ErrBusy):
		w.Header().Set("Retry-After", "300")
		return &Error{Status: http.StatusServiceUnavailable, Detail: err.Error()}
	case errors.Is(err, bulletin.ErrNoMail):
		return &Error{Status: http.StatusServiceUnavailable, Detail: err.Error()}
	case errors.Is(err, bulletin.ErrUnknownLink), errors.Is(err, bulletin.ErrFuture):
		return &Error{Status: http.StatusNotFound, Detail: err.Error(), Err: err}
	}
	return err
}

// roundupPage is the data of one day's roundup.
type roundupPage struct {
	digestBase
	Roundup     *digest.Roundup
	Provisional bool
	Built       string
	Prev, Next  string
}

func (s *Server) handleRoundup(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	day, err := digest.ParseDay(r.PathValue("date"))
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	is, err := svc.Roundup(r.Context(), day, false)
	if err != nil {
		return digestError(w, err)
	}
	p := roundupPage{digestBase: s.digestBase("Roundup for "+is.Date, bulletin.Daily), Roundup: is.Roundup,
		Provisional: is.Provisional, Built: is.BuiltAt.UTC().Format("2006-01-02 15:04 MST"),
		Prev: day.AddDate(0, 0, -1).Format(time.DateOnly)}
	if next := day.AddDate(0, 0, 1); !next.After(s.now()) {
		p.Next = next.Format(time.DateOnly)
	}
	return s.render(w, http.StatusOK, "digest-roundup", p)
}

func (s *Server) handleRoundupGo(w http.ResponseWriter, r *http.Request) error {
	day, err := digest.ParseDay(r.URL.Query().Get("date"))
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	http.Redirect(w, r, "/roundup/"+day.Format(time.DateOnly), http.StatusSeeOther)
	return nil
}

// roundupsPage is the index of roundups.
type roundupsPage struct {
	digestBase
	Latest *digest.Roundup
	Days   []string
}

func (s *Server) handleRoundups(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	days, err := svc.ChangeDays(r.Context(), 60)
	if err != nil {
		return err
	}
	p := roundupsPage{digestBase: s.digestBase("What changed", bulletin.Daily), Days: days}
	if len(days) > 0 {
		day, _ := digest.ParseDay(days[0])
		is, err := svc.Roundup(r.Context(), day, false)
		if err != nil {
			return digestError(w, err)
		}
		p.Latest = is.Roundup
	}
	return s.render(w, http.StatusOK, "digest-roundups", p)
}

// readingListPage is the data of one week's list.
type readingListPage struct {
	digestBase
	List        *digest.ReadingList
	Provisional bool
	Prev, Next  string
}

func (s *Server) handleReadingList(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	wk, err := digest.ParseWeek(r.PathValue("week"))
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	l, err := svc.ReadingList(r.Context(), wk, false)
	if err != nil {
		return digestError(w, err)
	}
	p := readingListPage{digestBase: s.digestBase("Reading list for "+l.Week, bulletin.Weekly), List: l.ReadingList,
		Provisional: l.Provisional, Prev: wk.Prev().String()}
	if !wk.Next().Monday().After(s.now()) {
		p.Next = wk.Next().String()
	}
	return s.render(w, http.StatusOK, "digest-readinglist", p)
}

// weekCount is a week with its number of readings.
type weekCount struct {
	Week  string
	Count int
}

// readingListsPage is the index of reading lists.
type readingListsPage struct {
	digestBase
	Current, Last string
	Weeks         []weekCount
}

func (s *Server) handleReadingLists(w http.ResponseWriter, r *http.Request) error {
	counts := map[digest.Week]int{}
	for _, rd := range s.atlas.Readings {
		if rd.Published.Prec == atlas.PrecisionDay {
			counts[digest.WeekOf(rd.Published.Start())]++
		}
	}
	cur := digest.WeekOf(s.now())
	p := readingListsPage{digestBase: s.digestBase("Reading lists", bulletin.Weekly), Current: cur.String(),
		Last: cur.Prev().String()}
	for _, wk := range digest.ReadingWeeks(s.atlas) {
		p.Weeks = append(p.Weeks, weekCount{wk.String(), counts[wk]})
	}
	return s.render(w, http.StatusOK, "digest-readinglists", p)
}

// entityDigestsView is the entity page's digest section.
type entityDigestsView struct {
	Days, Weeks []string
	More        int
	Readings    []digest.ReadingItem
	Feed        string
}

// maxEntityDays is how many roundup days an entity page lists.
const maxEntityDays = 30

// entityDigests returns the digest section of entity id's page, or nil
// when the server has no digests or they cannot be read (logged).
func (s *Server) entityDigests(id string) *entityDigestsView {
	if s.cfg.Digests == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := s.cfg.Digests.ForEntity(ctx, id)
	if err != nil {
		s.log.Warn("digests of an entity", "entity", id, "err", err)
		return nil
	}
	v := &entityDigestsView{Days: d.Days, Weeks: d.Weeks, Readings: d.Readings, Feed: entityURL(id) + ".atom"}
	if len(v.Days) > maxEntityDays {
		v.More = len(v.Days) - maxEntityDays
		v.Days = v.Days[:maxEntityDays]
	}
	return v
}

// handleEntityOrFeed serves /entity/{id}.atom as the entity's feed and
// everything else as the entity page.
func (s *Server) handleEntityOrFeed(w http.ResponseWriter, r *http.Request) error {
	if id, ok := strings.CutSuffix(r.PathValue("id"), ".atom"); ok && s.atlas.Entity(id) != nil {
		return s.handleEntityAtom(w, r, id)
	}
	return s.handleEntityPage(w, r)
}

// messagePage is a short page with an optional action button.
type messagePage struct {
	digestBase
	Heading    string
	Paragraphs []string
	Action     *messageAction
}

type messageAction struct{ URL, Token, Label string }

// maxForm bounds the body of the subscription forms.
const maxForm = 4 << 10

func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	email, list := r.PostForm.Get("email"), r.PostForm.Get("list")
	if err := svc.Subscribe(r.Context(), email, list, s.clientOf(r)); err != nil {
		return digestError(w, err)
	}
	return s.message(w, http.StatusAccepted, list, "Check your inbox", nil,
		"If the address can receive mail and is not subscribed yet, a message with a confirmation link is on its way. The link works for 48 hours; nothing is sent to the address until it is followed.",
		"No mail? Check the spam folder, or ask again in a while: confirmation mails to one address are spaced out.")
}

func (s *Server) handleConfirmPage(w http.ResponseWriter, r *http.Request) error {
	return s.askPage(w, r, subscription.Confirm, "Confirm your subscription", "Send the %s to %s?",
		messageAction{URL: "/subscribe/confirm", Label: "Yes, subscribe"})
}

func (s *Server) handleConfirm(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	l, err := svc.Confirm(r.Context(), r.Form.Get("token"))
	if err != nil {
		return digestError(w, err)
	}
	return s.message(w, http.StatusOK, l.List, "Subscribed", nil,
		fmt.Sprintf("%s will receive the %s. Every mail has a link to unsubscribe in one click.", l.Email, listName(l.List)))
}

func (s *Server) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) error {
	return s.askPage(w, r, subscription.Unsubscribe, "Unsubscribe", "Stop sending the %s to %s?",
		messageAction{URL: "/unsubscribe", Label: "Unsubscribe"})
}

// handleUnsubscribe ends a subscription: from the page's button (token
// in the form) or by RFC 8058 one-click (token in the URL of the
// List-Unsubscribe header, body List-Unsubscribe=One-Click).
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		tok = r.URL.Query().Get("token")
	}
	l, err := svc.Unsubscribe(r.Context(), tok)
	if err != nil {
		return digestError(w, err)
	}
	return s.message(w, http.StatusOK, l.List, "Unsubscribed", nil,
		fmt.Sprintf("No more %s will go to %s.", listName(l.List), l.Email))
}

// askPage answers the GET of a signed link (confirm, unsubscribe) with a
// page that asks before acting: question is formatted with the list's
// name and the address, and action's button posts the link's token.
// Nothing changes on a GET, so that mail scanners following links do
// not subscribe or unsubscribe anyone.
func (s *Server) askPage(w http.ResponseWriter, r *http.Request, purpose, heading, question string, action messageAction) error {
	svc, err := s.digests()
	if err != nil {
		return err
	}
	tok := r.URL.Query().Get("token")
	l, err := svc.CheckLink(tok, purpose)
	if err != nil {
		return digestError(w, err)
	}
	action.Token = tok
	return s.message(w, http.StatusOK, l.List, heading, &action, fmt.Sprintf(question, listName(l.List), l.Email))
}

// message renders the short page of the subscription flow.
func (s *Server) message(w http.ResponseWriter, status int, list, heading string, action *messageAction, paragraphs ...string) error {
	return s.render(w, status, "digest-message", messagePage{digestBase: s.digestBase(heading, list),
		Heading: heading, Paragraphs: paragraphs, Action: action})
}

// readForm parses the body of a subscription form, bounded by maxForm.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "the form could not be read: %v", err)
	}
	return nil
}

func listName(list string) string {
	if list == bulletin.Weekly {
		return "weekly reading list"
	}
	return "daily roundup"
}

// siteURL returns the absolute URL of path on this site: under the
// configured base URL, else the digest service's, else the request's
// own scheme and host.
func (s *Server) siteURL(r *http.Request, path string) string {
	base := s.cfg.BaseURL
	if base == nil && s.cfg.Digests != nil {
		base = s.cfg.Digests.BaseURL()
	}
	if base == nil {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = &url.URL{Scheme: scheme, Host: r.Host}
	}
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = ""
	return u.String()
}
