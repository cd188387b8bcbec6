package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

func TestAPIKeyLifecycle(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)

	k, key, err := st.CreateAPIKey(ctx, "  platform prod  ", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, store.APIKeyPrefix) || len(key) != len(store.APIKeyPrefix)+43 {
		t.Fatalf("key %q: want %s and 43 base64url characters (256 bits)", key,
			store.APIKeyPrefix)
	}
	want := store.APIKey{ID: 1, Name: "platform prod", Prefix: key[:10], CreatedBy: "cli",
		CreatedAt: c.t}
	if k != want {
		t.Fatalf("key row %+v,\nwant %+v", k, want)
	}
	if k.Actor() != "api_key:1" || !k.Active() {
		t.Errorf("actor %q active %v", k.Actor(), k.Active())
	}
	_, other, err := st.CreateAPIKey(ctx, "staging", "staff:2")
	if err != nil {
		t.Fatal(err)
	}
	if other == key {
		t.Fatal("two keys are the same")
	}

	c.add(time.Minute)
	got, err := st.AuthenticateAPIKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	want.LastUsedAt = c.t
	if got != want {
		t.Errorf("authenticated %+v,\nwant %+v", got, want)
	}
	// Within a minute the last use is not written again.
	c.add(30 * time.Second)
	if got, _ := st.AuthenticateAPIKey(ctx, key); !got.LastUsedAt.Equal(want.LastUsedAt) {
		t.Errorf("last used %s, want %s", got.LastUsedAt, want.LastUsedAt)
	}

	for _, bad := range []string{"", key + "x", strings.ToUpper(key), "srp_nope",
		strings.TrimPrefix(key, store.APIKeyPrefix)} {
		if _, err := st.AuthenticateAPIKey(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key %q: %v, want ErrNotFound", bad, err)
		}
	}

	if err := st.RevokeAPIKey(ctx, k.ID, "staff:2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AuthenticateAPIKey(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked key: %v, want ErrNotFound", err)
	}
	if err := st.RevokeAPIKey(ctx, k.ID, "staff:2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second revoke: %v, want ErrNotFound", err)
	}
	if _, err := st.AuthenticateAPIKey(ctx, other); err != nil {
		t.Errorf("the other key stopped working: %v", err)
	}

	keys, err := st.APIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Name != "staging" || keys[1].RevokedAt != c.t {
		t.Errorf("keys %+v", keys)
	}

	entries, err := st.ListAudit(ctx, store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		lines = append(lines, e.Actor+" "+e.Action+" "+e.Detail)
		if strings.Contains(e.Detail, key) || strings.Contains(e.Detail, other) {
			t.Error("the audit log holds a key")
		}
	}
	wantLines := []string{
		"staff:2 api_key_revoked key 1",
		"staff:2 api_key_created key 2 (" + other[:10] + "…) named \"staging\"",
		"cli api_key_created key 1 (" + key[:10] + "…) named \"platform prod\"",
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(lines, "\n"),
			strings.Join(wantLines, "\n"))
	}

	if _, _, err := st.CreateAPIKey(ctx, "  ", "cli"); err == nil {
		t.Error("a key without a name was created")
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	if _, _, err := st.CreateAPIKey(ctx, "k", "cli"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'x'`, `DELETE FROM audit`} {
		if err := st.ExecForTest(ctx, q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
}

func TestSyncSellers(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)

	var ids []int64
	for _, name := range []string{"a", "b", "c"} {
		s, err := st.CreateSeller(ctx, newSeller(name), hash(name), time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
		c.add(time.Minute)
	}
	// Seller a is checked last: it becomes the most recently changed.
	ch, err := st.Submit(ctx, store.Submission{SellerID: ids[0], APIEmail: "a+api@example.com",
		KeyID: "k1", Sealed: []byte("x"), Trigger: "seller", Actor: "seller"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.FinishCheck(ctx, ch.ID, store.CheckResult{Outcome: "verified",
		Report: `{"outcome":"verified"}`, Status: store.StatusVerified}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartCheck(ctx, ids[0], "auto"); err != nil { // running: not reported
		t.Fatal(err)
	}

	all, err := st.SyncSellers(ctx, store.SyncFilter{})
	if err != nil {
		t.Fatal(err)
	}
	order := func(rows []store.SyncRow) []int64 {
		var out []int64
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	if got := order(all); len(got) != 3 || got[0] != ids[1] || got[1] != ids[2] ||
		got[2] != ids[0] {
		t.Fatalf("order %v, want b, c, a", got)
	}
	if all[2].Report != `{"outcome":"verified"}` || all[0].Report != "" ||
		!all[2].StaleAt.IsZero() {
		t.Errorf("reports %q %q, stale %v", all[2].Report, all[0].Report, all[2].StaleAt)
	}

	since, err := st.SyncSellers(ctx, store.SyncFilter{UpdatedSince: all[1].UpdatedAt})
	if err != nil {
		t.Fatal(err)
	}
	if got := order(since); len(got) != 2 || got[0] != ids[2] || got[1] != ids[0] {
		t.Errorf("updated since c: %v, want c, a", got)
	}

	page, err := st.SyncSellers(ctx, store.SyncFilter{Limit: 1, After: &store.Cursor{
		LastActivityAt: all[0].UpdatedAt, ID: all[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := order(page); len(got) != 1 || got[0] != ids[2] {
		t.Errorf("page after b: %v, want c", got)
	}
}

func TestCachedTokenRows(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, err := st.CreateSeller(ctx, newSeller("t"), hash("t"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}

	if _, err := st.Token(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no token yet: %v", err)
	}
	want := store.CachedToken{SellerID: s.ID, APIEmail: "t+api@example.com", KeyID: "k1",
		Sealed: []byte("sealed"), ExpiresAt: c.t.Add(240 * time.Hour),
		RefreshAt: c.t.Add(216 * time.Hour)}
	if err := st.SaveToken(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.CreatedAt = c.t
	got, err := st.Token(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SellerID != want.SellerID || got.APIEmail != want.APIEmail || got.KeyID != want.KeyID ||
		string(got.Sealed) != string(want.Sealed) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		!got.RefreshAt.Equal(want.RefreshAt) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("token %+v,\nwant %+v", got, want)
	}

	if err := st.DeleteToken(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Token(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
