// Package verify checks a seller's Shiprocket API credentials: it seals and stores a submitted
// password, asks Shiprocket whether the credentials work and which modules they reach, and records
// what that means for the seller. The seller pages, the staff pages and background work all check
// through it, so a check is recorded the same way whoever asked for it.
package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
)

// Budget bounds one whole check (login with its retries, the module probes and logout), so a
// seller's page never waits longer than this for an answer.
const Budget = 50 * time.Second

// The reasons recorded with a status.
const (
	ReasonMissingModules = "missing_modules"
	ReasonIPBlocked      = "ip_not_allowed"
	ReasonBuyerMasked    = "buyer_masked"
)

// The triggers recorded with a check.
const (
	TriggerSeller = "seller"
	TriggerStaff  = "staff"
	TriggerAuto   = "auto" // background work: pending retries and periodic re-checks
	TriggerAPI    = "api"  // a login for the machine API's token endpoint
)

// Verifier is the part of the Shiprocket client a check needs.
type Verifier interface {
	Verify(ctx context.Context, email, password string) shiprocket.Report
}

// Loginer is the part of the Shiprocket client that logs in without probing; Login needs it.
type Loginer interface {
	Login(ctx context.Context, email, password string) shiprocket.LoginResult
}

// Hooks plan the background work that follows submissions and recorded checks: the next check,
// notifications. What they return is committed in the same transaction as the submission or the
// check's result. A plan that fails never costs the seller's submission or the check's result:
// those are recorded without it, and the plan is told why (see store.Follow).
type Hooks interface {
	// Submitted plans what follows new credentials, before Shiprocket is asked.
	Submitted(sellerID int64) store.Follow
	// Finished plans what follows a check's result.
	Finished(f Finished) store.Follow
}

// Finished describes a recorded check for Hooks.
type Finished struct {
	SellerID int64
	CheckID  int64
	Trigger  string
	Outcome  string
	Status   store.Status
	Reason   string
}

// Service runs and records credential checks.
type Service struct {
	store  *store.Store
	keys   *vault.Keyring
	client Verifier
	log    *slog.Logger
	hooks  Hooks
}

// New returns a Service that stores through st, seals with keys and asks client.
func New(st *store.Store, keys *vault.Keyring, client Verifier, log *slog.Logger) *Service {
	return &Service{store: st, keys: keys, client: client, log: log}
}

// SetHooks installs the hooks told about every submission and check. Call it before the Service
// is used; it is not safe to call concurrently with checks.
func (s *Service) SetHooks(h Hooks) {
	s.hooks = h
}

// Result is a finished check and what it found.
type Result struct {
	Check  store.Check
	Report Report
	Status store.Status
	Reason string
}

// Submit seals the password, commits the submission (so it survives whatever happens next) and
// then checks it against Shiprocket. The password is never stored or logged in clear.
func (s *Service) Submit(ctx context.Context, sellerID int64, apiEmail, password,
	actor string) (Result, error) {
	keyID, sealed, err := s.keys.Seal([]byte(password), passwordAD(sellerID))
	if err != nil {
		return Result{}, fmt.Errorf("seal password: %w", err)
	}

	sub := store.Submission{
		SellerID: sellerID, APIEmail: apiEmail, KeyID: keyID, Sealed: sealed,
		Trigger: TriggerSeller, Actor: actor,
	}
	if s.hooks != nil {
		sub.Then = s.hooks.Submitted(sellerID)
	}
	check, err := s.store.Submit(ctx, sub)
	if err != nil {
		return Result{}, err
	}
	s.log.InfoContext(ctx, "credentials submitted", "seller_id", sellerID, "check_id", check.ID)

	return s.run(ctx, check, password)
}

// ErrPasswordRefused is returned when the stored password was refused by Shiprocket at its last
// check: it is never sent again (repeated failed logins may lock the seller's account) until the
// seller submits a new one.
var ErrPasswordRefused = errors.New("verify: Shiprocket refused the stored password; " +
	"the seller must enter a new one")

// Recheck checks the stored password again. It returns store.ErrNoSecret when there is none,
// ErrPasswordRefused when Shiprocket refused it last time, and a store.CheckLimitError when the
// seller has used up store.CheckLimit.
func (s *Service) Recheck(ctx context.Context, sellerID int64, trigger string) (Result, error) {
	secret, err := s.store.Secret(ctx, sellerID, store.PurposePassword)
	if err != nil {
		return Result{}, err
	}
	if err := s.refusedBefore(ctx, sellerID); err != nil {
		return Result{}, err
	}
	password, err := s.keys.Open(secret.KeyID, secret.Sealed, passwordAD(sellerID))
	if err != nil {
		return Result{}, fmt.Errorf("open stored password of seller %d: %w", sellerID, err)
	}

	check, err := s.store.StartCheck(ctx, sellerID, trigger)
	if err != nil {
		return Result{}, err
	}
	return s.run(ctx, check, string(password))
}

// run asks Shiprocket and records the answer. The call is detached from the caller's
// cancellation, so a seller who closes the tab does not leave a half-finished check behind, but
// it is still bounded by Budget.
func (s *Service) run(ctx context.Context, check store.Check, password string) (Result, error) {
	// From here on the caller's cancellation no longer applies: the check and its record finish.
	ctx = context.WithoutCancel(ctx)
	callCtx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()

	started := time.Now()
	rep := s.client.Verify(callCtx, check.APIEmail, password)
	report := FromShiprocket(rep)
	status, reason := Classify(report)

	body, err := json.Marshal(report)
	if err != nil {
		return Result{}, fmt.Errorf("encode report: %w", err)
	}

	err = s.store.FinishCheck(ctx, check.ID, store.CheckResult{
		Outcome: report.Outcome, HTTPStatus: report.HTTPStatus, Message: report.Message,
		Report: string(body), Status: status, Reason: reason,
		Then: s.then(check, report.Outcome, status, reason),
	})
	if err != nil {
		return Result{}, err
	}

	s.log.InfoContext(ctx, "credentials checked", "seller_id", check.SellerID,
		"check_id", check.ID, "outcome", report.Outcome, "status", string(status),
		"reason", reason, "http_status", report.HTTPStatus,
		"duration_ms", time.Since(started).Milliseconds())

	check, err = s.store.Check(ctx, check.ID)
	if err != nil {
		return Result{}, err
	}
	return Result{Check: check, Report: report, Status: status, Reason: reason}, nil
}

// then asks the hooks to plan what follows a check's result.
func (s *Service) then(check store.Check, outcome string, status store.Status,
	reason string) store.Follow {
	if s.hooks == nil {
		return store.Follow{}
	}
	return s.hooks.Finished(Finished{SellerID: check.SellerID, CheckID: check.ID,
		Trigger: check.Trigger, Outcome: outcome, Status: status, Reason: reason})
}

// Login logs in with the seller's stored credentials and returns Shiprocket's answer, token
// included, for the machine API. It probes nothing. A working login, or one Shiprocket could not
// answer, leaves no record; a login that shows the credentials themselves are refused (see
// RefusedLogin) is recorded as a check with the given trigger, so the seller needs action and
// nothing logs in with those credentials again until the seller submits new ones.
func (s *Service) Login(ctx context.Context, sellerID int64,
	trigger string) (shiprocket.LoginResult, error) {
	client, ok := s.client.(Loginer)
	if !ok {
		return shiprocket.LoginResult{}, errors.New("verify: the Shiprocket client cannot log in")
	}

	seller, err := s.store.Seller(ctx, sellerID)
	if err != nil {
		return shiprocket.LoginResult{}, err
	}
	secret, err := s.store.Secret(ctx, sellerID, store.PurposePassword)
	if err != nil {
		return shiprocket.LoginResult{}, err
	}
	if err := s.refusedBefore(ctx, sellerID); err != nil {
		return shiprocket.LoginResult{}, err
	}
	password, err := s.keys.Open(secret.KeyID, secret.Sealed, passwordAD(sellerID))
	if err != nil {
		return shiprocket.LoginResult{}, fmt.Errorf("open stored password of seller %d: %w",
			sellerID, err)
	}

	ctx = context.WithoutCancel(ctx)
	callCtx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	res := client.Login(callCtx, seller.APIEmail, string(password))
	s.log.InfoContext(ctx, "shiprocket login for a token", "seller_id", sellerID,
		"outcome", string(res.Outcome), "http_status", res.HTTPStatus, "trigger", trigger)

	if !RefusedLogin(string(res.Outcome)) {
		return res, nil
	}
	if err := s.recordRefusal(ctx, sellerID, trigger, res); err != nil {
		return res, err
	}
	return res, nil
}

// recordRefusal records a refused login as a finished check, with the login's report.
func (s *Service) recordRefusal(ctx context.Context, sellerID int64, trigger string,
	res shiprocket.LoginResult) error {
	res.Token = ""
	report := FromShiprocket(shiprocket.Report{Login: res, Buyer: shiprocket.BuyerUnknown})
	status, reason := Classify(report)
	body, err := json.Marshal(report)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}

	check, err := s.store.StartCheck(ctx, sellerID, trigger)
	if err != nil {
		return err
	}
	err = s.store.FinishCheck(ctx, check.ID, store.CheckResult{
		Outcome: report.Outcome, HTTPStatus: report.HTTPStatus, Message: report.Message,
		Report: string(body), Status: status, Reason: reason,
		Then: s.then(check, report.Outcome, status, reason),
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "credentials checked", "seller_id", sellerID, "check_id", check.ID,
		"outcome", report.Outcome, "status", string(status), "reason", reason,
		"http_status", report.HTTPStatus)
	return nil
}

// refusedBefore returns ErrPasswordRefused when the stored password's last check was refused.
func (s *Service) refusedBefore(ctx context.Context, sellerID int64) error {
	outcome, err := s.store.LastOutcome(ctx, sellerID)
	if err != nil {
		return err
	}
	if RefusedLogin(outcome) {
		return ErrPasswordRefused
	}
	return nil
}

// Replace offers a new password for a seller whose connection works ("I changed my API
// password"). The stored password is replaced only when Shiprocket accepts the new login; a typo or
// an unanswered check is recorded but leaves the working connection alone. For a seller who is not
// verified it is the same as Submit. The boolean reports whether the new password was kept.
func (s *Service) Replace(ctx context.Context, sellerID int64, apiEmail, password,
	actor string) (Result, bool, error) {
	seller, err := s.store.Seller(ctx, sellerID)
	if err != nil {
		return Result{}, false, err
	}
	if seller.Status != store.StatusVerified {
		res, err := s.Submit(ctx, sellerID, apiEmail, password, actor)
		return res, err == nil, err
	}

	keyID, sealed, err := s.keys.Seal([]byte(password), passwordAD(sellerID))
	if err != nil {
		return Result{}, false, fmt.Errorf("seal password: %w", err)
	}
	check, err := s.store.StartCandidateCheck(ctx, sellerID, apiEmail)
	if err != nil {
		return Result{}, false, err
	}

	ctx = context.WithoutCancel(ctx)
	callCtx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	report := FromShiprocket(s.client.Verify(callCtx, apiEmail, password))
	status, reason := Classify(report)
	body, err := json.Marshal(report)
	if err != nil {
		return Result{}, false, fmt.Errorf("encode report: %w", err)
	}

	// The hooks' plan is committed only when the new password is kept.
	err = s.store.FinishCandidateCheck(ctx, check.ID, store.CheckResult{
		Outcome: report.Outcome, HTTPStatus: report.HTTPStatus, Message: report.Message,
		Report: string(body), Status: status, Reason: reason,
		Then: s.then(check, report.Outcome, status, reason),
	}, keyID, sealed)
	if err != nil {
		return Result{}, false, err
	}
	kept := report.Outcome == string(shiprocket.OutcomeVerified)
	s.log.InfoContext(ctx, "new password offered", "seller_id", sellerID, "check_id", check.ID,
		"outcome", report.Outcome, "kept", kept)

	check, err = s.store.Check(ctx, check.ID)
	if err != nil {
		return Result{}, false, err
	}
	return Result{Check: check, Report: report, Status: status, Reason: reason}, kept, nil
}

// RefusedLogin reports whether a check outcome means Shiprocket refused the credentials
// themselves (wrong password, a one-time code, an IP rule on the login, a malformed request).
// Logging in again with the same credentials would only add failed attempts, which may lock the
// seller's Shiprocket account, so background work and the machine API never do it.
func RefusedLogin(outcome string) bool {
	switch shiprocket.Outcome(outcome) {
	case shiprocket.OutcomeWrongCredentials, shiprocket.OutcomeMFARequired,
		shiprocket.OutcomeIPNotAllowed, shiprocket.OutcomeValidation:
		return true
	}
	return false
}

// passwordAD binds a sealed password to its seller and purpose: a blob copied to another row
// does not open.
func passwordAD(sellerID int64) []byte {
	return store.SecretAD(sellerID, store.PurposePassword)
}

// ErrNoSecret is store.ErrNoSecret, re-exported for callers that only import verify.
var ErrNoSecret = store.ErrNoSecret

// IsNoSecret reports whether err means the seller has no stored password.
func IsNoSecret(err error) bool { return errors.Is(err, store.ErrNoSecret) }
