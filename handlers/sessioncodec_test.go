package handlers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
)

// TestSessionCodecRoundTrips checks every kind of value sessions hold, through a real
// securecookie codec, and that a cookie written with gob before the codec still reads.
func TestSessionCodecRoundTrips(t *testing.T) {
	hashKey := bytes.Repeat([]byte{7}, 32)
	blockKey := bytes.Repeat([]byte{9}, 32)
	codec := securecookie.New(hashKey, blockKey)
	codec.SetSerializer(sessionCodec{})

	tests := []struct {
		name   string
		values map[any]any
	}{
		{"empty", map[any]any{}},
		{"seller", map[any]any{keySellerID: int64(42), keySellerVersion: int64(3)}},
		{"staff with a flash", map[any]any{keyStaffID: int64(1), keyIssuedAt: int64(1764800000),
			keyFlashKind: "ok", keyFlashText: "Saved «Kumkum» – तैयार", keyFlashLink: ""}},
		{"extremes", map[any]any{"min": int64(-1 << 63), "max": int64(1<<63 - 1),
			"long": strings.Repeat("x", 300)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := codec.Encode("portal_seller", tt.values)
			if err != nil {
				t.Fatal(err)
			}
			got := map[any]any{}
			if err := codec.Decode("portal_seller", encoded, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.values) {
				t.Fatalf("decoded %d values, want %d: %v", len(got), len(tt.values), got)
			}
			for k, want := range tt.values {
				if got[k] != want {
					t.Errorf("%v: got %#v, want %#v", k, got[k], want)
				}
			}
		})
	}

	old := securecookie.New(hashKey, blockKey) // gob, as before the codec
	encoded, err := old.Encode("portal_seller", map[any]any{keySellerID: int64(5),
		keyNewLink: "token"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[any]any{}
	if err := codec.Decode("portal_seller", encoded, &got); err != nil ||
		got[keySellerID] != int64(5) || got[keyNewLink] != "token" {
		t.Errorf("gob cookie decoded to %v, %v", got, err)
	}
}

// TestSessionCodecRefuses checks that values the format does not cover fail to save, and that
// malformed bytes fail to load instead of giving a partial session.
func TestSessionCodecRefuses(t *testing.T) {
	for _, v := range []map[any]any{{"n": 1}, {"b": true}, {1: "x"}, {"t": []byte("x")}} {
		if b, err := (sessionCodec{}).Serialize(v); err == nil {
			t.Errorf("serialized %v as %q", v, b)
		}
	}
	good, err := sessionCodec{}.Serialize(map[any]any{"seller_id": int64(300), "a": "bc"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(good); i++ {
		got := map[any]any{}
		if err := (sessionCodec{}).Deserialize(good[:i], &got); err == nil {
			t.Errorf("%d of %d bytes decoded to %v", i, len(good), got)
		}
	}
	bad := []byte{codecVersion, 1, 1, 'k', 'z', 0}
	if err := (sessionCodec{}).Deserialize(bad, &map[any]any{}); err == nil {
		t.Error("an unknown type tag decoded")
	}
}

// FuzzSessionCodec checks that no input makes decoding panic, and that whatever decodes encodes
// back to a value that decodes the same.
func FuzzSessionCodec(f *testing.F) {
	seed, _ := sessionCodec{}.Serialize(map[any]any{"seller_id": int64(300), "a": "bc"})
	f.Add(seed)
	f.Add([]byte{codecVersion, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != codecVersion {
			return // gob's own decoder
		}
		got := map[any]any{}
		if err := (sessionCodec{}).Deserialize(b, &got); err != nil {
			return
		}
		again, err := sessionCodec{}.Serialize(got)
		if err != nil {
			t.Fatalf("decoded %v does not encode: %v", got, err)
		}
		back := map[any]any{}
		if err := (sessionCodec{}).Deserialize(again, &back); err != nil || len(back) != len(got) {
			t.Fatalf("%v came back as %v, %v", got, back, err)
		}
		for k, v := range got {
			if back[k] != v {
				t.Fatalf("%v: %#v came back as %#v", k, v, back[k])
			}
		}
	})
}
