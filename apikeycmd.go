package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aicofounder/shiprocket-portal/store"
)

// apiKeyUsage is printed for -h and after a usage error.
const apiKeyUsage = `usage: apikey create --name N | apikey revoke --id N | apikey list

Manages the keys of the machine API (/api/v1). "create" prints the new key once; only its hash
is stored, so copy it now. Callers send it as "Authorization: Bearer <key>". "revoke" stops a
key at once. Every creation and revocation is written to the audit log.
`

// maxAPIKeyName bounds a key's name, in characters.
const maxAPIKeyName = 100

// cliActor names the command line in the audit log.
const cliActor = "cli"

// runAPIKey handles "apikey create --name N", "apikey revoke --id N" and "apikey list".
func runAPIKey(ctx context.Context, st *store.Store, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("apikey: use apikey create --name N, apikey revoke --id N " +
			"or apikey list")
	}

	fs := flag.NewFlagSet("apikey "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "what the key is for, such as \"platform production\"")
	id := fs.Int64("id", 0, "the id of the key to revoke")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, werr := io.WriteString(stdout, apiKeyUsage)
			return werr
		}
		return fmt.Errorf("apikey %s: %w", args[0], err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("apikey %s: unexpected argument %q", args[0], fs.Arg(0))
	}

	switch args[0] {
	case "create":
		return createAPIKey(ctx, st, *name, stdout)
	case "revoke":
		return revokeAPIKey(ctx, st, *id, stdout)
	case "list":
		return listAPIKeys(ctx, st, stdout)
	case "-h", "--help", "help":
		_, err := io.WriteString(stdout, apiKeyUsage)
		return err
	}
	return fmt.Errorf("apikey: unknown subcommand %q", args[0])
}

func createAPIKey(ctx context.Context, st *store.Store, name string, stdout io.Writer) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("apikey create: --name is required")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxAPIKeyName {
		return fmt.Errorf("apikey create: --name must be valid text of at most %d characters",
			maxAPIKeyName)
	}

	k, key, err := st.CreateAPIKey(ctx, name, cliActor)
	if err != nil {
		return fmt.Errorf("apikey create: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "Created API key %d (%s).\nKey, shown this once: %s\n",
		k.ID, k.Name, key)
	return err
}

func revokeAPIKey(ctx context.Context, st *store.Store, id int64, stdout io.Writer) error {
	if id <= 0 {
		return errors.New("apikey revoke: --id is required (see apikey list)")
	}
	err := st.RevokeAPIKey(ctx, id, cliActor)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("apikey revoke: no active key has id %d", id)
	}
	if err != nil {
		return fmt.Errorf("apikey revoke: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "Revoked API key %d.\n", id)
	return err
}

func listAPIKeys(ctx context.Context, st *store.Store, stdout io.Writer) error {
	keys, err := st.APIKeys(ctx)
	if err != nil {
		return fmt.Errorf("apikey list: %w", err)
	}
	if len(keys) == 0 {
		_, err := io.WriteString(stdout, "No API keys.\n")
		return err
	}
	for _, k := range keys {
		state := "active"
		if !k.Active() {
			state = "revoked " + k.RevokedAt.Format("2006-01-02 15:04 MST")
		}
		used := "never used"
		if !k.LastUsedAt.IsZero() {
			used = "last used " + k.LastUsedAt.Format("2006-01-02 15:04 MST")
		}
		_, err := fmt.Fprintf(stdout, "%s\t%s…\t%s\t%s\t%s\n", strconv.FormatInt(k.ID, 10),
			k.Prefix, k.Name, state, used)
		if err != nil {
			return err
		}
	}
	return nil
}
