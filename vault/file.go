package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// maxKeyFileSize bounds how much of a key file is read; a real one is a few hundred bytes.
const maxKeyFileSize = 1 << 20

const keyFileHeader = "# Credential vault keys. The first key seals new values; the others only\n" +
	"# open older ones. Secret: keep this file mode 0600 and out of untrusted backups.\n"

// ErrInsecureKeyFile reports a key file that group or other users may read or write.
var ErrInsecureKeyFile = errors.New("vault: key file permissions are too open")

// LoadOrCreateFile reads the keyring from the key file at path. If the file does not exist it
// creates it, and its parent directory with mode 0700 if that is missing too, holding one fresh
// random key, mode 0600, written to a temporary file and then put in place atomically; created is
// then true. If another process creates the file at the same moment, its keyring is loaded
// instead. A file with any group or other permission bits fails with ErrInsecureKeyFile. Errors
// name the path but never include key material.
func LoadOrCreateFile(path string) (kr *Keyring, created bool, err error) {
	kr, err = readKeyFile(path)
	if err == nil {
		return kr, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}

	kr = GenerateKeyring()
	installed, err := installKeyFile(path, kr)
	if err != nil {
		return nil, false, err
	}
	if !installed {
		kr, err = readKeyFile(path)
		if err != nil {
			return nil, false, err
		}
		return kr, false, nil
	}
	return kr, true, nil
}

// WriteFile writes the keyring to path with mode 0600, replacing any existing file atomically
// (temporary file, then rename), so a crash leaves either the old or the new keyring. The
// parent directory is created with mode 0700 if missing. It is what "keys rotate" uses.
func WriteFile(path string, k *Keyring) error {
	if k == nil || len(k.entries) == 0 {
		return ErrEmptyKeyring
	}
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}

	tmp, err := writeTemp(path, k)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)

	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("vault: write key file %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// readKeyFile opens, checks and parses the key file. A missing file gives an error that wraps
// fs.ErrNotExist.
func readKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vault: open key file: %w", err)
	}
	defer f.Close()

	// Stat the open file, not the path, so the checked file is the one that is read.
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("vault: stat key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("vault: key file %s is not a regular file", path)
	}
	// Windows has no Unix permission bits to check.
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%w: %s has mode %04o; run \"chmod 600 %s\"",
			ErrInsecureKeyFile, path, perm, path)
	}

	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: read key file %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("vault: key file %s is larger than %d bytes", path, maxKeyFileSize)
	}

	kr, err := ParseKeyring(string(data))
	if err != nil {
		return nil, fmt.Errorf("vault: key file %s: %w", path, err)
	}
	return kr, nil
}

// installKeyFile puts a new key file at path only if none exists yet. It links a complete
// temporary file into place, which fails if path appeared meanwhile, so two processes starting
// together cannot overwrite each other's key; installed is false in that case. On file systems
// without hard links it falls back to a rename.
func installKeyFile(path string, k *Keyring) (installed bool, err error) {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return false, err
	}
	tmp, err := writeTemp(path, k)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)

	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		if err := os.Rename(tmp, path); err != nil {
			return false, fmt.Errorf("vault: create key file %s: %w", path, err)
		}
	}
	syncDir(filepath.Dir(path))
	return true, nil
}

// writeTemp writes the key file contents to a new 0600 file beside path, flushed to disk, and
// returns its name.
func writeTemp(path string, k *Keyring) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("vault: write key file %s: %w", path, err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("vault: write key file %s: %w", path, err)
	}

	// CreateTemp already uses 0600; Chmod states it and covers platforms that differ.
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.WriteString(keyFileHeader + k.Format()); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("vault: write key file %s: %w", path, err)
	}
	return name, nil
}

// ensureDir creates dir with mode 0700 if it does not exist. An existing directory is left
// as it is.
func ensureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("vault: create key directory %s: %w", dir, err)
	}
	// MkdirAll applies the umask; make the mode exactly 0700 whatever it was.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("vault: create key directory %s: %w", dir, err)
	}
	return nil
}

// syncDir flushes a directory entry change to disk. It is best effort: some file systems refuse
// to sync directories, and the file itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
