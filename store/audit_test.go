package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

func TestAuditQueries(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := reviewStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")
	asha := store.Actor{StaffID: 1, Address: "192.0.2.1"}
	ravi := store.Actor{StaffID: 2, Address: "192.0.2.2"}

	// Day 1: 3 views by Asha. Day 2: Ravi exports, then views the seller.
	day1 := c.t
	for range 3 {
		st.AddAudit(ctx, asha, store.AuditSellerViewed, s.ID, "")
	}
	c.add(24 * time.Hour)
	day2 := c.t
	st.AddAudit(ctx, ravi, store.AuditQueueExported, 0, "status=stuck")
	st.AddAudit(ctx, ravi, store.AuditSellerViewed, s.ID, "")

	ids := func(q store.AuditQuery) []int64 {
		entries, err := st.ListAudit(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range entries {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    store.AuditQuery
		want []int64
	}{
		{"everything, newest first", store.AuditQuery{}, []int64{5, 4, 3, 2, 1}},
		{"by actor", store.AuditQuery{Actor: "staff:2"}, []int64{5, 4}},
		{"by action", store.AuditQuery{Action: store.AuditSellerViewed}, []int64{5, 3, 2, 1}},
		{"by seller", store.AuditQuery{SellerID: s.ID}, []int64{5, 3, 2, 1}},
		{"since day 2", store.AuditQuery{Since: day2}, []int64{5, 4}},
		{"until day 2", store.AuditQuery{Until: day2}, []int64{3, 2, 1}},
		{"a page", store.AuditQuery{Limit: 2}, []int64{5, 4}},
		{"the next page", store.AuditQuery{Limit: 2, Before: 4}, []int64{3, 2}},
		{"combined", store.AuditQuery{Actor: "staff:1", Since: day1, Until: day2,
			Before: 3}, []int64{2, 1}},
	}
	for _, tt := range tests {
		if got := ids(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	entries, _ := st.ListAudit(ctx, store.AuditQuery{Limit: 1, Before: 5})
	want := store.AuditEntry{ID: 4, At: day2, Actor: "staff:2",
		Action: store.AuditQueueExported, Detail: "status=stuck", Address: "192.0.2.2"}
	if len(entries) != 1 || entries[0] != want {
		t.Errorf("entry %+v, want %+v", entries, want)
	}

	var walked []int64
	err := st.EachAudit(ctx, store.AuditQuery{Action: store.AuditSellerViewed, Limit: 1},
		func(e store.AuditEntry) error {
			walked = append(walked, e.ID)
			return nil
		})
	if err != nil || !slices.Equal(walked, []int64{5, 3, 2, 1}) {
		t.Errorf("EachAudit walked %v, %v", walked, err)
	}

	for _, q := range []string{`UPDATE audit SET detail = 'x'`, `DELETE FROM audit`} {
		if err := st.ExecForTest(ctx, q); err == nil {
			t.Errorf("%s succeeded on the audit log", q)
		}
	}
}
