package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aicofounder/shiprocket-portal/store"
)

// backupUsage is printed for -h and after a usage error.
const backupUsage = `usage: backup FILE

Writes a consistent copy of the database (PORTAL_DB) to FILE, which must not exist. It is safe
while the portal serves: the copy holds everything committed when the backup began. The copy
does not include the secret key (PORTAL_SECRET_KEY or PORTAL_SECRET_KEY_FILE); back that up
separately, or the stored passwords in the copy cannot be read. See README.md for restoring.
`

// runBackup handles "backup FILE".
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout,
	stderr io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		_, err := io.WriteString(stdout, backupUsage)
		return err
	}
	if len(args) != 1 || args[0] == "" {
		return errors.New("backup: name one file to write, as in: backup /backups/portal.db")
	}
	dest := args[0]

	cfg, err := loadConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	if err := store.Backup(ctx, cfg.DB, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}

	info, err := os.Stat(dest)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "Backed up %s to %s (%d bytes). Keep the secret key too: "+
		"without it the stored passwords cannot be read.\n", cfg.DB, dest, info.Size())
	return err
}
