package handlers

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// maxBulk bounds how many sellers one bulk action takes: a page of the queue, with room.
const maxBulk = 2 * staffPageSize

// queueParams is the queue's filter as it appears in the address: every link on the page
// writes it back with path, so a filtered view can be shared and the back button works. Values
// that do not parse are dropped, never an error.
type queueParams struct {
	Status   string // the tab: "" (all), a seller status, store.TabStuck or store.TabArchived
	Query    string
	Assignee string // "", "none" or a staff id
	Step     string // "" or a step number
	Reason   string // a status reason, with the needs-action tab only
	Sort     string // "" (last activity), store.SortCreated or store.SortIdle
	After    string // the keyset cursor: see formatCursor
}

// readQueueParams reads the filter from the query string.
func readQueueParams(c echo.Context) queueParams {
	var p queueParams
	if s := c.QueryParam("status"); s == store.TabStuck || s == store.TabArchived ||
		slices.Contains(store.QueueStatuses, store.Status(s)) {
		p.Status = s
	}
	p.Query = clipRunes(strings.ToValidUTF8(strings.TrimSpace(c.QueryParam("q")), ""),
		maxSearchLen)
	if a := c.QueryParam("assignee"); a == "none" || canonicalID(a) {
		p.Assignee = a
	}
	if n, err := strconv.Atoi(c.QueryParam("step")); err == nil && n >= 0 &&
		n <= stepCredential && strconv.Itoa(n) == c.QueryParam("step") {
		p.Step = c.QueryParam("step")
	}
	if r := c.QueryParam("reason"); p.Status == string(store.StatusNeedsAction) &&
		slices.Contains(views.NeedsActionReasons, r) {
		p.Reason = r
	}
	if s := c.QueryParam("sort"); s == store.SortCreated || s == store.SortIdle {
		p.Sort = s
	}
	if _, ok := parseCursor(c.QueryParam("after")); ok {
		p.After = c.QueryParam("after")
	}
	return p
}

// canonicalID reports whether s is a positive decimal id without sign or leading zeros.
func canonicalID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}

// values writes the filter back as query parameters, leaving out the empty ones.
func (p queueParams) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"status", p.Status}, {"q", p.Query},
		{"assignee", p.Assignee}, {"step", p.Step}, {"reason", p.Reason}, {"sort", p.Sort},
		{"after", p.After}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// path returns base with the filter as its query string.
func (p queueParams) path(base string) string {
	if q := p.values().Encode(); q != "" {
		return base + "?" + q
	}
	return base
}

// filter turns the parameters into the store's filter.
func (p queueParams) filter(stuckAfter time.Duration) store.QueueFilter {
	f := store.QueueFilter{Tab: p.Status, Query: p.Query, Reason: p.Reason, Sort: p.Sort,
		StuckAfter: stuckAfter}
	if p.Assignee == "none" {
		f.Unassigned = true
	} else if p.Assignee != "" {
		f.AssigneeID, _ = strconv.ParseInt(p.Assignee, 10, 64)
	}
	if p.Step != "" {
		n, _ := strconv.Atoi(p.Step)
		f.Step = &n
	}
	if cur, ok := parseCursor(p.After); ok {
		f.After = &cur
	}
	return f
}

// queue shows the review queue: tabs with counts, the filter, one page of sellers with the
// bulk actions, and the summary strip.
func (h *staffHandler) queue(c echo.Context) error {
	ctx := c.Request().Context()
	params := readQueueParams(c)
	filter := params.filter(h.stuckAfter())
	filter.Limit = staffPageSize + 1

	rows, err := h.store.Queue(ctx, filter)
	if err != nil {
		return err
	}
	counts, err := h.queueCounts(ctx, filter)
	if err != nil {
		return err
	}
	summary, err := h.store.Summary(ctx, stepCredential)
	if err != nil {
		return err
	}
	staff, err := h.store.ListStaff(ctx)
	if err != nil {
		return err
	}

	props := views.QueueProps{
		StaffPage: h.staffPage(c, "Sellers", views.SectionQueue),
		Status:    params.Status, Query: params.Query, Assignee: params.Assignee,
		Step: params.Step, Reason: params.Reason, Sort: params.Sort,
		Staff: activeStaff(staff), Summary: summary, Now: h.store.Now(),
		StuckAfter: h.stuckAfter(),
	}
	props.Tabs = queueTabs(params, counts)
	props.Sorts = queueSorts(params)
	props.ReturnPath = params.path(staffHome)
	first := params
	first.After = ""
	props.ExportPath = first.path("/admin/export.csv")
	if params.After != "" {
		props.FirstPath = first.path(staffHome)
	}
	if len(rows) > staffPageSize {
		rows = rows[:staffPageSize]
		next := params
		next.After = formatCursor(store.CursorOf(rows[len(rows)-1], params.Sort))
		props.NextPath = next.path(staffHome)
	}
	props.Rows = rows
	return render(c, http.StatusOK, views.QueuePage(props))
}

// queueCounts counts each tab as its link on the page lists it: the reason filter belongs to the
// needs-action tab alone, so the other tabs are counted without it.
func (h *staffHandler) queueCounts(ctx context.Context, f store.QueueFilter) (map[string]int,
	error) {
	reason := f.Reason
	f.Reason = ""
	counts, err := h.store.QueueCounts(ctx, f)
	if err != nil || reason == "" {
		return counts, err
	}

	f.Reason = reason
	withReason, err := h.store.QueueCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	counts[string(store.StatusNeedsAction)] = withReason[string(store.StatusNeedsAction)]
	return counts, nil
}

// queueTabs lists the tabs with their counts; each keeps the rest of the filter and starts at
// the first page.
func queueTabs(p queueParams, counts map[string]int) []views.QueueTab {
	keys := []string{store.TabAll}
	for _, s := range store.QueueStatuses {
		keys = append(keys, string(s))
	}
	keys = append(keys, store.TabStuck, store.TabArchived)

	var tabs []views.QueueTab
	for _, k := range keys {
		to := p
		to.Status, to.After = k, ""
		if k != string(store.StatusNeedsAction) {
			to.Reason = ""
		}
		tabs = append(tabs, views.QueueTab{Key: k, Label: views.TabLabel(k), Count: counts[k],
			Path: to.path(staffHome), Current: k == p.Status})
	}
	return tabs
}

// queueSorts lists the orders the queue offers, each keeping the filter.
func queueSorts(p queueParams) []views.QueueTab {
	var out []views.QueueTab
	for _, s := range []string{"", store.SortCreated, store.SortIdle} {
		to := p
		to.Sort, to.After = s, ""
		out = append(out, views.QueueTab{Key: s, Label: views.SortLabel(s),
			Path: to.path(staffHome), Current: s == p.Sort})
	}
	return out
}

// formatCursor writes a queue position as "<sort time in unix microseconds>-<seller id>".
// Stored times have microsecond precision, so the position is exact.
func formatCursor(cur store.QueueCursor) string {
	return strconv.FormatInt(cur.At.UnixMicro(), 10) + "-" + strconv.FormatInt(cur.ID, 10)
}

// parseCursor reads formatCursor's form; anything else means the first page.
func parseCursor(s string) (store.QueueCursor, bool) {
	micros, id, ok := strings.Cut(s, "-")
	if !ok {
		return store.QueueCursor{}, false
	}
	m, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || m < 0 || n <= 0 {
		return store.QueueCursor{}, false
	}
	return store.QueueCursor{At: time.UnixMicro(m).UTC(), ID: n}, true
}

// bulk applies an action to the sellers ticked in the queue: "check" checks each one's stored
// password again, "assign" gives them all to one staff member (or nobody). It answers with a
// redirect back to the same view of the queue and a message saying what happened.
func (h *staffHandler) bulk(c echo.Context) error {
	back := c.FormValue("return")
	if safeNext(back) == "" || (back != staffHome && !strings.HasPrefix(back, staffHome+"?")) {
		back = staffHome
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	ids := formIDs(form["id"])
	if len(ids) == 0 {
		h.flash(c, flashWarn, "Tick at least one seller first.", "")
		return redirect(c, back)
	}

	switch c.FormValue("action") {
	case "check":
		return h.bulkCheck(c, ids, back)
	case "assign":
		return h.bulkAssign(c, ids, back)
	}
	h.flash(c, flashWarn, "Choose what to do with the ticked sellers.", "")
	return redirect(c, back)
}

// formIDs reads up to maxBulk distinct seller ids from a form's values, skipping anything else.
func formIDs(raw []string) []int64 {
	var ids []int64
	for _, s := range raw {
		if !canonicalID(s) || len(ids) == maxBulk {
			continue
		}
		id, _ := strconv.ParseInt(s, 10, 64)
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// bulkAssign gives the ticked sellers to one staff member, or to nobody.
func (h *staffHandler) bulkAssign(c echo.Context, ids []int64, back string) error {
	assignee, ok := parseAssignee(c.FormValue("assignee"))
	if !ok {
		h.flash(c, flashWarn, "Choose who should look after the ticked sellers.", "")
		return redirect(c, back)
	}

	n, err := h.store.AssignSellers(c.Request().Context(), ids, assignee, actor(c))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInactive) {
		h.flash(c, flashBad, "That staff member cannot take sellers: the account is gone or "+
			"disabled.", "")
		return redirect(c, back)
	}
	if err != nil {
		return err
	}

	logger(c).Info("sellers assigned", "staff_id", currentStaff(c).ID, "assignee_id", assignee,
		"sellers", n)
	h.flash(c, flashOK, "Assigned "+plural(n, "seller")+".", "")
	return redirect(c, back)
}

// parseAssignee reads an assignee choice: "none" is nobody (0), otherwise a staff id.
func parseAssignee(v string) (int64, bool) {
	if v == "none" {
		return 0, true
	}
	if !canonicalID(v) {
		return 0, false
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return id, true
}

// bulkCheck checks the stored passwords of the ticked sellers again, one at a time, in the
// background: each check is a Shiprocket login and may take many seconds, so the page does not
// wait for them. Sellers that cannot be checked now are skipped and named in the message: no
// stored password, archived, or already checked checkLimit times in the last checkWindow (the
// same limit the seller pages keep, protecting the seller's Shiprocket account).
func (h *staffHandler) bulkCheck(c echo.Context, ids []int64, back string) error {
	ctx := c.Request().Context()

	var run []int64
	var skipped []string
	for _, id := range ids {
		seller, err := h.store.Seller(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		why, err := h.cannotCheck(ctx, seller)
		if err != nil {
			return err
		}
		if why != "" {
			skipped = append(skipped, seller.StoreName+" ("+why+")")
			if err := h.store.AddAudit(ctx, actor(c), store.AuditCheckSkipped, id,
				why); err != nil {
				return err
			}
			continue
		}
		if err := h.store.RecordCheckRequest(ctx, id, actor(c)); err != nil {
			return err
		}
		run = append(run, id)
	}

	if len(run) > 0 {
		go h.runChecks(context.WithoutCancel(ctx), run)
	}

	kind, text := flashOK, "Checking "+plural(len(run), "seller")+" again, one at a time: "+
		"each row updates when its check finishes."
	if len(run) == 0 {
		kind, text = flashWarn, "No seller was checked."
	}
	if len(skipped) > 0 {
		text += " Skipped " + strconv.Itoa(len(skipped)) + ": " + listText(skipped, 8) + "."
	}
	h.flash(c, kind, text, "")
	return redirect(c, back)
}

// cannotCheck says why the seller's stored password cannot be checked now, or "" when it can.
func (h *staffHandler) cannotCheck(ctx context.Context, s store.Seller) (string, error) {
	if !s.ArchivedAt.IsZero() {
		return "archived", nil
	}
	if _, err := h.store.Secret(ctx, s.ID, store.PurposePassword); err != nil {
		if errors.Is(err, store.ErrNoSecret) {
			return "no stored password", nil
		}
		return "", err
	}
	outcome, err := h.store.LastOutcome(ctx, s.ID)
	if err != nil {
		return "", err
	}
	if verify.RefusedLogin(outcome) {
		return "Shiprocket refused the stored password; the seller must enter a new one", nil
	}
	n, _, err := h.store.CountChecksSince(ctx, s.ID, h.cfg.Now().Add(-checkWindow))
	if err != nil {
		return "", err
	}
	if n >= checkLimit {
		return "checked " + strconv.Itoa(n) + " times in the last 15 minutes", nil
	}
	return "", nil
}

// runChecks checks each seller in turn. Only one bulk run goes at a time; a second one waits
// for the first. The limit is looked at again before each check, since the seller may have
// checked in the meantime.
//
// A run still going when the portal stops is cut short: the check under way stays recorded as
// running, and the sellers after it are not checked.
func (h *staffHandler) runChecks(ctx context.Context, ids []int64) {
	h.bulkChecks.Lock()
	defer h.bulkChecks.Unlock()

	done := 0
	for _, id := range ids {
		n, _, err := h.store.CountChecksSince(ctx, id, h.cfg.Now().Add(-checkWindow))
		if err != nil || n >= checkLimit {
			h.log.WarnContext(ctx, "bulk check skipped a seller", "seller_id", id, "checks", n,
				"error", err)
			continue
		}
		_, err = h.checks.Recheck(ctx, id, verify.TriggerStaff)
		if errors.Is(err, verify.ErrPasswordRefused) || errors.Is(err, store.ErrCheckLimit) ||
			errors.Is(err, store.ErrNoSecret) {
			h.log.WarnContext(ctx, "bulk check skipped a seller", "seller_id", id, "error", err)
			continue
		}
		if err != nil {
			h.log.ErrorContext(ctx, "bulk check failed", "seller_id", id, "error", err)
			continue
		}
		done++
	}
	h.log.InfoContext(ctx, "bulk check finished", "sellers", len(ids), "checked", done)
}

// plural writes "1 seller" or "3 sellers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// listText joins up to max items with commas and says how many more there are.
func listText(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + " and " + strconv.Itoa(len(items)-max) + " more"
}

// csvColumns is the header of the queue export. Nothing secret is among them: no password, no
// token, no resume link.
var csvColumns = []string{"seller_id", "store_name", "contact_name", "login_email",
	"api_email", "status", "status_reason", "step", "assignee", "last_check_outcome",
	"created_at", "last_activity_at", "submitted_at", "verified_at", "last_checked_at",
	"archived_at"}

// export streams the sellers of the current filter (every page, in the page's order) as CSV.
// Rows go out as they are read, so an export of 100,000 sellers never sits in memory.
func (h *staffHandler) export(c echo.Context) error {
	ctx := c.Request().Context()
	params := readQueueParams(c)
	params.After = ""
	filter := params.filter(h.stuckAfter())

	if err := h.store.AddAudit(ctx, actor(c), store.AuditQueueExported, 0,
		params.values().Encode()); err != nil {
		return err
	}

	name := "sellers-" + h.store.Now().Format("20060102-1504") + ".csv"
	n := streamCSV(c, name, csvColumns, func(write func([]string) error) error {
		return h.store.EachQueueRow(ctx, filter, func(r store.QueueRow) error {
			return write(queueRecord(r))
		})
	})
	logger(c).Info("queue exported", "staff_id", currentStaff(c).ID, "rows", n)
	return nil
}

// queueRecord is one seller's line of the export.
func queueRecord(r store.QueueRow) []string {
	return []string{strconv.FormatInt(r.ID, 10), r.StoreName, r.ContactName, r.LoginEmail,
		r.APIEmail, string(r.Status), r.StatusReason, strconv.Itoa(r.Step), r.AssigneeName,
		r.LastOutcome, csvTime(r.CreatedAt), csvTime(r.LastActivityAt), csvTime(r.SubmittedAt),
		csvTime(r.VerifiedAt), csvTime(r.LastCheckedAt), csvTime(r.ArchivedAt)}
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// streamCSV writes a CSV download: the header line, then every record rows hands to write,
// flushed to the client every few hundred lines. Every cell goes through csvCell. It returns
// how many records were written (the header not counted).
//
// Once the first bytes are out, an error can no longer become an error page; the connection is
// then dropped (http.ErrAbortHandler), so the download fails visibly instead of ending early
// and looking complete.
func streamCSV(c echo.Context, filename string, header []string,
	rows func(write func([]string) error) error) int {
	resp := c.Response()
	resp.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	resp.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	resp.Header().Set("Cache-Control", "no-store")
	resp.WriteHeader(http.StatusOK)

	w := csv.NewWriter(resp)
	n := 0
	write := func(record []string) error {
		for i, cell := range record {
			record[i] = csvCell(cell)
		}
		if err := w.Write(record); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			w.Flush()
			resp.Flush()
		}
		return w.Error()
	}

	err := write(slices.Clone(header))
	if err == nil {
		err = rows(write)
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		logger(c).Error("CSV export stopped part-way", "file", filename, "rows", n-1,
			"error", err)
		panic(http.ErrAbortHandler)
	}
	return n - 1
}

// csvCell defuses a cell that a spreadsheet would run as a formula: one starting with =, +, -, @,
// a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
