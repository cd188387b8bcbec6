package shiprocket

import (
	"errors"
	"strings"
	"testing"
)

func TestAPIUserEmail(t *testing.T) {
	long64 := strings.Repeat("a", 64)
	long60 := strings.Repeat("b", 60)
	long61 := strings.Repeat("c", 61)

	tests := []struct {
		name    string
		login   string
		want    string
		wantErr error
	}{
		{"plain", "abc@gmail.com", "abc+api@gmail.com", nil},
		{"surrounding spaces", "  abc@gmail.com \t", "abc+api@gmail.com", nil},
		{"upper case", "ABC@GMail.COM", "abc+api@gmail.com", nil},
		{"existing plus tag", "abc+shop@gmail.com", "abc+shop+api@gmail.com", nil},
		{"already an api alias", "abc+api@gmail.com", "abc+api+api@gmail.com", nil},
		{"display name", "Shop <a@b.com>", "a+api@b.com", nil},
		{"quoted display name", `"Shop, Ltd" <Owner@Shop.in>`, "owner+api@shop.in", nil},
		{"international domain", "raj@bücher.de", "raj+api@xn--bcher-kva.de", nil},
		{"punycode domain kept", "raj@xn--bcher-kva.de", "raj+api@xn--bcher-kva.de", nil},
		{"dots in local part", "first.last@company.co.in", "first.last+api@company.co.in", nil},
		{"local part of 60 fits", long60 + "@x.com", long60 + "+api@x.com", nil},
		{"local part of 61 is too long", long61 + "@x.com", "", ErrAliasTooLong},
		{"local part of 64 is too long", long64 + "@x.com", "", ErrAliasTooLong},
		{"non-ascii local part", "राज@example.in", "", ErrNonASCIILocal},
		{"empty", "   ", "", ErrInvalidEmail},
		{"no at", "abc.gmail.com", "", ErrInvalidEmail},
		{"no domain dot", "abc@localhost", "", ErrInvalidEmail},
		{"two addresses", "a@b.com, c@d.com", "", ErrInvalidEmail},
		{"quoted local part", `"a b"@x.com`, "", ErrInvalidEmail},
		{"quoted local part with markup", `"<script>alert(1)</script>"@example.com`, "",
			ErrInvalidEmail},
		{"double dot", "a..b@x.com", "", ErrInvalidEmail},
		{"leading dot", `".ab"@x.com`, "", ErrInvalidEmail},
		{"apostrophe is fine", "o'neil@x.com", "o'neil+api@x.com", nil},
		{"invalid utf8", "a\xff@x.com", "", ErrInvalidEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := APIUserEmail(tt.login)
			if got != tt.want {
				t.Errorf("APIUserEmail(%q) = %q, want %q", tt.login, got, tt.want)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("APIUserEmail(%q) error = %v, want %v", tt.login, err, tt.wantErr)
			}
		})
	}
}

func TestSameAddress(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"abc@gmail.com", "ABC@gmail.com ", true},
		{"Shop <abc@gmail.com>", "abc@GMAIL.com", true},
		{"raj@bücher.de", "raj@xn--bcher-kva.de", true},
		{"abc@gmail.com", "abc+api@gmail.com", false},
		{"", "", false},
		{"not an address", "not an address", false},
	}
	for _, tt := range tests {
		if got := SameAddress(tt.a, tt.b); got != tt.want {
			t.Errorf("SameAddress(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
