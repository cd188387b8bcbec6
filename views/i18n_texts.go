package views

// Texts is the catalog of every text a seller sees, in one language: pages, validation messages,
// check outcomes and checklist lines. Each language fills every field (i18n_en.go, i18n_hi.go);
// TestCatalogsComplete fails when one is left empty. Fields that take values are functions, so a
// translation can put the values where its grammar wants them. Rich fields may mark the names of
// things to click as **bold**.
//
// Product and dashboard names stay in English in every language, because the Shiprocket
// dashboard the seller clicks through is English: Shiprocket, API, Settings, "+ Add New API User",
// Buyer Detail Access, Allowed, Create user, the module names and so on.
type Texts struct {
	Layout      LayoutTexts
	Start       StartTexts
	Welcome     WelcomeTexts
	Copy        CopyTexts
	Progress    ProgressTexts
	Steps       [TotalSteps]StepTexts
	Guide       GuideTexts
	Credentials CredentialsTexts
	Outcomes    OutcomeTexts
	Status      StatusTexts
	Done        DoneTexts
	Resume      ResumeTexts
	Checklist   ChecklistTexts
	Errors      ErrorTexts
	Time        TimeTexts
}

// LayoutTexts are the parts of every seller page around its content.
type LayoutTexts struct {
	SkipLink   string
	DemoBanner string
	Tagline    string
	// LanguageNav labels the language switcher.
	LanguageNav string
	Footer      func(brand string) string
	// ErrorSummary heads the list of a form's errors.
	ErrorSummary string
}

// StartTexts are the start page's texts and its validation messages.
type StartTexts struct {
	Title          string
	Heading        func(brand string) string
	Intro          func(brand string) string
	Duration       string
	AlreadyStarted string
	Continue       string
	AboutYou       string
	StoreName      string
	ContactName    string
	LoginEmail     string
	LoginEmailHint string
	Submit         string

	StoreNameMissing   string
	ContactNameMissing string
	LoginEmailInvalid  string
	NameTooLong        func(max int) string
	NameBadCharacters  string
	RateLimited        string
}

// WelcomeTexts are the welcome page's texts, around the personal resume link.
type WelcomeTexts struct {
	Title       string
	Heading     func(name string) string
	Saved       func(store string) string
	LinkHeading string
	LinkExplain string
	CopyLink    string
	LostLink    string
	NewLink     string
	Continue    string
}

// CopyTexts are announced by a copy button.
type CopyTexts struct {
	Copied string
	Failed string
}

// ProgressTexts are the progress indicator's texts.
type ProgressTexts struct {
	StepOf func(n, total int) string
	// AllSteps heads the list of steps; SeeAll links to it from the top of a step.
	AllSteps string
	SeeAll   string
	// Done and Todo are read by screen readers after a step's name.
	Done string
	Todo string
}

// StepTexts name one guided step and describe its illustration.
type StepTexts struct {
	Title string
	// Illustration is the text alternative of the step's drawing.
	Illustration string
}

// GuideTexts are the bodies of the eight guided steps and their buttons.
type GuideTexts struct {
	Back         string
	Next         string
	HavePassword string

	LogIn         func(loginEmail string) Rich
	OpenDashboard string
	KeepOpen      string

	OpenAPIUsers      [3]Rich
	OlderDashboard    string
	AddUser           Rich
	UserLimit         string
	EnterEmail        Rich
	CopyEmail         string
	AliasWhy          func(loginEmail string) Rich
	AliasProblem      func(loginEmail, problem string) string
	AliasInvalid      string
	AliasNonASCII     string
	AliasTooLong      string
	NoPlusHeading     string
	NoPlus            string
	AllowBuyer        Rich
	AllowBuyerWhy     func(brand string) string
	TickModules       func(brand string) Rich
	TickModulesCheck  string
	CreateUser        Rich
	UserListed        Rich
	AllowedIP         Rich
	PasswordSent      func(alias string) Rich
	PasswordSentThere Rich
	PasswordTips      [3]string
}

// CredentialsTexts are the credentials form's texts and its validation messages.
type CredentialsTexts struct {
	Title         string
	Heading       string
	Intro         string
	ChangeHeading string
	ChangeIntro   string
	EmailLabel    string
	EmailHint     string
	PasswordLabel string
	Submit        string
	Back          string
	Cancel        string
	Checking      string

	EmailMissing        string
	EmailInvalid        string
	EmailIsLogin        func(alias string) string
	EmailIsLoginNoAlias string
	PasswordMissing     string
	PasswordUnreadable  string
	PasswordTooLong     func(max int) string
	RateLimited         func(checks int, until string) string
	// KeptWorking says a new password did not work and the working one stays in use.
	KeptWorking string
	// Refused says the stored password was refused and must be replaced before any new check.
	Refused string
}

// OutcomeTexts tell the seller what a check found and what to do next.
type OutcomeTexts struct {
	ShiprocketSaid string
	// OpenUpdateUser and CheckAgain are steps that several outcomes share.
	OpenUpdateUser string
	CheckAgain     string

	Verified string

	WrongTitle     string
	WrongCopy      string
	WrongEmail     func(apiEmail string) string
	ChangePassword string

	MFATitle   string
	MFAEmail   func(loginEmail string) string
	MFASupport string

	IPTitle string
	IPEmpty string

	ModulesTitle string
	ModulesTick  func(modules string) string

	BuyerTitle string
	BuyerAllow string

	ValidationTitle string
	ValidationCheck string

	RateLimitedTitle string
	RateLimitedWait  string

	UnavailableTitle string
	UnavailableWait  string
	UnavailableAgain string

	RunningTitle string
	RunningCheck string

	UnexpectedTitle string
	UnexpectedWait  string
	UnexpectedAgain string
}

// StatusTexts are the status page's texts.
type StatusTexts struct {
	Title       string
	APIEmail    string
	LastChecked string
	CheckAgain  string
	Fix         string
}

// DoneTexts are the texts of a verified seller's page.
type DoneTexts struct {
	Title          string
	Heading        string
	Connected      func(store, brand string) string
	Checked        string
	ChangedHeading string
	ChangedExplain string
	ChangedButton  string
}

// ResumeTexts explain a resume link that does not work.
type ResumeTexts struct {
	Title           string
	ExpiredHeading  string
	ExpiredExplain  string
	BrokenHeading   string
	BrokenExplain   string
	OtherDevice     string
	AskSupport      func(brand string) string
	StartAgainFirst string
	StartAgainLink  string
	StartAgainLast  string
}

// ChecklistTexts are the lines of the itemised check result.
type ChecklistTexts struct {
	Heading     string
	MainAccount string
	Passed      string
	NeedsFixing string
	NotKnown    string

	Login string

	ModuleDenied    string
	ModuleFix       func(module string) string
	ModuleIPBlocked string
	ModuleUnknown   func(answer string) string
	NoAnswer        string

	Buyer        string
	BuyerVisible string
	BuyerHidden  string
	BuyerFix     string
	BuyerUnknown string

	IP    string
	IPOK  string
	IPBad string
	IPFix string
}

// ErrorTexts are the error page's texts.
type ErrorTexts struct {
	Title      func(status int) string
	NotFound   string
	Forbidden  string
	TooLarge   string
	BadRequest string
	Server     string
	// Unavailable explains that the database cannot save anything for now.
	Unavailable string
	StartPage   string
}

// TimeTexts format times for sellers.
type TimeTexts struct {
	Never  string
	Months [12]string
}
