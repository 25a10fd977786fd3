package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// maxCachedAnswers bounds the whois cache; when full it starts over.
const maxCachedAnswers = 4096

// whoisKey identifies one whois answer for a range match.
type whoisKey struct {
	place atlas.Place
	day   time.Time
}

// cachedAnswer is a whois answer with its JSON encoding.
type cachedAnswer struct {
	answer *atlas.Answer
	json   json.RawMessage
	err    error
}

// whoisCache memoises whois answers per place and day: the atlas is
// immutable, so an answer never changes. It is safe for concurrent use.
type whoisCache struct {
	a  *atlas.Atlas
	mu sync.RWMutex
	m  map[whoisKey]*cachedAnswer
}

func newWhoisCache(a *atlas.Atlas) *whoisCache {
	return &whoisCache{a: a, m: make(map[whoisKey]*cachedAnswer)}
}

// place returns the whois answer for a range match's place at day.
func (c *whoisCache) place(p atlas.Place, day time.Time) *cachedAnswer {
	k := whoisKey{p, day}
	c.mu.RLock()
	ca := c.m[k]
	c.mu.RUnlock()
	if ca != nil {
		return ca
	}
	ca = &cachedAnswer{}
	ca.answer, ca.err = c.a.WhoisPlace(p, day)
	if ca.err == nil {
		normalizeAnswer(ca.answer)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ca.answer); err != nil {
			ca.err = fmt.Errorf("web: encode whois: %w", err)
		}
		ca.json = bytes.TrimSpace(buf.Bytes())
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedAnswers {
		clear(c.m)
	}
	c.m[k] = ca
	c.mu.Unlock()
	return ca
}
