package controlplane

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// process is a child (etcd or kube-apiserver) in its own process group that dies with us.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once the process has been reaped
	waitErr error
}

// startProcess starts binary with args, logging to logPath.
//
// Pdeathsig fires when the *thread* that forked the child exits, not the process, and the Go
// runtime may retire threads. So the child is started and waited for from a goroutine locked
// to its thread: the thread lives exactly as long as the child, and when the test binary dies
// (even by SIGKILL) the kernel kills the child.
func startProcess(name, binary string, args []string, logPath string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	p := &process{name: name, logPath: logPath, exited: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: the goroutine ends when the child is reaped and its thread is
		// then discarded instead of being reused with a stale parent-death binding.
		if err := p.cmd.Start(); err != nil {
			logFile.Close()
			started <- err
			close(p.exited)
			return
		}
		started <- nil
		p.waitErr = p.cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after grace, and waits until reaped.
func (p *process) stop(grace time.Duration) error {
	if p.hasExited() {
		return nil
	}
	pgid := p.pid()
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal %s: %w", p.name, err)
	}
	select {
	case <-p.exited:
	case <-time.After(grace):
		// ESRCH means the group is already gone; any other failure shows up as the
		// timeout below, which is the error that matters.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, pgid)
		}
	}
	// Anything the child forked in its group goes too. Usually nothing is left and this
	// fails with ESRCH; the process itself has been reaped, so there is nothing to report.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	return nil
}

// killNow kills the process group without waiting; used from the signal handler.
func (p *process) killNow() {
	if p != nil && p.cmd.Process != nil && !p.hasExited() {
		// Best effort from a signal handler that is about to exit: there is no one to
		// report to, and Pdeathsig kills the process anyway when this one dies.
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
	}
}

// ProcessAlive reports whether pid exists and is not a zombie; tests use it to check
// that Stop left nothing behind.
func ProcessAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' {
			return i+2 >= len(stat) || stat[i+2] != 'Z'
		}
	}
	return true
}
