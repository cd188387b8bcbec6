// Package shiprocket talks to Shiprocket's external REST API on behalf of the portal: it logs in
// with a seller's API-user email and password, reads which permission modules the resulting token
// may use, and logs out again. It never places orders or changes anything in the seller's account;
// every probe is a read-only GET.
//
// # Outcomes
//
// Login sorts Shiprocket's answer into one Outcome. The rules, in the order they are applied:
//
//   - a 429 is OutcomeRateLimited once the retries are spent or the server asks for a longer wait
//     than the client is willing to sleep;
//   - a network error, a timeout, a redirect (3xx), a 5xx, or a body that is not a JSON object
//     (an HTML page, truncated or malformed JSON, an empty body) is OutcomeUnavailable, whatever
//     the status, because none of them says anything about the credentials;
//   - a 2xx whose body carries a non-empty "token" is OutcomeVerified;
//   - a 422 is OutcomeValidation, with "message" (a string or a field-to-list map) and "errors";
//   - a 2xx with a true "is_mfa_enabled" and no token is OutcomeMFARequired;
//   - a 403 whose message ends in "[IP]" is OutcomeIPNotAllowed;
//   - any other 4xx without a token is OutcomeWrongCredentials, since Shiprocket's status for a
//     wrong password is not documented (403 is seen in practice, 401 is possible);
//   - a 2xx without a token whose message mentions the email and password "combination" is also
//     OutcomeWrongCredentials;
//   - everything else, such as a 2xx carrying only a message, is OutcomeUnexpected.
//
// A body without a token is never verified.
//
// # Retries
//
// Only network errors, 429 and 5xx other than 501 are retried, at most Config.MaxAttempts times in
// all, with exponential backoff and full jitter. A 4xx login answer is never retried: repeated
// failed logins may lock the seller's account. A 429 is the one 4xx that is retried, because it
// says the request was not looked at; its Retry-After (seconds or an HTTP date) is honoured when it
// is no longer than twice Config.MaxDelay, and otherwise the client gives up at once and reports
// the wait in LoginResult.RetryAfter. Redirects are never followed.
//
// # Secrets
//
// Passwords are never logged, stored in a result or put in an error. Token prints as
// "[redacted]" through fmt, slog and encoding/json; Token.Reveal gives the raw value.
// LoginResult.Message holds only Shiprocket's own text, cleaned of control characters, cut to
// about 300 characters, and with the password (if four or more characters long) masked out should
// Shiprocket ever echo it.
//
// The fake Shiprocket used by tests and by the portal's demo mode lives in package
// shiprocket/shiprockettest.
package shiprocket
