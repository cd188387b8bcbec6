// Package shiprockettest is a fake Shiprocket API for tests and for the portal's demo mode. It
// does not import "testing", so the portal binary can start it.
//
// The fake answers with the shapes recorded in docs/shiprocket-api.md:
//
//   - POST /v1/external/auth/login: 200 with id, first_name, last_name, email, company_id,
//     created_at and an HS256 JWT token (claims sub, iss, iat, nbf, exp = iat + 864000, jti,
//     cid); a wrong email or password gets 403 (see SetWrongCredentialsStatus)
//     {"message":"Invalid email and password combination.","status_code":403}; a missing field
//     gets 422 with "errors"; an MFA account gets 200 with is_mfa_enabled and no token; an IP
//     restriction gets 403 with the "[IP]" message.
//   - POST /v1/external/auth/logout: 200, and the token stops working.
//   - The GET probes of shiprocket.Areas: 401 {"message":"Unauthenticated."} without a live
//     token, 403 "Unauthorized! You do not have the required permissions." for a denied module
//     (with "[IP]" appended for an IP restriction), else 200 with a plausible body. The orders
//     probe lists orders with customer_name, customer_email and customer_phone.
//   - Anything else: 404 {"message":"404 Not Found","status_code":404}.
//
// SetFault makes the login endpoint misbehave: delays, 5xx, 429 with Retry-After, HTML pages,
// truncated or malformed JSON, a 200 with only a message, or a connection reset.
//
// # Demo accounts
//
// NewDemoServer starts a fake loaded with DemoAccounts. All use the password DemoPassword
// ("demo-pass-123") unless noted:
//
//	demo+api@example.com          verified, every module granted, buyer details visible
//	demo@example.com              verified with main-account names (Asha Verma)
//	wrongpass+api@example.com     wrong_credentials for any password
//	partial+api@example.com       verified; couriers, wallet, statement, discrepancy denied
//	masked+api@example.com        verified, buyer details masked
//	noorders+api@example.com      verified, no orders (buyer access unknown)
//	iprestricted+api@example.com  ip_not_allowed (only 203.0.113.10 may log in)
//	ipprobes+api@example.com      verified, every probe ip_blocked
//	mfa+api@example.com           mfa_required
//	ratelimited+api@example.com   rate_limited (429, Retry-After: 600) for any password
//	down+api@example.com          unavailable (503) for any password
//
// A login with any other address is wrong_credentials; one with an empty field is
// validation_error.
package shiprockettest
