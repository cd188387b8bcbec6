package shiprockettest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
)

// Buyer details shown on the fake's orders, plain and masked.
const (
	BuyerName        = "Ravi Kumar"
	BuyerEmail       = "ravi.kumar@example.com"
	BuyerPhone       = "9876543210"
	MaskedBuyerName  = "R*** K****"
	MaskedBuyerEmail = "r*******@e******.com"
	MaskedBuyerPhone = "98XXXXXX10"
)

// pagination is the "meta" block of Shiprocket's list answers.
type pagination struct {
	Total       int               `json:"total"`
	Count       int               `json:"count"`
	PerPage     int               `json:"per_page"`
	CurrentPage int               `json:"current_page"`
	TotalPages  int               `json:"total_pages"`
	Links       map[string]string `json:"links"`
}

// listBody is a paginated list answer.
type listBody struct {
	Data []any `json:"data"`
	Meta struct {
		Pagination pagination `json:"pagination"`
	} `json:"meta"`
}

// areaBody returns a plausible 200 body for a granted probe.
func areaBody(area shiprocket.Area, acct account, r *http.Request) any {
	switch area {
	case shiprocket.AreaOrders:
		return ordersBody(acct, r)
	case shiprocket.AreaPickup:
		return map[string]any{"data": map[string]any{
			"shipping_address": []any{map[string]any{
				"id": 1, "pickup_location": "Primary", "address": "12 Demo Street",
				"city": "Pune", "state": "Maharashtra", "pin_code": "411001",
			}},
			"company_name": "Demo Traders",
		}}
	case shiprocket.AreaChannels:
		return map[string]any{"data": []any{
			map[string]any{"id": 1, "name": "CUSTOM", "status": "Active"},
		}}
	case shiprocket.AreaCouriers:
		return map[string]any{
			"total_courier_count": 1, "active_courier_count": 1,
			"courier_data": []any{map[string]any{"id": 10, "name": "Demo Express"}},
		}
	case shiprocket.AreaWallet:
		return map[string]any{"data": map[string]any{"balance_amount": "1250.00"}}
	default:
		return page(nil, 0, perPage(r))
	}
}

// ordersBody lists the account's orders, honouring per_page.
func ordersBody(acct account, r *http.Request) listBody {
	total := acct.Orders
	if acct.NoOrders {
		total = 0
	}
	size := perPage(r)

	var orders []any
	for i := range min(total, size) {
		name, email, phone := BuyerName, BuyerEmail, BuyerPhone
		if acct.BuyerMasked {
			name, email, phone = MaskedBuyerName, MaskedBuyerEmail, MaskedBuyerPhone
		}
		orders = append(orders, map[string]any{
			"id":               700000 + i,
			"channel_order_id": fmt.Sprintf("DEMO-%d", 1001+i),
			"customer_name":    name,
			"customer_email":   email,
			"customer_phone":   phone,
			"status":           "NEW",
		})
	}
	return page(orders, total, size)
}

// page wraps items in Shiprocket's list envelope.
func page(items []any, total, size int) listBody {
	if items == nil {
		items = []any{}
	}
	var b listBody
	b.Data = items
	b.Meta.Pagination = pagination{
		Total: total, Count: len(items), PerPage: size, CurrentPage: 1,
		TotalPages: (total + size - 1) / size, Links: map[string]string{},
	}
	return b
}

// perPage reads ?per_page=, defaulting to 15 and capped at 100.
func perPage(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("per_page"))
	if err != nil || n <= 0 {
		return 15
	}
	return min(n, 100)
}
