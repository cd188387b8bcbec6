package vault_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/vault"
)

// mode returns the permission bits of path.
func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	return info.Mode().Perm()
}

// assertOnlyFile fails if dir holds anything but the named file (a leftover temporary file).
func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read dir: %v", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{name}) {
		t.Errorf("directory holds %v, want only %s", names, name)
	}
}

func TestLoadOrCreateFileCreatesAndReloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets", "vault")
	path := filepath.Join(dir, "keys")

	kr, created, err := vault.LoadOrCreateFile(path)
	if err != nil {
		t.Fatalf("LoadOrCreateFile: %v", err)
	}

	if !created {
		t.Error("created = false for a new file")
	}
	if ids := kr.IDs(); len(ids) != 1 {
		t.Errorf("new keyring ids = %v, want one", ids)
	}
	if got := mode(t, path); got != 0o600 {
		t.Errorf("file mode = %04o, want 0600", got)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if got := mode(t, d); got != 0o700 {
			t.Errorf("directory %s mode = %04o, want 0700", d, got)
		}
	}
	assertOnlyFile(t, dir, "keys")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# ") || !strings.HasSuffix(string(data), kr.Format()) {
		t.Errorf("file is not a comment header followed by the keys")
	}

	again, created, err := vault.LoadOrCreateFile(path)
	if err != nil {
		t.Fatalf("second LoadOrCreateFile: %v", err)
	}
	if created {
		t.Error("created = true for an existing file")
	}
	if again.Format() != kr.Format() {
		t.Error("reloaded keyring differs from the created one")
	}
	keyID, sealed, err := kr.Seal([]byte("pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(keyID, sealed, nil); err != nil || string(got) != "pw" {
		t.Errorf("reloaded keyring Open = %q, %v", got, err)
	}
}

func TestLoadOrCreateFileLeavesExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	_, created, err := vault.LoadOrCreateFile(filepath.Join(dir, "keys"))

	if err != nil || !created {
		t.Fatalf("LoadOrCreateFile = created %v, %v", created, err)
	}
	if got := mode(t, dir); got != 0o755 {
		t.Errorf("existing directory mode changed to %04o", got)
	}
}

func TestLoadOrCreateFilePermissions(t *testing.T) {
	key := testKey(42)
	content := "k1:" + b64(key) + "\n"

	tests := []struct {
		mode    fs.FileMode
		wantErr bool
	}{
		{0o644, true},
		{0o640, true},
		{0o604, true},
		{0o660, true},
		{0o602, true},
		{0o600, false},
		{0o400, false},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}

			kr, created, err := vault.LoadOrCreateFile(path)

			if created {
				t.Error("created = true for an existing file")
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("LoadOrCreateFile: %v", err)
				}
				if !slices.Equal(kr.IDs(), []string{"k1"}) {
					t.Errorf("ids = %v, want [k1]", kr.IDs())
				}
				return
			}
			if !errors.Is(err, vault.ErrInsecureKeyFile) {
				t.Fatalf("error = %v, want ErrInsecureKeyFile", err)
			}
			if kr != nil {
				t.Error("keyring returned with the error")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("error %q does not name the file and the fix", err)
			}
			assertNoKeyMaterial(t, "error", err.Error(), [][]byte{key})
			if got := mode(t, path); got != tt.mode {
				t.Errorf("file mode changed to %04o", got)
			}
			if data, _ := os.ReadFile(path); string(data) != content {
				t.Error("refused file was modified")
			}
		})
	}
}

func TestLoadOrCreateFileBadContent(t *testing.T) {
	key := testKey(7)
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte("# mine\nk1:"+b64(key[:16])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	kr, created, err := vault.LoadOrCreateFile(path)

	if !errors.Is(err, vault.ErrInvalidKeyring) {
		t.Fatalf("error = %v, want ErrInvalidKeyring", err)
	}
	if kr != nil || created {
		t.Errorf("got keyring %v, created %v with the error", kr, created)
	}
	want := "vault: key file " + path + ": vault: invalid keyring: line 2: key must be 32 bytes" +
		" after base64 decoding, got 16"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	assertNoKeyMaterial(t, "error", err.Error(), [][]byte{key, key[:16]})
}

func TestLoadOrCreateFileRefusesNonFiles(t *testing.T) {
	t.Run("directory", func(t *testing.T) {
		path := t.TempDir()

		_, created, err := vault.LoadOrCreateFile(path)

		if err == nil || created {
			t.Errorf("LoadOrCreateFile(directory) = created %v, %v; want an error", created, err)
		}
	})

	t.Run("dangling symlink", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "elsewhere", "keys")
		path := filepath.Join(dir, "keys")
		if err := os.Symlink(target, path); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}

		_, created, err := vault.LoadOrCreateFile(path)

		if err == nil || created {
			t.Errorf("LoadOrCreateFile(dangling link) = created %v, %v; want an error", created, err)
		}
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Error("a key was written through the symlink")
		}
	})
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys")
	if err := os.WriteFile(path, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	kr, err := mustParse(t, "k1:"+b64(testKey(1))).Rotate()
	if err != nil {
		t.Fatal(err)
	}

	if err := vault.WriteFile(path, kr); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}

	if got := mode(t, path); got != 0o600 {
		t.Errorf("file mode = %04o, want 0600", got)
	}
	assertOnlyFile(t, dir, "keys")
	loaded, created, err := vault.LoadOrCreateFile(path)
	if err != nil || created {
		t.Fatalf("LoadOrCreateFile after WriteFile = created %v, %v", created, err)
	}
	if loaded.Format() != kr.Format() {
		t.Error("written keyring does not read back the same")
	}
	if !slices.Equal(loaded.IDs(), kr.IDs()) || loaded.PrimaryID() != kr.PrimaryID() {
		t.Errorf("ids = %v, want %v", loaded.IDs(), kr.IDs())
	}

	newDir := filepath.Join(dir, "new")
	if err := vault.WriteFile(filepath.Join(newDir, "keys"), kr); err != nil {
		t.Fatalf("WriteFile into a new directory: %v", err)
	}
	if got := mode(t, newDir); got != 0o700 {
		t.Errorf("new directory mode = %04o, want 0700", got)
	}
}
