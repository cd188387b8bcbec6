package main

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBackgroundSettings(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name     string
		env      map[string]string
		interval time.Duration
		rate     int
		urls     []string
		wantErr  string
	}{
		{name: "defaults", interval: 24 * time.Hour, rate: 30},
		{name: "set", env: map[string]string{"PORTAL_RECHECK_INTERVAL": "12h",
			"PORTAL_CHECK_RATE":     "5",
			"PORTAL_WEBHOOK_URLS":   " https://a.example/h , ,http://127.0.0.1:9/h",
			"PORTAL_WEBHOOK_SECRET": secret},
			interval: 12 * time.Hour, rate: 5,
			urls: []string{"https://a.example/h", "http://127.0.0.1:9/h"}},
		{name: "interval not a duration",
			env:     map[string]string{"PORTAL_RECHECK_INTERVAL": "daily"},
			wantErr: "PORTAL_RECHECK_INTERVAL"},
		{name: "interval too short", env: map[string]string{"PORTAL_RECHECK_INTERVAL": "30s"},
			wantErr: "at least 1m"},
		{name: "rate zero", env: map[string]string{"PORTAL_CHECK_RATE": "0"},
			wantErr: "PORTAL_CHECK_RATE"},
		{name: "rate too high", env: map[string]string{"PORTAL_CHECK_RATE": "601"},
			wantErr: "from 1 to 600"},
		{name: "URL not absolute", env: map[string]string{"PORTAL_WEBHOOK_URLS": "/hook",
			"PORTAL_WEBHOOK_SECRET": secret}, wantErr: "PORTAL_WEBHOOK_URLS"},
		{name: "URL with a password", env: map[string]string{
			"PORTAL_WEBHOOK_URLS":   "https://user:hunter2@a.example/h",
			"PORTAL_WEBHOOK_SECRET": secret}, wantErr: "PORTAL_WEBHOOK_URLS"},
		{name: "URLs without a secret", env: map[string]string{
			"PORTAL_WEBHOOK_URLS": "https://a.example/h"}, wantErr: "PORTAL_WEBHOOK_SECRET"},
		{name: "short secret", env: map[string]string{"PORTAL_WEBHOOK_URLS": "https://a.example/h",
			"PORTAL_WEBHOOK_SECRET": "short"}, wantErr: "at least 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t.TempDir(), "http://127.0.0.1:9")
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := loadConfig(nil, getenvFrom(env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one mentioning %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error quotes the URL's password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.RecheckInterval != tt.interval || cfg.CheckRate != tt.rate ||
				!reflect.DeepEqual(cfg.WebhookURLs, tt.urls) ||
				(tt.urls != nil && cfg.WebhookSecret != secret) {
				t.Errorf("interval %s rate %d urls %q", cfg.RecheckInterval, cfg.CheckRate,
					cfg.WebhookURLs)
			}
		})
	}
}
