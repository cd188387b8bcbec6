package shiprockettest

import "github.com/aicofounder/shiprocket-portal/shiprocket"

// Account is one login the fake accepts.
type Account struct {
	Email string
	// Password is the only password accepted. An empty Password accepts none.
	Password string
	// FirstName and LastName default to "API" and "USER", as Shiprocket names API users.
	FirstName, LastName string
	// CompanyID defaults to 1000 plus the user id.
	CompanyID int64
	// Denied lists the modules not granted; every other area answers 200.
	Denied []shiprocket.Area
	// BuyerMasked makes the orders probe show masked customer details.
	BuyerMasked bool
	// Orders is how many orders exist (default 1); NoOrders makes the list empty.
	Orders   int
	NoOrders bool
	// AllowedIPs, when not empty, makes requests from other client IPs get 403
	// "Unauthorized! You do not have the required permissions[IP]". The login is checked too
	// unless LoginIgnoresIP is set, in which case only the token-protected calls are.
	AllowedIPs     []string
	LoginIgnoresIP bool
	// MFA makes a correct login answer 200 with is_mfa_enabled and no token.
	MFA bool
	// LoginFault, when its Kind is set, is applied to every login naming this account (Times is
	// ignored): a permanently broken account for demos.
	LoginFault Fault
}

// The demo accounts, for the portal's demo mode and its README. Every address is under the
// reserved example.com domain and exists only inside the fake.
const (
	// DemoPassword is the password of every demo account that has one.
	DemoPassword = "demo-pass-123"

	// DemoEmail is an API user with every module, visible buyer details and three orders.
	DemoEmail = "demo+api@example.com"
	// DemoMainEmail logs in like a main account (names "Asha Verma"), with every module.
	DemoMainEmail = "demo@example.com"
	// DemoWrongPasswordEmail rejects every password: "Invalid email and password combination."
	DemoWrongPasswordEmail = "wrongpass+api@example.com"
	// DemoPartialEmail is an API user missing the modules listed by DemoPartialDenied.
	DemoPartialEmail = "partial+api@example.com"
	// DemoMaskedEmail is an API user whose orders show masked buyer details.
	DemoMaskedEmail = "masked+api@example.com"
	// DemoNoOrdersEmail is an API user with no orders, so buyer access stays unknown.
	DemoNoOrdersEmail = "noorders+api@example.com"
	// DemoIPRestrictedEmail only accepts logins from 203.0.113.10, so logins get the "[IP]" 403.
	DemoIPRestrictedEmail = "iprestricted+api@example.com"
	// DemoIPProbesEmail logs in, then every probe gets the "[IP]" 403.
	DemoIPProbesEmail = "ipprobes+api@example.com"
	// DemoMFAEmail answers the login with an OTP challenge and no token.
	DemoMFAEmail = "mfa+api@example.com"
	// DemoRateLimitedEmail answers every login with 429 and Retry-After: 600.
	DemoRateLimitedEmail = "ratelimited+api@example.com"
	// DemoDownEmail answers every login with 503, whatever the password.
	DemoDownEmail = "down+api@example.com"
)

// demoAllowedIP is a documentation address (RFC 5737); it is compared, never contacted.
const demoAllowedIP = "203.0.113.10"

// DemoPartialDenied returns the modules DemoPartialEmail lacks: couriers, wallet, statement and
// billing discrepancy.
func DemoPartialDenied() []shiprocket.Area {
	return []shiprocket.Area{
		shiprocket.AreaCouriers, shiprocket.AreaWallet, shiprocket.AreaStatement,
		shiprocket.AreaDiscrepancy,
	}
}

// DemoAccounts returns fresh copies of the demo accounts described by the Demo* constants.
func DemoAccounts() []Account {
	return []Account{
		{Email: DemoEmail, Password: DemoPassword, CompanyID: 4101, Orders: 3},
		{Email: DemoMainEmail, Password: DemoPassword, FirstName: "Asha", LastName: "Verma",
			CompanyID: 4102},
		{Email: DemoWrongPasswordEmail, CompanyID: 4103},
		{Email: DemoPartialEmail, Password: DemoPassword, CompanyID: 4104,
			Denied: DemoPartialDenied()},
		{Email: DemoMaskedEmail, Password: DemoPassword, CompanyID: 4105, BuyerMasked: true},
		{Email: DemoNoOrdersEmail, Password: DemoPassword, CompanyID: 4106, NoOrders: true},
		{Email: DemoIPRestrictedEmail, Password: DemoPassword, CompanyID: 4107,
			AllowedIPs: []string{demoAllowedIP}},
		{Email: DemoIPProbesEmail, Password: DemoPassword, CompanyID: 4108,
			AllowedIPs: []string{demoAllowedIP}, LoginIgnoresIP: true},
		{Email: DemoMFAEmail, Password: DemoPassword, CompanyID: 4109, MFA: true},
		{Email: DemoRateLimitedEmail, Password: DemoPassword, CompanyID: 4110,
			LoginFault: Fault{Kind: FaultRateLimit, RetryAfter: "600"}},
		{Email: DemoDownEmail, Password: DemoPassword, CompanyID: 4111,
			LoginFault: Fault{Kind: FaultStatus, Status: 503}},
	}
}
