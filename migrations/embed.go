// Package migrations holds the numbered SQL files that build the portal's schema. They are embedded
// in the binary and applied in order at start-up and in tests by store.Open.
package migrations

import "embed"

// FS holds every migration file, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
