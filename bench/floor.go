package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/views"

	_ "modernc.org/sqlite" // the same pure-Go SQLite as the portal
)

// The stack floor is a second baseline beside the bare handler: the least a wizard step page can
// cost on the stack the portal is built on. One Echo route checks a signed and encrypted cookie
// with securecookie (the codec under gorilla/sessions), reads the seller's row from the seeded
// database with the pure-Go SQLite through a prepared statement, and renders the wizard's step
// page with templ. Nothing of the portal's own runs: no logging, no CSRF token, no security
// headers, no compression, no step tracking, no session revocation. A wizard page cannot cost
// less than this, so when the floor is under the target the target is out of reach of the stack.

// Environment of the floor server: the database to read and the cookie keys, hex.
const (
	floorDBEnv   = "BENCH_FLOOR_DB"
	floorKeysEnv = "BENCH_FLOOR_KEYS"
	floorCookie  = "floor"
)

// floorCodec returns the cookie codec of the floor server from 64 bytes of keys.
func floorCodec(keys []byte) (*securecookie.SecureCookie, error) {
	if len(keys) != 64 {
		return nil, errors.New("floor: want 64 bytes of keys")
	}
	sc := securecookie.New(keys[:32], keys[32:])
	sc.SetSerializer(securecookie.NopEncoder{})
	return sc, nil
}

// serveFloor serves the stack floor until ctx ends.
func serveFloor(ctx context.Context, addr string) error {
	keys, err := hex.DecodeString(os.Getenv(floorKeysEnv))
	if err != nil {
		return fmt.Errorf("floor keys: %w", err)
	}
	codec, err := floorCodec(keys)
	if err != nil {
		return err
	}
	path := os.Getenv(floorDBEnv)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+
		"?_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	stmt, err := db.PrepareContext(ctx, `SELECT login_email, step FROM sellers WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()

	var modules []string
	for _, a := range shiprocket.Areas() {
		modules = append(modules, a.Label)
	}
	texts := views.TextsFor(views.English)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/steps/:n", func(c echo.Context) error {
		ck, err := c.Cookie(floorCookie)
		if err != nil {
			return c.NoContent(http.StatusUnauthorized)
		}
		var raw []byte
		if err := codec.Decode(floorCookie, ck.Value, &raw); err != nil {
			return c.NoContent(http.StatusUnauthorized)
		}
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return c.NoContent(http.StatusUnauthorized)
		}
		n, err := strconv.Atoi(c.Param("n"))
		if err != nil || n < 1 || n > views.TotalSteps {
			return c.NoContent(http.StatusNotFound)
		}

		ctx := c.Request().Context()
		var login string
		var step int
		if err := stmt.QueryRowContext(ctx, id).Scan(&login, &step); err != nil {
			return err
		}
		alias, _ := shiprocket.APIUserEmail(login)
		props := views.StepProps{
			Page: views.Page{Title: texts.Steps[n-1].Title, Brand: "AI Cofounder"},
			N:    n, Reached: max(step, n), LoginEmail: login, Alias: alias, Modules: modules,
		}
		var buf bytes.Buffer
		ctx = views.WithLocale(ctx, views.Locale{Lang: views.English})
		if err := views.StepPage(props).Render(ctx, &buf); err != nil {
			return err
		}
		return c.HTMLBlob(http.StatusOK, buf.Bytes())
	})

	return serveUntilDone(ctx, addr, e)
}

// stackFloor measures the floor server with the wizard's closed loop, on the wizard's sellers.
func (b *bench) stackFloor(ctx context.Context) (result, error) {
	keys := make([]byte, 64)
	if _, err := rand.Read(keys); err != nil {
		return result{}, err
	}
	codec, err := floorCodec(keys)
	if err != nil {
		return result{}, err
	}
	users := make([]*sessionUser, len(b.wizard))
	for i, w := range b.wizard {
		v, err := codec.Encode(floorCookie, []byte(strconv.FormatInt(w.seller.id, 10)))
		if err != nil {
			return result{}, err
		}
		u := newUser()
		u.cookies[floorCookie] = v
		users[i] = &sessionUser{user: u, seller: w.seller}
	}

	floor, err := b.startReference(ctx, "floor", []string{floorDBEnv + "=" + b.dbPath,
		floorKeysEnv + "=" + hex.EncodeToString(keys)})
	if err != nil {
		return result{}, err
	}
	defer floor.stop()

	get := func(ctx context.Context, w, i int) error {
		u := users[(w*31+i)%len(users)]
		n := 1 + i%u.seller.step
		return u.want(ctx, b.client, "GET", floor.url+"/steps/"+strconv.Itoa(n), nil,
			http.StatusOK)
	}
	s, cpu := b.closedOn(ctx, floor, get)
	_, peak, _ := memory(floor.pid())
	b.failNote("floor", s)
	b.floorTput = s

	ratio := s.throughput() / b.bareTput.throughput()
	r := b.row("Stack floor: cookie, one SQLite row, templ step page", fmt.Sprintf(
		"closed loop, %d connections", closedWorkers), s, peak, "baseline", true,
		fmt.Sprintf("%.2f× throughput", ratio))
	r.cpu = cpu
	b.logf("%-28s %8.0f/s  p50 %-8s p99 %-8s cpu/req %-8s  %.2f× bare", "stack floor",
		r.throughput, ms(r.p50), ms(r.p99), ms(r.cpu), ratio)
	return r, nil
}
