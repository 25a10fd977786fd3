package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRequests sends odd paths, queries and bulk bodies through the
// router: no input may make the server fail (5xx) or panic.
func FuzzRequests(f *testing.F) {
	s := newTestServer(f, true)
	h := s.Handler()
	for _, seed := range [][3]string{
		{"/v1/ip/", "52.80.0.1", "as_of=2016"},
		{"/ip/", "52.80.0.0/15", "as_of=2016-02-29"},
		{"/v1/whois/", "cn-north-1", "as_of=2015-06"},
		{"/entity/", "Sinnet", "as_of=0000"},
		{"/v1/regions", "", "as_of=9999-12-31&country=cn"},
		{"/search", "", "q=%3Cscript%3E&as_of=x"},
		{"/v1/search", "", "q=aws&limit=99999999999999999999"},
		{"/v1/bulk", "", "format=csv&as_of=2020"},
		{"/bulk", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], "52.80.0.1\n::ffff:1.2.3.4/120\n")
	}
	f.Fuzz(func(t *testing.T, route, arg, query, body string) {
		u := &url.URL{Path: route + arg, RawQuery: query}
		method := "GET"
		if strings.HasSuffix(route, "bulk") {
			method = "POST"
		}
		req, err := http.NewRequest(method, "http://x"+u.RequestURI(), strings.NewReader(body))
		if err != nil {
			return
		}
		if method == "POST" {
			req.Header.Set("Content-Type", "text/plain")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("%s %s: status %d\n%s", method, u.RequestURI(), rec.Code, rec.Body)
		}
	})
}
