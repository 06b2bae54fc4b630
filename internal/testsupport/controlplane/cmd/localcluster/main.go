// Command localcluster runs the local control plane and the operator stand-in for people:
// a kube-apiserver with the OpenShift AI fixtures where the provider can be tried by hand.
//
//	localcluster up   [--dir .controlplane] [--detach] [--timeout 20m] [--generation v0.3.14] [--gateway-domain DOMAIN]
//	localcluster down [--dir .controlplane] [--timeout 30s]
//
// up writes <dir>/kubeconfig and <dir>/pid and runs until SIGINT or SIGTERM. With --detach it
// starts itself in the background, returns once the cluster is ready and logs to
// <dir>/localcluster.log; that is the form for a Makefile:
//
//	cp-start:
//		go run ./internal/testsupport/controlplane/cmd/localcluster up --detach --dir .controlplane
//	cp-stop:
//		go run ./internal/testsupport/controlplane/cmd/localcluster down --dir .controlplane
//
// The registries of this cluster are served by the operator stand-in, not the real operator; it
// plays the operator generation --generation names (OPENSHIFTAI_OPERATOR_GENERATION when not
// given, else the newest) and, with --gateway-domain, gateway mode.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

const usage = `usage:
  localcluster up   [--dir DIR] [--detach] [--timeout DURATION] [--generation v0.3.8|v0.3.14] [--gateway-domain DOMAIN]
  localcluster down [--dir DIR] [--timeout DURATION]`

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("localcluster: ")
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "down":
		err = down(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		log.Fatal(err)
	}
}

type paths struct{ dir, kubeconfig, pid, log, run string }

func pathsIn(dir string) (paths, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return paths{}, err
	}
	return paths{
		dir:        abs,
		kubeconfig: filepath.Join(abs, "kubeconfig"),
		pid:        filepath.Join(abs, "pid"),
		log:        filepath.Join(abs, "localcluster.log"),
		run:        filepath.Join(abs, "run"),
	}, nil
}

func up(args []string) error {
	flags := flag.NewFlagSet("up", flag.ExitOnError)
	dir := flags.String("dir", ".controlplane", "directory for the kubeconfig, pid file, logs and data")
	detach := flags.Bool("detach", false, "run in the background and return once the cluster is ready")
	timeout := flags.Duration("timeout", 20*time.Minute, "how long to wait for the cluster (the first run builds kube-apiserver)")
	generationFlag := flags.String("generation", os.Getenv(standin.GenerationEnv),
		fmt.Sprintf("operator generation the stand-in plays: %s or %s (default %s, or %s)", standin.V0_3_8, standin.V0_3_14, standin.DefaultGeneration, standin.GenerationEnv))
	gatewayDomain := flags.String("gateway-domain", os.Getenv(standin.GatewayDomainEnv),
		"gateway domain: turns the stand-in's gateway mode on (v0.3.10 and later; default "+standin.GatewayDomainEnv+")")
	if err := flags.Parse(args); err != nil { // ExitOnError: Parse exits rather than return one
		return err
	}
	generation, err := standin.ParseGeneration(*generationFlag)
	if err != nil {
		return fmt.Errorf("--generation: %w", err)
	}
	if err := generation.CheckGatewayDomain(*gatewayDomain); err != nil {
		return fmt.Errorf("--gateway-domain: %w", err)
	}
	op := operatorFlags{generation: generation, gatewayDomain: *gatewayDomain}
	p, err := pathsIn(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	if pid, ok := runningPID(p); ok {
		return fmt.Errorf("already running as pid %d (kubeconfig %s); run `localcluster down --dir %s` first", pid, p.kubeconfig, *dir)
	}
	os.Remove(p.pid)
	os.Remove(p.kubeconfig)
	if *detach {
		return upDetached(p, *timeout, op)
	}
	return upForeground(p, *timeout, op)
}

// operatorFlags are what the operator stand-in plays.
type operatorFlags struct {
	generation    standin.Generation
	gatewayDomain string
}

func upForeground(p paths, timeout time.Duration, op operatorFlags) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	cp, err := controlplane.Start(startCtx, controlplane.Options{
		Dir:             p.run,
		NoSignalHandler: true, // this command stops the cluster itself, below
		Logf:            log.Printf,
		// v0.3.14's finalizer needs the Gateway API kinds; a v0.3.8 cluster is one of its time.
		NoGatewayAPI: !op.generation.FinalizerDeletesGateway() && op.gatewayDomain == "",
	})
	if err != nil {
		return err
	}
	// The early returns below have their own error to return; a failure to stop is logged.
	// The orderly path at the end returns Stop's error itself.
	stopped := false
	defer func() {
		if stopped {
			return
		}
		if err := cp.Stop(); err != nil {
			log.Printf("stopping the control plane: %v", err)
		}
	}()
	operator, err := standin.Start(ctx, cp.RESTConfig, standin.Options{Logf: log.Printf,
		Generation: op.generation, GatewayDomain: op.gatewayDomain})
	if err != nil {
		return err
	}
	defer operator.Stop()

	kubeconfig, err := os.ReadFile(cp.KubeconfigPath)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p.kubeconfig, kubeconfig, 0o600); err != nil {
		return err
	}
	defer os.Remove(p.kubeconfig)
	// The pid file comes last: `up --detach` takes it as the sign that the cluster is ready.
	if err := os.WriteFile(p.pid, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return err
	}
	defer os.Remove(p.pid)
	log.Printf("ready in %s with the operator stand-in (%s, gateway domain %q); stop with Ctrl-C or `localcluster down`",
		time.Since(start).Round(10*time.Millisecond), op.generation, op.gatewayDomain)
	fmt.Println(p.kubeconfig)

	<-ctx.Done()
	log.Printf("stopping")
	operator.Stop()
	stopped = true
	return cp.Stop()
}

// upDetached starts `up` again in its own session and waits until it has written its pid file.
func upDetached(p paths, timeout time.Duration, op operatorFlags) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	child := exec.Command(self, "up", "--dir", p.dir, "--timeout", timeout.String(),
		"--generation", string(op.generation), "--gateway-domain", op.gatewayDomain)
	child.Stdout, child.Stderr = logFile, logFile
	child.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlives this process and its terminal
	if err := child.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	deadline := time.After(timeout)
	for {
		if pid, ok := readPID(p.pid); ok && pid == child.Process.Pid {
			fmt.Println(p.kubeconfig)
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("the background cluster exited (%v); %s ends with:\n%s", err, p.log, tail(p.log, 20))
		case <-deadline:
			if err := child.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
				log.Printf("stopping the background cluster (pid %d): %v", child.Process.Pid, err)
			}
			return fmt.Errorf("not ready after %s; see %s", timeout, p.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func down(args []string) error {
	flags := flag.NewFlagSet("down", flag.ExitOnError)
	dir := flags.String("dir", ".controlplane", "directory given to up")
	timeout := flags.Duration("timeout", 30*time.Second, "how long to wait for a clean stop before SIGKILL")
	if err := flags.Parse(args); err != nil { // ExitOnError: Parse exits rather than return one
		return err
	}
	p, err := pathsIn(*dir)
	if err != nil {
		return err
	}
	pid, ok := runningPID(p)
	if !ok {
		os.Remove(p.pid)
		log.Printf("not running (no live pid in %s)", p.pid)
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal pid %d: %w", pid, err)
	}
	deadline := time.Now().Add(*timeout)
	for controlplane.ProcessAlive(pid) {
		if time.Now().After(deadline) {
			// Its etcd and kube-apiserver die with it (parent-death signal).
			log.Printf("pid %d did not stop in %s; killing it", pid, *timeout)
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				log.Printf("kill pid %d: %v", pid, err)
			}
			time.Sleep(500 * time.Millisecond)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	os.Remove(p.pid)
	log.Printf("stopped pid %d", pid)
	return nil
}

// runningPID is the pid in the pid file if that process is alive and is a localcluster.
func runningPID(p paths) (int, bool) {
	pid, ok := readPID(p.pid)
	if !ok || !controlplane.ProcessAlive(pid) {
		return 0, false
	}
	// Guard against a recycled pid: the process must be this command.
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err == nil && !strings.Contains(string(cmdline), "localcluster") {
		return 0, false
	}
	return pid, true
}

func readPID(path string) (int, bool) {
	content, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(content)))
	return pid, err == nil && pid > 0
}

func tail(path string, lines int) string {
	content, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(content), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
