package controlplane

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ModulePath is the provider's module; the repository root is the directory whose go.mod declares it.
const ModulePath = "github.com/openshiftai-terraform/terraform-provider-openshiftai"

// Environment variables read by this package.
const (
	// EnvBinDir names a directory with prebuilt etcd, kube-apiserver and kube-controller-manager
	// binaries; nothing is built.
	EnvBinDir = "OPENSHIFTAI_CONTROLPLANE_BIN"
	// EnvKubeconfig makes Start use an existing cluster instead of starting one.
	EnvKubeconfig = "OPENSHIFTAI_TEST_KUBECONFIG"
	// EnvCRDDir names a directory of CRD YAML files; its ModelRegistry CRD replaces the fixture.
	EnvCRDDir = "OPENSHIFTAI_TEST_CRD_DIR"
)

const (
	etcdBinary              = "etcd"
	apiserverBinary         = "kube-apiserver"
	controllerManagerBinary = "kube-controller-manager"
	etcdPackage             = "go.etcd.io/etcd/server/v3"
	apiserverPkg            = "k8s.io/kubernetes/cmd/kube-apiserver"
	controllerManagerPkg    = "k8s.io/kubernetes/cmd/kube-controller-manager"
	toolsDir                = "internal/testsupport/controlplane/tools"
)

// binaries are the programs EnsureBinaries provides, with the packages they are built from.
var binaries = []struct{ name, pkg string }{
	{etcdBinary, etcdPackage},
	{apiserverBinary, apiserverPkg},
	{controllerManagerBinary, controllerManagerPkg},
}

// RepoRoot walks up from the working directory to the directory holding the provider's go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isProviderModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory; run from inside the repository or set %s", ModulePath, EnvBinDir)
		}
		dir = parent
	}
}

func isProviderModule(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == ModulePath
		}
	}
	return false
}

// EnsureBinaries returns the directory holding etcd, kube-apiserver and kube-controller-manager,
// building them from the tools module into <repo>/.bin when they are missing or older than tools/go.mod.
// With OPENSHIFTAI_CONTROLPLANE_BIN set it only checks that directory. A file lock keeps
// parallel test packages from building twice; logf (may be nil) reports progress.
func EnsureBinaries(ctx context.Context, logf func(format string, args ...any)) (string, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if dir := os.Getenv(EnvBinDir); dir != "" {
		for _, target := range binaries {
			if _, err := os.Stat(filepath.Join(dir, target.name)); err != nil {
				return "", fmt.Errorf("%s=%s: %w", EnvBinDir, dir, err)
			}
		}
		return dir, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	tools := filepath.Join(root, toolsDir)
	binDir := filepath.Join(root, ".bin")
	if upToDate(binDir, tools) {
		return binDir, nil
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(ctx, filepath.Join(binDir, ".build.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have built them while we waited for the lock.
	if upToDate(binDir, tools) {
		return binDir, nil
	}
	for _, target := range binaries {
		out := filepath.Join(binDir, target.name)
		if fresh(out, filepath.Join(tools, "go.mod")) {
			continue
		}
		logf("building %s from %s (the first build takes several minutes)", target.name, tools)
		start := time.Now()
		tmp := out + ".tmp"
		cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, target.pkg)
		cmd.Dir = tools
		cmd.Env = append(os.Environ(), "GOWORK=off")
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		if err := cmd.Run(); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("go build %s in %s: %w\n%s", target.pkg, tools, err, output.String())
		}
		if err := os.Rename(tmp, out); err != nil {
			return "", err
		}
		logf("built %s in %s", target.name, time.Since(start).Round(time.Second))
	}
	return binDir, nil
}

func upToDate(binDir, tools string) bool {
	goMod := filepath.Join(tools, "go.mod")
	for _, target := range binaries {
		if !fresh(filepath.Join(binDir, target.name), goMod) {
			return false
		}
	}
	return true
}

// fresh reports whether binary exists and is newer than source.
func fresh(binary, source string) bool {
	b, err := os.Stat(binary)
	if err != nil {
		return false
	}
	s, err := os.Stat(source)
	if err != nil {
		return true // no source to compare with: a prebuilt binary is all there is
	}
	return b.ModTime().After(s.ModTime())
}

// lockFile takes an exclusive flock on path, polling so ctx can cancel the wait.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				// Closing f releases the lock in any case, so a failed LOCK_UN cannot
				// leave it held.
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another build (lock %s): %w", path, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// TestsEnabled reports whether tests that start a control plane should run: TF_ACC=1 or
// OPENSHIFTAI_CONTROLPLANE_TEST=1.
func TestsEnabled() bool {
	return os.Getenv("TF_ACC") == "1" || os.Getenv("OPENSHIFTAI_CONTROLPLANE_TEST") == "1"
}
