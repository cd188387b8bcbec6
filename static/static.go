// Package static embeds the portal's CSS and script and serves them under content-hashed names,
// so browsers may cache them for a year and still pick up every change.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed *.css *.js
var files embed.FS

// Prefix is the URL path under which static files are served.
const Prefix = "/static/"

type asset struct {
	body  []byte
	ctype string
}

// byHashed maps a hashed name ("app.3f9a0c1e.css") to its content; byName maps the plain name to
// the hashed one. Both are built once at start-up and never change.
var byHashed, byName = load()

func load() (map[string]asset, map[string]string) {
	hashed := map[string]asset{}
	names := map[string]string{}

	entries, _ := fs.ReadDir(files, ".")
	for _, e := range entries {
		body, err := files.ReadFile(e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext

		ctype := "text/plain; charset=utf-8"
		switch ext {
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		hashed[name] = asset{body: body, ctype: ctype}
		names[e.Name()] = name
	}
	return hashed, names
}

// Path returns the served path of the named file, such as "/static/app.3f9a0c1e.css".
func Path(name string) string {
	if h, ok := byName[name]; ok {
		return Prefix + h
	}
	return Prefix + name
}

// Handler serves the hashed files with a one-year immutable cache lifetime.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
}
