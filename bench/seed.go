package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// timeLayout is the store's fixed-width UTC time format, so seeded rows sort like real ones.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// benchPassword is the Shiprocket API password of every bench seller whose account the fake
// knows. It only ever travels to the in-process fake on loopback.
const benchPassword = "bench-api-pass-123"

// statusShare is how the seeded sellers spread over the statuses, in percent: most stop
// somewhere in the guided steps, a third end up verified, one in seven needs action.
var statusShare = []struct {
	status store.Status
	pct    int
}{
	{store.StatusNotStarted, 10},
	{store.StatusInProgress, 25},
	{store.StatusAwaitingPassword, 15},
	{store.StatusCheckPending, 5},
	{store.StatusNeedsAction, 15},
	{store.StatusVerified, 30},
}

// pools sizes the groups of sellers that the load scenarios sign in as, through their resume
// links. Every member is an ordinary seeded seller of the right status.
type pools struct {
	wizard int // in the guided steps, step 4 or further
	submit int // at the credentials form, never checked: one credentials submit each
	slow   int // the same, for the slow-Shiprocket scenario
}

// poolSeller is a seeded seller the load generator can sign in as.
type poolSeller struct {
	id       int64
	token    string // the resume token, whose SHA-256 is stored
	step     int
	apiEmail string // the +api address, for the credentials form
}

// seedResult is what the seeder made and what the scenarios need from it.
type seedResult struct {
	sellers  int
	live     int // not archived: the rows of the queue's "All" tab and of its export
	events   int
	checks   int
	notes    int
	jobs     int
	took     time.Duration
	dbBytes  int64
	wizard   []poolSeller
	submit   []poolSeller
	slow     []poolSeller
	keys     *vault.Keyring
	keysText string
}

// Word lists for names that look like the platform's sellers. Search terms in the scenarios
// are drawn from them.
var (
	firstNames = []string{"Aarav", "Vivaan", "Aditya", "Vihaan", "Arjun", "Sai", "Reyansh",
		"Ayaan", "Krishna", "Ishaan", "Ananya", "Diya", "Saanvi", "Aadhya", "Pari", "Anika",
		"Navya", "Myra", "Sara", "Ira", "Kabir", "Rohan", "Meera", "Priya", "Neha", "Rahul",
		"Sneha", "Vikram", "Pooja", "Karan", "Lakshmi", "Farhan", "Zoya", "Harpreet", "Gurpreet",
		"Deepak", "Sunita", "Ravi", "Anjali", "Manoj"}
	lastNames = []string{"Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Shah", "Mehta",
		"Iyer", "Nair", "Reddy", "Rao", "Das", "Bose", "Chatterjee", "Mukherjee", "Joshi",
		"Kulkarni", "Deshpande", "Pillai", "Menon", "Khan", "Qureshi", "Agarwal", "Bansal",
		"Malhotra", "Kapoor", "Chopra", "Saxena", "Tiwari"}
	storeWords = []string{"Sunrise", "Lotus", "Peacock", "Saffron", "Monsoon", "Himalaya",
		"Ganga", "Indigo", "Marigold", "Banyan", "Cardamom", "Jasmine", "Tulsi", "Kesar",
		"Chandni", "Rangoli", "Mehndi", "Kaveri", "Narmada", "Vedic", "Desi", "Royal", "Urban",
		"Heritage", "Evergreen"}
	storeKinds = []string{"Textiles", "Handicrafts", "Organics", "Spices", "Jewels", "Fashion",
		"Home Decor", "Ayurveda", "Footwear", "Toys", "Books", "Electronics", "Sarees",
		"Pottery", "Tea House", "Leather", "Candles", "Kitchenware", "Naturals", "Gifts"}
	cities = []string{"Jaipur", "Mumbai", "Delhi", "Bengaluru", "Chennai", "Kolkata", "Pune",
		"Hyderabad", "Ahmedabad", "Surat", "Lucknow", "Indore", "Kochi", "Mysuru", "Varanasi",
		"Amritsar", "Bhopal", "Nagpur", "Udaipur", "Guwahati"}
	domains = []string{"gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com",
		"hotmail.com", "shop.in", "store.co.in"}
	reasons = []string{string(shiprocket.OutcomeWrongCredentials), verify.ReasonMissingModules,
		verify.ReasonIPBlocked, string(shiprocket.OutcomeMFARequired), verify.ReasonBuyerMasked}
	noteBodies = []string{"Called the seller; they will create the API user tonight.",
		"Seller says the password email went to spam. Asked them to check again.",
		"Wrong password twice: suggested Change Password so Shiprocket emails a new one.",
		"IP restriction on the API user; sent them the guide section on allowed IPs.",
		"Follow up on Monday.", "Seller is travelling until next week."}
)

// seeder writes one seller and its history at a time, inside a transaction of many sellers.
type seeder struct {
	rng   *mrand.Rand
	now   time.Time
	keys  *vault.Keyring
	stmts map[string]*sql.Stmt
	// Which optional parts of the schema exist: the seeder follows the migrations it finds.
	hasAssignee, hasFirstVerified, hasNotes, hasJobs, hasMonitor bool
	staffIDs                                                     []int64
	reports                                                      map[string]string
	res                                                          *seedResult
	want                                                         pools
}

// seed creates a fresh database at path with the portal's own migrations and fills it with n
// sellers and their histories. It uses the same DSN pragmas as store.Open.
func seed(ctx context.Context, path string, n int, want pools, rng *mrand.Rand) (*seedResult,
	error) {
	started := time.Now()

	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	if err := st.Close(); err != nil {
		return nil, err
	}

	// A page cache large enough for the sellers' indexes keeps random inserts off the disk;
	// it lives in the bench's memory only, and the file is the same as with the default.
	db, err := sql.Open("sqlite", dsn(path)+"&_pragma=cache_size(-524288)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	keys := vault.GenerateKeyring()
	res := &seedResult{keys: keys, keysText: keys.Format()}
	s := &seeder{rng: rng, now: time.Now().UTC(), keys: keys, res: res, want: want,
		stmts: map[string]*sql.Stmt{}, reports: map[string]string{}}
	if err := s.inspect(ctx, db); err != nil {
		return nil, err
	}
	if err := s.addStaff(ctx, db); err != nil {
		return nil, err
	}

	const batch = 5000
	for first := 1; first <= n; first += batch {
		last := min(first+batch-1, n)
		if err := s.batch(ctx, db, first, last); err != nil {
			return nil, err
		}
	}

	// No ANALYZE: the portal never runs it, so its planner works without statistics, and so
	// must the bench's. (With sqlite_stat4 present, every statement with a bound value is
	// compiled again on each run, which changes the costs measured.)
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(),
		pragma_page_size()`).Scan(&res.dbBytes); err != nil {
		return nil, err
	}

	res.sellers = n
	res.took = time.Since(started)
	return res, nil
}

// dsn is store.Open's connection string for path.
func dsn(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// inspect finds which optional tables and columns the migrations made.
func (s *seeder) inspect(ctx context.Context, db *sql.DB) error {
	has := func(query string, args ...any) (bool, error) {
		var n int
		err := db.QueryRowContext(ctx, query, args...).Scan(&n)
		return n > 0, err
	}
	column := `SELECT COUNT(*) FROM pragma_table_info('sellers') WHERE name = ?`
	table := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`

	var err error
	for _, c := range []struct {
		dst   *bool
		query string
		arg   string
	}{
		{&s.hasAssignee, column, "assignee_id"},
		{&s.hasFirstVerified, column, "first_verified_at"},
		{&s.hasNotes, table, "notes"},
		{&s.hasJobs, table, "jobs"},
		{&s.hasMonitor, table, "monitor"},
	} {
		if *c.dst, err = has(c.query, c.arg); err != nil {
			return fmt.Errorf("inspect schema: %w", err)
		}
	}
	return nil
}

// addStaff adds a small support team that sellers are assigned to. Their password hashes are
// not valid hashes, so nobody can sign in as them; the bench signs in with its own admin.
func (s *seeder) addStaff(ctx context.Context, db *sql.DB) error {
	names := []string{"Asha Support", "Bilal Support", "Chitra Support", "Dev Support",
		"Esha Support", "Firoz Support"}
	for i, name := range names {
		role := "support"
		if i == 0 {
			role = "admin"
		}
		res, err := db.ExecContext(ctx, `INSERT INTO staff (email, name, password_hash, role,
			created_at) VALUES (?, ?, ?, ?, ?)`,
			fmt.Sprintf("team%d@bench.example", i+1), name, "!not-a-hash", role,
			s.stamp(s.now.Add(-400*24*time.Hour)))
		if err != nil {
			return fmt.Errorf("insert staff: %w", err)
		}
		id, _ := res.LastInsertId()
		s.staffIDs = append(s.staffIDs, id)
	}
	return nil
}

// stamp formats t as the store does.
func (s *seeder) stamp(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// exec runs query in the batch's transaction, preparing it once per batch.
func (s *seeder) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result,
	error) {
	st, ok := s.stmts[query]
	if !ok {
		var err error
		if st, err = tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		s.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

// batch writes sellers first..last in one transaction.
func (s *seeder) batch(ctx context.Context, db *sql.DB, first, last int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s.stmts = map[string]*sql.Stmt{}

	for i := first; i <= last; i++ {
		if err := s.seller(ctx, tx, int64(i)); err != nil {
			return fmt.Errorf("seed seller %d: %w", i, err)
		}
	}
	for _, st := range s.stmts {
		st.Close()
	}
	return tx.Commit()
}

// history is one seller's life so far, built before any row is written.
type history struct {
	id                                 int64
	store, contact, login, api         string
	status                             store.Status
	reason                             string
	step                               int
	created, active                    time.Time
	submitted, verified, firstVerified time.Time
	lastChecked, archived              time.Time
	assignee                           int64
	events                             []event
	checks                             []check
	token                              string
	tokenHash                          []byte
	tokenCreated                       time.Time
	pool                               *[]poolSeller
	jobKind                            string
	announced                          string
	pendingSince                       time.Time
}

// event is one line of a seller's timeline.
type event struct {
	at     time.Time
	kind   string
	step   int
	actor  string
	detail string
}

// check is one Shiprocket check of a seller, with its stored report.
type check struct {
	started, finished time.Time
	outcome           string
	httpStatus        int
	message           string
	report            string
}

// pick returns a random element of list.
func pick[T any](rng *mrand.Rand, list []T) T {
	return list[rng.IntN(len(list))]
}

// after returns a random time between t and t+within, never later than limit.
func (s *seeder) after(t time.Time, within time.Duration, limit time.Time) time.Time {
	next := t.Add(time.Duration(s.rng.Int64N(int64(within))) + time.Second)
	if next.After(limit) {
		return limit
	}
	return next
}

// seller builds one seller's history and writes it.
func (s *seeder) seller(ctx context.Context, tx *sql.Tx, id int64) error {
	h := s.plan(id)
	if err := s.writeSeller(ctx, tx, h); err != nil {
		return err
	}
	s.res.events += len(h.events)
	s.res.checks += len(h.checks)
	if h.archived.IsZero() {
		s.res.live++
	}
	return nil
}

// plan draws a seller's status and the events that led to it.
func (s *seeder) plan(id int64) *history {
	first, last := pick(s.rng, firstNames), pick(s.rng, lastNames)
	h := &history{id: id,
		store: fmt.Sprintf("%s %s %s", pick(s.rng, storeWords), pick(s.rng, storeKinds),
			pick(s.rng, cities)),
		contact: first + " " + last,
		login: strings.ToLower(fmt.Sprintf("%s.%s%d@%s", first, last, id,
			pick(s.rng, domains))),
	}
	h.api, _ = shiprocket.APIUserEmail(h.login)

	roll, acc := s.rng.IntN(100), 0
	for _, share := range statusShare {
		acc += share.pct
		if roll < acc {
			h.status = share.status
			break
		}
	}

	// Sellers arrive over the last 180 days; the newest are the most active.
	h.created = s.now.Add(-time.Duration(s.rng.Int64N(int64(180 * 24 * time.Hour))))
	t := h.created
	h.events = append(h.events, event{at: t, kind: store.EventCreated, actor: store.ActorSeller})
	h.tokenCreated = t

	steps := 0
	switch h.status {
	case store.StatusNotStarted:
	case store.StatusInProgress:
		steps = 1 + s.rng.IntN(views8)
	default:
		steps = views8 + 1
	}
	for n := 1; n <= steps; n++ {
		t = s.after(t, 20*time.Minute, s.now)
		if n == 3 && s.rng.IntN(4) == 0 {
			// A quarter come back another day, through their resume link.
			t = s.after(t, 3*24*time.Hour, s.now)
			h.events = append(h.events, event{at: t, kind: store.EventResumed,
				actor: store.ActorSeller})
		}
		h.events = append(h.events, event{at: t, kind: store.EventStepReached, step: n,
			actor: store.ActorSeller})
	}
	h.step = steps

	switch h.status {
	case store.StatusCheckPending, store.StatusNeedsAction, store.StatusVerified:
		s.planChecks(h, &t)
	}

	if s.hasAssignee && (h.status == store.StatusNeedsAction ||
		h.status == store.StatusCheckPending || s.rng.IntN(20) == 0) && s.rng.IntN(3) == 0 {
		h.assignee = pick(s.rng, s.staffIDs[1:])
	}
	h.active = t
	if s.rng.IntN(50) == 0 {
		h.archived = s.after(t, 30*24*time.Hour, s.now)
	}

	s.poolFor(h)
	if h.token == "" {
		h.tokenHash = make([]byte, 32)
		rand.Read(h.tokenHash)
	}
	return h
}

// views8 is the number of guided steps (views.TotalSteps); the credentials form is step 9.
const views8 = 8

// planChecks adds the submission and one to three checks that end in the seller's status.
func (s *seeder) planChecks(h *history, t *time.Time) {
	*t = s.after(*t, 2*24*time.Hour, s.now)
	h.submitted = *t
	h.events = append(h.events, event{at: *t, kind: store.EventSubmitted,
		actor: store.ActorSeller, detail: h.api})

	final := string(shiprocket.OutcomeVerified)
	switch h.status {
	case store.StatusCheckPending:
		final = pick(s.rng, []string{string(shiprocket.OutcomeUnavailable),
			string(shiprocket.OutcomeRateLimited)})
		h.reason = final
		h.pendingSince = *t
		h.jobKind = store.JobRetry
	case store.StatusNeedsAction:
		h.reason = pick(s.rng, reasons)
		h.announced = string(store.StatusNeedsAction)
		final = h.reason
		switch h.reason {
		case verify.ReasonMissingModules, verify.ReasonIPBlocked, verify.ReasonBuyerMasked:
			final = string(shiprocket.OutcomeVerified)
		}
	case store.StatusVerified:
		h.announced = string(store.StatusVerified)
		h.jobKind = store.JobRecheck
	}

	// Earlier attempts failed with a wrong password; the last one decides the status.
	n := 1 + s.rng.IntN(3)
	for i := 0; i < n; i++ {
		outcome := final
		if i < n-1 {
			outcome = string(shiprocket.OutcomeWrongCredentials)
		}
		started := *t
		*t = started.Add(time.Duration(300+s.rng.IntN(4000)) * time.Millisecond)
		c := check{started: started, finished: *t, outcome: outcome}
		c.report, c.httpStatus, c.message = s.report(outcome, h.reason)
		h.checks = append(h.checks, c)
		h.events = append(h.events, event{at: *t, kind: store.EventChecked,
			actor: store.ActorSeller, detail: outcome})
		if outcome == string(shiprocket.OutcomeVerified) && h.status == store.StatusVerified &&
			h.firstVerified.IsZero() {
			h.firstVerified = *t
		}
		if i < n-1 {
			*t = s.after(*t, 6*time.Hour, s.now)
		}
	}
	h.lastChecked = *t
	if h.status == store.StatusVerified {
		h.verified = *t
	}
}

// report returns the stored JSON report of a check, with its HTTP status and message, built by
// the portal's own types so that the seeded rows read like real ones.
func (s *seeder) report(outcome, reason string) (string, int, string) {
	key := outcome + "/" + reason
	rep := shiprocket.Report{Login: shiprocket.LoginResult{Outcome: shiprocket.Outcome(outcome),
		Attempts: 1}}
	switch shiprocket.Outcome(outcome) {
	case shiprocket.OutcomeVerified:
		rep.Login.HTTPStatus = 200
		rep.Buyer = shiprocket.BuyerVisible
		for _, a := range shiprocket.Areas() {
			p := shiprocket.Probe{Area: a.Area, Access: shiprocket.AccessGranted, HTTPStatus: 200}
			if reason == verify.ReasonMissingModules && (a.Area == shiprocket.AreaWallet ||
				a.Area == shiprocket.AreaStatement) {
				p.Access, p.HTTPStatus = shiprocket.AccessDenied, 403
			}
			if reason == verify.ReasonIPBlocked {
				p.Access, p.HTTPStatus = shiprocket.AccessIPBlocked, 403
			}
			rep.Probes = append(rep.Probes, p)
		}
		if reason == verify.ReasonBuyerMasked {
			rep.Buyer = shiprocket.BuyerMasked
		}
	case shiprocket.OutcomeWrongCredentials:
		rep.Login.HTTPStatus, rep.Login.Message = 403, "Invalid email and password combination."
	case shiprocket.OutcomeMFARequired:
		rep.Login.HTTPStatus = 200
	case shiprocket.OutcomeUnavailable:
		rep.Login.HTTPStatus, rep.Login.Attempts = 503, 3
	case shiprocket.OutcomeRateLimited:
		rep.Login.HTTPStatus, rep.Login.Attempts = 429, 3
	}
	if cached, ok := s.reports[key]; ok {
		return cached, rep.Login.HTTPStatus, rep.Login.Message
	}
	body, _ := json.Marshal(verify.FromShiprocket(rep))
	s.reports[key] = string(body)
	return string(body), rep.Login.HTTPStatus, rep.Login.Message
}

// poolFor enrols the seller in a load-scenario pool while the pools are short of members,
// giving it a resume token the bench knows.
func (s *seeder) poolFor(h *history) {
	if !h.archived.IsZero() || h.assignee != 0 {
		return
	}
	switch {
	case h.status == store.StatusInProgress && h.step >= 4 && len(s.res.wizard) < s.want.wizard:
		h.pool = &s.res.wizard
	case h.status == store.StatusAwaitingPassword && len(s.res.submit) < s.want.submit:
		h.pool = &s.res.submit
	case h.status == store.StatusAwaitingPassword && len(s.res.slow) < s.want.slow:
		h.pool = &s.res.slow
	default:
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	h.token = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(h.token))
	h.tokenHash = sum[:]
	// The link must still be valid: pool sellers got theirs recently.
	h.tokenCreated = s.now.Add(-time.Duration(s.rng.Int64N(int64(7 * 24 * time.Hour))))
	*h.pool = append(*h.pool, poolSeller{id: h.id, token: h.token, step: h.step,
		apiEmail: h.api})
}

// nullTime is t as stored, or NULL for the zero time.
func nullTime(s *seeder, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.stamp(t)
}

// writeSeller inserts the seller and everything that hangs off it.
func (s *seeder) writeSeller(ctx context.Context, tx *sql.Tx, h *history) error {
	cols := `id, store_name, contact_name, login_email, api_email, status, status_reason, step,
		created_at, updated_at, last_activity_at, submitted_at, verified_at, last_checked_at,
		archived_at`
	args := []any{h.id, h.store, h.contact, h.login, "", string(h.status), h.reason, h.step,
		s.stamp(h.created), s.stamp(h.active), s.stamp(h.active), nullTime(s, h.submitted),
		nullTime(s, h.verified), nullTime(s, h.lastChecked), nullTime(s, h.archived)}
	if !h.submitted.IsZero() {
		args[4] = h.api
	}
	if s.hasAssignee {
		cols += ", assignee_id"
		args = append(args, sql.NullInt64{Int64: h.assignee, Valid: h.assignee != 0})
	}
	if s.hasFirstVerified {
		cols += ", first_verified_at"
		args = append(args, nullTime(s, h.firstVerified))
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	if _, err := s.exec(ctx, tx, `INSERT INTO sellers (`+cols+`) VALUES (`+marks+`)`,
		args...); err != nil {
		return err
	}

	_, err := s.exec(ctx, tx, `INSERT INTO resume_tokens (token_hash, seller_id, created_at,
		expires_at) VALUES (?, ?, ?, ?)`, h.tokenHash, h.id, s.stamp(h.tokenCreated),
		s.stamp(h.tokenCreated.Add(30*24*time.Hour)))
	if err != nil {
		return err
	}

	for _, e := range h.events {
		_, err := s.exec(ctx, tx, `INSERT INTO events (seller_id, at, kind, step, actor, detail)
			VALUES (?, ?, ?, ?, ?, ?)`, h.id, s.stamp(e.at), e.kind, e.step, e.actor, e.detail)
		if err != nil {
			return err
		}
	}

	if !h.submitted.IsZero() {
		keyID, sealed, err := s.keys.Seal([]byte(benchPassword),
			store.SecretAD(h.id, store.PurposePassword))
		if err != nil {
			return err
		}
		_, err = s.exec(ctx, tx, `INSERT INTO secrets (seller_id, purpose, key_id, sealed,
			created_at) VALUES (?, ?, ?, ?, ?)`, h.id, store.PurposePassword, keyID, sealed,
			s.stamp(h.submitted))
		if err != nil {
			return err
		}
	}
	for _, c := range h.checks {
		_, err := s.exec(ctx, tx, `INSERT INTO checks (seller_id, trigger, api_email,
			started_at, finished_at, outcome, http_status, message, report)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.id, verify.TriggerSeller, h.api,
			s.stamp(c.started), s.stamp(c.finished), c.outcome, c.httpStatus, c.message,
			c.report)
		if err != nil {
			return err
		}
	}
	if err := s.writeNotes(ctx, tx, h); err != nil {
		return err
	}
	return s.writeBackground(ctx, tx, h)
}

// writeNotes gives one seller in twenty-five a note or two from the support team.
func (s *seeder) writeNotes(ctx context.Context, tx *sql.Tx, h *history) error {
	if !s.hasNotes || s.rng.IntN(25) != 0 {
		return nil
	}
	for i := 0; i < 1+s.rng.IntN(2); i++ {
		_, err := s.exec(ctx, tx, `INSERT INTO notes (seller_id, author_id, at, body)
			VALUES (?, ?, ?, ?)`, h.id, pick(s.rng, s.staffIDs), s.stamp(h.active),
			pick(s.rng, noteBodies))
		if err != nil {
			return err
		}
		s.res.notes++
	}
	return nil
}

// writeBackground writes what the portal's background work keeps for a seller in a steady state:
// the next scheduled check and the last announced status. Without them the portal's start-up
// would plan every seller's next check again, which only a first start after an upgrade does.
// Scheduled checks fall due no sooner than a day from now, so none runs during the bench.
func (s *seeder) writeBackground(ctx context.Context, tx *sql.Tx, h *history) error {
	if !h.archived.IsZero() {
		return nil
	}
	if s.hasJobs && h.jobKind != "" {
		runAt := s.now.Add(24*time.Hour + time.Duration(s.rng.Int64N(int64(24*time.Hour))))
		_, err := s.exec(ctx, tx, `INSERT INTO jobs (seller_id, kind, state, run_at,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, h.id, h.jobKind,
			store.JobQueued, s.stamp(runAt), s.stamp(h.active), s.stamp(h.active))
		if err != nil {
			return err
		}
		s.res.jobs++
	}
	if s.hasMonitor {
		_, err := s.exec(ctx, tx, `INSERT INTO monitor (seller_id, announced, pending_since,
			updated_at) VALUES (?, ?, ?, ?)`, h.id, h.announced, nullTime(s, h.pendingSince),
			s.stamp(h.active))
		if err != nil {
			return err
		}
	}
	return nil
}

// savedPool and savedSeed are the JSON form of a seed, kept beside a cached database.
type savedPool struct {
	ID       int64  `json:"id"`
	Token    string `json:"token"`
	Step     int    `json:"step"`
	APIEmail string `json:"api_email"`
}

type savedSeed struct {
	Sellers int         `json:"sellers"`
	Live    int         `json:"live"`
	Events  int         `json:"events"`
	Checks  int         `json:"checks"`
	Notes   int         `json:"notes"`
	Jobs    int         `json:"jobs"`
	TookMS  int64       `json:"took_ms"`
	Keys    string      `json:"keys"`
	Wizard  []savedPool `json:"wizard"`
	Submit  []savedPool `json:"submit"`
	Slow    []savedPool `json:"slow"`
}

// seedCached copies the database seeded earlier into cacheDir to path when its description says
// it has n sellers and pools as large as want; otherwise it seeds path afresh and keeps a copy
// in cacheDir for the next run. A run changes its database, so the copy is taken before any.
func seedCached(ctx context.Context, cacheDir, path string, n int, want pools,
	rng *mrand.Rand) (*seedResult, bool, error) {
	meta := filepath.Join(cacheDir, "seed.json")
	cached := filepath.Join(cacheDir, "portal.db")
	if b, err := os.ReadFile(meta); err == nil {
		var saved savedSeed
		if json.Unmarshal(b, &saved) == nil && saved.Sellers == n &&
			len(saved.Wizard) >= want.wizard && len(saved.Submit) >= want.submit &&
			len(saved.Slow) >= want.slow {
			if err := copyFile(cached, path); err != nil {
				return nil, false, err
			}
			res, err := saved.result()
			return res, true, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}

	res, err := seed(ctx, path, n, want, rng)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, false, err
	}
	if err := copyFile(path, cached); err != nil {
		return nil, false, err
	}
	b, err := json.Marshal(res.saved())
	if err != nil {
		return nil, false, err
	}
	return res, false, os.WriteFile(meta, b, 0o600)
}

// saved returns the seed in its JSON form.
func (r *seedResult) saved() savedSeed {
	out := func(pool []poolSeller) []savedPool {
		var s []savedPool
		for _, p := range pool {
			s = append(s, savedPool{p.id, p.token, p.step, p.apiEmail})
		}
		return s
	}
	return savedSeed{Sellers: r.sellers, Live: r.live, Events: r.events, Checks: r.checks,
		Notes: r.notes, Jobs: r.jobs, TookMS: r.took.Milliseconds(), Keys: r.keysText,
		Wizard: out(r.wizard), Submit: out(r.submit), Slow: out(r.slow)}
}

// result reads a seed back from its JSON form.
func (s savedSeed) result() (*seedResult, error) {
	keys, err := vault.ParseKeyring(s.Keys)
	if err != nil {
		return nil, fmt.Errorf("cached seed: %w", err)
	}
	in := func(saved []savedPool) []poolSeller {
		var out []poolSeller
		for _, p := range saved {
			out = append(out, poolSeller{p.ID, p.Token, p.Step, p.APIEmail})
		}
		return out
	}
	return &seedResult{sellers: s.Sellers, live: s.Live, events: s.Events, checks: s.Checks,
		notes: s.Notes, jobs: s.Jobs, took: time.Duration(s.TookMS) * time.Millisecond,
		keys: keys, keysText: s.Keys, wizard: in(s.Wizard), submit: in(s.Submit),
		slow: in(s.Slow)}, nil
}

// copyFile copies src to dst, replacing dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
