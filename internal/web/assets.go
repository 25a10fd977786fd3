package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file.
type asset struct {
	name, hash, contentType string
	data                    []byte
}

// assets are the static files, served under content-hashed URLs so that
// browsers may cache them forever.
type assets struct {
	byName map[string]*asset
}

// loadAssets reads and hashes every embedded static file.
func loadAssets() (*assets, error) {
	as := &assets{byName: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := path.Base(p)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		as.byName[name] = &asset{name: name, hash: hex.EncodeToString(sum[:6]), contentType: ct, data: data}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	return as, nil
}

// url returns the content-hashed URL of a static file. It panics on an
// unknown name, which the template self-check at startup catches.
func (as *assets) url(name string) (string, error) {
	a := as.byName[name]
	if a == nil {
		return "", fmt.Errorf("web: no static asset %q", name)
	}
	return "/static/" + a.hash + "/" + a.name, nil
}

// handleStatic serves /static/{hash}/{name}. A stale hash is a 404, so
// a cached page never gets a newer asset under an old URL.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a := s.assets.byName[r.PathValue("name")]
	if a == nil || a.hash != r.PathValue("hash") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(a.data)))
	h.Set("ETag", `"`+a.hash+`"`)
	w.Write(a.data)
}
