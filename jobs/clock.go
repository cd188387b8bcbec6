package jobs

import (
	"context"
	"time"
)

// Clock tells the time and waits. The runner reads every time and spaces every login through it,
// so tests can drive a day of background work in milliseconds with a clock of their own.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, returning early with ctx's error when ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock returns the real clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

// Now returns time.Now.
func (systemClock) Now() time.Time { return time.Now() }

// Sleep waits on a timer or ctx.
func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
