package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// setupLinks returns the set-up links the portal logged, in order.
func setupLinks(t *testing.T, p *portal) []string {
	t.Helper()
	var links []string
	for _, line := range strings.Split(strings.TrimSpace(p.Logs.String()), "\n") {
		var rec struct {
			Msg   string `json:"msg"`
			Level string `json:"level"`
			Link  string `json:"setup_link"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Link != "" {
			if rec.Level != "WARN" || !strings.HasPrefix(rec.Msg, "no staff account yet") {
				t.Errorf("the set-up link is logged as %s %q", rec.Level, rec.Msg)
			}
			links = append(links, rec.Link)
		}
	}
	return links
}

// TestStartUpLogsTheFirstAdminLink starts the portal without staff: it logs one set-up link,
// which opens the form to create the first admin. Once an account exists, a restart logs none.
func TestStartUpLogsTheFirstAdminLink(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	p := startPortal(t, env)

	links := setupLinks(t, p)
	if len(links) != 1 || !strings.HasPrefix(links[0], p.URL+"/admin/setup/") {
		t.Fatalf("set-up links logged: %q, want one under %s/admin/setup/", links, p.URL)
	}
	resp, err := http.Get(links[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body),
		"Create the first admin") {
		t.Fatalf("the set-up link: status %d", resp.StatusCode)
	}

	addStaff(t, env, "ops@example.com", "Ops", "a long staff password")
	again := startPortal(t, env)
	if links := setupLinks(t, again); len(links) != 0 {
		t.Errorf("a start-up with staff logged set-up links %q", links)
	}
}

func TestStuckDaysSetting(t *testing.T) {
	tests := []struct {
		value   string
		want    int
		wantErr bool
	}{
		{"", 3, false},
		{"7", 7, false},
		{" 1 ", 1, false},
		{"0", 0, true},
		{"366", 0, true},
		{"2.5", 0, true},
		{"a week", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"PORTAL_STUCK_DAYS": tt.value}
		cfg, err := loadConfig(nil, getenvFrom(env), io.Discard)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "PORTAL_STUCK_DAYS") {
				t.Errorf("PORTAL_STUCK_DAYS=%q: error %v, want one naming the setting", tt.value,
					err)
			}
			continue
		}
		if err != nil || cfg.StuckDays != tt.want {
			t.Errorf("PORTAL_STUCK_DAYS=%q: %d, %v; want %d", tt.value, cfg.StuckDays, err,
				tt.want)
		}
	}
}
