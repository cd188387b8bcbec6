package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/aicofounder/shiprocket-portal/static"
)

// StartForm holds what the start page collects.
type StartForm struct {
	StoreName   string
	ContactName string
	LoginEmail  string
}

// StartProps is the start page's model.
type StartProps struct {
	Page
	Form   StartForm
	Errors FieldErrors
	// ContinuePath is set when this browser already has a seller session.
	ContinuePath string
	// Notice explains why the form could not be accepted right now.
	Notice string
}

// WelcomeProps is the page shown after starting: the resume link, once.
type WelcomeProps struct {
	Page
	ContactName string
	StoreName   string
	// ResumeLink is the personal link, present only right after it was made.
	ResumeLink string
	NextPath   string
}

// StepInfo names one guided step for the progress list.
type StepInfo struct {
	N     int
	Title string
}

// TotalSteps is the number of guided steps before the credentials form.
const TotalSteps = 8

// Steps lists the guided steps in order, with their English titles; staff pages name a seller's
// furthest step with them.
var Steps = stepsIn(&english)

func stepsIn(t *Texts) []StepInfo {
	out := make([]StepInfo, TotalSteps)
	for i, s := range t.Steps {
		out[i] = StepInfo{N: i + 1, Title: s.Title}
	}
	return out
}

// StepProps is a guided step page's model.
type StepProps struct {
	Page
	N       int
	Reached int
	// LoginEmail is the seller's Shiprocket login; Alias the email to give the API user, empty
	// when it could not be computed (AliasProblem then says why).
	LoginEmail   string
	Alias        string
	AliasProblem string
	Modules      []string
}

// CredentialsProps is the credentials form's model.
type CredentialsProps struct {
	Page
	// Change is true on the "I changed my API password" path.
	Change     bool
	APIEmail   string
	LoginEmail string
	Alias      string
	Errors     FieldErrors
	// Outcome explains the last check when it failed in a way the seller fixes in this form.
	Outcome *Message
	// Notice explains why the check could not run right now.
	Notice string
}

// StatusProps is the page that says where the seller stands and what to do next.
type StatusProps struct {
	Page
	Message    Message
	APIEmail   string
	CheckedAt  time.Time
	Checklist  Checklist
	CanRecheck bool
	// FixPath is where the seller corrects the credentials, when that is the fix.
	FixPath string
	// Notice explains why the check could not run right now.
	Notice string
}

// DoneProps is the page of a verified seller.
type DoneProps struct {
	Page
	StoreName string
	APIEmail  string
	CheckedAt time.Time
	Checklist Checklist
}

// ResumeProblemProps explains a resume link that does not work.
type ResumeProblemProps struct {
	Page
	Expired bool
}

// StaffTime formats a time for staff pages, in UTC.
func StaffTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// StepLabel describes the furthest step a seller reached, for staff pages.
func StepLabel(step int) string {
	switch {
	case step <= 0:
		return "Not started"
	case step <= TotalSteps:
		return fmt.Sprintf("Step %d of %d: %s", step, TotalSteps, Steps[step-1].Title)
	default:
		return "Credentials form"
	}
}

func stepPath(n int) string {
	return fmt.Sprintf("/steps/%d", n)
}

// progressClass is the class of step s's segment in the progress bar of step n.
func progressClass(s, n, reached int) string {
	switch {
	case s == n:
		return "current"
	case s <= reached:
		return "done"
	default:
		return "todo"
	}
}

// fieldAttrs are a form field's accessibility attributes: aria-invalid, and aria-describedby
// naming its hint (when it has one) and its error message (when one is shown).
func fieldAttrs(errs FieldErrors, field string, hint bool) templ.Attributes {
	var ids []string
	if hint {
		ids = append(ids, field+"-hint")
	}
	if errs.Has(field) {
		ids = append(ids, field+"-error")
	}
	attrs := templ.Attributes{"aria-invalid": strconv.FormatBool(errs.Has(field))}
	if len(ids) > 0 {
		attrs["aria-describedby"] = strings.Join(ids, " ")
	}
	return attrs
}

// illustrationPath is the served path of a guided step's drawing.
func illustrationPath(n int) string {
	return static.Path(fmt.Sprintf("illustrations/step-%d.svg", n))
}

func credentialsAction(change bool) string {
	if change {
		return "/password"
	}
	return "/credentials"
}

// The states of a checklist line.
const (
	CheckOK      = "ok"
	CheckBad     = "bad"
	CheckUnknown = "unknown"
)

// ChecklistItem is one line of a check's result: what was checked, how it went, and for a
// failure the exact fix in the Shiprocket dashboard.
type ChecklistItem struct {
	Label  string
	State  string
	Detail string
	Fix    string
}

// Checklist is the itemised result of the latest check.
type Checklist struct {
	Items []ChecklistItem
	// MainAccount warns that the login looks like the seller's main account, not an API user.
	MainAccount bool
}

func checkMark(state string) string {
	switch state {
	case CheckOK:
		return "✓"
	case CheckBad:
		return "✗"
	default:
		return "?"
	}
}

func checkWord(t *Texts, state string) string {
	switch state {
	case CheckOK:
		return t.Checklist.Passed
	case CheckBad:
		return t.Checklist.NeedsFixing
	default:
		return t.Checklist.NotKnown
	}
}
