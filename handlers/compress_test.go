package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestCompress runs answers of every shape through the compress middleware behind a real Echo
// router and checks what reaches the client: encoding, status, type, Vary and the bytes.
func TestCompress(t *testing.T) {
	big := strings.Repeat("<p>Kumkum Crafts, step 3 of 8</p>\n", 100) // 3,400 bytes
	small := "<p>short</p>"

	e := echo.New()
	e.Use(compress())
	e.GET("/big", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })
	e.GET("/small", func(c echo.Context) error { return c.HTML(http.StatusOK, small) })
	e.GET("/missing", func(c echo.Context) error { return c.HTML(http.StatusNotFound, big) })
	e.GET("/redirect", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/x") })
	e.GET("/empty", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/untyped", func(c echo.Context) error {
		_, err := c.Response().Write([]byte(strings.Repeat("plain words ", 200)))
		return err
	})
	e.GET("/encoded", func(c echo.Context) error {
		c.Response().Header().Set("Content-Encoding", "br")
		return c.Blob(http.StatusOK, "text/css", []byte(big))
	})
	e.GET("/stream", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/csv")
		c.Response().WriteHeader(http.StatusOK)
		for i := 0; i < 3; i++ {
			if _, err := io.WriteString(c.Response(), "a,b\n"); err != nil {
				return err
			}
			c.Response().Flush()
		}
		return nil
	})
	e.GET("/flush-first", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/plain; charset=utf-8")
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Flush()
		_, err := io.WriteString(c.Response(), big)
		return err
	})
	e.GET("/flush-missing", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/plain; charset=utf-8")
		c.Response().WriteHeader(http.StatusNotFound)
		c.Response().Flush()
		_, err := io.WriteString(c.Response(), small)
		return err
	})
	e.GET("/flush-empty", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusNoContent)
		c.Response().Flush()
		return nil
	})
	e.GET("/error", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	e.POST("/big", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })
	e.GET("/static/app.css", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })
	e.GET("/api/v1/sellers", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })

	tests := []struct {
		method, path, accept string
		status               int
		gzipped              bool
		contentType          string
		body                 string
		vary                 bool
	}{
		{"GET", "/big", "gzip, deflate, br", 200, true, "text/html; charset=UTF-8", big, true},
		{"GET", "/big", "", 200, false, "text/html; charset=UTF-8", big, true},
		{"GET", "/big", "gzip;q=0, identity", 200, false, "text/html; charset=UTF-8", big, true},
		{"GET", "/big", "*;q=0.5", 200, true, "text/html; charset=UTF-8", big, true},
		{"GET", "/small", "gzip", 200, false, "text/html; charset=UTF-8", small, true},
		{"GET", "/missing", "gzip", 404, true, "text/html; charset=UTF-8", big, true},
		{"GET", "/redirect", "gzip", 303, false, "", "", true},
		{"GET", "/empty", "gzip", 204, false, "", "", true},
		{"GET", "/untyped", "gzip", 200, true, "text/plain; charset=utf-8",
			strings.Repeat("plain words ", 200), true},
		{"GET", "/encoded", "gzip", 200, false, "text/css", big, true},
		{"GET", "/stream", "gzip", 200, true, "text/csv", "a,b\na,b\na,b\n", true},
		{"GET", "/flush-first", "gzip", 200, true, "text/plain; charset=utf-8", big, true},
		{"GET", "/flush-missing", "gzip", 404, true, "text/plain; charset=utf-8", small, true},
		{"GET", "/flush-empty", "gzip", 204, false, "", "", true},
		{"GET", "/error", "gzip", 418, false, "application/json",
			`{"message":"I'm a teapot"}` + "\n", true},
		{"POST", "/big", "gzip", 200, false, "text/html; charset=UTF-8", big, false},
		{"GET", "/static/app.css", "gzip", 200, false, "text/html; charset=UTF-8", big, false},
		{"GET", "/api/v1/sellers", "gzip", 200, false, "text/html; charset=UTF-8", big, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.accept, func(t *testing.T) {
			srv := httptest.NewServer(e)
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			client := &http.Client{Transport: &http.Transport{DisableCompression: true},
				CheckRedirect: func(*http.Request, []*http.Request) error {
					return http.ErrUseLastResponse
				}}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}

			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			gzipped := resp.Header.Get("Content-Encoding") == "gzip"
			if gzipped != tt.gzipped {
				t.Errorf("Content-Encoding %q, want gzip %v", resp.Header.Get("Content-Encoding"),
					tt.gzipped)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			vary := strings.Contains(strings.Join(resp.Header.Values("Vary"), ","),
				"Accept-Encoding")
			if vary != tt.vary {
				t.Errorf("Vary %q, want Accept-Encoding %v", resp.Header.Values("Vary"), tt.vary)
			}
			body := raw
			if gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(tt.path, "stream") && !strings.Contains(tt.path, "flush") &&
					len(raw) >= len(body) {
					t.Errorf("%d compressed bytes for %d", len(raw), len(body))
				}
			}
			if string(body) != tt.body {
				t.Errorf("body %q…, want %q…", trim(string(body)), trim(tt.body))
			}
		})
	}
}

func trim(s string) string { return s[:min(len(s), 40)] }

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"deflate, gzip;q=0.5"}, true},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=0.001"}, true},
		{[]string{"identity"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"*, gzip;q=0"}, false},
		{[]string{"*;q=0, gzip"}, true},
		{[]string{"x-gzip"}, false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("Accept-Encoding %q: %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestCompressStreamsAsItGoes checks that a flushed stream reaches the client before the handler
// ends, as the CSV export needs.
func TestCompressStreamsAsItGoes(t *testing.T) {
	release := make(chan struct{})
	e := echo.New()
	e.Use(compress())
	e.GET("/stream", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/csv")
		if _, err := io.WriteString(c.Response(), "first,row\n"); err != nil {
			return err
		}
		c.Response().Flush()
		<-release
		_, err := io.WriteString(c.Response(), "second,row\n")
		return err
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/stream", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	line := make([]byte, len("first,row\n"))
	if _, err := io.ReadFull(zr, line); err != nil || string(line) != "first,row\n" {
		close(release)
		t.Fatalf("first row before the end: %q, %v", line, err)
	}
	close(release)
	rest, err := io.ReadAll(zr)
	if err != nil || string(rest) != "second,row\n" {
		t.Fatalf("rest %q, %v", rest, err)
	}
}
