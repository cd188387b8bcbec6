package static

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// hashedName matches a served name: the plain name with ten hex digits of its hash before the
// extension.
var hashedName = regexp.MustCompile(
	`^/static/(illustrations/)?[a-z0-9-]+\.[0-9a-f]{10}\.(css|js|svg)$`)

func TestEveryFileIsServedUnderAHashedName(t *testing.T) {
	names := Names()
	want := []string{"app.css", "app.js"}
	for n := 1; n <= 8; n++ {
		want = append(want, fmt.Sprintf("illustrations/step-%d.svg", n))
	}
	for _, w := range want {
		if !slices.Contains(names, w) {
			t.Errorf("%s is not embedded; embedded: %v", w, names)
		}
	}

	for _, name := range names {
		p := Path(name)
		if !hashedName.MatchString(p) {
			t.Errorf("Path(%q) = %q, not a hashed name", name, p)
		}
		rec := get(t, p, "")
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", p, rec.Code)
		}
		body, _ := files.ReadFile(name)
		if !bytes.Equal(rec.Body.Bytes(), body) {
			t.Errorf("GET %s without gzip: the body differs from %s", p, name)
		}
	}
	if got := Path("missing.css"); got != "/static/missing.css" {
		t.Errorf("Path of an unknown file = %q", got)
	}
}

func TestHandler(t *testing.T) {
	css := Path("app.css")
	svg := Path("illustrations/step-1.svg")
	tests := []struct {
		name, path, acceptEncoding string
		wantStatus                 int
		wantType, wantEncoding     string
	}{
		{"stylesheet", css, "", 200, "text/css; charset=utf-8", ""},
		{"stylesheet, gzip", css, "gzip, deflate, br", 200, "text/css; charset=utf-8", "gzip"},
		{"stylesheet, gzip refused", css, "gzip;q=0, br", 200, "text/css; charset=utf-8", ""},
		{"script, gzip", Path("app.js"), "br;q=1.0, gzip;q=0.8", 200,
			"text/javascript; charset=utf-8", "gzip"},
		{"drawing, gzip", svg, "gzip", 200, "image/svg+xml", "gzip"},
		{"plain name", "/static/app.css", "gzip", 404, "text/plain; charset=utf-8", ""},
		{"stale hash", "/static/app.0000000000.css", "", 404, "text/plain; charset=utf-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, tt.path, tt.acceptEncoding)
			h := rec.Header()
			if rec.Code != tt.wantStatus || h.Get("Content-Type") != tt.wantType ||
				h.Get("Content-Encoding") != tt.wantEncoding {
				t.Fatalf("GET %s: %d %q %q, want %d %q %q", tt.path, rec.Code,
					h.Get("Content-Type"), h.Get("Content-Encoding"), tt.wantStatus, tt.wantType,
					tt.wantEncoding)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if h.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
				h.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Cache-Control %q, Vary %q", h.Get("Cache-Control"), h.Get("Vary"))
			}
			body := rec.Body.Bytes()
			if tt.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				unzipped, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if len(body) >= len(unzipped) {
					t.Errorf("gzip made %d bytes of %d", len(body), len(unzipped))
				}
				body = unzipped
			}
			plain := byHashed[strings.TrimPrefix(tt.path, Prefix)].body
			if !bytes.Equal(body, plain) {
				t.Errorf("the body differs from the file")
			}
		})
	}
}

func get(t *testing.T, path, acceptEncoding string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

// TestDrawingsAreSafeImages checks that every drawing is a self-contained SVG: no script, no
// outside reference, and a title for when it is opened on its own.
func TestDrawingsAreSafeImages(t *testing.T) {
	for n := 1; n <= 8; n++ {
		name := fmt.Sprintf("illustrations/step-%d.svg", n)
		body, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(body)
		if !strings.HasPrefix(s, "<svg ") || !strings.Contains(s, `viewBox="0 0 400 260"`) ||
			!strings.Contains(s, "<title>") {
			t.Errorf("%s is not a 400×260 SVG with a title", name)
		}
		for _, bad := range []string{"<script", "href=", "<image", "<foreignObject", "url("} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %s", name, bad)
			}
		}
	}
}
