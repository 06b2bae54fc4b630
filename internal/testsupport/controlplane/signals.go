package controlplane

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

var (
	signalMu      sync.Mutex
	signalRunning = map[*ControlPlane]struct{}{}
	signalOnce    sync.Once
)

// registerForSignals makes SIGINT, SIGTERM and SIGHUP kill cp's processes and remove its
// directory before the process dies of the signal. Pdeathsig already kills the children when
// the process dies; the handler adds the directory cleanup and a prompt, orderly exit.
func registerForSignals(cp *ControlPlane) {
	signalMu.Lock()
	signalRunning[cp] = struct{}{}
	signalMu.Unlock()
	signalOnce.Do(func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			sig := <-signals
			signalMu.Lock()
			for running := range signalRunning {
				running.killNow()
			}
			signalMu.Unlock()
			// Die of the signal as the process would have without the handler.
			signal.Reset(sig)
			if s, ok := sig.(syscall.Signal); ok {
				// If re-raising fails, os.Exit below still ends the process.
				_ = syscall.Kill(os.Getpid(), s)
			}
			os.Exit(1)
		}()
	})
}

func unregisterForSignals(cp *ControlPlane) {
	signalMu.Lock()
	delete(signalRunning, cp)
	signalMu.Unlock()
}
