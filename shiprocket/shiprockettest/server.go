package shiprockettest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
)

// Messages the fake answers with, as Shiprocket words them.
const (
	WrongCredentialsMessage = "Invalid email and password combination."
	DeniedMessage           = "Unauthorized! You do not have the required permissions."
	IPBlockedMessage        = "Unauthorized! You do not have the required permissions[IP]"
	UnauthenticatedMessage  = "Unauthenticated."
	NotFoundMessage         = "404 Not Found"
	MissingFieldMessage     = "Required field missing"
	MFAMessage              = "OTP has been sent to your registered email and mobile number."
	LogoutMessage           = "Successfully logged out"
)

// Server is a fake Shiprocket API on a loopback port. It is safe for concurrent use.
type Server struct {
	mu          sync.Mutex
	accounts    map[string]*account // by normalised email
	tokens      map[string]string   // live token -> normalised email
	loginCalls  map[string]int      // by normalised email
	requests    map[string]int      // by URL path
	fault       Fault
	faultLeft   int // logins the fault still applies to; -1 for until cleared
	wrongStatus int
	nextUserID  int64
	secret      []byte
	areaByPath  map[string]shiprocket.Area

	ln        net.Listener
	srv       *http.Server
	closed    chan struct{}
	closeOnce sync.Once
}

// account is an Account with the fake's own bookkeeping.
type account struct {
	Account
	id        int64
	createdAt time.Time
}

// NewServer starts an empty fake on 127.0.0.1 with a random port. It panics if it cannot
// listen, like httptest.NewServer. Call Close when done.
func NewServer() *Server {
	s := newState()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("shiprockettest: listen on loopback: %v", err))
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		// Resets and client time-outs are expected here; keep them out of the test output.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// NewDemoServer starts a fake loaded with DemoAccounts.
func NewDemoServer() *Server {
	s := NewServer()
	for _, a := range DemoAccounts() {
		s.AddAccount(a)
	}
	return s
}

// newState returns a Server with its maps ready and no listener.
func newState() *Server {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms

	s := &Server{
		accounts:    make(map[string]*account),
		tokens:      make(map[string]string),
		loginCalls:  make(map[string]int),
		requests:    make(map[string]int),
		wrongStatus: http.StatusForbidden,
		nextUserID:  5000,
		secret:      secret,
		areaByPath:  make(map[string]shiprocket.Area),
		closed:      make(chan struct{}),
	}
	for _, info := range shiprocket.Areas() {
		path, _, _ := strings.Cut(info.Path, "?")
		s.areaByPath[path] = info.Area
	}
	return s
}

// URL returns the fake's base URL, e.g. http://127.0.0.1:41234, for shiprocket.Config.BaseURL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Handler returns the fake as an http.Handler, for mounting it elsewhere.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, cutting any delayed request short.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		if s.srv != nil {
			_ = s.srv.Close()
		}
	})
}

// AddAccount adds an account, replacing any with the same email (compared case-insensitively).
func (s *Server) AddAccount(a Account) {
	a.Denied = slices.Clone(a.Denied)
	a.AllowedIPs = slices.Clone(a.AllowedIPs)
	if a.FirstName == "" {
		a.FirstName = "API"
	}
	if a.LastName == "" {
		a.LastName = "USER"
	}
	if a.Orders == 0 {
		a.Orders = 1
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUserID++
	if a.CompanyID == 0 {
		a.CompanyID = 1000 + s.nextUserID
	}
	s.accounts[normEmail(a.Email)] = &account{
		Account: a, id: s.nextUserID, createdAt: time.Now().UTC().Truncate(time.Second),
	}
}

// SetPassword changes an account's password, as "Change Password" on the API user does. It does
// nothing for an unknown email.
func (s *Server) SetPassword(email, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[normEmail(email)]; ok {
		a.Password = password
	}
}

// SetDenied replaces the list of modules an account is not granted.
func (s *Server) SetDenied(email string, denied ...shiprocket.Area) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[normEmail(email)]; ok {
		a.Denied = slices.Clone(denied)
	}
}

// SetWrongCredentialsStatus sets the HTTP status of a wrong-credentials answer (default 403),
// since Shiprocket's real status is not documented.
func (s *Server) SetWrongCredentialsStatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wrongStatus = status
}

// SetFault makes every login misbehave as f says, for f.Times logins or until ClearFaults.
// It replaces any earlier fault.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
	s.faultLeft = f.Times
	if f.Times <= 0 {
		s.faultLeft = -1
	}
}

// ClearFaults removes the fault set by SetFault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultLeft = Fault{}, 0
}

// LoginCalls returns how many login requests named email (compared case-insensitively).
func (s *Server) LoginCalls(email string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loginCalls[normEmail(email)]
}

// Requests returns how many requests hit path; a query string in path is ignored.
func (s *Server) Requests(path string) int {
	path, _, _ = strings.Cut(path, "?")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// ActiveTokens returns how many issued tokens are not logged out.
func (s *Server) ActiveTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

// serveHTTP routes a request.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	s.mu.Unlock()

	switch r.URL.Path {
	case shiprocket.LoginPath:
		s.login(w, r)
	case shiprocket.LogoutPath:
		s.logout(w, r)
	default:
		area, ok := s.areaByPath[r.URL.Path]
		if !ok {
			writeJSON(w, http.StatusNotFound, errorBody{NotFoundMessage, http.StatusNotFound})
			return
		}
		s.probe(w, r, area)
	}
}

// errorBody is Shiprocket's error envelope.
type errorBody struct {
	Message    string `json:"message"`
	StatusCode int    `json:"status_code"`
}

// login answers POST /v1/external/auth/login.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w)
		return
	}
	email, password := readCredentials(w, r)

	s.mu.Lock()
	s.loginCalls[normEmail(email)]++
	fault, faulty := s.takeFault()
	acct, found := s.lookup(email)
	wrongStatus := s.wrongStatus
	s.mu.Unlock()

	if faulty && fault.apply(r.Context(), s.closed, w) {
		return
	}
	if found && acct.LoginFault.Kind != "" && acct.LoginFault.apply(r.Context(), s.closed, w) {
		return
	}

	if fields := missingFields(email, password); fields != nil {
		writeJSON(w, http.StatusUnprocessableEntity, struct {
			Message    string              `json:"message"`
			Errors     map[string][]string `json:"errors"`
			StatusCode int                 `json:"status_code"`
		}{MissingFieldMessage, fields, http.StatusUnprocessableEntity})
		return
	}
	// An empty account password never matches, so such an account rejects every password.
	if !found || acct.Password == "" ||
		subtle.ConstantTimeCompare([]byte(acct.Password), []byte(password)) != 1 {
		writeJSON(w, wrongStatus, errorBody{WrongCredentialsMessage, wrongStatus})
		return
	}
	if !acct.LoginIgnoresIP && !ipAllowed(acct.AllowedIPs, r.RemoteAddr) {
		writeJSON(w, http.StatusForbidden, errorBody{IPBlockedMessage, http.StatusForbidden})
		return
	}
	if acct.MFA {
		writeJSON(w, http.StatusOK, map[string]any{
			"is_mfa_enabled": true, "user_id": acct.id, "is_subuser": true, "data": MFAMessage,
		})
		return
	}

	token := s.issueToken(r, acct)
	writeJSON(w, http.StatusOK, struct {
		ID        int64  `json:"id"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
		CompanyID int64  `json:"company_id"`
		CreatedAt string `json:"created_at"`
		Token     string `json:"token"`
	}{acct.id, acct.FirstName, acct.LastName, acct.Email, acct.CompanyID,
		acct.createdAt.Format(time.DateTime), token})
}

// takeFault returns the active fault and uses up one of its Times. The caller holds s.mu.
func (s *Server) takeFault() (Fault, bool) {
	if s.fault.Kind == "" || s.faultLeft == 0 {
		return Fault{}, false
	}
	f := s.fault
	if s.faultLeft > 0 {
		s.faultLeft--
	}
	return f, true
}

// lookup returns a copy of the account with that email. The caller holds s.mu.
func (s *Server) lookup(email string) (account, bool) {
	a, ok := s.accounts[normEmail(email)]
	if !ok {
		return account{}, false
	}
	c := *a
	c.Denied = slices.Clone(a.Denied)
	c.AllowedIPs = slices.Clone(a.AllowedIPs)
	return c, true
}

// readCredentials reads the JSON login body. Anything unreadable counts as empty fields, which
// the caller answers with 422 like Shiprocket's validator would.
func readCredentials(w http.ResponseWriter, r *http.Request) (email, password string) {
	var body struct {
		Email    any `json:"email"`
		Password any `json:"password"`
	}
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body)
	email, _ = body.Email.(string)
	password, _ = body.Password.(string)
	return strings.TrimSpace(email), password
}

// missingFields returns Laravel-style messages for empty login fields, or nil.
func missingFields(email, password string) map[string][]string {
	fields := make(map[string][]string)
	if email == "" {
		fields["email"] = []string{"The email field is required."}
	}
	if password == "" {
		fields["password"] = []string{"The password field is required."}
	}
	if len(fields) == 0 {
		return nil
	}
	return fields
}

// issueToken signs a Shiprocket-shaped HS256 JWT for acct and records it as live.
func (s *Server) issueToken(r *http.Request, acct account) string {
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	now := time.Now().Unix()

	header := b64(`{"typ":"JWT","alg":"HS256"}`)
	payload, _ := json.Marshal(struct {
		Sub int64  `json:"sub"`
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
		Nbf int64  `json:"nbf"`
		Exp int64  `json:"exp"`
		Jti string `json:"jti"`
		Cid int64  `json:"cid"`
	}{acct.id, "http://" + r.Host + shiprocket.LoginPath, now, now,
		now + int64(shiprocket.TokenLifetime/time.Second), hex.EncodeToString(jti),
		acct.CompanyID})

	signing := header + "." + b64(string(payload))
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(signing))
	token := signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	s.mu.Lock()
	s.tokens[token] = normEmail(acct.Email)
	s.mu.Unlock()
	return token
}

// logout answers POST /v1/external/auth/logout.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w)
		return
	}

	token := bearer(r)
	s.mu.Lock()
	_, live := s.tokens[token]
	delete(s.tokens, token)
	s.mu.Unlock()

	if !live {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": UnauthenticatedMessage})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": LogoutMessage})
}

// probe answers one of the read-only GET endpoints.
func (s *Server) probe(w http.ResponseWriter, r *http.Request, area shiprocket.Area) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w)
		return
	}

	s.mu.Lock()
	email, live := s.tokens[bearer(r)]
	acct, found := s.lookup(email)
	s.mu.Unlock()

	switch {
	case !live || !found:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": UnauthenticatedMessage})
	case !ipAllowed(acct.AllowedIPs, r.RemoteAddr):
		writeJSON(w, http.StatusForbidden, errorBody{IPBlockedMessage, http.StatusForbidden})
	case slices.Contains(acct.Denied, area):
		writeJSON(w, http.StatusForbidden, errorBody{DeniedMessage, http.StatusForbidden})
	default:
		writeJSON(w, http.StatusOK, areaBody(area, acct, r))
	}
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// ipAllowed reports whether the client address is on the list; an empty list allows all.
func ipAllowed(allowed []string, remoteAddr string) bool {
	if len(allowed) == 0 {
		return true
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	client := net.ParseIP(host)
	for _, a := range allowed {
		if ip := net.ParseIP(strings.TrimSpace(a)); ip != nil && ip.Equal(client) {
			return true
		}
	}
	return false
}

// methodNotAllowed answers 405 in Shiprocket's envelope.
func methodNotAllowed(w http.ResponseWriter) {
	writeJSON(w, http.StatusMethodNotAllowed,
		errorBody{"405 Method Not Allowed", http.StatusMethodNotAllowed})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"encode failed"}`)
	}
	writeRaw(w, status, string(body))
}

// writeRaw answers with a body labelled as JSON, whether or not it is.
func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// normEmail is the key accounts and counters are stored under.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// b64 is unpadded base64url, as JWTs use.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
