package handlers

// TEMPORARY: helper replaces this file with the real staff handler.

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
)

type staffHandler struct {
	cfg      Config
	store    *store.Store
	checks   *verify.Service
	sessions *sessionStores
	log      *slog.Logger
}

func (h *staffHandler) notYet(c echo.Context) error {
	return echo.NewHTTPError(http.StatusNotImplemented)
}

func (h *staffHandler) require(next echo.HandlerFunc) echo.HandlerFunc { return h.notYet }
func (h *staffHandler) loginForm(c echo.Context) error                  { return h.notYet(c) }
func (h *staffHandler) login(c echo.Context) error                      { return h.notYet(c) }
func (h *staffHandler) logout(c echo.Context) error                     { return h.notYet(c) }
func (h *staffHandler) sellers(c echo.Context) error                    { return h.notYet(c) }
func (h *staffHandler) seller(c echo.Context) error                     { return h.notYet(c) }
