package bulletin

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// listNames name the lists in mails.
var listNames = map[string]string{Daily: "daily roundup", Weekly: "weekly reading list"}

// mailView is what the mail templates read.
type mailView struct {
	Subject, Email, ListName, Home, Unsubscribe, Web string
	Confirm, Expires                                 string
	Roundup                                          *digest.Roundup
	List                                             *digest.ReadingList
}

func (s *Service) templates() (*template.Template, error) {
	return template.New("mail").Funcs(template.FuncMap{
		"quiet":      digest.QuietSentence,
		"feedLine":   digest.FeedLine,
		"entityURL":  func(id string) string { return s.URL("/entity/" + escapePath(id)) },
		"roundupURL": func(day string) string { return s.URL("/roundup/" + day) },
	}).ParseFS(templateFS, "templates/*.html")
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		parts[i] = url.PathEscape(x)
	}
	return strings.Join(parts, "/")
}

func (s *Service) html(name string, v mailView) (string, error) {
	t, err := s.templates()
	if err != nil {
		return "", fmt.Errorf("bulletin: mail templates: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
		return "", fmt.Errorf("bulletin: render %s mail: %w", name, err)
	}
	return b.String(), nil
}

// listID is the List-Id of a list: "daily.<host>".
func (s *Service) listID(list string) string {
	return list + "." + s.cfg.BaseURL.Hostname()
}

// sendConfirmation mails the confirmation link of sub.
func (s *Service) sendConfirmation(ctx context.Context, sub store.Subscriber, now time.Time) error {
	expires := now.Add(s.cfg.ConfirmTTL)
	v := mailView{Subject: "Confirm your subscription to the cloudatlas " + listNames[sub.List], Email: sub.Email,
		ListName: listNames[sub.List], Home: s.URL("/"), Confirm: s.ConfirmLink(sub, expires),
		Expires: expires.UTC().Format("2006-01-02 15:04 MST")}
	html, err := s.html("confirm", v)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Someone, probably you, asked to send the %s of cloudatlas to %s.\n\n"+
		"To confirm, open this link (it works until %s):\n\n%s\n\n"+
		"If you did not ask for it, ignore this mail: nothing will be sent unless the link is followed.\n",
		v.ListName, sub.Email, v.Expires, v.Confirm)
	_, err = s.cfg.Mailer.Send(ctx, mailer.Message{To: sub.Email, Subject: v.Subject, Text: text, HTML: html, Date: now})
	return err
}

// issue is one digest ready to mail: its subject and its bodies without
// the per-subscriber footer.
type issue struct {
	list, key, subject, text, web string
	roundup                       *digest.Roundup
	readingList                   *digest.ReadingList
}

// message renders the issue's mail to sub.
func (s *Service) message(is *issue, sub store.Subscriber, messageID string, now time.Time) (mailer.Message, error) {
	unsub := s.UnsubscribeLink(sub)
	v := mailView{Subject: is.subject, Email: sub.Email, ListName: listNames[is.list], Home: s.URL("/"),
		Unsubscribe: unsub, Web: is.web, Roundup: is.roundup, List: is.readingList}
	name := "roundup"
	if is.list == Weekly {
		name = "weekly"
	}
	html, err := s.html(name, v)
	if err != nil {
		return mailer.Message{}, err
	}
	text := is.text + fmt.Sprintf("\n-- \nOn the web: %s\nUnsubscribe (one click): %s\n"+
		"You receive this because %s subscribed to the %s at %s\n", is.web, unsub, sub.Email, v.ListName, v.Home)
	return mailer.Message{To: sub.Email, Subject: is.subject, Text: text, HTML: html, MessageID: messageID,
		Date: now, ListID: s.listID(is.list), Unsubscribe: unsub, Bulk: true}, nil
}

// roundupIssue prepares the daily issue of day.
func (s *Service) roundupIssue(r *digest.Roundup) (*issue, error) {
	var b bytes.Buffer
	if err := digest.WriteRoundupText(&b, r); err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("cloudatlas roundup for %s: %s", r.Date, roundupSummary(r))
	return &issue{list: Daily, key: r.Date, subject: subject, text: b.String(), web: s.URL("/roundup/" + r.Date), roundup: r}, nil
}

func roundupSummary(r *digest.Roundup) string {
	var parts []string
	if n := len(r.Ranges); n > 0 {
		parts = append(parts, plural(n, "range change"))
	}
	if n := len(r.Atlas); n > 0 {
		parts = append(parts, plural(n, "atlas change"))
	}
	if n := len(r.Readings); n > 0 {
		parts = append(parts, plural(n, "reading"))
	}
	if len(parts) == 0 {
		return "nothing changed"
	}
	return strings.Join(parts, ", ")
}

// listIssue prepares the weekly issue of a reading list.
func (s *Service) listIssue(l *digest.ReadingList) (*issue, error) {
	var b bytes.Buffer
	if err := digest.WriteReadingListText(&b, l); err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("cloudatlas reading list for %s: %s, %s", l.Week, plural(len(l.Readings), "reading"),
		plural(len(l.Highlights), "change"))
	return &issue{list: Weekly, key: l.Week, subject: subject, text: b.String(), web: s.URL("/reading-list/" + l.Week), readingList: l}, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
