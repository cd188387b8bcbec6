package handlers

import (
	"strings"
	"sync"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
)

// Limits on failed staff sign-ins. Each failure costs an attacker one guess, so an account gets
// at most accountFailures in any loginWindow; the lockout that follows doubles each time it is
// reached again, up to maxLockout. An address gets addressFailures in loginWindow, across every
// account, so one client cannot guess a little at many accounts.
const (
	loginWindow     = 15 * time.Minute
	accountFailures = 10
	addressFailures = 30
	firstLockout    = loginWindow
	maxLockout      = 4 * time.Hour
	// strikeMemory is how long an account's lockouts are remembered after its last failure.
	strikeMemory = 24 * time.Hour
)

// The scopes a sign-in can be refused for.
const (
	limitAccount = "account"
	limitAddress = "address"
)

// loginGuard counts failed staff sign-ins per account and per client address, in memory. Its
// zero value is ready to use. A successful sign-in clears only its own account's failures: it
// neither clears another account's nor the address's, so a client that knows one password
// gains no fresh guesses at other accounts. A restart forgets everything, which at worst gives
// an attacker one more round of guesses, never locks anyone out.
//
// An account is keyed by the email typed, whether or not an account has it, so being locked
// tells nothing about which accounts exist. Anyone can therefore lock an account out for a
// while by failing on purpose; the growing lockout is capped at maxLockout for that reason, and
// an admin resetting the password clears it.
type loginGuard struct {
	mu        sync.Mutex
	accounts  map[string]*accountRecord
	addresses map[string][]time.Time
	swept     time.Time
}

// accountRecord is what the guard remembers of one account.
type accountRecord struct {
	failures    []time.Time // within loginWindow, oldest first
	strikes     int         // lockouts since the last success
	lockedUntil time.Time
	lastFailure time.Time
}

// loginAccountKey is the key an email is counted under: its normalized form, or the trimmed,
// lower-cased text when it is not an address.
func loginAccountKey(email string) string {
	if addr, err := shiprocket.NormalizeEmail(email); err == nil {
		return strings.ToLower(addr)
	}
	return clipRunes(strings.ToLower(strings.TrimSpace(email)), maxEmailLen)
}

// refused reports whether a sign-in for account from address must be refused now, and until
// when. scope is limitAccount or limitAddress, or "" when the attempt may go ahead.
func (g *loginGuard) refused(now time.Time, account, address string) (time.Time, string) {
	g.mu.Lock()
	defer g.mu.Unlock()

	if rec := g.accounts[account]; rec != nil && now.Before(rec.lockedUntil) {
		return rec.lockedUntil, limitAccount
	}
	recent := within(g.addresses[address], now)
	if len(recent) >= addressFailures {
		return recent[0].Add(loginWindow), limitAddress
	}
	return time.Time{}, ""
}

// failed counts a failed sign-in. The failure that reaches the account's limit locks the account:
// for loginWindow the first time, twice as long each time after, up to maxLockout.
func (g *loginGuard) failed(now time.Time, account, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sweep(now)

	if g.accounts == nil {
		g.accounts = map[string]*accountRecord{}
		g.addresses = map[string][]time.Time{}
	}
	g.addresses[address] = append(within(g.addresses[address], now), now)

	rec := g.accounts[account]
	if rec == nil {
		rec = &accountRecord{}
		g.accounts[account] = rec
	}
	if now.Sub(rec.lastFailure) > strikeMemory {
		rec.strikes = 0
	}
	rec.lastFailure = now
	rec.failures = append(within(rec.failures, now), now)
	if len(rec.failures) < accountFailures {
		return
	}

	lockout := firstLockout
	for range rec.strikes {
		lockout = min(2*lockout, maxLockout)
	}
	rec.strikes++
	// The lockout lasts at least a window, so when it ends the failures that caused it have
	// aged out and the account starts afresh.
	rec.lockedUntil = now.Add(lockout)
}

// reset forgets the account's failures and lockouts: after a successful sign-in, or when an admin
// resets the account's password.
func (g *loginGuard) reset(account string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.accounts, account)
}

// within returns the times that are inside the window ending at now.
func within(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(now.Add(-loginWindow)) {
		i++
	}
	return times[i:]
}

// sweep forgets addresses and accounts with nothing left to remember, at most once a window, so
// the maps do not grow with every address and email ever tried.
func (g *loginGuard) sweep(now time.Time) {
	if now.Sub(g.swept) < loginWindow {
		return
	}
	g.swept = now
	for k, times := range g.addresses {
		if len(within(times, now)) == 0 {
			delete(g.addresses, k)
		}
	}
	for k, rec := range g.accounts {
		idle := len(within(rec.failures, now)) == 0 && !now.Before(rec.lockedUntil)
		if idle && (rec.strikes == 0 || now.Sub(rec.lastFailure) > strikeMemory) {
			delete(g.accounts, k)
		}
	}
}
