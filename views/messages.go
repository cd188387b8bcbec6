package views

import "strings"

// Tone colours a message: ok, warn (wait and retry) or bad (the seller must change something).
type Tone string

// The tones of a message.
const (
	ToneOK   Tone = "ok"
	ToneWarn Tone = "warn"
	ToneBad  Tone = "bad"
)

// Message is what a seller is told about a check: a headline, the steps to take, and
// Shiprocket's own words where they help.
type Message struct {
	Key        string
	Tone       Tone
	Title      string
	Steps      []string
	Shiprocket string
}

// OutcomeInput is what the outcome texts may refer to.
type OutcomeInput struct {
	Outcome    string
	Reason     string
	APIEmail   string
	LoginEmail string
	Shiprocket string
	Denied     []string
}

// changePassword is guide steps 12 to 16, the fix for a password Shiprocket no longer accepts.
const changePassword = "If the password was typed in by hand or is old, get a new one: in Shiprocket, " +
	"open Settings → Additional Settings → API Users, click ••• next to the API user, choose " +
	"Update User, tick Change Password and click Save. Shiprocket emails a new password; enter it here."

// OutcomeMessage returns the seller-facing text for a check's outcome. All of those texts live
// here, in one place, so they can be reviewed and translated together.
func OutcomeMessage(in OutcomeInput) Message {
	key := in.Reason
	if key == "" {
		key = in.Outcome
	}

	m := Message{Key: key, Shiprocket: in.Shiprocket}
	switch key {
	case "", "verified":
		m.Tone, m.Title = ToneOK, "Connected: Shiprocket accepted your API user."
		m.Shiprocket = ""
	case "wrong_credentials":
		m.Tone = ToneBad
		m.Title = "Shiprocket did not accept this email and password."
		m.Steps = []string{
			"Copy the password exactly from Shiprocket's email, with no space before or after it.",
			"Check that the email is the API user's email (" + in.APIEmail +
				"), not your own Shiprocket login.",
			changePassword,
		}
	case "mfa_required":
		m.Tone = ToneBad
		m.Title = "This login asks for a one-time code, which an API user cannot give."
		m.Steps = []string{
			"Check that you entered the API user's email, not your own Shiprocket login (" +
				in.LoginEmail + ").",
			"If it is the API user, contact Shiprocket support from the dashboard and ask them to " +
				"turn off the one-time code for that API user.",
		}
	case "ip_not_allowed":
		m.Tone = ToneBad
		m.Title = "The API user only accepts connections from certain IP addresses."
		m.Steps = []string{
			"In Shiprocket, open Settings → Additional Settings → API Users, click ••• next to the " +
				"API user and choose Update User.",
			"Empty the Allowed IP field, then click Save.",
			"Come back here and press Check again. You do not need to type the password again.",
		}
	case "missing_modules":
		m.Tone = ToneBad
		m.Title = "The login works, but some modules are not ticked."
		m.Steps = []string{
			"In Shiprocket, open Settings → Additional Settings → API Users, click ••• next to the " +
				"API user and choose Update User.",
			"Tick these modules: " + strings.Join(in.Denied, ", ") + ". Then click Save.",
			"Come back here and press Check again. You do not need to type the password again.",
		}
		m.Shiprocket = ""
	case "buyer_masked":
		m.Tone = ToneBad
		m.Title = "The login works, but your customers' details are hidden from the API user."
		m.Steps = []string{
			"In Shiprocket, open Settings → Additional Settings → API Users, click ••• next to the " +
				"API user and choose Update User.",
			"Set Buyer Detail Access to Allowed, then click Save.",
			"Come back here and press Check again. You do not need to type the password again.",
		}
		m.Shiprocket = ""
	case "validation_error":
		m.Tone = ToneBad
		m.Title = "Shiprocket says something in the form is missing or not valid."
		m.Steps = []string{
			"Check the email and the password below and send them again.",
		}
	case "rate_limited":
		m.Tone = ToneWarn
		m.Title = "Shiprocket is busy and asked us to slow down."
		m.Steps = []string{
			"Your details are saved. Press Check again in a few minutes; you do not need to retype anything.",
		}
	case "unavailable":
		m.Tone = ToneWarn
		m.Title = "We could not reach Shiprocket just now."
		m.Steps = []string{
			"Your details are saved. Press Check again in a minute; you do not need to retype anything.",
			"If this keeps happening, Shiprocket may be down. Our team can see your submission.",
		}
	case "running":
		m.Tone = ToneWarn
		m.Title = "Your details are saved and waiting to be checked."
		m.Steps = []string{"Press Check again to check them now."}
	default:
		m.Tone = ToneWarn
		m.Title = "Shiprocket gave an answer we did not expect."
		m.Steps = []string{
			"Your details are saved. Press Check again in a few minutes.",
			"If it happens again, our team can see what Shiprocket said and will help.",
		}
	}
	return m
}
