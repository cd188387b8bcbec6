package views

import (
	"fmt"
	"time"
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

// Steps lists the guided steps in order.
var Steps = []StepInfo{
	{1, "Log in to Shiprocket"},
	{2, "Open API Users"},
	{3, "Add a new API user"},
	{4, "Enter the API user's email"},
	{5, "Allow buyer details"},
	{6, "Tick every module"},
	{7, "Create the user"},
	{8, "Find the password email"},
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

// Title returns the step's title.
func (p StepProps) Title() string {
	return Steps[p.N-1].Title
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

// ist is India Standard Time, the zone most sellers read times in.
var ist = time.FixedZone("IST", 5*60*60+30*60)

// SellerTime formats a time for sellers, in India Standard Time.
func SellerTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(ist).Format("2 Jan 2006, 3:04 pm") + " IST"
}

// SellerClock formats a time of day for sellers, in India Standard Time.
func SellerClock(t time.Time) string {
	return t.In(ist).Format("3:04 pm") + " IST"
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

func stepOf(n int) string {
	return fmt.Sprintf("Step %d of %d", n, TotalSteps)
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

func checkWord(state string) string {
	switch state {
	case CheckOK:
		return "Passed"
	case CheckBad:
		return "Needs fixing"
	default:
		return "Not known"
	}
}
