package web

import (
	"net/http"
	"testing"
)

// TestEntityRedirectKeepsAsOf: a name resolved to an id redirects to the
// entity page at the date asked, not at today.
func TestEntityRedirectKeepsAsOf(t *testing.T) {
	s := newTestServer(t, false)
	r := get(t, s, "/entity/Sinnet?as_of=2015-06-01", http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/entity/org/sinnet?as_of=2015-06-01" {
		t.Errorf("Location %q, want /entity/org/sinnet?as_of=2015-06-01", loc)
	}
	r = get(t, s, "/entity/Sinnet", http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/entity/org/sinnet" {
		t.Errorf("Location %q, want /entity/org/sinnet", loc)
	}
}
