package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

// credentialSource names the setting that supplies the provider's credential,
// for the error a 401 becomes; it never includes the credential itself. The
// order is the one the client applies: explicit token, exec plugin, client
// certificate, then the kubeconfig's user, then the pod's service account.
func credentialSource(m providerModel, cfg kube.Config) string {
	switch {
	case !m.Token.IsNull():
		return "the token argument of the provider block"
	case cfg.Token != "":
		return "the " + envToken + " environment variable (the provider's token)"
	case cfg.Exec != nil:
		return fmt.Sprintf("the exec block of the provider block (command %q)", cfg.Exec.Command)
	case !m.ClientCertificate.IsNull():
		return "the client_certificate and client_key arguments of the provider block"
	case cfg.ClientCertificate != "":
		return "the " + envClientCertificate + " and " + envClientKey + " environment variables (the provider's client_certificate)"
	case cfg.ConfigPath != "" || len(cfg.ConfigPaths) > 0:
		setting := "config_path"
		switch {
		case len(cfg.ConfigPaths) > 0 && !m.ConfigPaths.IsNull():
			setting = "config_paths"
		case len(cfg.ConfigPaths) > 0:
			setting = envConfigPaths
		case m.ConfigPath.IsNull():
			setting = envConfigPath
		}
		context := "its current context"
		if cfg.ConfigContext != "" {
			context = fmt.Sprintf("context %q", cfg.ConfigContext)
		}
		if cfg.ConfigContextUser != "" {
			context += fmt.Sprintf(", user %q", cfg.ConfigContextUser)
		}
		paths := append([]string{cfg.ConfigPath}, cfg.ConfigPaths...)
		if cfg.ConfigPath == "" {
			paths = paths[1:]
		}
		return fmt.Sprintf("the user of the kubeconfig %s (%s, %s)", strings.Join(paths, ", "), setting, context)
	case cfg.Host == "" && os.Getenv("KUBERNETES_SERVICE_HOST") != "":
		return "the pod's service account token (in-cluster configuration)"
	}
	return "no credential: the provider block sets no token, exec block, client certificate or kubeconfig"
}
