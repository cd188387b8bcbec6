// Command bench measures the portal at 100,000 sellers against the targets of issue 8 and writes
// the results to docs/benchmark.md. Run it from the repository root:
//
//	go run ./bench          # the full run, a few minutes
//	go run ./bench -quick   # shorter measurements, same database size
//
// It seeds a fresh SQLite database, builds the portal from this tree and runs it as a child
// process against a fake Shiprocket inside the bench, runs each scenario with its own load
// generator on loopback, and compares every figure with a bare Echo handler measured in the same
// run (the bench binary itself, started again with -bare). All traffic stays on 127.0.0.1, every
// loop is bounded in time, and every process it starts is stopped when it ends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
)

// options are the bench's flags.
type options struct {
	quick     bool
	sellers   int
	src       string
	out       string
	keep      bool
	pprof     string
	only      string
	seedCache string
	extraEnv  []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run is the whole program: it serves the baseline when started with -bare, and otherwise runs
// the benchmark and writes its results.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	bare := fs.String("bare", "", "internal: serve the bare baseline handler on this address")
	floor := fs.String("floor", "", "internal: serve the stack floor on this address")
	fs.BoolVar(&o.quick, "quick", false, "shorter measurements (same database size)")
	fs.IntVar(&o.sellers, "sellers", 100_000, "sellers to seed")
	fs.StringVar(&o.src, "src", ".", "directory of the portal's source to build and measure")
	fs.StringVar(&o.out, "out", "docs/benchmark.md", "results file to write; empty for none")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (database, logs)")
	fs.StringVar(&o.pprof, "pprof", "",
		"loopback address for the portal's pprof listener (sets PORTAL_PPROF), to profile")
	fs.StringVar(&o.only, "only", "", "run only the scenarios whose name contains this text")
	fs.Func("portal-env", "extra NAME=VALUE for the portal's environment (repeatable), "+
		"e.g. GOMEMLIMIT=off", func(v string) error {
		if !strings.Contains(v, "=") {
			return errors.New("use NAME=VALUE")
		}
		o.extraEnv = append(o.extraEnv, v)
		return nil
	})
	fs.StringVar(&o.seedCache, "seed-cache", "",
		"directory keeping a copy of the seeded database, reused by later runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bare != "" {
		return serveBare(ctx, *bare)
	}
	if *floor != "" {
		return serveFloor(ctx, *floor)
	}
	if o.sellers < 20_000 {
		return errors.New("-sellers: use at least 20000, so that every pool fills")
	}

	dir, err := os.MkdirTemp("", "portal-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(stderr, "bench: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	b := &bench{opts: o, dir: dir, out: stdout, rng: newRand()}
	rows, err := b.all(ctx)
	if err != nil {
		return err
	}

	table := b.markdown(rows)
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, table)
	if o.out != "" {
		if err := writeResults(o.out, table); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "\nwritten to", o.out)
	}
	return nil
}

// serveBare is the baseline: a bare Echo handler returning a fixed string, with nothing else in
// the way, served until the process is told to stop.
func serveBare(ctx context.Context, addr string) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	hello := func(c echo.Context) error { return c.String(http.StatusOK, "Hello, World!") }
	e.GET("/", hello)
	e.GET("/healthz", hello)
	return serveUntilDone(ctx, addr, e)
}

// serveUntilDone serves h on addr until ctx ends, then shuts the server down.
func serveUntilDone(ctx context.Context, addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// newRand returns the bench's random source, seeded the same every run so that every run seeds
// the same sellers.
func newRand() *mrand.Rand {
	return mrand.New(mrand.NewPCG(8, 100_000))
}

// selfBinary returns the path of the running bench binary, to start it again as the baseline.
func selfBinary() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(exe)
}
