// Package static embeds the portal's CSS, script and illustrations and serves them under
// content-hashed names, so browsers may cache them for a year and still pick up every change.
// Each file is also gzipped once at start-up and sent compressed to browsers that accept it.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed *.css *.js illustrations/*.svg
var files embed.FS

// Prefix is the URL path under which static files are served.
const Prefix = "/static/"

// asset is one served file: its bytes, and its gzipped bytes when that is smaller.
type asset struct {
	body  []byte
	gz    []byte
	ctype string
}

// byHashed maps a hashed name ("app.3f9a0c1e.css", "illustrations/step-1.0b1c2d3e4f.svg") to its
// content; byName maps the plain name to the hashed one. Both are built once at start-up and never
// change.
var byHashed, byName = load()

func load() (map[string]asset, map[string]string) {
	hashed := map[string]asset{}
	names := map[string]string{}

	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}

		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		hashed[h] = asset{body: body, gz: gzipped(body), ctype: contentType(ext)}
		names[name] = h
		return nil
	})
	if err != nil {
		// The files are embedded in the binary: failing to read them is a build defect.
		panic("static: " + err.Error())
	}
	return hashed, names
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "text/plain; charset=utf-8"
}

// gzipped returns body compressed at the best level, or nil when that does not make it smaller.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(body); err != nil {
		return nil
	}
	if err := zw.Close(); err != nil || buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// Path returns the served path of the named file, such as "/static/app.3f9a0c1e.css" for
// "app.css" or "/static/illustrations/step-1.0b1c2d3e4f.svg" for "illustrations/step-1.svg".
func Path(name string) string {
	if h, ok := byName[name]; ok {
		return Prefix + h
	}
	return Prefix + name
}

// Names returns the plain names of every embedded file.
func Names() []string {
	out := make([]string, 0, len(byName))
	for name := range byName {
		out = append(out, name)
	}
	return out
}

// Handler serves the hashed files with a one-year immutable cache lifetime, gzipped for clients
// that accept it.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}

		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Add("Vary", "Accept-Encoding")
		body := a.body
		if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = a.gz
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: listed, and not with q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
