package main

import "runtime/debug"

// defaultMemoryLimit is the soft limit on the Go runtime's memory when GOMEMLIMIT is not set.
// Near it the garbage collector works harder instead of letting the heap grow, which keeps the
// portal's resident memory under the 80 MB of the benchmark's targets (docs/benchmark.md) at the
// cost of some CPU under heavy load. SQLite's page caches come on top of it.
const defaultMemoryLimit = 48 << 20

// setMemoryLimit applies defaultMemoryLimit unless the operator chose a limit with GOMEMLIMIT,
// which the Go runtime reads by itself. main calls it, not run: tests that run the portal
// inside their own process keep the default runtime settings.
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
}
