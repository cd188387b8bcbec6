// Package views holds the portal's templ components: a layout, shared pieces and one file per
// page. Every page takes a typed props struct and never formats secrets.
package views

// Page carries what every page's layout needs.
type Page struct {
	Title string
	Brand string
	CSRF  string
	Demo  bool
	// Staff is the signed-in staff member's name on staff pages, empty elsewhere.
	Staff string
}

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string

// Has reports whether the field has an error.
func (f FieldErrors) Has(field string) bool {
	_, ok := f[field]
	return ok
}
