package shiprocket

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"unicode"
)

// Area is a part of Shiprocket's API that an API user may or may not be allowed to use.
type Area string

// The areas the portal probes, named after the folders of Shiprocket's API documentation.
const (
	AreaOrders      Area = "orders"
	AreaShipments   Area = "shipments"
	AreaReturns     Area = "returns"
	AreaNDR         Area = "ndr"
	AreaPickup      Area = "pickup"
	AreaChannels    Area = "channels"
	AreaProducts    Area = "products"
	AreaListings    Area = "listings"
	AreaInventory   Area = "inventory"
	AreaCouriers    Area = "couriers"
	AreaWallet      Area = "wallet"
	AreaStatement   Area = "statement"
	AreaDiscrepancy Area = "discrepancy"
)

// AreaInfo describes one probed area.
type AreaInfo struct {
	Area Area
	// Label is the module's name as a seller would recognise it.
	Label string
	// Path is the read-only GET probe, relative to the base URL, query included.
	Path string
}

// Areas returns the probed areas in a stable order, orders first. Each Path is a read-only GET
// from Shiprocket's own API collection.
func Areas() []AreaInfo {
	return []AreaInfo{
		{AreaOrders, "Orders", "/v1/external/orders?per_page=1"},
		{AreaShipments, "Shipments", "/v1/external/shipments?per_page=1"},
		{AreaReturns, "Returns", "/v1/external/orders/processing/return"},
		{AreaNDR, "NDR", "/v1/external/ndr/all?per_page=1"},
		{AreaPickup, "Pickup addresses (Settings)", "/v1/external/settings/company/pickup"},
		{AreaChannels, "Channels", "/v1/external/channels"},
		{AreaProducts, "Products", "/v1/external/products?per_page=1"},
		{AreaListings, "Listings", "/v1/external/listings"},
		{AreaInventory, "Inventory", "/v1/external/inventory"},
		{AreaCouriers, "Couriers", "/v1/external/courier/courierListWithCounts"},
		{AreaWallet, "Wallet", "/v1/external/account/details/wallet-balance"},
		{AreaStatement, "Account statement", "/v1/external/account/details/statement"},
		{AreaDiscrepancy, "Billing discrepancy", "/v1/external/billing/discrepancy"},
	}
}

// Access is what a probe found out about one area.
type Access string

// The probe results.
const (
	// AccessGranted means the probe got a 2xx.
	AccessGranted Access = "granted"
	// AccessDenied means a 403: the module is not ticked for this API user, or an account-level
	// feature is off. The raw message is kept in Probe.Message.
	AccessDenied Access = "denied"
	// AccessIPBlocked means a 403 whose message ends in "[IP]".
	AccessIPBlocked Access = "ip_blocked"
	// AccessUnknown means anything else: a network error, 401, 404, 429, 5xx.
	AccessUnknown Access = "unknown"
)

// Probe is the result of one area's probe.
type Probe struct {
	Area   Area
	Access Access
	// HTTPStatus is the last HTTP status seen, 0 if none.
	HTTPStatus int
	// Message is Shiprocket's message text on a non-2xx answer, cleaned like
	// LoginResult.Message; empty on success.
	Message string
}

// BuyerAccess says whether the API user sees the seller's customers' details.
type BuyerAccess string

// The buyer-detail results; see Verify for the rule.
const (
	BuyerVisible BuyerAccess = "visible"
	BuyerMasked  BuyerAccess = "masked"
	// BuyerUnknown means there was no order to look at (or the orders probe failed).
	BuyerUnknown BuyerAccess = "unknown"
)

// Report is the full result of Verify.
type Report struct {
	// Login is the login result. Its Token is blanked by Verify, which logs the token out.
	Login LoginResult
	// Probes holds one probe per area, in Areas order; empty unless the login was verified.
	Probes []Probe
	Buyer  BuyerAccess
	// MainAccount is true when the login names look like a main account rather than an API
	// user: the first name is not "API" and the last name is not "USER" (any case). It is a
	// weak signal, only set after a verified login.
	MainAccount bool
	// LoggedOut is true when the final logout was accepted.
	LoggedOut bool
}

// AllGranted reports whether every probe is granted. It is false when there are no probes.
func (r Report) AllGranted() bool {
	if len(r.Probes) == 0 {
		return false
	}
	for _, p := range r.Probes {
		if p.Access != AccessGranted {
			return false
		}
	}
	return true
}

// Verify logs in and, after a verified login, runs the read-only GET probes one at a time with
// the same token, then logs out (best effort, even when ctx has ended). It never puts the
// password in any field.
//
// Buyer access is read from the first order the orders probe returns, looking at customer_name,
// customer_email and customer_phone: masked when any of them contains a mask character ('*',
// '•', '●') or a run of three or more 'x' letters, or when none of them holds anything but
// blanks, "NA", "N/A", "-" or "null"; visible otherwise. With no order, or without access to
// orders, it is unknown.
func (c *Client) Verify(ctx context.Context, email, password string) Report {
	rep := Report{Buyer: BuyerUnknown}
	rep.Login = c.Login(ctx, email, password)
	if rep.Login.Outcome != OutcomeVerified {
		return rep
	}

	token := rep.Login.Token
	rep.Login.Token = ""
	rep.MainAccount = looksLikeMainAccount(rep.Login.FirstName, rep.Login.LastName)

	for _, info := range Areas() {
		p, body := c.probe(ctx, token, info)
		rep.Probes = append(rep.Probes, p)
		if info.Area == AreaOrders && p.Access == AccessGranted {
			rep.Buyer = buyerAccess(body)
		}
	}

	// Log out even when the caller's context has ended, but within one request's budget.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	if err := c.Logout(lctx, token); err != nil {
		c.log.DebugContext(ctx, "shiprocket logout failed", slog.String("error", err.Error()))
	} else {
		rep.LoggedOut = true
	}
	return rep
}

// probe runs one area's GET and returns its verdict and, on success, the body.
func (c *Client) probe(ctx context.Context, token Token, info AreaInfo) (Probe, []byte) {
	build := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(info.Path), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
	ex := c.send(ctx, "probe_"+string(info.Area), build)

	p := classifyProbe(info.Area, ex.status, ex.body)
	if ex.err != nil {
		p.Access = AccessUnknown
	}
	if p.Access != AccessGranted {
		return p, nil
	}
	return p, ex.body
}

// classifyProbe sorts one probe answer.
func classifyProbe(area Area, status int, body []byte) Probe {
	p := Probe{Area: area, Access: AccessUnknown, HTTPStatus: status}
	if status >= 200 && status <= 299 {
		p.Access = AccessGranted
		return p
	}

	if obj := decodeObject(body); obj != nil {
		p.Message, _ = messageOf(obj, "")
	}
	if status == http.StatusForbidden {
		p.Access = AccessDenied
		if hasIPSuffix(p.Message) {
			p.Access = AccessIPBlocked
		}
	}
	return p
}

// buyerAccess applies the rule documented on Verify to an orders-list body.
func buyerAccess(body []byte) BuyerAccess {
	var page struct {
		Data []map[string]json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &page) != nil || len(page.Data) == 0 || page.Data[0] == nil {
		return BuyerUnknown
	}

	order := page.Data[0]
	filled := 0
	for _, key := range []string{"customer_name", "customer_email", "customer_phone"} {
		v := strings.TrimSpace(stringOf(order[key]))
		if looksMasked(v) {
			return BuyerMasked
		}
		if !isBlankValue(v) {
			filled++
		}
	}
	if filled == 0 {
		return BuyerMasked
	}
	return BuyerVisible
}

// looksMasked reports whether a value carries masking: a mask character, or three or more 'x'
// letters in a row ("98XXXXXX10", "xxxx@xxxx.com").
func looksMasked(v string) bool {
	if strings.ContainsAny(v, "*•●") {
		return true
	}
	run := 0
	for _, r := range v {
		if unicode.ToLower(r) != 'x' {
			run = 0
			continue
		}
		if run++; run >= 3 {
			return true
		}
	}
	return false
}

// isBlankValue reports whether a value is a placeholder rather than data.
func isBlankValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "na", "n/a", "-", "null", "none":
		return true
	}
	return false
}

// looksLikeMainAccount applies the MainAccount rule documented on Report.
func looksLikeMainAccount(first, last string) bool {
	return !strings.EqualFold(strings.TrimSpace(first), "API") &&
		!strings.EqualFold(strings.TrimSpace(last), "USER")
}
