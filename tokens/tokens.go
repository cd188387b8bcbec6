// Package tokens hands Shiprocket tokens to the platform through the machine API, so that the
// platform can call Shiprocket for a seller without ever seeing the seller's password.
//
// A token is fetched by logging in with the stored password, sealed by the vault (bound to the
// seller and its purpose) and cached until one day before the token's own expiry (Shiprocket's
// tokens live 240 hours; the expiry is read from the JWT). However many callers ask at once, one
// login happens per seller (single flight). Every token handed out is written to the audit log,
// and a token is only handed out for a seller whose credentials are known to work: a password
// Shiprocket refused is never tried again from here.
package tokens

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// Purpose names a cached token in its sealing's associated data.
const Purpose = store.PurposeToken

// RefreshBefore is how long before its expiry a cached token is replaced by a fresh one, so that
// the platform never receives a token about to die.
const RefreshBefore = 24 * time.Hour

// MinFreshAge is how old a cached token must be before a caller may force a new login: a broken
// caller asking for fresh tokens in a loop gets the cached one instead of hammering Shiprocket.
const MinFreshAge = time.Minute

// The reasons no token is handed out.
var (
	// ErrNotReady means the seller's credentials are not known to work (not verified, pending,
	// or refused by Shiprocket): no login is attempted.
	ErrNotReady = errors.New("tokens: the seller's credentials are not verified")
	// ErrRefused means Shiprocket refused the stored credentials just now. It was recorded, and
	// the seller must submit new ones.
	ErrRefused = errors.New("tokens: Shiprocket refused the seller's stored credentials")
	// ErrUnavailable means Shiprocket gave no usable answer; try again later.
	ErrUnavailable = errors.New("tokens: Shiprocket did not answer")
)

// LoginFunc logs in with a seller's stored credentials; verify.Service.Login is one.
type LoginFunc func(ctx context.Context, sellerID int64, trigger string) (shiprocket.LoginResult,
	error)

// Requester is who asks for a token, for the audit log.
type Requester struct {
	// Actor names the caller, such as "api_key:3".
	Actor string
	// Address is the caller's IP address.
	Address string
}

// Issued is a token handed out.
type Issued struct {
	Token     shiprocket.Token
	ExpiresAt time.Time
	// Cached is true when the token came from the cache rather than a new login.
	Cached bool
}

// Service hands out tokens. It is safe for concurrent use.
type Service struct {
	store *store.Store
	keys  *vault.Keyring
	login LoginFunc
	log   *slog.Logger
	now   func() time.Time
	group singleflight.Group
}

// New returns a Service. now is the clock (time.Now when nil).
func New(st *store.Store, keys *vault.Keyring, login LoginFunc, log *slog.Logger,
	now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, keys: keys, login: login, log: log, now: now}
}

// Issue returns a working token for the seller and records in the audit log that who received
// it. fresh asks for a new login instead of the cache (honoured once the cached token is
// MinFreshAge old), for a caller whose token Shiprocket rejected. It returns store.ErrNotFound
// for an unknown seller, ErrNotReady, ErrRefused or ErrUnavailable.
func (s *Service) Issue(ctx context.Context, sellerID int64, who Requester,
	fresh bool) (Issued, error) {
	seller, err := s.store.Seller(ctx, sellerID)
	if err != nil {
		return Issued{}, err
	}
	if err := s.ready(ctx, seller); err != nil {
		return Issued{}, err
	}

	v, err, _ := s.group.Do(strconv.FormatInt(sellerID, 10), func() (any, error) {
		// Shared by every caller waiting on this flight: no single caller's cancellation
		// may cut it short, but it stays bounded.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), verify.Budget)
		defer cancel()
		return s.fetch(fctx, seller, fresh)
	})
	if err != nil {
		return Issued{}, err
	}
	issued := v.(Issued)

	detail := "cached token, expires " + issued.ExpiresAt.UTC().Format(time.RFC3339)
	if !issued.Cached {
		detail = "new token, expires " + issued.ExpiresAt.UTC().Format(time.RFC3339)
	}
	err = s.store.RecordTokenIssued(ctx, store.AuditEntry{Actor: who.Actor, SellerID: sellerID,
		Detail: detail, Address: who.Address})
	if err != nil {
		// A token nobody can trace is not handed out.
		return Issued{}, err
	}
	return issued, nil
}

// ready refuses sellers whose credentials are not known to work. A seller who needs action for
// a reason other than the login itself (missing modules, masked buyer details) still logs in.
func (s *Service) ready(ctx context.Context, seller store.Seller) error {
	if !seller.ArchivedAt.IsZero() {
		return ErrNotReady
	}
	switch seller.Status {
	case store.StatusVerified:
		return nil
	case store.StatusNeedsAction:
		outcome, err := s.store.LastOutcome(ctx, seller.ID)
		if err != nil {
			return err
		}
		if outcome == string(shiprocket.OutcomeVerified) {
			return nil
		}
	}
	return ErrNotReady
}

// fetch returns the cached token while it is good, or logs in for a new one and caches it.
func (s *Service) fetch(ctx context.Context, seller store.Seller, fresh bool) (Issued, error) {
	now := s.now()
	if tok, ok := s.cached(ctx, seller, now, fresh); ok {
		return tok, nil
	}

	res, err := s.login(ctx, seller.ID, verify.TriggerAPI)
	if errors.Is(err, store.ErrNoSecret) {
		return Issued{}, ErrNotReady // staff cleared the credentials meanwhile
	}
	if err != nil {
		return Issued{}, err
	}
	switch {
	case res.Outcome == shiprocket.OutcomeVerified:
	case verify.RefusedLogin(string(res.Outcome)):
		return Issued{}, ErrRefused
	default:
		return Issued{}, fmt.Errorf("%w (%s)", ErrUnavailable, res.Outcome)
	}

	issued := Issued{Token: res.Token, ExpiresAt: res.ExpiresAt}
	refreshAt := res.ExpiresAt.Add(-RefreshBefore)
	if !refreshAt.After(now) {
		// Too short-lived to cache under our rule; hand it out once.
		s.log.WarnContext(ctx, "shiprocket token expires within a day; not cached",
			"seller_id", seller.ID, "expires_at", res.ExpiresAt)
		return issued, nil
	}

	keyID, sealed, err := s.keys.Seal([]byte(res.Token.Reveal()), ad(seller.ID))
	if err != nil {
		return Issued{}, fmt.Errorf("seal token: %w", err)
	}
	err = s.store.SaveToken(ctx, store.CachedToken{SellerID: seller.ID,
		APIEmail: seller.APIEmail, KeyID: keyID, Sealed: sealed, ExpiresAt: res.ExpiresAt,
		RefreshAt: refreshAt})
	if err != nil {
		return Issued{}, err
	}
	s.log.InfoContext(ctx, "shiprocket token cached", "seller_id", seller.ID,
		"expires_at", res.ExpiresAt.UTC().Format(time.RFC3339))
	return issued, nil
}

// cached returns the seller's cached token when it may still be handed out: not due for refresh,
// issued to the seller's current API user after their latest submission, and opened by the vault.
func (s *Service) cached(ctx context.Context, seller store.Seller, now time.Time,
	fresh bool) (Issued, bool) {
	t, err := s.store.Token(ctx, seller.ID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "read cached token", "seller_id", seller.ID, "error", err)
		}
		return Issued{}, false
	}

	switch {
	case !now.Before(t.RefreshAt):
		return Issued{}, false
	case t.APIEmail != seller.APIEmail || t.CreatedAt.Before(seller.SubmittedAt):
		return Issued{}, false // credentials changed since
	case fresh && now.Sub(t.CreatedAt) >= MinFreshAge:
		return Issued{}, false
	}

	plain, err := s.keys.Open(t.KeyID, t.Sealed, ad(seller.ID))
	if err != nil {
		// A retired key or a blob moved between rows: log in again rather than fail.
		s.log.WarnContext(ctx, "cached token does not open; logging in again",
			"seller_id", seller.ID, "error", err)
		return Issued{}, false
	}
	return Issued{Token: shiprocket.Token(plain), ExpiresAt: t.ExpiresAt, Cached: true}, true
}

// ad binds a sealed token to its seller and purpose.
func ad(sellerID int64) []byte { return store.SecretAD(sellerID, Purpose) }
