package views

import "strconv"

// updateUserHI is the path to an API user's settings in the Shiprocket dashboard, in Hindi.
const updateUserHI = "Shiprocket में: Settings → API Users → API यूज़र के आगे ••• → Update User → "

// checkAgainHI names the status page's "Check again" button as the Hindi page shows it.
const checkAgainHI = "“फिर से जाँचें”"

// hindi is the Hindi catalog. It is plain, everyday Hindi; the names of things in the Shiprocket
// dashboard stay in English, as the dashboard shows them. These texts were written without a
// native speaker's review; until one has read them, sellers may meet awkward or wrong wording.
var hindi = Texts{
	Layout: LayoutTexts{
		SkipLink: "सीधे मुख्य सामग्री पर जाएँ",
		DemoBanner: "डेमो मोड: यह पोर्टल असली Shiprocket से नहीं, बल्कि अपने अंदर बने एक नकली " +
			"Shiprocket से बात करता है।",
		Tagline:     "Shiprocket कनेक्शन",
		LanguageNav: "भाषा",
		Footer: func(brand string) string {
			return brand + " आपके मुख्य Shiprocket खाते का पासवर्ड कभी नहीं माँगता। आपका API " +
				"पासवर्ड एन्क्रिप्ट करके रखा जाता है और किसी को कभी नहीं दिखाया जाता।"
		},
		ErrorSummary: "कृपया इन्हें ठीक करें",
	},

	Start: StartTexts{
		Title: "Shiprocket जोड़ें",
		Heading: func(brand string) string {
			return "अपना Shiprocket खाता " + brand + " से जोड़ें"
		},
		Intro: func(brand string) string {
			return brand + " आपके ऑर्डर आपके अपने Shiprocket खाते से भेजता है। इसके लिए उसे एक " +
				"\"API यूज़र\" चाहिए: एक अलग लॉगिन, जो आप Shiprocket में हमारे लिए बनाते हैं। " +
				"यह पेज 8 छोटे चरणों में इसे बनाना बताता है, और फिर उसी समय Shiprocket से " +
				"नतीजा जाँचता है।"
		},
		Duration:       "इसमें लगभग 5 मिनट लगते हैं। अपना Shiprocket लॉगिन और ईमेल इनबॉक्स पास रखें।",
		AlreadyStarted: "आप इस डिवाइस पर पहले ही शुरू कर चुके हैं।",
		Continue:       "जहाँ छोड़ा था, वहीं से आगे बढ़ें",
		AboutYou:       "आपके बारे में",
		StoreName:      "स्टोर का नाम",
		ContactName:    "आपका नाम",
		LoginEmail:     "वह ईमेल जिससे आप Shiprocket में लॉग इन करते हैं",
		LoginEmailHint: "आपका सामान्य Shiprocket लॉगिन। हम इसका पासवर्ड कभी नहीं माँगते।",
		Submit:         "शुरू करें",

		StoreNameMissing:   "अपने स्टोर का नाम लिखें।",
		ContactNameMissing: "अपना नाम लिखें।",
		LoginEmailInvalid: "वह ईमेल लिखें जिससे आप Shiprocket में लॉग इन करते हैं, जैसे " +
			"name@example.com",
		NameTooLong: func(max int) string {
			return "ज़्यादा से ज़्यादा " + strconv.Itoa(max) + " अक्षर लिखें।"
		},
		NameBadCharacters: "सिर्फ़ अक्षर, अंक और विराम चिह्न इस्तेमाल करें।",
		RateLimited: "पिछले एक घंटे में आपके नेटवर्क से बहुत सारे सेटअप शुरू किए गए हैं। कृपया " +
			"कुछ देर रुककर फिर कोशिश करें, या अगर आप पहले शुरू कर चुके हैं तो अपना निजी लिंक " +
			"इस्तेमाल करें।",
	},

	Welcome: WelcomeTexts{
		Title:   "स्वागत है",
		Heading: func(name string) string { return "स्वागत है, " + name },
		Saved: func(store string) string {
			return "हमने " + store + " के लिए आपकी प्रगति सहेज ली है।"
		},
		LinkHeading: "आपका निजी लिंक",
		LinkExplain: "बाद में या किसी दूसरे डिवाइस पर आगे बढ़ने के लिए यह लिंक संभालकर रखें, " +
			"जैसे फ़ोन पर पासवर्ड वाला ईमेल पढ़ने के लिए। यह 30 दिन तक काम करता है। जिसके पास भी " +
			"यह लिंक होगा, वह आपका सेटअप आगे बढ़ा सकता है, इसलिए इसे किसी से साझा न करें। यह " +
			"सिर्फ़ अभी दिखाया जा रहा है; आप कभी भी नया लिंक बना सकते हैं।",
		CopyLink: "लिंक कॉपी करें",
		LostLink: "निजी लिंक खो गया? नया बना लें; पुराना लिंक काम करना बंद कर देगा।",
		NewLink:  "नया लिंक बनाएँ",
		Continue: "आगे बढ़ें",
	},

	Copy: CopyTexts{
		Copied: "कॉपी हो गया",
		Failed: "कॉपी नहीं हो सका: टेक्स्ट चुनकर कॉपी करें",
	},

	Progress: ProgressTexts{
		StepOf: func(n, total int) string {
			return strconv.Itoa(total) + " में से चरण " + strconv.Itoa(n)
		},
		AllSteps: "सभी चरण",
		SeeAll:   "सभी चरण देखें",
		Done:     "पूरा हुआ",
		Todo:     "अभी बाकी है",
	},

	Steps: [TotalSteps]StepTexts{
		{"Shiprocket में लॉग इन करें", "Shiprocket के लॉगिन पेज (app.shiprocket.in) का चित्र: " +
			"Email और Password के खाने, और Login बटन, जो हाइलाइट किया गया है।"},
		{"API Users खोलें", "Shiprocket डैशबोर्ड का चित्र: पहले बाईं ओर के मेन्यू में Settings, " +
			"फिर Additional Settings वाला हिस्सा, फिर API Users; तीनों हाइलाइट हैं और उन पर " +
			"1, 2 और 3 लिखा है।"},
		{"नया API यूज़र जोड़ें", "API Users पेज का चित्र: API यूज़र्स की सूची, और ऊपर दाईं ओर " +
			"“+ Add New API User” बटन, जो हाइलाइट किया गया है।"},
		{"API यूज़र का ईमेल भरें", "Add New User फ़ॉर्म का चित्र: Email वाला खाना हाइलाइट है और " +
			"उसमें आपका लॉगिन ईमेल है, जिसमें @ से पहले +api जुड़ा है।"},
		{"खरीदार की जानकारी की अनुमति दें", "फ़ॉर्म के Buyer Detail Access हिस्से का चित्र: दो " +
			"विकल्पों, Allowed और Not Allowed, में से Allowed चुना गया है और हाइलाइट है।"},
		{"हर मॉड्यूल पर टिक करें", "Modules to Access हिस्से का चित्र: हर मॉड्यूल के बॉक्स पर " +
			"टिक लगा है, और सभी हाइलाइट हैं।"},
		{"यूज़र बनाएँ", "फ़ॉर्म के आख़िरी हिस्से का चित्र: Create user बटन हाइलाइट है, और नीचे " +
			"API यूज़र्स की सूची में नया यूज़र है, छिपे हुए पासवर्ड, ACTIVE स्थिति और चालू टॉगल " +
			"के साथ।"},
		{"पासवर्ड वाला ईमेल ढूँढें", "ईमेल इनबॉक्स का चित्र: Shiprocket का वह संदेश हाइलाइट है " +
			"जिसमें API यूज़र का पासवर्ड है, और Spam फ़ोल्डर पर निशान है कि संदेश इनबॉक्स में " +
			"न मिले तो वहाँ देखें।"},
	},

	Guide: GuideTexts{
		Back:         "पीछे",
		Next:         "आगे",
		HavePassword: "मेरे पास पासवर्ड है",

		LogIn: func(login string) Rich {
			return "Shiprocket डैशबोर्ड खोलें और हमेशा की तरह " + Rich(login) +
				" से लॉग इन करें।"
		},
		OpenDashboard: "Shiprocket खोलें (नए टैब में खुलेगा)",
		KeepOpen: "यह पेज खुला रखें: हर चरण के बाद आप यहीं लौटेंगे। कंप्यूटर पर सबसे आसान है, " +
			"पर फ़ोन पर भी हो जाता है।",

		OpenAPIUsers: [3]Rich{
			"Shiprocket के मेन्यू में **Settings** पर क्लिक करें।",
			"नीचे **Additional Settings** वाले हिस्से तक स्क्रॉल करें।",
			"**API Users** खोलें।",
		},
		OlderDashboard: "डैशबोर्ड के पुराने संस्करण में यह Settings → API → Configure में " +
			"मिलता है।",
		AddUser: "**+ Add New API User** पर क्लिक करें। \"Add New User\" नाम का फ़ॉर्म खुलेगा।",
		UserLimit: "Shiprocket एक खाते में ज़्यादा से ज़्यादा 4 API यूज़र बनाने देता है। अगर नया " +
			"नहीं जुड़ रहा, तो कोई ऐसा API यूज़र हटा दें जिसकी अब ज़रूरत नहीं है।",
		EnterEmail: "फ़ॉर्म के **Email** खाने में यह पता भरें:",
		CopyEmail:  "ईमेल कॉपी करें",
		AliasWhy: func(login string) Rich {
			return "यह आपका लॉगिन ईमेल ही है, बस @ से पहले **+api** जोड़ा गया है। Shiprocket " +
				"के लिए API यूज़र का ईमेल आपके लॉगिन (" + Rich(login) + ") से अलग होना ज़रूरी " +
				"है, और ज़्यादातर ईमेल सेवाओं (Gmail, Outlook, Yahoo, Zoho, iCloud और ज़्यादातर " +
				"कंपनी मेल) में इस पते की मेल भी आपके सामान्य इनबॉक्स में ही आती है।"
		},
		AliasProblem: func(login, problem string) string {
			return "हम " + login + " से \"+api\" वाला पता नहीं बना सके: " + problem + "।"
		},
		AliasInvalid:  "यह सही ईमेल पता नहीं है",
		AliasNonASCII: "@ से पहले वाले हिस्से में ऐसे अक्षर हैं जिन्हें Shiprocket शायद न माने",
		AliasTooLong:  "+api जोड़ने के लिए यह पता बहुत लंबा है",
		NoPlusHeading: "अगर आपकी ईमेल सेवा \"+\" वाले पते नहीं मानती",
		NoPlus: "कोई दूसरा ईमेल पता इस्तेमाल करें जो आपके नियंत्रण में हो और जिसे आप पढ़ सकें, " +
			"जैसे आपके कारोबार का कोई दूसरा मेलबॉक्स। अपना Shiprocket लॉगिन ईमेल कभी इस्तेमाल न " +
			"करें: Shiprocket उसे नहीं मानेगा। यहाँ आप जो भी पता भरेंगे, Shiprocket API यूज़र का " +
			"पासवर्ड उसी पर भेजेगा।",
		AllowBuyer: "**Buyer Detail Access** वाले हिस्से में **Allowed** चुनें।",
		AllowBuyerWhy: func(brand string) string {
			return "इससे " + brand + " ऑर्डर पर आपके ग्राहकों के नाम, फ़ोन नंबर और पते देख पाता " +
				"है, जो ऑर्डर भेजने के लिए ज़रूरी हैं।"
		},
		TickModules: func(brand string) Rich {
			return "**Modules to Access** में **हर** बॉक्स पर टिक करें। " + Rich(brand) +
				" इन सभी का इस्तेमाल करता है, जैसे:"
		},
		TickModulesCheck: "पासवर्ड भरने के बाद हम Shiprocket से इनमें से हर एक की जाँच करेंगे " +
			"और कोई छूटा हो तो बताएँगे।",
		CreateUser: "**Create user** पर क्लिक करें।",
		UserListed: "नया API यूज़र अब सूची में दिखेगा: उसका ईमेल, छिपा हुआ पासवर्ड और स्थिति " +
			"**ACTIVE**। उसका टॉगल चालू ही रहने दें।",
		AllowedIP: "अगर फ़ॉर्म में **Allowed IP** का खाना हो, तो उसे ख़ाली छोड़ दें।",
		PasswordSent: func(alias string) Rich {
			return "अब Shiprocket API यूज़र का पासवर्ड **" + Rich(alias) + "** पर ईमेल करेगा। " +
				"ज़्यादातर ईमेल सेवाओं में यह कुछ ही मिनटों में आपके सामान्य इनबॉक्स में आ जाता है।"
		},
		PasswordSentThere: "अब Shiprocket API यूज़र का पासवर्ड आपके भरे हुए पते पर ईमेल करेगा। " +
			"ज़्यादातर ईमेल सेवाओं में यह कुछ ही मिनटों में आपके सामान्य इनबॉक्स में आ जाता है।",
		PasswordTips: [3]string{
			"नहीं मिला? Spam, Junk, Promotions या Updates में देखें।",
			"10 मिनट बाद भी कुछ नहीं आया? Shiprocket में API यूज़र के आगे ••• पर क्लिक करें, " +
				"Update User चुनें, Change Password पर टिक करें और Save पर क्लिक करें: " +
				"Shiprocket नया पासवर्ड ईमेल करेगा।",
			"पासवर्ड ठीक वैसा ही कॉपी करें जैसा ईमेल में लिखा है। Shiprocket उसे सिर्फ़ एक बार " +
				"दिखाता है।",
		},
	},

	Credentials: CredentialsTexts{
		Title:   "API ईमेल और पासवर्ड",
		Heading: "API यूज़र का ईमेल और पासवर्ड भरें",
		Intro: "Shiprocket के ईमेल में आया पासवर्ड भरें। हम उसी समय Shiprocket से इसकी जाँच " +
			"करते हैं; यह एन्क्रिप्ट करके रखा जाता है और किसी को कभी नहीं दिखाया जाता।",
		ChangeHeading: "अपना नया API पासवर्ड भरें",
		ChangeIntro: "अगर आपने Shiprocket से नया API पासवर्ड माँगा है (••• → Update User → " +
			"Change Password → Save), तो नए ईमेल वाला पासवर्ड यहाँ भरें। हम Shiprocket से इसकी " +
			"जाँच करेंगे और अपने पास रखा पुराना पासवर्ड इससे बदल देंगे।",
		EmailLabel:    "API यूज़र का ईमेल",
		EmailHint:     "वह पता जो आपने Shiprocket में API यूज़र को दिया था, आपका अपना लॉगिन नहीं।",
		PasswordLabel: "API पासवर्ड (Shiprocket के ईमेल से)",
		Submit:        "Shiprocket से जाँचें",
		Back:          "पीछे",
		Cancel:        "रद्द करें",
		Checking:      "Shiprocket से जाँच हो रही है। इसमें एक मिनट तक लग सकता है…",

		EmailMissing: "API यूज़र का ईमेल भरें।",
		EmailInvalid: "सही ईमेल पता भरें, जैसे name+api@example.com",
		EmailIsLogin: func(alias string) string {
			return "यह आपका Shiprocket लॉगिन ईमेल है। Shiprocket इसी ईमेल वाला API यूज़र नहीं " +
				"मानता: API यूज़र का अपना पता इस्तेमाल करें, जैसे " + alias
		},
		EmailIsLoginNoAlias: "यह आपका Shiprocket लॉगिन ईमेल है। Shiprocket इसी ईमेल वाला API " +
			"यूज़र नहीं मानता: API यूज़र का अपना पता इस्तेमाल करें, जैसे आपका ईमेल, जिसमें @ से " +
			"पहले +api जुड़ा हो।",
		PasswordMissing: "Shiprocket के ईमेल में आया पासवर्ड भरें।",
		PasswordUnreadable: "पासवर्ड में कुछ ऐसे अक्षर हैं जो पढ़े नहीं जा सके। ईमेल से इसे फिर " +
			"से कॉपी करें।",
		PasswordTooLong: func(max int) string {
			return "यह किसी भी Shiprocket पासवर्ड से लंबा है (ज़्यादा से ज़्यादा " +
				strconv.Itoa(max) + " अक्षर)। देख लें कि आपने सिर्फ़ पासवर्ड ही कॉपी किया है।"
		},
		RateLimited: func(checks int, until string) string {
			return "आपने पिछले 15 मिनट में " + strconv.Itoa(checks) + " बार जाँच की है। बार-बार " +
				"लॉगिन से Shiprocket आपका खाता लॉक न कर दे, इसलिए कृपया " + until + " तक रुकें " +
				"और फिर कोशिश करें। आपका भरा हुआ कुछ भी नहीं खोया है।"
		},
		KeptWorking: "Shiprocket ने नया पासवर्ड स्वीकार नहीं किया, इसलिए हमने वही पासवर्ड रखा " +
			"है जो काम कर रहा है: आपका कनेक्शन नहीं रुका है। नया पासवर्ड जाँचें और फिर कोशिश करें।",
		Refused: "Shiprocket ने हमारे पास रखा पासवर्ड अस्वीकार कर दिया है, इसलिए हम उसे दोबारा " +
			"नहीं आज़माएँगे। नीचे अभी का पासवर्ड डालें।",
	},

	Outcomes: OutcomeTexts{
		ShiprocketSaid: "Shiprocket का जवाब:",
		OpenUpdateUser: "Shiprocket में Settings → Additional Settings → API Users खोलें, API " +
			"यूज़र के आगे ••• पर क्लिक करें और Update User चुनें।",
		CheckAgain: "फिर यहाँ लौटकर " + checkAgainHI + " दबाएँ। पासवर्ड दोबारा भरने की ज़रूरत " +
			"नहीं है।",

		Verified: "जुड़ गया: Shiprocket ने आपका API यूज़र मान लिया है।",

		WrongTitle: "Shiprocket ने यह ईमेल और पासवर्ड नहीं माना।",
		WrongCopy:  "Shiprocket के ईमेल से पासवर्ड ठीक वैसा ही कॉपी करें, आगे-पीछे कोई स्पेस न हो।",
		WrongEmail: func(apiEmail string) string {
			return "देख लें कि ईमेल API यूज़र का ही है (" + apiEmail + "), आपका अपना Shiprocket " +
				"लॉगिन नहीं।"
		},
		ChangePassword: "अगर पासवर्ड हाथ से टाइप किया गया था या पुराना है, तो नया लें: Shiprocket " +
			"में Settings → Additional Settings → API Users खोलें, API यूज़र के आगे ••• पर क्लिक " +
			"करें, Update User चुनें, Change Password पर टिक करें और Save पर क्लिक करें। " +
			"Shiprocket नया पासवर्ड ईमेल करेगा; उसे यहाँ भरें।",

		MFATitle: "यह लॉगिन एक बार इस्तेमाल होने वाला कोड (OTP) माँगता है, जो API यूज़र नहीं दे " +
			"सकता।",
		MFAEmail: func(login string) string {
			return "देख लें कि आपने API यूज़र का ईमेल भरा है, अपना Shiprocket लॉगिन (" + login +
				") नहीं।"
		},
		MFASupport: "अगर यह API यूज़र ही है, तो डैशबोर्ड से Shiprocket सपोर्ट से संपर्क करें और उस " +
			"API यूज़र के लिए OTP बंद करने को कहें।",

		IPTitle: "यह API यूज़र सिर्फ़ कुछ ख़ास IP पतों से ही कनेक्शन मानता है।",
		IPEmpty: "Allowed IP का खाना ख़ाली करें, फिर Save पर क्लिक करें।",

		ModulesTitle: "लॉगिन काम करता है, पर कुछ मॉड्यूल पर टिक नहीं लगा है।",
		ModulesTick: func(modules string) string {
			return "इन मॉड्यूल पर टिक करें: " + modules + "। फिर Save पर क्लिक करें।"
		},

		BuyerTitle: "लॉगिन काम करता है, पर आपके ग्राहकों की जानकारी API यूज़र से छिपी है।",
		BuyerAllow: "Buyer Detail Access को Allowed करें, फिर Save पर क्लिक करें।",

		ValidationTitle: "Shiprocket के अनुसार फ़ॉर्म में कुछ छूटा है या सही नहीं है।",
		ValidationCheck: "नीचे ईमेल और पासवर्ड देखकर फिर से भेजें।",

		RateLimitedTitle: "Shiprocket अभी व्यस्त है और उसने हमें थोड़ा रुकने को कहा है।",
		RateLimitedWait: "आपकी जानकारी सहेज ली गई है। कुछ मिनट बाद " + checkAgainHI + " दबाएँ; " +
			"कुछ भी दोबारा टाइप करने की ज़रूरत नहीं है।",

		UnavailableTitle: "अभी हम Shiprocket तक नहीं पहुँच सके।",
		UnavailableWait: "आपकी जानकारी सहेज ली गई है। एक मिनट बाद " + checkAgainHI + " दबाएँ; " +
			"कुछ भी दोबारा टाइप करने की ज़रूरत नहीं है।",
		UnavailableAgain: "अगर ऐसा बार-बार हो, तो शायद Shiprocket बंद है। हमारी टीम आपकी भेजी " +
			"जानकारी देख सकती है।",

		RunningTitle: "आपकी जानकारी सहेज ली गई है और जाँच का इंतज़ार कर रही है।",
		RunningCheck: "अभी जाँचने के लिए " + checkAgainHI + " दबाएँ।",

		UnexpectedTitle: "Shiprocket ने ऐसा जवाब दिया जिसकी हमें उम्मीद नहीं थी।",
		UnexpectedWait:  "आपकी जानकारी सहेज ली गई है। कुछ मिनट बाद " + checkAgainHI + " दबाएँ।",
		UnexpectedAgain: "अगर फिर से ऐसा हो, तो हमारी टीम देख सकती है कि Shiprocket ने क्या कहा, " +
			"और मदद करेगी।",
	},

	Status: StatusTexts{
		Title:       "आपका Shiprocket कनेक्शन",
		APIEmail:    "API यूज़र का ईमेल",
		LastChecked: "पिछली जाँच",
		CheckAgain:  "फिर से जाँचें",
		Fix:         "दूसरा ईमेल या पासवर्ड भरें",
	},

	Done: DoneTexts{
		Title:   "जुड़ गया",
		Heading: "आपका खाता जुड़ गया है",
		Connected: func(store, brand string) string {
			return "Shiprocket ने " + store + " का API यूज़र मान लिया है। अब " + brand +
				" आपके ऑर्डर भेज सकता है।"
		},
		Checked:        "जाँच का समय",
		ChangedHeading: "API पासवर्ड बदल दिया?",
		ChangedExplain: "अगर आपने Shiprocket से नया API पासवर्ड माँगा है, तो पुराना काम करना बंद कर " +
			"देता है। हमें नया पासवर्ड दें, ताकि आपके शिपमेंट चलते रहें।",
		ChangedButton: "मैंने अपना API पासवर्ड बदल दिया है",
	},

	Resume: ResumeTexts{
		Title:          "लिंक काम नहीं कर रहा",
		ExpiredHeading: "इस लिंक की समय-सीमा ख़त्म हो गई है",
		ExpiredExplain: "निजी लिंक 30 दिन तक काम करते हैं।",
		BrokenHeading:  "यह लिंक काम नहीं करता",
		BrokenExplain:  "हो सकता है इसकी जगह नया लिंक बन गया हो, या यह पूरा कॉपी न हुआ हो।",
		OtherDevice:    "अगर यह सेटअप किसी दूसरे डिवाइस पर अभी भी खुला है, तो वहाँ नया लिंक बनाएँ।",
		AskSupport: func(brand string) string {
			return brand + " सपोर्ट से नया लिंक माँगें: वे आपकी प्रगति देख सकते हैं।"
		},
		StartAgainFirst: "या ",
		StartAgainLink:  "फिर से शुरू करें",
		StartAgainLast:  "; इसमें बस कुछ मिनट लगते हैं।",
	},

	Checklist: ChecklistTexts{
		Heading: "हमने क्या जाँचा",
		MainAccount: "यह लॉगिन API यूज़र का नहीं, बल्कि आपके मुख्य Shiprocket खाते का लगता है। यह " +
			"काम करता है, पर प्लेटफ़ॉर्म को अलग API यूज़र इस्तेमाल करना चाहिए: एक API यूज़र बनाएँ " +
			"(चरण 2 से 7) और उसका ईमेल और पासवर्ड भरें।",
		Passed:      "ठीक है",
		NeedsFixing: "ठीक करना है",
		NotKnown:    "पता नहीं",

		Login: "API यूज़र के ईमेल और पासवर्ड से लॉगिन",

		ModuleDenied: "API यूज़र के लिए इस पर टिक नहीं लगा है।",
		ModuleFix: func(module string) string {
			return updateUserHI + "“" + module + "” पर टिक करें → Save।"
		},
		ModuleIPBlocked: "API यूज़र की Allowed IP सेटिंग इसे रोक रही है।",
		ModuleUnknown: func(answer string) string {
			return "Shiprocket के जवाब से पता नहीं चला (" + answer + ")।"
		},
		NoAnswer: "कोई जवाब नहीं",

		Buyer:        "खरीदार की जानकारी (ग्राहक का नाम, फ़ोन, ईमेल)",
		BuyerVisible: "दिखती है।",
		BuyerHidden:  "API यूज़र से छिपी है।",
		BuyerFix:     updateUserHI + "Buyer Detail Access: Allowed → Save।",
		BuyerUnknown: "अभी पता नहीं: देखने के लिए कोई ऑर्डर नहीं है।",

		IP:    "IP पाबंदी",
		IPOK:  "हमारे सर्वर को कनेक्ट करने से कुछ नहीं रोक रहा।",
		IPBad: "API यूज़र सिर्फ़ दूसरे IP पतों से कनेक्शन मानता है।",
		IPFix: updateUserHI + "Allowed IP का खाना ख़ाली करें → Save।",
	},

	Errors: ErrorTexts{
		Title: func(status int) string {
			switch status {
			case 400:
				return "गलत अनुरोध"
			case 403:
				return "अनुमति नहीं"
			case 404:
				return "पेज नहीं मिला"
			case 405:
				return "यह तरीका नहीं चलता"
			case 413:
				return "बहुत बड़ा"
			case 429:
				return "बहुत सारे अनुरोध"
			case 503:
				return "सेवा अभी उपलब्ध नहीं"
			}
			if status >= 500 {
				return "सर्वर में गड़बड़ी"
			}
			return "गड़बड़ी"
		},
		NotFound: "इस पते पर कोई पेज नहीं है।",
		Forbidden: "इस फ़ॉर्म की समय-सीमा ख़त्म हो गई है या यह इस साइट से नहीं आया। पीछे जाएँ, पेज " +
			"फिर से लोड करें और दोबारा कोशिश करें।",
		TooLarge:   "आपने जो भेजा वह बहुत बड़ा है। पीछे जाकर कम टेक्स्ट के साथ फिर कोशिश करें।",
		BadRequest: "यह अनुरोध पूरा नहीं हो सका। पीछे जाकर फिर कोशिश करें।",
		Server: "हमारी तरफ़ कुछ गड़बड़ हो गई। आपके पिछले जवाब सहेजे हुए हैं; कृपया एक मिनट बाद फिर " +
			"कोशिश करें।",
		Unavailable: "अभी हम कुछ भी सहेज नहीं सकते: हमारा डेटाबेस उपलब्ध नहीं है। कुछ भी आधा-अधूरा " +
			"नहीं सहेजा गया। कृपया कुछ मिनट बाद फिर कोशिश करें।",
		StartPage: "शुरुआती पेज पर जाएँ",
	},

	Time: TimeTexts{
		Never: "कभी नहीं",
		Months: [12]string{"जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त",
			"सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"},
	},
}
