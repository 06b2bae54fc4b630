package provider

import (
	"os"
	"testing"
)

func TestQuietDiscardedLogs(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		wantQuiet  bool
		wantLevels map[string]string
	}{
		{name: "nothing set", wantQuiet: true},
		{name: "TF_LOG=off", env: map[string]string{"TF_LOG": "off"}, wantQuiet: true},
		{name: "TF_LOG=TRACE", env: map[string]string{"TF_LOG": "TRACE"}},
		{name: "TF_LOG_PROVIDER=DEBUG", env: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}},
		{name: "TF_LOG_PROVIDER wins over TF_LOG", env: map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "OFF"}, wantQuiet: true},
		{
			name: "explicit SDK level kept", env: map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"}, wantQuiet: true,
			wantLevels: map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLogLevelVariables...) {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			QuietDiscardedLogs()
			for _, name := range sdkLogLevelVariables {
				got, set := os.LookupEnv(name)
				want, explicit := tc.wantLevels[name]
				switch {
				case explicit && got != want:
					t.Errorf("%s = %q, want the explicit %q", name, got, want)
				case !explicit && tc.wantQuiet && got != "OFF":
					t.Errorf("%s = %q, want OFF", name, got)
				case !explicit && !tc.wantQuiet && set:
					t.Errorf("%s = %q, want unset: Terraform shows the provider's logs", name, got)
				}
			}
		})
	}
}
