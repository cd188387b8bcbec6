package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/static"
)

// compressMin is the smallest answer worth compressing: below it the gzip header and the time
// spent outweigh the bytes saved.
const compressMin = 1024

// compress gzips answers that are worth it. Static files are skipped: they are compressed once,
// ahead of time, by the static package. So is the machine API, which answers small JSON bodies.
//
// Pages carry secrets (the CSRF token, a resume link once), and compressing a secret next to
// text an attacker chooses can leak it through the response's size (BREACH). Pages here echo only
// what the seller posted themselves, and another site cannot post for them: the CSRF token, the
// Sec-Fetch-Site check and SameSite cookies refuse it.
//
// The compressor is klauspost/compress at level 1: a wizard page in 12 µs where the standard
// library's level 1 took 27 µs, for the same size (docs/benchmark.md). Only GET is compressed: a
// post answers with a redirect, or with its form shown again beside what was posted and the CSRF
// token, which is the shape BREACH needs; such answers are small anyway.
func compress() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodGet || strings.HasPrefix(req.URL.Path, static.Prefix) ||
				strings.HasPrefix(req.URL.Path, "/api/") {
				return next(c)
			}
			res := c.Response()
			res.Header().Add("Vary", "Accept-Encoding")
			if !acceptsGzip(req.Header.Values("Accept-Encoding")) {
				return next(c)
			}

			w := &gzipWriter{ResponseWriter: res.Writer}
			res.Writer = w
			defer func() {
				w.finish()
				res.Writer = w.ResponseWriter
			}()
			return next(c)
		}
	}
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: named with a q-value
// above 0, or not named and allowed by "*".
func acceptsGzip(values []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip":
				gzipQ = qValue(params)
			case "*":
				anyQ = qValue(params)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// qValue returns the q parameter among a coding's parameters, 1 when absent or unreadable.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
			if f, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
				return f
			}
		}
	}
	return 1
}

// gzippers keeps level-1 compressors between answers: each holds tables of a few hundred
// kilobytes that are costly to allocate.
var gzippers = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipWriter holds back an answer's first compressMin bytes, then compresses it when it is
// longer (or is flushed, as a stream is) and sends it as it was otherwise. The status is held
// back with it, since Content-Encoding must be decided before the header goes out.
type gzipWriter struct {
	http.ResponseWriter
	status  int
	pending []byte
	z       *gzip.Writer // set once compressing
	plain   bool         // set once sending as it is
}

// WriteHeader records the status until the body shows whether to compress.
func (w *gzipWriter) WriteHeader(status int) {
	if w.z == nil && !w.plain {
		w.status = status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write compresses, sends or holds back b.
func (w *gzipWriter) Write(b []byte) (int, error) {
	switch {
	case w.z != nil:
		return w.z.Write(b)
	case w.plain:
		return w.ResponseWriter.Write(b)
	}
	if w.Header().Get("Content-Encoding") != "" {
		// Already encoded by the handler.
		w.sendPlain()
		return w.ResponseWriter.Write(b)
	}
	w.pending = append(w.pending, b...)
	if len(w.pending) >= compressMin {
		if err := w.startGzip(); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// Flush decides at once, since a stream's length is not known: it compresses from here on,
// unless the answer is already encoded or has no body, and pushes what there is to the client.
func (w *gzipWriter) Flush() {
	if w.z == nil && !w.plain {
		if w.Header().Get("Content-Encoding") != "" || !bodyAllowed(w.statusOr200()) {
			w.sendPlain()
		} else if err := w.startGzip(); err != nil {
			return
		}
	}
	if w.z != nil {
		if err := w.z.Flush(); err != nil {
			return
		}
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// startGzip sends the header with Content-Encoding and compresses what is held back.
func (w *gzipWriter) startGzip() error {
	h := w.Header()
	if h.Get("Content-Type") == "" {
		// net/http would otherwise guess the type from the compressed bytes.
		h.Set("Content-Type", http.DetectContentType(w.pending))
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.ResponseWriter.WriteHeader(w.statusOr200())
	w.z = gzippers.Get().(*gzip.Writer)
	w.z.Reset(w.ResponseWriter)
	_, err := w.z.Write(w.pending)
	w.pending = nil
	return err
}

// sendPlain sends the held-back status; the body follows as it is.
func (w *gzipWriter) sendPlain() {
	w.plain = true
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
}

// bodyAllowed reports whether an answer with this status may carry a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

func (w *gzipWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// finish ends the answer: it closes the compressed stream, or sends what was held back as it
// is. An answer with neither body nor status sends nothing, so that the error handler can
// still answer.
func (w *gzipWriter) finish() {
	switch {
	case w.z != nil:
		_ = w.z.Close()
		w.z.Reset(nil)
		gzippers.Put(w.z)
		w.z = nil
	case !w.plain && (w.status != 0 || len(w.pending) > 0):
		w.sendPlain()
		if len(w.pending) > 0 {
			_, _ = w.ResponseWriter.Write(w.pending)
		}
	}
}
