package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a process the bench started and measures: the portal or the bare baseline.
type server struct {
	name    string
	cmd     *exec.Cmd
	url     string
	logPath string
	log     *os.File
	// ready is how long the process took from exec to its first healthy answer.
	ready time.Duration
	done  chan error
}

// buildPortal compiles the portal from src into dir and returns the binary's path.
func buildPortal(ctx context.Context, src, dir string) (string, error) {
	bin := filepath.Join(dir, "portal")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build in %s: %w\n%s", src, err, out)
	}
	return bin, nil
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs bin with args and env (added to a minimal environment), sends its output to
// logPath, and waits until GET health answers 200. The time from exec to that answer is
// recorded as ready.
func startServer(ctx context.Context, name, bin string, args, env []string, addr, health,
	logPath string) (*server, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}

	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The server dies with the bench even if the bench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	s := &server{name: name, cmd: cmd, url: "http://" + addr, logPath: logPath, log: logFile,
		done: make(chan error, 1)}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { s.done <- cmd.Wait() }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case err := <-s.done:
			logFile.Close()
			return nil, fmt.Errorf("%s exited during start-up (%v); log: %s", name, err, logPath)
		case <-deadline:
			s.stop()
			return nil, fmt.Errorf("%s did not answer %s within 30s; log: %s", name, health,
				logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		resp, err := client.Get(s.url + health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(started)
				return s, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// stop asks the server to shut down and waits for it, killing it after 20 seconds.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
}

// pid returns the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// memory reads the resident set (VmRSS) and its peak (VmHWM) of the process, in bytes.
func memory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("read %s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	if peak == 0 {
		return 0, 0, errors.New("no VmHWM in /proc status")
	}
	return rss, peak, nil
}

// resetPeak makes the kernel forget the process's peak resident set, so that the next VmHWM
// read is the peak of one scenario. It reports whether the kernel allowed it.
func resetPeak(pid int) bool {
	return os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0) == nil
}

// logCounts counts, in the part of a log file after offset, the lines that name SQLite's busy
// error and the lines logged at level ERROR. It returns the new end of the file.
func logCounts(path string, offset int64) (busy, errs int, end int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, offset, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		return 0, 0, offset, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	end = offset
	for {
		line, err := r.ReadSlice('\n')
		end += int64(len(line))
		if bytes.Contains(line, []byte("SQLITE_BUSY")) ||
			bytes.Contains(line, []byte("database is locked")) {
			busy++
		}
		if bytes.Contains(line, []byte(`"level":"ERROR"`)) {
			errs++
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			break
		}
	}
	return busy, errs, end, nil
}

// cpuTime returns the CPU time the process has used so far, user and system, read from
// /proc/PID/stat in clock ticks of 10 ms.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces; the fields after it are plain.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// loadAverage returns the one-minute load average of the machine, as text.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// memoryParts describes what the process's resident memory is made of right now: anonymous
// memory (heaps), file pages (the binary) and shared memory (SQLite's WAL index).
func memoryParts(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		name, value, _ := strings.Cut(line, ":")
		switch name {
		case "RssAnon", "RssFile", "RssShmem":
			parts = append(parts, strings.TrimPrefix(name, "Rss")+" "+
				strings.Join(strings.Fields(value), " "))
		}
	}
	return strings.Join(parts, ", ")
}
