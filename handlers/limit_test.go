package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestLimitReads checks that at most n GET requests run at once, that the others wait and then
// run, that posts are never held back, and that a GET whose client gives up while waiting ends
// with 503 without running.
func TestLimitReads(t *testing.T) {
	e := echo.New()
	e.Use(limitReads(2))
	release := make(chan struct{})
	var running, most, ran atomic.Int64
	block := func(c echo.Context) error {
		ran.Add(1)
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return c.String(http.StatusOK, "ok")
	}
	e.GET("/page", block)
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	e.POST("/post", ok)
	e.GET(healthPath, ok)
	e.GET(readyPath, ok)

	serve := func(ctx context.Context, method, path string) chan int {
		done := make(chan int, 1)
		go func() {
			req := httptest.NewRequest(method, path, nil).WithContext(ctx)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			done <- rec.Code
		}()
		return done
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}

	ctx := context.Background()
	pages := []chan int{serve(ctx, "GET", "/page"), serve(ctx, "GET", "/page"),
		serve(ctx, "GET", "/page")}
	waitFor("two pages running", func() bool { return running.Load() == 2 })

	if code := <-serve(ctx, "POST", "/post"); code != http.StatusOK {
		t.Errorf("post while every slot is taken: status %d, want 200", code)
	}
	for _, path := range []string{healthPath, readyPath} {
		if code := <-serve(ctx, "GET", path); code != http.StatusOK {
			t.Errorf("%s while every slot is taken: status %d, want 200", path, code)
		}
	}

	gone, cancel := context.WithCancel(ctx)
	abandoned := serve(gone, "GET", "/page")
	time.Sleep(20 * time.Millisecond)
	cancel()
	if code := <-abandoned; code != http.StatusServiceUnavailable {
		t.Errorf("abandoned page: status %d, want 503", code)
	}

	close(release)
	for i, p := range pages {
		if code := <-p; code != http.StatusOK {
			t.Errorf("page %d: status %d, want 200", i, code)
		}
	}
	if most.Load() != 2 || ran.Load() != 3 {
		t.Errorf("at most %d pages ran at once and %d ran in all, want 2 and 3", most.Load(),
			ran.Load())
	}
}
