package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// Session lifetimes. A seller's browser session is a convenience (the resume link is the way
// back); a staff session is cut short on purpose.
const (
	sellerSessionTTL  = 7 * 24 * time.Hour
	staffSessionTTL   = 12 * time.Hour
	staffIdleTimeout  = 30 * time.Minute
	sellerSessionName = "seller"
	staffSessionName  = "staff"
)

// sessionStores holds one cookie store per audience, each with its own cookie rules.
type sessionStores struct {
	seller     *sessions.CookieStore
	staff      *sessions.CookieStore
	sellerName string
	staffName  string
}

func newSessionStores(cfg Config) *sessionStores {
	seller := sessions.NewCookieStore(cfg.SessionKeys...)
	// MaxAge on the store moves the codec's own timestamp check too, not only the cookie option.
	seller.MaxAge(int(sellerSessionTTL.Seconds()))
	seller.Options = &sessions.Options{
		Path: "/", MaxAge: int(sellerSessionTTL.Seconds()), HttpOnly: true,
		Secure: cfg.secure(), SameSite: http.SameSiteLaxMode,
	}

	staff := sessions.NewCookieStore(cfg.SessionKeys...)
	staff.MaxAge(int(staffSessionTTL.Seconds()))
	staff.Options = &sessions.Options{
		Path: "/", MaxAge: int(staffSessionTTL.Seconds()), HttpOnly: true,
		Secure: cfg.secure(), SameSite: http.SameSiteStrictMode,
	}

	useSessionCodec(seller)
	useSessionCodec(staff)
	return &sessionStores{
		seller: seller, staff: staff,
		sellerName: cookieName(cfg, sellerSessionName),
		staffName:  cookieName(cfg, staffSessionName),
	}
}

// cookieName prefixes cookie names with __Host- when served over https, which pins the cookie to
// this exact host with Secure and Path=/.
func cookieName(cfg Config, name string) string {
	if cfg.secure() {
		return "__Host-portal_" + name
	}
	return "portal_" + name
}

// sellerSession returns the seller's session. A cookie that no longer decodes (keys changed,
// expired, tampered) gives a fresh empty session rather than an error.
func (s *sessionStores) sellerSession(c echo.Context) *sessions.Session {
	return getSession(c, s.seller, s.sellerName)
}

func (s *sessionStores) staffSession(c echo.Context) *sessions.Session {
	return getSession(c, s.staff, s.staffName)
}

func getSession(c echo.Context, store *sessions.CookieStore, name string) *sessions.Session {
	sess, err := store.Get(c.Request(), name)
	if err != nil {
		// gorilla returns a usable new session alongside a decode error.
		sess.IsNew = true
		sess.Values = map[any]any{}
	}
	return sess
}

func saveSession(c echo.Context, sess *sessions.Session) error {
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return errors.Join(errors.New("save session"), err)
	}
	return nil
}

// sessionInt reads an int64 value from a session.
func sessionInt(sess *sessions.Session, key string) int64 {
	v, _ := sess.Values[key].(int64)
	return v
}

// sessionString reads a string value from a session.
func sessionString(sess *sessions.Session, key string) string {
	v, _ := sess.Values[key].(string)
	return v
}
