package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/static"
	"github.com/aicofounder/shiprocket-portal/store"
)

// routes is the portal's whole route table.
func routes(e *echo.Echo, sellers *sellerHandler, staff *staffHandler, st *store.Store) {
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

	// Staff: sign-in and review.
	e.GET("/admin/login", staff.loginForm)
	e.POST("/admin/login", staff.login)
	e.POST("/admin/logout", staff.logout, staff.require)
	e.GET("/admin", staff.sellers, staff.require)
	e.GET("/admin/sellers/:id", staff.seller, staff.require)

	// Assets and health.
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET("/healthz", func(c echo.Context) error {
		if err := st.Ping(c.Request().Context()); err != nil {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "database unavailable")
		}
		return c.String(http.StatusOK, "ok")
	})
}
