package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/store"
)

func openCmdStore(t *testing.T, now time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"),
		store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestRunStaffAdd(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		args  []string
		stdin string
		// For success: the account and password that must be stored.
		wantEmail, wantName, wantRole, wantPassword string
		// For failure: a part of the error text.
		wantErr string
	}{
		{
			name:      "default role, email normalized, name trimmed",
			args:      []string{"--email", " Asha@Example.COM ", "--name", " Asha Rao "},
			stdin:     "correct horse battery\n",
			wantEmail: "asha@example.com", wantName: "Asha Rao", wantRole: store.RoleAdmin,
			wantPassword: "correct horse battery",
		},
		{
			name:      "support role, CRLF removed, spaces kept",
			args:      []string{"-email=ravi@example.in", "-name=Ravi", "-role=support"},
			stdin:     "  spaces kept  x\r\n",
			wantEmail: "ravi@example.in", wantName: "Ravi", wantRole: store.RoleSupport,
			wantPassword: "  spaces kept  x",
		},
		{
			name:      "no line break at the end",
			args:      []string{"--email", "a@example.com", "--name", "A"},
			stdin:     "no-newline-password",
			wantEmail: "a@example.com", wantName: "A", wantRole: store.RoleAdmin,
			wantPassword: "no-newline-password",
		},
		{
			name:      "only the first line",
			args:      []string{"--email", "a@example.com", "--name", "A"},
			stdin:     "first-line-password\nsecond line\n",
			wantEmail: "a@example.com", wantName: "A", wantRole: store.RoleAdmin,
			wantPassword: "first-line-password",
		},
		{
			name:      "a lone carriage return is part of the password",
			args:      []string{"--email", "a@example.com", "--name", "A"},
			stdin:     "ends-with-return\r",
			wantEmail: "a@example.com", wantName: "A", wantRole: store.RoleAdmin,
			wantPassword: "ends-with-return\r",
		},
		{
			name:      "128 characters",
			args:      []string{"--email", "a@example.com", "--name", "A"},
			stdin:     strings.Repeat("क", 128) + "\n",
			wantEmail: "a@example.com", wantName: "A", wantRole: store.RoleAdmin,
			wantPassword: strings.Repeat("क", 128),
		},
		{
			name:    "missing email",
			args:    []string{"--name", "A"},
			stdin:   "long-enough-password\n",
			wantErr: "--email is required",
		},
		{
			name:    "bad email",
			args:    []string{"--email", "not-an-email", "--name", "A"},
			stdin:   "long-enough-password\n",
			wantErr: `--email "not-an-email" is not a valid email address`,
		},
		{
			name:    "missing name",
			args:    []string{"--email", "a@example.com", "--name", "  "},
			stdin:   "long-enough-password\n",
			wantErr: "--name is required",
		},
		{
			name:    "name too long",
			args:    []string{"--email", "a@example.com", "--name", strings.Repeat("n", 101)},
			stdin:   "long-enough-password\n",
			wantErr: "--name must be valid text of at most 100 characters",
		},
		{
			name:    "unknown role",
			args:    []string{"--email", "a@example.com", "--name", "A", "--role", "root"},
			stdin:   "long-enough-password\n",
			wantErr: "--role must be admin or support",
		},
		{
			name:    "unknown flag",
			args:    []string{"--email", "a@example.com", "--name", "A", "--password", "x"},
			stdin:   "long-enough-password\n",
			wantErr: "flag provided but not defined: -password",
		},
		{
			name:    "password as an argument",
			args:    []string{"--email", "a@example.com", "--name", "A", "long-enough-password"},
			stdin:   "",
			wantErr: "the password is read from standard input",
		},
		{
			name:    "empty standard input",
			args:    []string{"--email", "a@example.com", "--name", "A"},
			stdin:   "",
			wantErr: "no password on standard input",
		},
		{
			name:    "empty first line",
			args:    []string{"--email", "a@example.com", "--name", "A"},
			stdin:   "\nlong-enough-password\n",
			wantErr: "no password on standard input",
		},
		{
			name:    "weak password",
			args:    []string{"--email", "a@example.com", "--name", "A"},
			stdin:   "short-pw-11\n",
			wantErr: "password must be at least 12 characters",
		},
		{
			name:    "129 characters",
			args:    []string{"--email", "a@example.com", "--name", "A"},
			stdin:   strings.Repeat("p", 129) + "\n",
			wantErr: "password must be at most 128 characters",
		},
		{
			name:    "a very long line",
			args:    []string{"--email", "a@example.com", "--name", "A"},
			stdin:   strings.Repeat("p", 5000),
			wantErr: "password must be at most 128 characters",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openCmdStore(t, now)
			var out bytes.Buffer

			err := runStaffAdd(ctx, st, tt.args, strings.NewReader(tt.stdin), &out)

			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error is not one line: %q", err)
				}
				pw := strings.TrimSpace(tt.stdin)
				if pw != "" && strings.Contains(err.Error(), pw) {
					t.Fatalf("error quotes the password: %q", err)
				}
				if out.Len() != 0 {
					t.Fatalf("output on failure: %q", out.String())
				}
				_, lookupErr := st.StaffByEmail(ctx, "a@example.com")
				if !errors.Is(lookupErr, store.ErrNotFound) {
					t.Fatalf("an account was created despite the error (lookup: %v)", lookupErr)
				}
				return
			}

			if err != nil {
				t.Fatalf("runStaffAdd: %v", err)
			}
			got, err := st.StaffByEmail(ctx, tt.wantEmail)
			if err != nil {
				t.Fatal(err)
			}
			want := store.Staff{ID: got.ID, Email: tt.wantEmail, Name: tt.wantName,
				PasswordHash: got.PasswordHash, Role: tt.wantRole, SessionVersion: 1,
				CreatedAt: now}
			if got.ID <= 0 || got != want {
				t.Fatalf("stored %+v, want %+v", got, want)
			}
			if ok, err := password.Verify(got.PasswordHash, tt.wantPassword); err != nil || !ok {
				t.Fatalf("stored hash does not verify the password: %v, %v", ok, err)
			}
			if ok, _ := password.Verify(got.PasswordHash, tt.wantPassword+"\n"); ok {
				t.Fatal("stored hash verifies the password with its line break")
			}
			wantOut := fmt.Sprintf("Added staff account %d: %s <%s>, role %s.\n",
				got.ID, tt.wantName, tt.wantEmail, tt.wantRole)
			if out.String() != wantOut {
				t.Fatalf("output = %q, want %q", out.String(), wantOut)
			}
			if strings.Contains(out.String(), tt.wantPassword) {
				t.Fatal("output shows the password")
			}
		})
	}
}

func TestRunStaffAddDuplicate(t *testing.T) {
	ctx := context.Background()
	st := openCmdStore(t, time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC))
	args := []string{"--email", "asha@example.com", "--name", "Asha"}

	if err := runStaffAdd(ctx, st, args, strings.NewReader("first-password-1\n"),
		&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	first, err := st.StaffByEmail(ctx, "asha@example.com")
	if err != nil {
		t.Fatal(err)
	}

	args = []string{"--email", "ASHA@example.com", "--name", "Someone else"}
	err = runStaffAdd(ctx, st, args, strings.NewReader("second-password-2\n"), &bytes.Buffer{})
	want := "staff add: a staff account with email asha@example.com already exists"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}

	after, err := st.StaffByEmail(ctx, "asha@example.com")
	if err != nil || after != first {
		t.Fatalf("the first account changed: %+v, %v; want %+v", after, err, first)
	}
}

func TestRunStaffAddHelp(t *testing.T) {
	ctx := context.Background()
	st := openCmdStore(t, time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC))
	var out bytes.Buffer

	if err := runStaffAdd(ctx, st, []string{"-h"}, strings.NewReader(""), &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	if out.String() != staffAddUsage {
		t.Fatalf("-h printed %q, want the usage text", out.String())
	}
}
