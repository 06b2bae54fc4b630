package standin_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

// TestCatalog: the three ConfigMaps with the operator's labels; an existing
// user ConfigMap is never overwritten; the shipped one is reverted when edited
// and made again when deleted.
func TestCatalog(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	namespace := uniqueName("standin-catalog")
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	configMaps := kube.CoreV1().ConfigMaps(namespace)
	mine := "catalogs:\n- id: mine\n  name: Mine\n  type: yaml\n"
	if _, err := configMaps.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: catalog.UserSourcesConfigMap, Namespace: namespace},
		Data:       map[string]string{catalog.SourcesKey: mine},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c, err := standin.StartCatalog(ctx, cluster.RESTConfig, namespace, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)

	get := func(name string) *corev1.ConfigMap {
		t.Helper()
		cm, err := configMaps.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	for _, name := range []string{catalog.DefaultSourcesConfigMap, catalog.MCPSourcesConfigMap} {
		cm := get(name)
		if !maps.Equal(cm.Labels, catalog.OperatorLabels()) || cm.Data[catalog.SourcesKey] == "" {
			t.Errorf("%s: labels %v, data %v", name, cm.Labels, cm.Data)
		}
	}
	if got := get(catalog.UserSourcesConfigMap).Data[catalog.SourcesKey]; got != mine {
		t.Errorf("the existing user ConfigMap was overwritten: %q", got)
	}
	shipped := get(catalog.DefaultSourcesConfigMap)
	file, err := catalog.Sources(shipped)
	if err != nil {
		t.Fatal(err)
	}
	if ids := file.IDs(); fmt.Sprint(ids) != fmt.Sprint(standin.ShippedSources) {
		t.Errorf("shipped ids %v", ids)
	}
	for _, e := range file.Entries() {
		if _, err := catalog.ParseCatalogFile(shipped.Data[e.Properties[catalog.PropertyYAMLCatalogPath]]); err != nil {
			t.Errorf("the catalog file of %s: %v", e.ID, err)
		}
	}

	shipped.Data[catalog.SourcesKey] = "catalogs: []\n"
	if _, err := configMaps.Update(ctx, shipped, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the edit of the shipped ConfigMap reverted", 30*time.Second, func() error {
		if got := get(catalog.DefaultSourcesConfigMap).Data[catalog.SourcesKey]; got != standin.ShippedSourcesFile {
			return fmt.Errorf("sources.yaml is %q", got)
		}
		return nil
	})
	if err := configMaps.Delete(ctx, catalog.DefaultSourcesConfigMap, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted shipped ConfigMap made again", 30*time.Second, func() error {
		_, err := configMaps.Get(ctx, catalog.DefaultSourcesConfigMap, metav1.GetOptions{})
		return err
	})

}
