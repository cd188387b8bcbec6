package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/static"
	"github.com/aicofounder/shiprocket-portal/store"
)

// routes is the portal's whole route table.
func routes(e *echo.Echo, sellers *sellerHandler, staff *staffHandler, api *apiHandler,
	st *store.Store) {
	// Seller: start, resume link, guided steps.
	e.GET("/", sellers.start)
	e.POST("/start", sellers.create)
	e.GET("/welcome", sellers.welcome, sellers.require)
	e.POST("/link", sellers.newLink, sellers.require)
	e.GET("/r/:token", sellers.resume)
	e.GET("/steps/:n", sellers.step, sellers.require)

	// Seller: credentials, live check, result.
	e.GET("/credentials", sellers.credentials, sellers.require)
	e.POST("/credentials", sellers.submit, sellers.require)
	e.GET("/password", sellers.changePassword, sellers.require)
	e.POST("/password", sellers.submitChanged, sellers.require)
	e.POST("/check", sellers.retry, sellers.require)
	e.GET("/status", sellers.status, sellers.require)
	e.GET("/done", sellers.done, sellers.require)

	// Staff: sign-in, one-time password links, the first-run set-up, one's own account.
	e.GET("/admin/login", staff.loginForm)
	e.POST("/admin/login", staff.login)
	e.POST("/admin/logout", staff.logout, staff.require)
	e.GET("/admin/password/:token", staff.passwordForm)
	e.POST("/admin/password/:token", staff.setPassword)
	e.GET("/admin/setup/:token", staff.setupForm)
	e.POST("/admin/setup/:token", staff.setup)
	e.GET("/admin/account", staff.accountForm, staff.require)
	e.POST("/admin/account", staff.changePassword, staff.require)

	// Staff: the review queue, its bulk actions and export, inviting a seller.
	e.GET("/admin", staff.queue, staff.require)
	e.POST("/admin/bulk", staff.bulk, staff.require)
	e.GET("/admin/export.csv", staff.export, staff.require)
	e.GET("/admin/invite", staff.inviteForm, staff.require)
	e.POST("/admin/invite", staff.invite, staff.require)

	// Staff: one seller's page and actions.
	e.GET("/admin/sellers/:id", staff.seller, staff.require)
	e.POST("/admin/sellers/:id/check", staff.checkSeller, staff.require)
	e.POST("/admin/sellers/:id/assign", staff.assignSeller, staff.require)
	e.POST("/admin/sellers/:id/notes", staff.addNote, staff.require)
	e.POST("/admin/sellers/:id/link", staff.newSellerLink, staff.require)
	e.POST("/admin/sellers/:id/clear", staff.clearCredentials, staff.require)
	e.POST("/admin/sellers/:id/archive", staff.archiveSeller, staff.require)
	e.POST("/admin/sellers/:id/restore", staff.restoreSeller, staff.require)

	// Staff: the audit log (export for admins) and staff management (admins only).
	e.GET("/admin/audit", staff.audit, staff.require)
	e.GET("/admin/audit.csv", staff.exportAudit, staff.require, staff.requireAdmin)
	e.GET("/admin/staff", staff.members, staff.require, staff.requireAdmin)
	e.POST("/admin/staff", staff.addMember, staff.require, staff.requireAdmin)
	e.POST("/admin/staff/:id/role", staff.setRole, staff.require, staff.requireAdmin)
	e.POST("/admin/staff/:id/disable", staff.disableMember, staff.require, staff.requireAdmin)
	e.POST("/admin/staff/:id/enable", staff.enableMember, staff.require, staff.requireAdmin)
	e.POST("/admin/staff/:id/reset", staff.resetMember, staff.require, staff.requireAdmin)

	// Machine API: bearer API keys, JSON, no cookies.
	v1 := e.Group("/api/v1", api.jsonErrors, api.authenticate)
	v1.GET("/sellers", api.sellers)
	v1.POST("/sellers/:id/token", api.token)

	// Assets and health: /healthz says the process serves and the database answers, /readyz
	// that the database takes writes. Every GET route answers HEAD too (see headAsGet).
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET(healthPath, health(st))
	e.GET(readyPath, ready(st))
}

// health answers 200 while the database answers reads, for liveness checks.
func health(st *store.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := st.Ping(c.Request().Context()); err != nil {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "database unavailable")
		}
		return c.String(http.StatusOK, "ok")
	}
}

// readyTimeout bounds the write probe of /readyz: a write lock not had by then means the
// portal cannot save a seller's form either.
const readyTimeout = 5 * time.Second

// ready answers 200 while the database takes writes, for readiness checks: a read-only file or
// mount, or a lock held elsewhere, fails it with 503 while /healthz still says ok. The probe
// takes the write lock and lets it go, writing nothing.
func ready(st *store.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := st.CheckWritable(ctx); err != nil {
			logger(c).Error("readiness: database not writable", "error", err)
			return c.String(http.StatusServiceUnavailable, "database not writable")
		}
		return c.String(http.StatusOK, "ok")
	}
}
