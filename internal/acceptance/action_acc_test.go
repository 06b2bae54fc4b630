package acceptance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	goversion "github.com/hashicorp/go-version"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/mariadbtest"
)

// skipBelowTerraform1_14 skips, before it makes anything, a test that runs the
// terraform binary for a feature of Terraform 1.14 and later.
func skipBelowTerraform1_14(t *testing.T, feature string) {
	t.Helper()
	binary := terraformBinary()
	out, err := exec.Command(binary, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", binary, err)
	}
	var version struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &version); err != nil {
		t.Fatalf("%s version -json: %v", binary, err)
	}
	if v := goversion.Must(goversion.NewVersion(version.Version)); v.LessThan(acctest.Terraform1_14) || strings.Contains(binary, "tofu") {
		t.Skipf("%s needs Terraform 1.14 or later; this CLI is %s %s (run make testacc-tf116)", feature, binary, v)
	}
}

// The verify_database action checks a registry's database with the settings
// the registry has now: after the password in its Secret is changed out of
// band it fails at authentication and names the registry, without changing
// it or printing the password; with the right password it reports the server.
// wait_ready returns at once for a ready registry.
func TestAccActions_verifyDatabaseAndWaitReady(t *testing.T) {
	acctest.PreCheck(t)
	skipBelowTerraform1_14(t, "Actions")
	tf := newTerraformRun(t, buildProvider(t), "KUBE_CONFIG_PATH="+acctest.Cluster.ControlPlane.KubeconfigPath)
	server := mariadbtest.Start(t, mariadbtest.Options{})
	user, database := mariadbtest.UniqueName("mr"), mariadbtest.UniqueName("registry")
	server.CreateUser(t, user, "good-password", "ALL ON *.*")
	name := acctest.RegistryName("action")
	secrets := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace)
	secretName := name + "-db"
	setPassword := func(password string) {
		t.Helper()
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: acctest.Namespace},
			StringData: map[string]string{registry.PasswordSecretKeyPassword: password}}
		if _, err := secrets.Update(context.Background(), secret, metav1.UpdateOptions{}); err != nil {
			if _, err := secrets.Create(context.Background(), secret, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	setPassword("good-password")
	t.Cleanup(func() { _ = secrets.Delete(context.Background(), secretName, metav1.DeleteOptions{}) })
	tf.writeConfig(acctest.Registry{Name: "Action test", ResourceName: name, Database: acctest.Database{
		Host: server.Host, Port: server.Port, Username: user, Database: database,
		ExistingPasswordSecret: &acctest.KeyRef{Name: secretName, Key: registry.PasswordSecretKeyPassword},
	}}.HCL() + fmt.Sprintf(`
action "openshiftai_model_registry_verify_database" "check" {
  config {
    registry = %[1]q
  }
}

action "openshiftai_model_registry_wait_ready" "ready" {
  config {
    registry = %[1]q
    timeout  = "1m"
  }
}
`, name))
	tf.run("apply", "-no-color", "-auto-approve")
	t.Cleanup(func() { _, _ = tf.try("destroy", "-no-color", "-auto-approve") })
	before, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
	if err != nil {
		t.Fatal(err)
	}

	setPassword("rotated-elsewhere")
	out, err := tf.try("apply", "-no-color", "-auto-approve", "-invoke=action.openshiftai_model_registry_verify_database.check")
	if err == nil {
		t.Fatalf("the check passed with the wrong password in the Secret:\n%s", out)
	}
	for _, want := range []string{"Database check failed at step authenticate", acctest.Namespace + "/" + name + " was not changed"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the failed check does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rotated-elsewhere") || strings.Contains(out, "good-password") {
		t.Errorf("the action printed a password:\n%s", out)
	}
	after, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
	if err != nil {
		t.Fatal(err)
	}
	if after.GetGeneration() != before.GetGeneration() {
		t.Errorf("the action changed the registry (generation %d, was %d)", after.GetGeneration(), before.GetGeneration())
	}

	setPassword("good-password")
	out = tf.run("apply", "-no-color", "-auto-approve", "-invoke=action.openshiftai_model_registry_verify_database.check")
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "is reachable") {
		t.Errorf("the check does not report the database reachable:\n%s", out)
	}
	out = tf.run("apply", "-no-color", "-auto-approve", "-invoke=action.openshiftai_model_registry_wait_ready.ready")
	if !strings.Contains(out, "is ready") {
		t.Errorf("wait_ready does not report the registry ready:\n%s", out)
	}
}
