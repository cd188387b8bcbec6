package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
)

// maxStaffName bounds a staff member's display name, in characters.
const maxStaffName = 100

// maxPasswordLine bounds how much of standard input is read for the password. A valid password
// is at most 128 characters of up to 4 bytes each; anything longer is refused by length anyway.
const maxPasswordLine = 4 * password.MaxLength * 2

// staffAddUsage is printed for -h and after a usage error.
const staffAddUsage = `usage: staff add --email E --name N [--role admin|support]

Creates a staff account for the review pages at /admin. The password is read from the first
line of standard input and must be 12 to 128 characters, for example:

  printf '%s\n' "$STAFF_PASSWORD" | portal staff add --email asha@example.com --name "Asha Rao"
`

// runStaffAdd creates a staff account: "staff add --email E --name N [--role admin|support]",
// with the password on the first line of stdin. Only the trailing line break is removed from the
// password; nothing else about it is changed. Errors are single lines that never quote the
// password.
func runStaffAdd(ctx context.Context, st *store.Store, args []string, stdin io.Reader,
	stdout io.Writer) error {
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the staff member's email address, used to sign in")
	name := fs.String("name", "", "the staff member's name, shown on staff pages")
	role := fs.String("role", store.RoleAdmin, "admin or support")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, werr := io.WriteString(stdout, staffAddUsage)
			return werr
		}
		return fmt.Errorf("staff add: %w (run \"staff add -h\" for help)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("staff add: unexpected argument %q; the password is read from "+
			"standard input, not the command line", fs.Arg(0))
	}

	addr, displayName, err := checkStaffFlags(*email, *name, *role)
	if err != nil {
		return err
	}

	// Typing into a terminal shows the password: turning echo off needs golang.org/x/term, which
	// the module does not depend on. Piping the password in avoids it.
	if isTerminal(stdin) {
		fmt.Fprint(stdout, "Password for the new account (12 to 128 characters; "+
			"it is shown as you type): ")
	}
	pw, err := readPasswordLine(stdin)
	if err != nil {
		return err
	}
	if err := password.Validate(pw); err != nil {
		return fmt.Errorf("staff add: %w", err)
	}

	hash, err := password.Hash(pw)
	if err != nil {
		return fmt.Errorf("staff add: %w", err)
	}
	staff, err := st.CreateStaff(ctx, addr, displayName, hash, *role)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("staff add: a staff account with email %s already exists", addr)
	}
	if err != nil {
		return fmt.Errorf("staff add: %w", err)
	}

	_, err = fmt.Fprintf(stdout, "Added staff account %d: %s <%s>, role %s.\n",
		staff.ID, staff.Name, staff.Email, staff.Role)
	return err
}

// checkStaffFlags validates the flags and returns the normalized email and the trimmed name.
func checkStaffFlags(email, name, role string) (string, string, error) {
	if strings.TrimSpace(email) == "" {
		return "", "", errors.New("staff add: --email is required")
	}
	addr, err := shiprocket.NormalizeEmail(email)
	if err != nil {
		return "", "", fmt.Errorf("staff add: --email %q is not a valid email address", email)
	}

	name = strings.TrimSpace(name)
	if name == "" {
		return "", "", errors.New("staff add: --name is required")
	}
	if utf8.RuneCountInString(name) > maxStaffName || !utf8.ValidString(name) {
		return "", "", fmt.Errorf("staff add: --name must be valid text of at most %d characters",
			maxStaffName)
	}

	if role != store.RoleAdmin && role != store.RoleSupport {
		return "", "", fmt.Errorf("staff add: --role must be %s or %s", store.RoleAdmin,
			store.RoleSupport)
	}
	return addr, name, nil
}

// readPasswordLine reads the first line of r and removes only its line break ("\n" or "\r\n").
func readPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordLine)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("staff add: read password from standard input: %w", err)
	}
	if errors.Is(err, io.EOF) && len(line) == maxPasswordLine {
		return "", fmt.Errorf("staff add: %w", password.ErrTooLong)
	}

	if rest, ok := strings.CutSuffix(line, "\n"); ok {
		line = strings.TrimSuffix(rest, "\r")
	}
	if line == "" {
		return "", errors.New("staff add: no password on standard input; " +
			"give it on the first line")
	}
	return line, nil
}

// isTerminal reports whether r is an interactive terminal, where a prompt helps.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
