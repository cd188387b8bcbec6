package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// TestFloorServesStepPages runs the stack floor on a small database: a step page for a signed
// cookie, the seller's +api address in it, and no page for a missing, forged or unknown cookie.
func TestFloorServesStepPages(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "portal.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seller, err := st.CreateSeller(ctx, store.NewSeller{StoreName: "Kumkum Crafts",
		ContactName: "Asha", LoginEmail: "asha@example.com"}, []byte("h"), time.Hour,
		store.ActorSeller)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	keys := make([]byte, 64)
	rand.Read(keys)
	t.Setenv(floorDBEnv, path)
	t.Setenv(floorKeysEnv, hex.EncodeToString(keys))
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serveFloor(ctx, addr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("floor server: %v", err)
		}
	}()

	codec, err := floorCodec(keys)
	if err != nil {
		t.Fatal(err)
	}
	cookie := func(id string) string {
		v, err := codec.Encode(floorCookie, []byte(id))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	client := newClient(newTransport(1), 5*time.Second)
	get := func(value string) reply {
		u := newUser()
		if value != "" {
			u.cookies[floorCookie] = value
		}
		var r reply
		for range 50 { // the server may still be starting
			if r, err = u.do(ctx, client, "GET", "http://"+addr+"/steps/4", nil, true); err == nil {
				return r
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal(err)
		return r
	}

	r := get(cookie(strconv.FormatInt(seller.ID, 10)))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "asha+api@example.com") {
		t.Errorf("signed cookie: status %d, body has the alias: %v", r.status,
			strings.Contains(string(r.body), "asha+api@example.com"))
	}
	for name, value := range map[string]string{"none": "", "forged": "x" + cookie("1"),
		"unknown seller": cookie("999")} {
		if r := get(value); r.status == http.StatusOK {
			t.Errorf("%s cookie: status %d", name, r.status)
		}
	}
}
