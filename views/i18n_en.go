package views

import (
	"net/http"
	"strconv"
)

// updateUserEN is the path to an API user's settings in the Shiprocket dashboard.
const updateUserEN = "In Shiprocket: Settings → API Users → ••• next to the API user → Update User → "

// english is the English catalog, the default language.
var english = Texts{
	Layout: LayoutTexts{
		SkipLink:    "Skip to content",
		DemoBanner:  "Demo mode: this portal talks to a built-in fake Shiprocket, not the real one.",
		Tagline:     "Shiprocket connection",
		LanguageNav: "Language",
		Footer: func(brand string) string {
			return brand + " never asks for your main Shiprocket password. Your API password is " +
				"stored encrypted and is never shown to anyone."
		},
		ErrorSummary: "Please fix the following",
	},

	Start: StartTexts{
		Title:   "Connect Shiprocket",
		Heading: func(brand string) string { return "Connect your Shiprocket account to " + brand },
		Intro: func(brand string) string {
			return brand + " ships your orders through your own Shiprocket account. To do that it " +
				"needs an \"API user\": a separate login that you create in Shiprocket for us. " +
				"This page walks you through it in 8 short steps, then checks the result with " +
				"Shiprocket straight away."
		},
		Duration: "It takes about 5 minutes. Keep your Shiprocket login and your email inbox " +
			"at hand.",
		AlreadyStarted: "You have already started on this device.",
		Continue:       "Continue where you left off",
		AboutYou:       "About you",
		StoreName:      "Store name",
		ContactName:    "Your name",
		LoginEmail:     "Email you log in to Shiprocket with",
		LoginEmailHint: "Your normal Shiprocket login. We never ask for its password.",
		Submit:         "Start",

		StoreNameMissing:   "Enter your store's name.",
		ContactNameMissing: "Enter your name.",
		LoginEmailInvalid: "Enter the email you log in to Shiprocket with, like " +
			"name@example.com.",
		NameTooLong: func(max int) string {
			return "Use at most " + strconv.Itoa(max) + " characters."
		},
		NameBadCharacters: "Use letters, numbers and punctuation only.",
		RateLimited: "Many setups were started from your network in the last hour. Please wait " +
			"a while and try again, or use your personal link if you already started.",
	},

	Welcome: WelcomeTexts{
		Title:   "Welcome",
		Heading: func(name string) string { return "Welcome, " + name },
		Saved: func(store string) string {
			return "We have saved your progress for " + store + "."
		},
		LinkHeading: "Your personal link",
		LinkExplain: "Keep this link to continue later or on another device, for example to " +
			"read the password email on your phone. It works for 30 days. Anyone with the link " +
			"can continue your setup, so do not share it. It is shown only now; you can make a " +
			"new one at any time.",
		CopyLink: "Copy link",
		LostLink: "Lost your personal link? Make a new one; the old one stops working.",
		NewLink:  "Make a new link",
		Continue: "Continue",
	},

	Copy: CopyTexts{
		Copied: "Copied",
		Failed: "Could not copy: select the text and copy it",
	},

	Progress: ProgressTexts{
		StepOf: func(n, total int) string {
			return "Step " + strconv.Itoa(n) + " of " + strconv.Itoa(total)
		},
		AllSteps: "All steps",
		SeeAll:   "See all steps",
		Done:     "done",
		Todo:     "not done yet",
	},

	Steps: [TotalSteps]StepTexts{
		{"Log in to Shiprocket", "Drawing of the Shiprocket login page at app.shiprocket.in: " +
			"an Email field, a Password field and the Login button, which is highlighted."},
		{"Open API Users", "Drawing of the Shiprocket dashboard: first Settings in the menu on " +
			"the left, then the Additional Settings section, then API Users; each is " +
			"highlighted and numbered 1, 2 and 3."},
		{"Add a new API user", "Drawing of the API Users page: a list of API users, with the " +
			"“+ Add New API User” button at the top right highlighted."},
		{"Enter the API user's email", "Drawing of the Add New User form: the Email field is " +
			"highlighted and holds your login email with +api before the @."},
		{"Allow buyer details", "Drawing of the Buyer Detail Access section of the form: of " +
			"the two choices, Allowed and Not Allowed, Allowed is chosen and highlighted."},
		{"Tick every module", "Drawing of the Modules to Access section: every module's box " +
			"is ticked, and all of them are highlighted."},
		{"Create the user", "Drawing of the end of the form with the Create user button " +
			"highlighted, and below it the list of API users with the new user, its hidden " +
			"password, the status ACTIVE and its toggle switched on."},
		{"Find the password email", "Drawing of an email inbox: a message from Shiprocket " +
			"with the API user's password is highlighted, and the Spam folder is marked as the " +
			"place to look when the message is not in the inbox."},
	},

	Guide: GuideTexts{
		Back:         "Back",
		Next:         "Next",
		HavePassword: "I have the password",

		LogIn: func(login string) Rich {
			return "Open the Shiprocket dashboard and log in as you normally do, with " +
				Rich(login) + "."
		},
		OpenDashboard: "Open Shiprocket (opens in a new tab)",
		KeepOpen: "Keep this page open: you will come back to it after each step. A computer " +
			"is easiest, but a phone works too.",

		OpenAPIUsers: [3]Rich{
			"Click **Settings** in Shiprocket's menu.",
			"Scroll down to the **Additional Settings** section.",
			"Open **API Users**.",
		},
		OlderDashboard: "In older versions of the dashboard this is under Settings → API → " +
			"Configure.",
		AddUser: "Click **+ Add New API User**. A form called \"Add New User\" opens.",
		UserLimit: "Shiprocket allows up to 4 API users per account. If you cannot add one, " +
			"remove an API user you no longer use.",
		EnterEmail: "In the form's **Email** field, enter this address:",
		CopyEmail:  "Copy email",
		AliasWhy: func(login string) Rich {
			return "It is your login email with **+api** added before the @. Shiprocket needs " +
				"the API user's email to be different from your login (" + Rich(login) + "), " +
				"and with most email providers (Gmail, Outlook, Yahoo, Zoho, iCloud and most " +
				"company mail) mail to this address still arrives in your normal inbox."
		},
		AliasProblem: func(login, problem string) string {
			return "We could not make a \"+api\" address from " + login + ": " + problem + "."
		},
		AliasInvalid:  "it is not a valid email address",
		AliasNonASCII: "the part before the @ has characters Shiprocket may not accept",
		AliasTooLong:  "the address is too long to add +api",
		NoPlusHeading: "If your email provider does not accept \"+\" addresses",
		NoPlus: "Use another email address that you control and can read, for example a second " +
			"mailbox of your business. Never use your Shiprocket login email itself: Shiprocket " +
			"will refuse it. Shiprocket sends the API user's password to whatever address you " +
			"enter here.",
		AllowBuyer: "In the **Buyer Detail Access** section, choose **Allowed**.",
		AllowBuyerWhy: func(brand string) string {
			return "This lets " + brand + " see your customers' names, phone numbers and " +
				"addresses on orders, which it needs to ship them."
		},
		TickModules: func(brand string) Rich {
			return "Under **Modules to Access**, tick **every** box. " + Rich(brand) +
				" uses all of them, for example:"
		},
		TickModulesCheck: "After you enter the password, we check each of these with " +
			"Shiprocket and tell you if one is missing.",
		CreateUser: "Click **Create user**.",
		UserListed: "The new API user now appears in the list with its email, a hidden password " +
			"and the status **ACTIVE**. Leave its toggle switched on.",
		AllowedIP: "If the form has an **Allowed IP** field, leave it empty.",
		PasswordSent: func(alias string) Rich {
			return "Shiprocket now emails the API user's password to **" + Rich(alias) +
				"**. With most providers it arrives in your normal inbox within a few minutes."
		},
		PasswordSentThere: "Shiprocket now emails the API user's password to the address you " +
			"entered. With most providers it arrives in your normal inbox within a few minutes.",
		PasswordTips: [3]string{
			"Not there? Look in Spam, Junk, Promotions or Updates.",
			"Still nothing after 10 minutes? In Shiprocket click ••• next to the API user, " +
				"choose Update User, tick Change Password and click Save: Shiprocket emails a " +
				"new password.",
			"Copy the password exactly as it appears in the email. Shiprocket shows it only once.",
		},
	},

	Credentials: CredentialsTexts{
		Title:   "API email and password",
		Heading: "Enter the API user's email and password",
		Intro: "Enter the password from Shiprocket's email. We check it with Shiprocket " +
			"straight away; it is stored encrypted and never shown to anyone.",
		ChangeHeading: "Enter your new API password",
		ChangeIntro: "If you asked Shiprocket for a new API password (••• → Update User → " +
			"Change Password → Save), enter the one from the new email here. We check it with " +
			"Shiprocket and replace the one we have stored.",
		EmailLabel:    "API user's email",
		EmailHint:     "The address you gave the API user in Shiprocket, not your own login.",
		PasswordLabel: "API password (from Shiprocket's email)",
		Submit:        "Check with Shiprocket",
		Back:          "Back",
		Cancel:        "Cancel",
		Checking:      "Checking with Shiprocket. This can take up to a minute…",

		EmailMissing: "Enter the API user's email.",
		EmailInvalid: "Enter a valid email address, like name+api@example.com.",
		EmailIsLogin: func(alias string) string {
			return "This is your Shiprocket login email. Shiprocket refuses an API user with " +
				"the same email: use the API user's own address, such as " + alias + "."
		},
		EmailIsLoginNoAlias: "This is your Shiprocket login email. Shiprocket refuses an API " +
			"user with the same email: use the API user's own address, such as your email " +
			"with +api before the @.",
		PasswordMissing: "Enter the password from Shiprocket's email.",
		PasswordUnreadable: "The password has characters that could not be read. Copy it " +
			"again from the email.",
		PasswordTooLong: func(max int) string {
			return "This is longer than any Shiprocket password (at most " + strconv.Itoa(max) +
				" characters). Check that you copied only the password."
		},
		RateLimited: func(checks int, until string) string {
			return "You have checked " + strconv.Itoa(checks) + " times in the last 15 " +
				"minutes. To keep Shiprocket from locking your account after repeated logins, " +
				"please wait until " + until + " and try again. Nothing you entered is lost."
		},
		KeptWorking: "Shiprocket did not accept the new password, so we kept the one that " +
			"works: your connection is not interrupted. Check the new password and try again.",
		Refused: "Shiprocket refused the password we have, so we will not try it again. " +
			"Enter the current password below.",
	},

	Outcomes: OutcomeTexts{
		ShiprocketSaid: "Shiprocket said:",
		OpenUpdateUser: "In Shiprocket, open Settings → Additional Settings → API Users, click " +
			"••• next to the API user and choose Update User.",
		CheckAgain: "Come back here and press Check again. You do not need to type the " +
			"password again.",

		Verified: "Connected: Shiprocket accepted your API user.",

		WrongTitle: "Shiprocket did not accept this email and password.",
		WrongCopy: "Copy the password exactly from Shiprocket's email, with no space before or " +
			"after it.",
		WrongEmail: func(apiEmail string) string {
			return "Check that the email is the API user's email (" + apiEmail + "), not your " +
				"own Shiprocket login."
		},
		ChangePassword: "If the password was typed in by hand or is old, get a new one: in " +
			"Shiprocket, open Settings → Additional Settings → API Users, click ••• next to " +
			"the API user, choose Update User, tick Change Password and click Save. Shiprocket " +
			"emails a new password; enter it here.",

		MFATitle: "This login asks for a one-time code, which an API user cannot give.",
		MFAEmail: func(login string) string {
			return "Check that you entered the API user's email, not your own Shiprocket " +
				"login (" + login + ")."
		},
		MFASupport: "If it is the API user, contact Shiprocket support from the dashboard and " +
			"ask them to turn off the one-time code for that API user.",

		IPTitle: "The API user only accepts connections from certain IP addresses.",
		IPEmpty: "Empty the Allowed IP field, then click Save.",

		ModulesTitle: "The login works, but some modules are not ticked.",
		ModulesTick: func(modules string) string {
			return "Tick these modules: " + modules + ". Then click Save."
		},

		BuyerTitle: "The login works, but your customers' details are hidden from the API user.",
		BuyerAllow: "Set Buyer Detail Access to Allowed, then click Save.",

		ValidationTitle: "Shiprocket says something in the form is missing or not valid.",
		ValidationCheck: "Check the email and the password below and send them again.",

		RateLimitedTitle: "Shiprocket is busy and asked us to slow down.",
		RateLimitedWait: "Your details are saved. Press Check again in a few minutes; you do " +
			"not need to retype anything.",

		UnavailableTitle: "We could not reach Shiprocket just now.",
		UnavailableWait: "Your details are saved. Press Check again in a minute; you do not " +
			"need to retype anything.",
		UnavailableAgain: "If this keeps happening, Shiprocket may be down. Our team can see " +
			"your submission.",

		RunningTitle: "Your details are saved and waiting to be checked.",
		RunningCheck: "Press Check again to check them now.",

		UnexpectedTitle: "Shiprocket gave an answer we did not expect.",
		UnexpectedWait:  "Your details are saved. Press Check again in a few minutes.",
		UnexpectedAgain: "If it happens again, our team can see what Shiprocket said and will " +
			"help.",
	},

	Status: StatusTexts{
		Title:       "Your Shiprocket connection",
		APIEmail:    "API user's email",
		LastChecked: "Last checked",
		CheckAgain:  "Check again",
		Fix:         "Enter a different email or password",
	},

	Done: DoneTexts{
		Title:   "Connected",
		Heading: "You are connected",
		Connected: func(store, brand string) string {
			return "Shiprocket accepted the API user for " + store + ". " + brand +
				" can now ship your orders."
		},
		Checked:        "Checked",
		ChangedHeading: "Changed the API password?",
		ChangedExplain: "If you asked Shiprocket for a new API password, the old one stops " +
			"working. Give us the new one so your shipments keep flowing.",
		ChangedButton: "I changed my API password",
	},

	Resume: ResumeTexts{
		Title:          "Link not working",
		ExpiredHeading: "This link has expired",
		ExpiredExplain: "Personal links work for 30 days.",
		BrokenHeading:  "This link does not work",
		BrokenExplain:  "It may have been replaced by a newer link, or copied incompletely.",
		OtherDevice: "If you still have this setup open on another device, make a new link " +
			"there.",
		AskSupport: func(brand string) string {
			return "Ask " + brand + " support for a new link: they can see your progress."
		},
		StartAgainFirst: "Or ",
		StartAgainLink:  "start again",
		StartAgainLast:  "; it only takes a few minutes.",
	},

	Checklist: ChecklistTexts{
		Heading: "What we checked",
		MainAccount: "This login looks like your main Shiprocket account rather than an API " +
			"user. It works, but the platform should use a separate API user: create one " +
			"(steps 2 to 7) and enter its email and password instead.",
		Passed:      "Passed",
		NeedsFixing: "Needs fixing",
		NotKnown:    "Not known",

		Login: "Log in with the API user's email and password",

		ModuleDenied: "Not ticked for the API user.",
		ModuleFix: func(module string) string {
			return updateUserEN + "tick “" + module + "” → Save."
		},
		ModuleIPBlocked: "Blocked by the API user's Allowed IP setting.",
		ModuleUnknown: func(answer string) string {
			return "Shiprocket's answer did not say (" + answer + ")."
		},
		NoAnswer: "no answer",

		Buyer:        "Buyer details (customer name, phone, email)",
		BuyerVisible: "Visible.",
		BuyerHidden:  "Hidden from the API user.",
		BuyerFix:     updateUserEN + "Buyer Detail Access: Allowed → Save.",
		BuyerUnknown: "Not known yet: there are no orders to look at.",

		IP:    "IP restriction",
		IPOK:  "Nothing stops our server from connecting.",
		IPBad: "The API user only accepts other IP addresses.",
		IPFix: updateUserEN + "empty the Allowed IP field → Save.",
	},

	Errors: ErrorTexts{
		Title:    http.StatusText,
		NotFound: "There is no page at this address.",
		Forbidden: "This form has expired or did not come from this site. Go back, reload the " +
			"page and try again.",
		TooLarge:   "What you sent is too large. Go back and try again with less text.",
		BadRequest: "This request could not be carried out. Go back and try again.",
		Server: "Something went wrong on our side. Your earlier answers are saved; please try " +
			"again in a minute.",
		Unavailable: "We cannot save anything right now: our database is unavailable. Nothing " +
			"was half-saved. Please try again in a few minutes.",
		StartPage: "Go to the start page",
	},

	Time: TimeTexts{
		Never: "never",
		Months: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
			"Nov", "Dec"},
	},
}
