package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/store"
)

// auditIDs lists the audit entry ids on an audit page, with the action of each.
func auditRows(t *testing.T, p page) []string {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("audit page: status %d", p.Status)
	}
	var out []string
	p.Doc.Find(`[data-testid="audit-entry"]`).Each(func(_ int, r *goquery.Selection) {
		out = append(out, r.AttrOr("data-actor", "")+" "+r.AttrOr("data-action", "")+" "+
			r.AttrOr("data-seller-id", ""))
	})
	return out
}

func TestAuditPageFiltersAndPages(t *testing.T) {
	app := newApp(t)
	ctx := context.Background()
	k := newSellerKit(t, app)
	asha := addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	ravi := addMember(t, app, "ravi@example.com", "Ravi Support", store.RoleSupport)
	x := k.create("Seller X", "X", "x@example.com", 1)
	y := k.create("Seller Y", "Y", "y@example.com", 1)

	// Day one: Ravi views X 60 times. Day two: Asha archives Y and views X.
	byRavi := store.Actor{StaffID: ravi.ID, Address: "10.0.0.7"}
	for range 60 {
		if err := app.Store.AddAudit(ctx, byRavi, store.AuditSellerViewed, x.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	day1 := app.Clock.Now().UTC().Format("2006-01-02")
	app.Clock.Advance(24 * time.Hour)
	byAsha := store.Actor{StaffID: asha.ID, Address: "10.0.0.8"}
	if err := app.Store.ArchiveSeller(ctx, y.ID, byAsha); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.AddAudit(ctx, byAsha, store.AuditSellerViewed, x.ID, ""); err != nil {
		t.Fatal(err)
	}
	day2 := app.Clock.Now().UTC().Format("2006-01-02")
	b := signedIn(t, app, "ravi@example.com") // signs in: one more entry, by Ravi, day two

	r, a := "staff:"+strconv.FormatInt(ravi.ID, 10), "staff:"+strconv.FormatInt(asha.ID, 10)
	xs, ys := strconv.FormatInt(x.ID, 10), strconv.FormatInt(y.ID, 10)
	tests := []struct {
		query string
		want  []string
		total int
	}{
		{"", []string{r + " signed_in 0", a + " seller_viewed " + xs,
			a + " seller_archived " + ys, r + " seller_viewed " + xs}, 63},
		{"actor=" + a, []string{a + " seller_viewed " + xs, a + " seller_archived " + ys}, 2},
		{"action=seller_archived", []string{a + " seller_archived " + ys}, 1},
		{"seller=" + ys, []string{a + " seller_archived " + ys}, 1},
		{"seller=" + xs + "&from=" + day2, []string{a + " seller_viewed " + xs}, 1},
		{"actor=" + r + "&to=" + day1, []string{r + " seller_viewed " + xs}, 60},
		{"actor=" + r + "&from=" + day2 + "&to=" + day2, []string{r + " signed_in 0"}, 1},
		{"action=not_an_action&seller=-1&from=yesterday&actor=%3Cb%3E", []string{
			r + " signed_in 0"}, 63},
	}
	for _, tt := range tests {
		// Walk every page: newest first, 50 a page, no entry twice.
		var all []string
		path := "/admin/audit?" + tt.query
		for path != "" {
			p := b.get(path)
			all = append(all, auditRows(t, p)...)
			path = p.Doc.Find(`[data-testid="audit-older"]`).AttrOr("href", "")
		}
		if len(all) != tt.total || !slices.Equal(all[:len(tt.want)], tt.want) {
			t.Errorf("?%s: %d entries starting %v, want %d starting %v", tt.query, len(all),
				all[:min(len(all), len(tt.want))], tt.total, tt.want)
		}
	}

	first := b.get("/admin/audit")
	row := first.Doc.Find(`[data-testid="audit-entry"]`).Eq(2)
	var cells []string
	row.Find("td").Each(func(_ int, td *goquery.Selection) {
		cells = append(cells, strings.TrimSpace(td.Text()))
	})
	wantCells := []string{day2[:10], "Asha Admin", "Archived a seller", ys, "—", "10.0.0.8"}
	if len(cells) != len(wantCells) || !strings.HasPrefix(cells[0], wantCells[0]) ||
		!slices.Equal(cells[1:], wantCells[1:]) {
		t.Errorf("an entry reads %q, want %q", cells, wantCells)
	}
	if first.Doc.Find(`form[action^="/admin/audit"][method="post"]`).Length() != 0 {
		t.Error("the audit page has a form that changes something")
	}
}

func TestAuditExportIsForAdmins(t *testing.T) {
	app := newApp(t)
	ctx := context.Background()
	asha := addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	k := newSellerKit(t, app)
	x := k.create("=cmd|' /C calc'!A0", "X", "x@example.com", 1)
	by := store.Actor{StaffID: asha.ID, Address: "10.0.0.8"}
	if _, err := app.Store.AddNote(ctx, x.ID, "a note", by); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.AddAudit(ctx, by, store.AuditCheckSkipped, x.ID,
		"=HYPERLINK(\"x\")"); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, app, "asha@example.com")

	res := b.get("/admin/audit.csv?seller=" + strconv.FormatInt(x.ID, 10))
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("audit export: status %d, type %q", res.Status, res.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	a := "staff:" + strconv.FormatInt(asha.ID, 10)
	got := fmt.Sprint(records)
	want := fmt.Sprint([][]string{
		{"id", "at", "actor", "actor_name", "action", "seller_id", "detail", "address"},
		{"2", records[1][1], a, "Asha Admin", "check_skipped", "1", "'=HYPERLINK(\"x\")",
			"10.0.0.8"},
		{"1", records[2][1], a, "Asha Admin", "note_added", "1", "note 1", "10.0.0.8"},
	})
	if got != want {
		t.Errorf("export\n%s\nwant\n%s", got, want)
	}
	if _, err := time.Parse(time.RFC3339, records[1][1]); err != nil {
		t.Errorf("time %q: %v", records[1][1], err)
	}
	wantAudit(t, app, store.AuditQuery{Action: store.AuditLogExported}, store.AuditEntry{
		Actor: a, Action: store.AuditLogExported, Detail: "seller=1", Address: "127.0.0.1"})
}
