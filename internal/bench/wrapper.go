package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// The harness measures the provider through a wrapper: the executable Terraform finds
// through dev_overrides is this program in wrapper mode. It runs the real provider as
// its child with the same arguments, stdin and stdout (the go-plugin handshake), passes
// its stderr (Terraform's log channel) through while looking for client-go's throttling
// message, and when the provider exits appends one record to a file: the peak resident
// memory from the kernel's accounting of the child (getrusage maxrss, the VmHWM the
// process had at exit, so no sampling can miss a peak), its CPU time and the throttling
// messages seen. Terraform starts the provider several times per command; each start
// adds one record.
const (
	envWrapTarget = "OPENSHIFTAI_BENCH_PROVIDER" // path of the real provider binary
	envWrapRecord = "OPENSHIFTAI_BENCH_RECORD"   // file the records are appended to
	// envWrapEnv is space-separated NAME=VALUE added to the provider's environment alone:
	// GOGC or GOMEMLIMIT set for Terraform would change Terraform's collector too.
	envWrapEnv = "OPENSHIFTAI_BENCH_PROVIDER_ENV"
)

// throttleMarker is what client-go's request throttling log line contains ("Waited
// before sending request" ... reason "client-side throttling, not priority and
// fairness"). Without klog flags the provider prints it to stderr for waits over 1s.
const throttleMarker = "client-side throttling"

// providerRecord is one provider process.
type providerRecord struct {
	Binary           string  `json:"binary"` // the provider binary that ran
	PeakRSSBytes     int64   `json:"peak_rss_bytes"`
	CPUSeconds       float64 `json:"cpu_seconds"`
	WallSeconds      float64 `json:"wall_seconds"`
	ThrottleMessages int     `json:"throttle_messages"`
	ExitCode         int     `json:"exit_code"`
}

func wrapperMode() bool { return os.Getenv(envWrapTarget) != "" }

// runWrapper runs the real provider and returns its exit code.
func runWrapper() int {
	target, recordPath := os.Getenv(envWrapTarget), os.Getenv(envWrapRecord)
	cmd := exec.Command(target, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
	cmd.Env = append(os.Environ(), strings.Fields(os.Getenv(envWrapEnv))...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench wrapper: %v\n", err)
		return 1
	}
	// Terraform stops a provider through the plugin protocol and, failing that, with a
	// signal to this process: pass termination signals on. An interrupt reaches the child
	// from the terminal's process group; it must not end the wrapper first.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "bench wrapper: start %s: %v\n", target, err)
		return 1
	}
	go func() {
		for s := range signals {
			if s != syscall.SIGINT {
				_ = cmd.Process.Signal(s) // the provider may already have exited
			}
		}
	}()
	throttled := make(chan int, 1)
	go func() { throttled <- passThrough(stderr, os.Stderr) }()
	n := <-throttled // stderr closes when the child exits
	waitErr := cmd.Wait()
	record := providerRecord{Binary: target, WallSeconds: time.Since(start).Seconds(), ThrottleMessages: n}
	if state := cmd.ProcessState; state != nil {
		record.ExitCode = state.ExitCode()
		if usage, ok := state.SysUsage().(*syscall.Rusage); ok {
			record.PeakRSSBytes = usage.Maxrss * 1024 // kilobytes on Linux
		}
		record.CPUSeconds = (state.UserTime() + state.SystemTime()).Seconds()
	}
	if recordPath != "" {
		if err := appendRecord(recordPath, record); err != nil {
			fmt.Fprintf(os.Stderr, "bench wrapper: %v\n", err)
		}
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		fmt.Fprintf(os.Stderr, "bench wrapper: %v\n", waitErr)
		return 1
	}
	return record.ExitCode
}

// passThrough copies lines from r to w and counts those with the throttling marker.
func passThrough(r io.Reader, w io.Writer) int {
	n := 0
	reader := bufio.NewReaderSize(r, 64*1024)
	for {
		line, err := reader.ReadString('\n')
		if line != "" {
			if strings.Contains(line, throttleMarker) {
				n++
			}
			if _, err := io.WriteString(w, line); err != nil {
				return n
			}
		}
		if err != nil {
			return n
		}
	}
}

func appendRecord(path string, record providerRecord) error {
	line, err := json.Marshal(record)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	// One write of one line: records of concurrent providers do not interleave.
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readRecords(path string) ([]providerRecord, error) {
	content, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var records []providerRecord
	for line := range strings.Lines(string(content)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var r providerRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		records = append(records, r)
	}
	return records, nil
}
