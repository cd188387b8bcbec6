package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// reviewStore opens a store with two staff members (Asha, admin, id 1; Ravi, support, id 2) and
// returns it with an actor for Asha.
func reviewStore(t *testing.T, c *clock) (*store.Store, store.Actor) {
	t.Helper()
	st, _ := openStore(t, c)
	ctx := context.Background()
	if _, err := st.CreateStaff(ctx, "asha@example.com", "Asha", "h", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	_, err := st.CreateStaff(ctx, "ravi@example.com", "Ravi", "h", store.RoleSupport)
	if err != nil {
		t.Fatal(err)
	}
	return st, store.Actor{StaffID: 1, Address: "192.0.2.4"}
}

// submit stores credentials for a seller and finishes the check with the given result.
func submit(t *testing.T, st *store.Store, id int64, r store.CheckResult) {
	t.Helper()
	ctx := context.Background()
	check, err := st.Submit(ctx, store.Submission{SellerID: id, APIEmail: "x+api@example.com",
		KeyID: "k1", Sealed: []byte{1}, Trigger: "seller", Actor: "seller"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.FinishCheck(ctx, check.ID, r); err != nil {
		t.Fatal(err)
	}
}

// lastAudit returns the newest audit entry.
func lastAudit(t *testing.T, st *store.Store) store.AuditEntry {
	t.Helper()
	entries, err := st.ListAudit(context.Background(), store.AuditQuery{Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit log: %v, %v", entries, err)
	}
	return entries[0]
}

func TestQueueTabsFiltersAndCounts(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, by := reviewStore(t, c)

	// old: in progress and idle 5 days; done: verified, also idle; new ones today.
	old, _ := st.CreateSeller(ctx, newSeller("old"), hash("1"), time.Hour, "seller")
	st.ReachStep(ctx, old.ID, 2, false)
	done, _ := st.CreateSeller(ctx, newSeller("done"), hash("2"), time.Hour, "seller")
	submit(t, st, done.ID, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})
	c.add(5 * 24 * time.Hour)
	fresh, _ := st.CreateSeller(ctx, newSeller("fresh"), hash("3"), time.Hour, "seller")
	bad, _ := st.CreateSeller(ctx, newSeller("bad"), hash("4"), time.Hour, "seller")
	submit(t, st, bad.ID, store.CheckResult{Outcome: "wrong_credentials",
		Status: store.StatusNeedsAction, Reason: "wrong_credentials"})
	gone, _ := st.CreateSeller(ctx, newSeller("gone"), hash("5"), time.Hour, "seller")
	if err := st.ArchiveSeller(ctx, gone.ID, by); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AssignSellers(ctx, []int64{old.ID, bad.ID}, 2, by); err != nil {
		t.Fatal(err)
	}
	one := 2

	tests := []struct {
		name   string
		filter store.QueueFilter
		want   []int64
	}{
		{"all, last activity first", store.QueueFilter{}, []int64{bad.ID, fresh.ID, done.ID,
			old.ID}},
		{"stuck after 3 days", store.QueueFilter{Tab: store.TabStuck}, []int64{old.ID}},
		{"stuck after 6 days", store.QueueFilter{Tab: store.TabStuck,
			StuckAfter: 6 * 24 * time.Hour}, nil},
		{"archived", store.QueueFilter{Tab: store.TabArchived}, []int64{gone.ID}},
		{"needs action, by reason", store.QueueFilter{Tab: "needs_action",
			Reason: "wrong_credentials"}, []int64{bad.ID}},
		{"assigned to Ravi", store.QueueFilter{AssigneeID: 2}, []int64{bad.ID, old.ID}},
		{"nobody's", store.QueueFilter{Unassigned: true}, []int64{fresh.ID, done.ID}},
		{"step 2", store.QueueFilter{Step: &one}, []int64{old.ID}},
		{"search, any case", store.QueueFilter{Query: "FRESH@example"}, []int64{fresh.ID}},
		{"search, API email", store.QueueFilter{Query: "x+api"}, []int64{bad.ID, done.ID}},
		{"idle longest first", store.QueueFilter{Sort: store.SortIdle}, []int64{old.ID,
			done.ID, fresh.ID, bad.ID}},
		{"newest first", store.QueueFilter{Sort: store.SortCreated}, []int64{bad.ID,
			fresh.ID, done.ID, old.ID}},
		{"after a cursor", store.QueueFilter{After: &store.QueueCursor{At: c.t,
			ID: fresh.ID}}, []int64{done.ID, old.ID}},
	}
	for _, tt := range tests {
		rows, err := st.Queue(ctx, tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	rows, _ := st.Queue(ctx, store.QueueFilter{Query: "bad"})
	want := store.QueueRow{Seller: rows[0].Seller, AssigneeID: 2, AssigneeName: "Ravi",
		LastOutcome: "wrong_credentials"}
	if len(rows) != 1 || rows[0] != want {
		t.Errorf("row %+v, want %+v", rows, want)
	}

	counts, err := st.QueueCounts(ctx, store.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[string]int{"": 4, "not_started": 1, "in_progress": 1, "needs_action": 1,
		"verified": 1, "stuck": 1, "archived": 1}
	if !maps(counts, wantCounts) {
		t.Errorf("counts %v, want %v", counts, wantCounts)
	}
	counts, _ = st.QueueCounts(ctx, store.QueueFilter{AssigneeID: 2, Tab: "verified"})
	if !maps(counts, map[string]int{"": 2, "in_progress": 1, "needs_action": 1,
		"stuck": 1, "archived": 0}) {
		t.Errorf("counts of Ravi's sellers %v", counts)
	}
}

// maps compares two count maps, treating a missing key as 0.
func maps(got, want map[string]int) bool {
	for k, v := range got {
		if want[k] != v {
			return false
		}
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func TestQueueSearchFollowsChanges(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := reviewStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("Kavya"), hash("1"), time.Hour, "seller")

	find := func(q string) int {
		rows, err := st.Queue(ctx, store.QueueFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	if find("kavya@exam") != 1 || find("zzz+api") != 0 {
		t.Fatal("search before the submission")
	}
	// The API email arrives with the submission: the search index follows the table.
	if _, err := st.Submit(ctx, store.Submission{SellerID: s.ID, APIEmail: "zzz+api@example.com",
		KeyID: "k", Sealed: []byte{1}, Trigger: "seller", Actor: "seller"}); err != nil {
		t.Fatal(err)
	}
	if find("zzz+api") != 1 || find(`"zzz`) != 0 || find("a%b") != 0 {
		t.Error("search after the submission")
	}
}

func TestSummary(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, by := reviewStore(t, c)

	// Three sellers verified 1, 3 and 8 hours after they started, one of them re-verified a
	// day later (the median uses the first time); one verified 40 days ago; two need action.
	verifyAfter := func(name string, d time.Duration) int64 {
		s, _ := st.CreateSeller(ctx, newSeller(name), hash(name), time.Hour, "seller")
		st.ReachStep(ctx, s.ID, 9, true)
		c.add(d)
		submit(t, st, s.ID, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})
		c.add(-d)
		return s.ID
	}
	c.add(-40 * 24 * time.Hour)
	verifyAfter("ancient", time.Minute)
	c.add(40 * 24 * time.Hour)
	verifyAfter("a", time.Hour)
	again := verifyAfter("b", 3*time.Hour)
	verifyAfter("c", 8*time.Hour)
	c.add(24 * time.Hour)
	submit(t, st, again, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})

	for i, reason := range []string{"missing_modules", "wrong_credentials", "missing_modules"} {
		s, _ := st.CreateSeller(ctx, newSeller("r"+reason+string(rune('0'+i))), hash(reason+
			string(rune('0'+i))), time.Hour, "seller")
		st.ReachStep(ctx, s.ID, 4, false)
		submit(t, st, s.ID, store.CheckResult{Outcome: "verified", Status: store.StatusNeedsAction,
			Reason: reason})
	}
	s, _ := st.CreateSeller(ctx, newSeller("archived"), hash("arch"), time.Hour, "seller")
	submit(t, st, s.ID, store.CheckResult{Outcome: "x", Status: store.StatusNeedsAction,
		Reason: "mfa_required"})
	st.ArchiveSeller(ctx, s.ID, by)

	sum, err := st.Summary(ctx, 9)
	if err != nil {
		t.Fatal(err)
	}
	// Live sellers: 4 verified at step 9, 3 at step 4 (submissions do not move the step).
	want := store.QueueSummary{Started: 7, Reached: []int{0, 7, 7, 7, 7, 4, 4, 4, 4, 4},
		Verified: 4, MedianToVerified: 3 * time.Hour, MedianOf: 3,
		Reasons: []store.ReasonCount{{Reason: "missing_modules", Sellers: 2},
			{Reason: "wrong_credentials", Sellers: 1}}}
	if !slices.Equal(sum.Reached, want.Reached) || sum.Started != want.Started ||
		sum.Verified != want.Verified || sum.MedianToVerified != want.MedianToVerified ||
		sum.MedianOf != want.MedianOf || !slices.Equal(sum.Reasons, want.Reasons) {
		t.Errorf("summary %+v\nwant    %+v", sum, want)
	}

	// A week later the reasons have aged out.
	c.add(8 * 24 * time.Hour)
	if sum, _ := st.Summary(ctx, 9); len(sum.Reasons) != 0 {
		t.Errorf("reasons after a week: %v", sum.Reasons)
	}
}

func TestFirstVerifiedIsKept(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := reviewStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("a"), hash("a"), time.Hour, "seller")

	c.add(time.Hour)
	first := c.t
	submit(t, st, s.ID, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})
	c.add(48 * time.Hour)
	submit(t, st, s.ID, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})

	got, _ := st.Case(ctx, s.ID)
	seller, _ := st.Seller(ctx, s.ID)
	if !got.FirstVerifiedAt.Equal(first) || !seller.VerifiedAt.Equal(c.t) {
		t.Errorf("first verified %v (want %v), verified %v (want %v)", got.FirstVerifiedAt,
			first, seller.VerifiedAt, c.t)
	}
}

func TestStaffActionsOnASeller(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, by := reviewStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("one"), time.Hour, "seller")

	// Clearing needs a stored password.
	if err := st.ClearCredentials(ctx, s.ID, by); !errors.Is(err, store.ErrNoSecret) {
		t.Errorf("clear without a password: %v", err)
	}
	submit(t, st, s.ID, store.CheckResult{Outcome: "verified", Status: store.StatusVerified})
	if err := st.SaveToken(ctx, store.CachedToken{SellerID: s.ID, APIEmail: "x+api@example.com",
		KeyID: "k1", Sealed: []byte{9}, ExpiresAt: c.t.Add(time.Hour),
		RefreshAt: c.t}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		act    func() error
		event  string
		action string
		detail string
		check  func(store.Seller, store.SellerCase) bool
	}{
		{"assign", func() error {
			_, err := st.AssignSellers(ctx, []int64{s.ID}, 2, by)
			return err
		}, store.EventAssigned, store.AuditSellerAssigned, "to staff:2 (Ravi)",
			func(_ store.Seller, sc store.SellerCase) bool { return sc.AssigneeName == "Ravi" }},
		{"recheck asked", func() error { return st.RecordCheckRequest(ctx, s.ID, by) },
			store.EventCheckRequested, store.AuditCheckRequested, "",
			func(store.Seller, store.SellerCase) bool { return true }},
		{"new link", func() error {
			return st.NewResumeLink(ctx, s.ID, hash("two"), time.Hour, by)
		}, store.EventLinkCreated, store.AuditResumeLinkCreated, "",
			func(store.Seller, store.SellerCase) bool {
				_, errOld := st.SellerByResumeToken(ctx, hash("one"))
				got, errNew := st.SellerByResumeToken(ctx, hash("two"))
				return errors.Is(errOld, store.ErrNotFound) && errNew == nil && got.ID == s.ID
			}},
		{"clear", func() error { return st.ClearCredentials(ctx, s.ID, by) },
			store.EventCredentialsCleared, store.AuditCredentialsCleared, "",
			func(x store.Seller, sc store.SellerCase) bool {
				_, errSecret := st.Secret(ctx, s.ID, store.PurposePassword)
				_, errToken := st.Token(ctx, s.ID)
				return x.Status == store.StatusAwaitingPassword && x.StatusReason == "" &&
					sc.PasswordSetAt.IsZero() && errors.Is(errSecret, store.ErrNoSecret) &&
					errors.Is(errToken, store.ErrNotFound)
			}},
		{"archive", func() error { return st.ArchiveSeller(ctx, s.ID, by) },
			store.EventArchived, store.AuditSellerArchived, "",
			func(x store.Seller, _ store.SellerCase) bool { return x.ArchivedAt.Equal(c.t) }},
		{"restore", func() error { return st.RestoreSeller(ctx, s.ID, by) },
			store.EventRestored, store.AuditSellerRestored, "",
			func(x store.Seller, _ store.SellerCase) bool { return x.ArchivedAt.IsZero() }},
		{"unassign", func() error {
			_, err := st.AssignSellers(ctx, []int64{s.ID}, 0, by)
			return err
		}, store.EventAssigned, store.AuditSellerAssigned, "to nobody",
			func(_ store.Seller, sc store.SellerCase) bool { return sc.AssigneeID == 0 }},
	}
	for _, tt := range tests {
		c.add(time.Minute)
		if err := tt.act(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		seller, _ := st.Seller(ctx, s.ID)
		sc, _ := st.Case(ctx, s.ID)
		if !tt.check(seller, sc) {
			t.Errorf("%s: seller %+v, case %+v", tt.name, seller, sc)
		}
		events, _ := st.Events(ctx, s.ID)
		if e := events[0]; e.Kind != tt.event || e.Actor != "staff:1" || !e.At.Equal(c.t) {
			t.Errorf("%s: event %+v", tt.name, e)
		}
		wantEntry := store.AuditEntry{ID: lastAudit(t, st).ID, At: c.t, Actor: "staff:1",
			Action: tt.action, SellerID: s.ID, Detail: tt.detail, Address: "192.0.2.4"}
		if got := lastAudit(t, st); got != wantEntry {
			t.Errorf("%s: audit %+v, want %+v", tt.name, got, wantEntry)
		}
	}

	// Assigning again changes nothing and writes nothing; a disabled or unknown assignee fails.
	before, _ := st.Events(ctx, s.ID)
	if n, err := st.AssignSellers(ctx, []int64{s.ID, 999}, 0, by); n != 0 || err != nil {
		t.Errorf("no-op assign: %d, %v", n, err)
	}
	if after, _ := st.Events(ctx, s.ID); len(after) != len(before) {
		t.Error("a no-op assign wrote an event")
	}
	if _, err := st.AssignSellers(ctx, []int64{s.ID}, 99, by); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown assignee: %v", err)
	}
	if err := st.DisableStaff(ctx, 2, by); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AssignSellers(ctx, []int64{s.ID}, 2, by); !errors.Is(err, store.ErrInactive) {
		t.Errorf("disabled assignee: %v", err)
	}
	for name, err := range map[string]error{
		"archive": st.ArchiveSeller(ctx, 999, by), "clear": st.ClearCredentials(ctx, 999, by),
		"link": st.NewResumeLink(ctx, 999, hash("x"), time.Hour, by),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s on an unknown seller: %v", name, err)
		}
	}
}

func TestInviteSeller(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, by := reviewStore(t, c)

	s, err := st.InviteSeller(ctx, newSeller("meera"), hash("link"), time.Hour, by)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.SellerByResumeToken(ctx, hash("link")); err != nil || got != s {
		t.Errorf("link opens %+v, %v", got, err)
	}
	events, _ := st.Events(ctx, s.ID)
	if len(events) != 1 || events[0].Kind != store.EventInvited || events[0].Actor != "staff:1" {
		t.Errorf("events %+v", events)
	}
	if e := lastAudit(t, st); e.Action != store.AuditSellerInvited || e.SellerID != s.ID {
		t.Errorf("audit %+v", e)
	}
}

func TestNotes(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, by := reviewStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")

	first, err := st.AddNote(ctx, s.ID, "first", by)
	if err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	second, _ := st.AddNote(ctx, s.ID, "second ✓", store.Actor{StaffID: 2})
	want := []store.Note{
		{ID: second.ID, SellerID: s.ID, AuthorID: 2, AuthorName: "Ravi", At: c.t,
			Body: "second ✓"},
		{ID: first.ID, SellerID: s.ID, AuthorID: 1, AuthorName: "Asha", At: c.t.Add(-time.Minute),
			Body: "first"},
	}
	notes, err := st.Notes(ctx, s.ID)
	if err != nil || !slices.Equal(notes, want) || first != want[1] {
		t.Errorf("notes %+v, %v\nwant  %+v (added %+v)", notes, err, want, first)
	}
	if e := lastAudit(t, st); e.Action != store.AuditNoteAdded || e.Detail != "note 2" ||
		e.Actor != "staff:2" {
		t.Errorf("audit %+v", e)
	}
	if _, err := st.AddNote(ctx, 999, "x", by); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("note on an unknown seller: %v", err)
	}
	for _, q := range []string{`UPDATE notes SET body = 'x'`, `DELETE FROM notes`} {
		if err := st.ExecForTest(ctx, q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
}
