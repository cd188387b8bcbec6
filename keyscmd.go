package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
)

// runKeys handles "keys list|rotate|reseal|retire ID". Rotation and retirement rewrite the key file,
// so they need PORTAL_SECRET_KEY_FILE; with PORTAL_SECRET_KEY the operator edits the variable and
// runs "keys reseal".
func runKeys(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("keys: use keys list, keys rotate, keys reseal or keys retire ID")
	}

	keys, err := loadKeysQuiet(cfg)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("database %s: %w", cfg.DB, err)
	}
	defer st.Close()
	if err := checkKeysCoverSecrets(ctx, st, keys); err != nil {
		return err
	}

	switch args[0] {
	case "list":
		return listKeys(ctx, st, keys, stdout)
	case "rotate":
		if err := needKeyFile(cfg); err != nil {
			return err
		}
		return rotateKeys(ctx, cfg, st, keys, stdout)
	case "reseal":
		n, err := reseal(ctx, st, keys)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "re-encrypted %d secrets with key %s\n", n, keys.PrimaryID())
		return nil
	case "retire":
		if err := needKeyFile(cfg); err != nil {
			return err
		}
		if len(args) != 2 {
			return errors.New("keys retire: name the key id to retire")
		}
		return retireKey(ctx, cfg, st, keys, args[1], stdout)
	}
	return fmt.Errorf("keys: unknown subcommand %q", args[0])
}

func needKeyFile(cfg config) error {
	if cfg.SecretKey != "" {
		return errors.New("keys: PORTAL_SECRET_KEY is set, so there is no key file to rewrite; " +
			"put a new key first in the variable (see README), restart, then run keys reseal")
	}
	return nil
}

// loadKeysQuiet loads the keyring without creating a key file: a maintenance command on a fresh
// machine must not invent a key.
func loadKeysQuiet(cfg config) (*vault.Keyring, error) {
	if cfg.SecretKey == "" {
		if _, err := os.Stat(cfg.SecretKeyFile); err != nil {
			return nil, fmt.Errorf("PORTAL_SECRET_KEY_FILE %s: %w", cfg.SecretKeyFile, err)
		}
	}
	return loadKeys(cfg, slog.New(slog.DiscardHandler))
}

func listKeys(ctx context.Context, st *store.Store, keys *vault.Keyring, stdout io.Writer) error {
	counts, err := st.SecretCounts(ctx)
	if err != nil {
		return err
	}
	ids := keys.IDs()
	sort.SliceStable(ids, func(i, j int) bool { return ids[i] == keys.PrimaryID() })
	for _, id := range ids {
		role := "decrypt only"
		if id == keys.PrimaryID() {
			role = "primary"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%d secrets\n", id, role, counts[id])
	}
	return nil
}

// rotateKeys adds a new primary key and re-encrypts every secret with it. The key file is written
// first: if anything fails after that, every secret is still readable with the keys in the file.
func rotateKeys(ctx context.Context, cfg config, st *store.Store, keys *vault.Keyring,
	stdout io.Writer) error {
	next, err := keys.Rotate()
	if err != nil {
		return fmt.Errorf("keys rotate: %w", err)
	}
	if err := vault.WriteFile(cfg.SecretKeyFile, next); err != nil {
		return fmt.Errorf("keys rotate: write %s: %w", cfg.SecretKeyFile, err)
	}

	n, err := reseal(ctx, st, next)
	if err != nil {
		return fmt.Errorf("keys rotate: the new key is in the key file but secrets still use "+
			"the old one (run keys reseal to retry): %w", err)
	}
	fmt.Fprintf(stdout, "new primary key %s; re-encrypted %d secrets. Restart the portal to use "+
		"it. Old keys stay for decryption until you run keys retire.\n", next.PrimaryID(), n)
	return nil
}

// reseal re-encrypts every stored secret with the keyring's primary key in one transaction.
func reseal(ctx context.Context, st *store.Store, keys *vault.Keyring) (int, error) {
	return st.ResealSecrets(ctx, func(s store.SealedSecret) (string, []byte, error) {
		ad := store.SecretAD(s.SellerID, s.Purpose)
		plain, err := keys.Open(s.KeyID, s.Sealed, ad)
		if err != nil {
			return "", nil, err
		}
		return keys.Seal(plain, ad)
	})
}

// retireKey drops a decrypt-only key from the key file once no secret needs it.
func retireKey(ctx context.Context, cfg config, st *store.Store, keys *vault.Keyring, id string,
	stdout io.Writer) error {
	counts, err := st.SecretCounts(ctx)
	if err != nil {
		return err
	}
	if counts[id] > 0 {
		return fmt.Errorf("keys retire: %d secrets still use key %s; run keys reseal first",
			counts[id], id)
	}
	next, err := keys.Retire(id)
	if err != nil {
		return fmt.Errorf("keys retire: %w", err)
	}
	if err := vault.WriteFile(cfg.SecretKeyFile, next); err != nil {
		return fmt.Errorf("keys retire: write %s: %w", cfg.SecretKeyFile, err)
	}
	fmt.Fprintf(stdout, "retired key %s\n", id)
	return nil
}
