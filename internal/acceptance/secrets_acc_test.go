package acceptance_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// serviceAccountToken makes a service account bound to cluster-admin and
// returns a token of it, so the provider can authenticate with a bearer token.
func serviceAccountToken(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	core := acctest.Cluster.Typed.CoreV1()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: acctest.Namespace}}
	if _, err := core.ServiceAccounts(acctest.Namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: acctest.Namespace}},
	}
	if _, err := acctest.Cluster.Typed.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Typed.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
		_ = core.ServiceAccounts(acctest.Namespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	expiry := int64(3600)
	token, err := core.ServiceAccounts(acctest.Namespace).CreateToken(ctx, name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a service account token: %v", err)
	}
	return token.Status.Token
}

// secretsConfig: the registry through a provider that authenticates with a
// token, a permission through one that uses a client certificate. The
// password, the token and the client key come in through ephemeral variables.
func secretsConfig(host, caPEM, clientCert, name, description string, version int) string {
	return fmt.Sprintf(`
variable "pw" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "client_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "openshiftai" {
  host                   = %[1]q
  cluster_ca_certificate = %[2]q
  token                  = var.token
  registries_namespace   = %[5]q
}

provider "openshiftai" {
  alias                  = "certificate"
  host                   = %[1]q
  cluster_ca_certificate = %[2]q
  client_certificate     = %[3]q
  client_key             = var.client_key
  registries_namespace   = %[5]q
}

resource "openshiftai_model_registry" "test" {
  name          = "Secrets"
  resource_name = %[4]q
  description   = %[6]q
  database {
    host                = "mysql.db.svc.cluster.local"
    username            = "mruser"
    database            = "model_registry"
    password_wo         = var.pw
    password_wo_version = %[7]d
  }
}

resource "openshiftai_model_registry_permission" "test" {
  provider = openshiftai.certificate
  registry = openshiftai_model_registry.test.resource_name
  group    = "system:authenticated"
}
`, host, caPEM, clientCert, name, acctest.Namespace, description, version)
}

// TestAccSecrets_neverWrittenDown runs create, update, password rotation,
// import and destroy with the real terraform binary at TF_LOG=TRACE and
// looks for the database passwords, the token and the client key in the
// state, the plans, terraform show and the logs of Terraform and the provider.
func TestAccSecrets_neverWrittenDown(t *testing.T) {
	acctest.PreCheck(t)
	restConfig := acctest.Cluster.ControlPlane.RESTConfig
	if len(restConfig.CertData) == 0 || len(restConfig.KeyData) == 0 || len(restConfig.CAData) == 0 {
		t.Fatal("the test cluster's admin kubeconfig has no client certificate data to configure the provider with")
	}
	name := acctest.RegistryName("secrets")
	token := serviceAccountToken(t, "secrets-"+strings.ToLower(name[len(name)-6:]))
	clientKey := string(restConfig.KeyData)
	passwords := []string{"first-db-password-" + name, "rotated-db-password-" + name}

	logPath := filepath.Join(t.TempDir(), "terraform.log")
	tf := newTerraformRun(t, buildProvider(t),
		"TF_LOG=TRACE", "TF_LOG_PATH="+logPath,
		"TF_VAR_token="+token, "TF_VAR_client_key="+clientKey)
	write := func(description string, version int) {
		tf.writeConfig(secretsConfig(restConfig.Host, string(restConfig.CAData), string(restConfig.CertData), name, description, version))
	}
	var outputs []string // everything terraform printed or wrote that is not a log
	record := func(what, out string) { outputs = append(outputs, "== "+what+"\n"+out) }
	planAndApply := func(what, password string) {
		t.Helper()
		tf.env = append(tf.env, "TF_VAR_pw="+password)
		record(what+": plan", tf.run("plan", "-out=tfplan", "-no-color"))
		record(what+": plan JSON", tf.run("show", "-json", "tfplan"))
		record(what+": apply", tf.run("apply", "-auto-approve", "-no-color", "tfplan"))
		record(what+": show -json", tf.run("show", "-json"))
	}
	readPassword := func() string {
		secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), registry.PasswordSecretName(name), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(secret.Data[registry.PasswordSecretKeyPassword])
	}

	write("first", 1)
	planAndApply("create", passwords[0])
	if got := readPassword(); got != passwords[0] {
		t.Fatalf("the password on the cluster is %q after the create", got)
	}

	write("second", 1)
	planAndApply("update", passwords[0])

	write("second", 2)
	planAndApply("rotation", passwords[1])
	if got := readPassword(); got != passwords[1] {
		t.Fatalf("the password on the cluster is %q after the rotation", got)
	}

	record("state rm", tf.run("state", "rm", "openshiftai_model_registry.test"))
	record("import", tf.run("import", "-no-color", "openshiftai_model_registry.test", acctest.Namespace+"/"+name))
	record("after import: plan", tf.run("plan", "-out=tfplan", "-no-color"))
	record("after import: plan JSON", tf.run("show", "-json", "tfplan"))
	record("after import: show -json", tf.run("show", "-json"))
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	record("state file", string(state))
	record("destroy", tf.run("destroy", "-auto-approve", "-no-color"))
	checkNoObjects(t, name)

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The log must hold the provider's own lines, or this test proves nothing about them.
	for _, want := range []string{"provider.terraform-provider-openshiftai", "created model registry", "registry permission granted"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("the TRACE log (%d bytes) lacks %q", len(logs), want)
		}
	}

	secrets := map[string]string{
		"the first database password":   passwords[0],
		"the rotated database password": passwords[1],
		"the token":                     token,
		"the token's signature":         token[strings.LastIndexByte(token, '.')+1:],
		"the client key":                clientKey,
		"the client key's body":         keyBody(clientKey),
		"the client key in base64":      base64.StdEncoding.EncodeToString([]byte(clientKey)),
		"the client key JSON-escaped":   strings.ReplaceAll(clientKey, "\n", `\n`),
	}
	for what, secret := range secrets {
		if len(secret) < 16 {
			t.Fatalf("%s is too short to search for: %q", what, secret)
		}
		for _, where := range append(outputs, "== the TRACE log\n"+string(logs)) {
			if strings.Contains(where, secret) {
				title, _, _ := strings.Cut(strings.TrimPrefix(where, "== "), "\n")
				t.Errorf("%s appears in %s", what, title)
			}
		}
	}
	t.Logf("searched %d outputs and %d bytes of TRACE log", len(outputs), len(logs))
}

// keyBody is the base64 body of a PEM key, which survives any re-wrapping of its lines.
func keyBody(pemKey string) string {
	var body strings.Builder
	for _, line := range strings.Split(pemKey, "\n") {
		if !strings.HasPrefix(line, "-----") {
			body.WriteString(line)
		}
	}
	// The first 40 characters: long enough to be the key's, short enough to sit on one line.
	return body.String()[:40]
}
