package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// keepMarker starts the part of the results file that the bench leaves as it is: the written
// record of what was changed to meet the targets.
const keepMarker = "<!-- Everything below this line is kept when the bench rewrites the file. -->"

// markdown renders the results as the page docs/benchmark.md holds.
func (b *bench) markdown(rows []result) string {
	var w strings.Builder
	mode := "full run"
	if b.opts.quick {
		mode = "quick run (-quick)"
	}
	passed := 0
	targets := 0
	for _, r := range rows {
		if r.target != "baseline" {
			targets++
			if r.pass {
				passed++
			}
		}
	}

	fmt.Fprintf(&w, "# Benchmark results\n\n")
	fmt.Fprintf(&w, "Written by `go run ./bench` (%s) on %s. Targets are those of issue 8.\n\n",
		mode, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&w, "| | |\n| --- | --- |\n")
	fmt.Fprintf(&w, "| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&w, "| CPU | %s, %d cores |\n", cpuModel(), runtime.NumCPU())
	fmt.Fprintf(&w, "| database | %d sellers (%d live), %d events, %d checks, %d notes, "+
		"%d scheduled jobs; %s; seeded in %s |\n", b.seed.sellers, b.seed.live, b.seed.events,
		b.seed.checks, b.seed.notes, b.seed.jobs, mib(b.seed.dbBytes),
		b.seed.took.Round(100*time.Millisecond))
	fmt.Fprintf(&w, "| machine load | one-minute load average %s at the start, %s at the end "+
		"(2 would be both cores busy) |\n", b.loadStart, loadAverage())
	fmt.Fprintf(&w, "| result | %d of %d targets met |\n\n", passed, targets)

	fmt.Fprintf(&w, "| scenario | load | requests | throughput | p50 | p99 | CPU/req | "+
		"peak RSS | target | result | vs bare |\n")
	fmt.Fprintf(&w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | "+
		"--- |\n")
	for _, r := range rows {
		tput, reqs, p50, p99 := "", "", "", ""
		if r.throughput > 0 {
			tput = fmt.Sprintf("%.0f/s", r.throughput)
		}
		if r.requests > 0 {
			reqs = fmt.Sprintf("%d", r.requests)
			if r.failures > 0 {
				reqs += fmt.Sprintf(" (%d failed)", r.failures)
			}
			p50, p99 = ms(r.p50), ms(r.p99)
		}
		result := passText(r.pass)
		if r.target == "baseline" {
			result = "—"
		}
		cpu := ""
		if r.cpu > 0 {
			cpu = fmt.Sprintf("%.2f ms", float64(r.cpu)/float64(time.Millisecond))
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name,
			r.load, reqs, tput, p50, p99, cpu, mib(r.peak), r.target, result, r.vsBare)
	}

	fmt.Fprintf(&w, "\nHow to read it: the bench, the fake Shiprocket and the portal share "+
		"the same cores, so absolute numbers move with the machine; the \"vs bare\" column "+
		"compares each figure with the bare Echo handler measured in the same run. Latency "+
		"rows are open loop: each request's time runs from when it was due, so queueing "+
		"counts. CPU/req is the portal's CPU time (user and system, from /proc) over the "+
		"measurement divided by the requests served: unlike latency, it hardly moves when other "+
		"work shares the machine. Peak RSS is the portal's VmHWM, reset before each scenario. "+
		"The start-up row times exec to the first 200 from /healthz.\n")
	if len(b.notes) > 0 {
		fmt.Fprintf(&w, "\nNotes from this run:\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(&w, "- %s\n", n)
		}
	}
	return w.String()
}

// writeResults writes the table to path, keeping whatever follows keepMarker in the old file.
func writeResults(path, table string) error {
	kept := keepMarker + "\n"
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, rest, ok := strings.Cut(string(old), keepMarker); ok {
		kept += strings.TrimPrefix(rest, "\n")
	}
	return os.WriteFile(path, []byte(table+"\n"+kept), 0o644)
}

// cpuModel returns the CPU's model name from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), ":"); ok &&
			strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown CPU"
}

// execCommand prepares one of the portal's commands with the bench's environment.
func execCommand(ctx context.Context, bin string, env []string, stdin io.Reader,
	args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdin = stdin
	return cmd
}

// ms formats a duration in milliseconds, with a decimal below 10 ms.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 1 {
		return fmt.Sprintf("%.2f ms", v)
	}
	if v < 10 {
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// mib formats a byte count in MiB.
func mib(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// passText is the result column's word.
func passText(ok bool) string {
	if ok {
		return "pass"
	}
	return "**fail**"
}
