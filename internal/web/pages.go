package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the page templates; each is templates/<name>.html and
// is parsed with the shared files. [parsePages] fails when a page file
// is missing from this list or the list names a missing file.
var pageNames = []string{"home", "answer", "entity", "market", "bulk", "search", "error", "as", "host", "api", "audit"}

// sharedTemplates are parsed into every page.
var sharedTemplates = []string{"templates/layout.html", "templates/parts.html"}

// pages holds every parsed page template.
type pages struct {
	byName map[string]*template.Template
}

// parsePages parses every page template once, at startup.
func parsePages(as *assets) (*pages, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if !slices.Contains(sharedTemplates, f) && !slices.Contains(pageNames, name) {
			return nil, fmt.Errorf("web: template %s is not declared in pageNames", f)
		}
	}
	funcs := templateFuncs(as)
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, sharedTemplates...)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	ps := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		ps.byName[name] = t
	}
	return ps, nil
}

// templateFuncs are the functions templates may call.
func templateFuncs(as *assets) template.FuncMap {
	return template.FuncMap{
		"asset":     as.url,
		"entityURL": entityURL,
		"entityURLAt": func(id, asOf string) string {
			if asOf == "" {
				return entityURL(id)
			}
			return entityURL(id) + "?as_of=" + url.QueryEscape(asOf)
		},
		"ipURL":  func(q, asOf string) string { return ipURL(q, asOf) },
		"pct":    func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" },
		"add":    func(a, b int) int { return a + b },
		"pct100": func(v float64) float64 { return 100 * v },
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(time.DateOnly)
		},
	}
}

// entityURL returns the page URL of an entity id.
func entityURL(id string) string {
	return "/entity/" + escapePath(id)
}

// ipURL returns the answer page URL of an address or CIDR at a date.
func ipURL(q, asOf string) string {
	u := "/ip/" + escapePath(q)
	if asOf != "" {
		u += "?as_of=" + url.QueryEscape(asOf)
	}
	return u
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// pageBase is what every page shows around its content.
type pageBase struct {
	Title   string
	Query   string // the search box's value
	Notice  string // a banner, such as missing range data
	Current string // the navigation entry to highlight
}

// base returns the common page fields.
func (s *Server) base(title, current string) pageBase {
	b := pageBase{Title: title, Current: current}
	if !s.state.Load().ready() {
		b.Notice = "No range data is loaded, so addresses cannot be attributed yet; the atlas itself is available. " +
			"Load the feeds with \"cloudatlas update\" (or \"cloudatlas update --from DIR\" for files you have): the server picks the data up within seconds."
	}
	return b
}

// render executes a page into a buffer and sends it, so that a template
// error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t := s.pages.byName[name]
	if t == nil {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// errorPage is the data of the error page.
type errorPage struct {
	pageBase
	Status int
	Detail string
}

// writeErrorPage renders err as an HTML page.
func (s *Server) writeErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := statusOf(err)
	s.logError(r, status, err)
	p := errorPage{pageBase: s.base(http.StatusText(status), ""), Status: status, Detail: detail}
	if rerr := s.render(w, status, "error", p); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, detail, status)
	}
}

// handleNotFound answers every path no route serves.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	if err := s.methodNotAllowed(w, r); err != nil {
		return err
	}
	return errorf(http.StatusNotFound, "there is no page at %s", clipEcho(r.URL.Path))
}
