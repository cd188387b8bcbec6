package handlers

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/tokens"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// APIConfig holds what the machine API needs beyond the store.
type APIConfig struct {
	// Tokens hands out Shiprocket tokens; when nil the token endpoint answers 503.
	Tokens TokenIssuer
}

// TokenIssuer hands out a seller's Shiprocket token and audits it; *tokens.Service is one.
type TokenIssuer interface {
	Issue(ctx context.Context, sellerID int64, who tokens.Requester, fresh bool) (tokens.Issued,
		error)
}

// apiHandler serves the machine API under /api/v1: JSON only, authenticated by API keys sent as
// "Authorization: Bearer <key>", no cookies and no sessions.
type apiHandler struct {
	store  *store.Store
	tokens TokenIssuer
	log    *slog.Logger
}

func newAPIHandler(cfg APIConfig, st *store.Store, log *slog.Logger) *apiHandler {
	return &apiHandler{store: st, tokens: cfg.Tokens, log: log}
}

// apiProblem is an API error with its status, a stable code for programs and a message for
// people.
type apiProblem struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

// Error returns the code and message, for logs.
func (p *apiProblem) Error() string { return p.Code + ": " + p.Message }

func problem(status int, code, message string) *apiProblem {
	return &apiProblem{Status: status, Code: code, Message: message}
}

// isAPIPath reports whether a request is for the machine API, which the CSRF check skips: it
// takes no cookies, so a browser cannot be tricked into sending its credentials.
func isAPIPath(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
}

// jsonErrors answers every error of the API group as JSON, never as a page. 5xx details go to
// the log at Error, 4xx at Warn; the body carries only the code and a plain message.
func (h *apiHandler) jsonErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}

		p := problem(http.StatusInternalServerError, "internal",
			"Something went wrong on our side; try again later.")
		var ap *apiProblem
		var he *echo.HTTPError
		switch {
		case errors.As(err, &ap):
			p = ap
		case store.IsUnavailable(err):
			p = problem(http.StatusServiceUnavailable, "database_unavailable",
				"The portal's database cannot be used right now; try again in a few minutes.")
		case errors.As(err, &he):
			p = problem(he.Code, strings.ToLower(strings.ReplaceAll(
				http.StatusText(he.Code), " ", "_")), http.StatusText(he.Code))
		}

		l := logger(c)
		if p.Status >= 500 {
			l.Error("api request failed", "route", c.Path(), "status", p.Status, "error", err)
		} else {
			l.Warn("api request refused", "route", c.Path(), "status", p.Status, "error", err)
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(p.Status, p)
	}
}

// authenticate admits requests with an active API key and keeps the key for the handler.
func (h *apiHandler) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, key, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="portal-api"`)
			return problem(http.StatusUnauthorized, "unauthorized",
				"Send an API key as \"Authorization: Bearer <key>\".")
		}

		k, err := h.store.AuthenticateAPIKey(c.Request().Context(), strings.TrimSpace(key))
		if errors.Is(err, store.ErrNotFound) {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate,
				`Bearer realm="portal-api", error="invalid_token"`)
			return problem(http.StatusUnauthorized, "unauthorized",
				"This API key is unknown or revoked.")
		}
		if err != nil {
			return err
		}

		c.Set("api_key", k)
		return next(c)
	}
}

func currentAPIKey(c echo.Context) store.APIKey {
	k, _ := c.Get("api_key").(store.APIKey)
	return k
}

// apiSeller is one seller in GET /api/v1/sellers.
type apiSeller struct {
	ID            int64       `json:"id"`
	StoreName     string      `json:"store_name"`
	Status        string      `json:"status"`
	Reason        string      `json:"reason,omitempty"`
	Stale         bool        `json:"stale"`
	Archived      bool        `json:"archived"`
	APIEmail      string      `json:"api_email,omitempty"`
	UpdatedAt     time.Time   `json:"updated_at"`
	VerifiedAt    *time.Time  `json:"verified_at,omitempty"`
	LastCheckedAt *time.Time  `json:"last_checked_at,omitempty"`
	Modules       []apiModule `json:"modules"`
	Buyer         string      `json:"buyer,omitempty"`
}

// apiModule is what the latest finished check found for one Shiprocket module.
type apiModule struct {
	Area   string `json:"area"`
	Label  string `json:"label"`
	Access string `json:"access"`
}

// apiSellerPage is the body of GET /api/v1/sellers.
type apiSellerPage struct {
	Sellers []apiSeller `json:"sellers"`
	// NextCursor fetches the next page; absent on the last one.
	NextCursor string `json:"next_cursor,omitempty"`
}

// sellers lists sellers, least recently changed first, with their modules from the latest
// finished check. updated_since (RFC 3339) keeps sellers changed since then; cursor continues a
// listing; limit is 1 to 500 (default 100).
func (h *apiHandler) sellers(c echo.Context) error {
	f := store.SyncFilter{Limit: 100}
	if v := c.QueryParam("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return problem(http.StatusBadRequest, "bad_request",
				"updated_since must be an RFC 3339 time, such as 2026-03-01T09:30:00Z.")
		}
		f.UpdatedSince = t
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return problem(http.StatusBadRequest, "bad_request", "limit must be 1 to 500.")
		}
		f.Limit = n
	}
	if v := c.QueryParam("cursor"); v != "" {
		cur, ok := parseSyncCursor(v)
		if !ok {
			return problem(http.StatusBadRequest, "bad_request", "cursor is not valid.")
		}
		f.After = &cur
	}

	rows, err := h.store.SyncSellers(c.Request().Context(), f)
	if err != nil {
		return err
	}

	page := apiSellerPage{Sellers: make([]apiSeller, 0, len(rows))}
	for _, r := range rows {
		page.Sellers = append(page.Sellers, toAPISeller(r))
	}
	if len(rows) == f.Limit {
		last := rows[len(rows)-1]
		page.NextCursor = formatSyncCursor(last.UpdatedAt, last.ID)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, page)
}

func toAPISeller(r store.SyncRow) apiSeller {
	rep := verify.ParseReport(r.Report)
	out := apiSeller{
		ID: r.ID, StoreName: r.StoreName, Status: string(r.Status), Reason: r.StatusReason,
		Stale: !r.StaleAt.IsZero(), Archived: !r.ArchivedAt.IsZero(), APIEmail: r.APIEmail,
		UpdatedAt: r.UpdatedAt, VerifiedAt: optionalTime(r.VerifiedAt),
		LastCheckedAt: optionalTime(r.LastCheckedAt), Modules: []apiModule{}, Buyer: rep.Buyer,
	}
	for _, m := range rep.Modules {
		out.Modules = append(out.Modules, apiModule{Area: m.Area, Label: m.Label,
			Access: m.Access})
	}
	return out
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// formatSyncCursor encodes a position in the listing; clients treat it as opaque.
func formatSyncCursor(at time.Time, id int64) string {
	raw := at.UTC().Format(time.RFC3339Nano) + "," + strconv.FormatInt(id, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseSyncCursor(s string) (store.Cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, false
	}
	at, id, ok := strings.Cut(string(raw), ",")
	t, err1 := time.Parse(time.RFC3339Nano, at)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return store.Cursor{}, false
	}
	return store.Cursor{LastActivityAt: t, ID: n}, true
}

// apiToken is the body of POST /api/v1/sellers/{id}/token.
type apiToken struct {
	SellerID  int64     `json:"seller_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Cached    bool      `json:"cached"`
}

// token hands out a working Shiprocket token for the seller. fresh=true asks for a new login
// when Shiprocket rejected the last token. The token is never logged.
func (h *apiHandler) token(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return problem(http.StatusNotFound, "not_found", "There is no seller with this id.")
	}
	if h.tokens == nil {
		return problem(http.StatusServiceUnavailable, "not_configured",
			"Tokens are not available from this portal.")
	}
	fresh, _ := strconv.ParseBool(c.QueryParam("fresh"))

	key := currentAPIKey(c)
	issued, err := h.tokens.Issue(c.Request().Context(), id,
		tokens.Requester{Actor: key.Actor(), Address: c.RealIP()}, fresh)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusNotFound, "not_found", "There is no seller with this id.")
	case errors.Is(err, tokens.ErrNotReady):
		return problem(http.StatusConflict, "not_verified",
			"This seller's Shiprocket credentials are not verified; no login was attempted.")
	case errors.Is(err, tokens.ErrRefused):
		return problem(http.StatusConflict, "credentials_refused",
			"Shiprocket refused this seller's credentials; the seller must submit new ones.")
	case errors.Is(err, tokens.ErrUnavailable):
		c.Response().Header().Set("Retry-After", "60")
		return problem(http.StatusServiceUnavailable, "shiprocket_unavailable",
			"Shiprocket did not answer; try again in a minute.")
	case err != nil:
		return err
	}

	logger(c).Info("token handed out", "seller_id", id, "api_key_id", key.ID,
		"cached", issued.Cached)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, apiToken{SellerID: id, Token: issued.Token.Reveal(),
		ExpiresAt: issued.ExpiresAt.UTC(), Cached: issued.Cached})
}
