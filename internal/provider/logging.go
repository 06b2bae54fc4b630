package provider

import (
	"os"
	runtimedebug "runtime/debug"
	"strings"
)

// sdkLogLevelVariables set the levels of the loggers of terraform-plugin-go (root and
// protocol), of terraform-plugin-framework and of this provider's own tflog calls.
var sdkLogLevelVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_OPENSHIFTAI"}

// QuietDiscardedLogs turns the provider's logging off when Terraform (and OpenTofu) would
// throw it away: a provider started by Terraform inherits its environment, and Terraform
// keeps provider logs only when TF_LOG_PROVIDER, else TF_LOG, names a level other than
// OFF. Without this the SDKs log every request at TRACE level as JSON on stderr, which
// costs the provider and Terraform, which parses every line, about a third of their CPU
// time in a plan. A level set explicitly for one of the SDK loggers is left as it is.
// Call it before serving, and not when the provider runs on its own (debug mode), where
// its logs go to the terminal.
func QuietDiscardedLogs() {
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level != "" && !strings.EqualFold(strings.TrimSpace(level), "off") {
		return
	}
	for _, name := range sdkLogLevelVariables {
		if _, set := os.LookupEnv(name); !set {
			os.Setenv(name, "OFF")
		}
	}
}

// TuneGarbageCollector makes the Go garbage collector run less often unless
// GOGC is set: a plan or apply is a short-lived burst of small allocations, and
// collecting less often saves about a fifth of the provider's CPU for a little
// memory. Unless GOMEMLIMIT is set, a soft limit keeps that saving from growing
// the heap of a plan of thousands of resources without bound: near the limit
// the collector runs as often as it must.
func TuneGarbageCollector() {
	if os.Getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		runtimedebug.SetMemoryLimit(memoryLimit)
	}
}

// memoryLimit is the provider's soft memory limit unless GOMEMLIMIT is set.
const memoryLimit = 384 << 20
