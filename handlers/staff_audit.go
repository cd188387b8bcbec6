package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/views"
)

// dateLayout is how the audit page's date filters are written (UTC days).
const dateLayout = "2006-01-02"

// auditParams is the audit page's filter as it appears in the address. Values that do not parse
// are dropped.
type auditParams struct {
	Actor  string // "staff:<id>", "api_key:<id>", "system"...
	Action string
	Seller string // a seller id
	From   string // a UTC day, included
	To     string // a UTC day, included
	Before string // keyset cursor: an audit entry id
}

// readAuditParams reads the filter from the query string.
func readAuditParams(c echo.Context) auditParams {
	var p auditParams
	if a := c.QueryParam("actor"); len(a) <= 64 && validActor(a) {
		p.Actor = a
	}
	if a := c.QueryParam("action"); slices.Contains(views.AuditActions, a) {
		p.Action = a
	}
	if s := c.QueryParam("seller"); canonicalID(s) {
		p.Seller = s
	}
	for name, dst := range map[string]*string{"from": &p.From, "to": &p.To} {
		if _, err := time.Parse(dateLayout, c.QueryParam(name)); err == nil {
			*dst = c.QueryParam(name)
		}
	}
	if b := c.QueryParam("before"); canonicalID(b) {
		p.Before = b
	}
	return p
}

// validActor accepts the actor names the portal writes: a word, optionally ":<id>".
func validActor(a string) bool {
	kind, id, found := strings.Cut(a, ":")
	if kind == "" || strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return false
	}
	return !found || canonicalID(id)
}

func (p auditParams) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"actor", p.Actor}, {"action", p.Action},
		{"seller", p.Seller}, {"from", p.From}, {"to", p.To}, {"before", p.Before}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

func (p auditParams) path(base string) string {
	if q := p.values().Encode(); q != "" {
		return base + "?" + q
	}
	return base
}

// query turns the parameters into the store's query.
func (p auditParams) query() store.AuditQuery {
	q := store.AuditQuery{Actor: p.Actor, Action: p.Action}
	q.SellerID, _ = strconv.ParseInt(p.Seller, 10, 64)
	q.Before, _ = strconv.ParseInt(p.Before, 10, 64)
	if t, err := time.Parse(dateLayout, p.From); err == nil {
		q.Since = t
	}
	if t, err := time.Parse(dateLayout, p.To); err == nil {
		q.Until = t.AddDate(0, 0, 1)
	}
	return q
}

// audit lists the audit log, newest first, a page at a time, with filters. Nothing on it can be
// changed: the table refuses updates and deletes.
func (h *staffHandler) audit(c echo.Context) error {
	ctx := c.Request().Context()
	params := readAuditParams(c)
	q := params.query()
	q.Limit = staffPageSize + 1

	entries, err := h.store.ListAudit(ctx, q)
	if err != nil {
		return err
	}
	staff, err := h.store.ListStaff(ctx)
	if err != nil {
		return err
	}

	props := views.AuditProps{
		StaffPage: h.staffPage(c, "Audit log", views.SectionAudit),
		Actor:     params.Actor, Action: params.Action, Seller: params.Seller,
		From: params.From, To: params.To, Staff: staff, Names: staffNames(staff),
	}
	first := params
	first.Before = ""
	props.ExportPath = first.path("/admin/audit.csv")
	if params.Before != "" {
		props.FirstPath = first.path("/admin/audit")
	}
	if len(entries) > staffPageSize {
		entries = entries[:staffPageSize]
		next := params
		next.Before = strconv.FormatInt(entries[len(entries)-1].ID, 10)
		props.NextPath = next.path("/admin/audit")
	}
	props.Entries = entries
	return render(c, http.StatusOK, views.AuditPage(props))
}

// auditColumns is the header of the audit export.
var auditColumns = []string{"id", "at", "actor", "actor_name", "action", "seller_id", "detail",
	"address"}

// exportAudit streams the audit entries of the current filter as CSV, newest first. Admins
// only; the export itself is written to the log first.
func (h *staffHandler) exportAudit(c echo.Context) error {
	ctx := c.Request().Context()
	params := readAuditParams(c)
	params.Before = ""

	staff, err := h.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	names := staffNames(staff)
	if err := h.store.AddAudit(ctx, actor(c), store.AuditLogExported, 0,
		params.values().Encode()); err != nil {
		return err
	}

	name := "audit-" + h.store.Now().Format("20060102-1504") + ".csv"
	n := streamCSV(c, name, auditColumns, func(write func([]string) error) error {
		return h.store.EachAudit(ctx, params.query(), func(e store.AuditEntry) error {
			seller := ""
			if e.SellerID != 0 {
				seller = strconv.FormatInt(e.SellerID, 10)
			}
			return write([]string{strconv.FormatInt(e.ID, 10), csvTime(e.At), e.Actor,
				names[e.Actor], e.Action, seller, e.Detail, e.Address})
		})
	})
	logger(c).Info("audit log exported", "staff_id", currentStaff(c).ID, "rows", n)
	return nil
}
