package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// snapshotJSON is a feed snapshot's provenance.
type snapshotJSON struct {
	ID           int64  `json:"id"`
	Feed         string `json:"feed"`
	UpstreamID   string `json:"upstream_id,omitempty"`
	UpstreamDate string `json:"upstream_date,omitempty"`
	Fetched      string `json:"fetched"`
	SHA256       string `json:"sha256"`
	V4           int    `json:"v4"`
	V6           int    `json:"v6"`
	Records      int    `json:"records"`
}

func toSnapshotJSON(c Snapshot) snapshotJSON {
	s := snapshotJSON{ID: c.ID, Feed: c.Feed, UpstreamID: c.UpstreamID, SHA256: c.SHA256,
		Fetched: c.Fetched.UTC().Format(time.RFC3339), V4: c.V4, V6: c.V6, Records: c.Records}
	if !c.UpstreamDate.IsZero() {
		s.UpstreamDate = c.UpstreamDate.UTC().Format(time.DateOnly)
	}
	return s
}

// feedJSON is one known feed and the snapshot in use, if any.
type feedJSON struct {
	ID       string         `json:"id"`
	Tier     string         `json:"tier"`
	Provider string         `json:"provider,omitempty"`
	Current  *snapshotJSON  `json:"current"`
	History  []snapshotJSON `json:"history,omitempty"`
}

// feeds lists every known feed with the snapshot in use.
func (st *lookupState) feeds() []feedJSON {
	out := make([]feedJSON, 0, len(ranges.Feeds))
	for _, f := range ranges.Feeds {
		fj := feedJSON{ID: f.ID, Tier: f.Tier.String(), Provider: f.Provider}
		if i := slices.IndexFunc(st.Current, func(c Snapshot) bool { return c.Feed == f.ID }); i >= 0 {
			c := toSnapshotJSON(st.Current[i])
			fj.Current = &c
		}
		out = append(out, fj)
	}
	return out
}

// handleFeeds answers GET /v1/feeds: every feed with the snapshot in
// use; with ?feed=ID, that feed with every snapshot the store kept when
// the range data was last loaded (read then, not per request).
func (s *Server) handleFeeds(w http.ResponseWriter, r *http.Request) error {
	st := s.state.Load()
	all := st.feeds()
	id := r.URL.Query().Get("feed")
	if id == "" {
		return writeJSON(w, struct {
			Feeds []feedJSON `json:"feeds"`
		}{all})
	}
	i := slices.IndexFunc(all, func(f feedJSON) bool { return f.ID == id })
	if i < 0 {
		return errorf(http.StatusNotFound, "no feed %q (see /v1/feeds)", id)
	}
	fj := all[i]
	fj.History = []snapshotJSON{}
	for _, h := range st.History[id] {
		fj.History = append(fj.History, toSnapshotJSON(h))
	}
	return writeJSON(w, struct {
		Feeds []feedJSON `json:"feeds"`
	}{[]feedJSON{fj}})
}
