package standin_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

// TestCatalog (v0.3.8): the three ConfigMaps with the operator's labels; an existing
// user ConfigMap is never overwritten; the shipped one is reverted when edited
// and made again when deleted; no agent ConfigMap, and labelled ConfigMaps are not mounted.
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
	if _, err := configMaps.Create(ctx, labelledConfigMap(namespace, "team-models"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c, err := standin.StartCatalogWith(ctx, cluster.RESTConfig, standin.CatalogOptions{Namespace: namespace, Generation: standin.V0_3_8, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	if got := mountedConfigMaps(t, namespace); fmt.Sprint(got) != fmt.Sprint([]string{catalog.DefaultSourcesConfigMap, catalog.UserSourcesConfigMap, catalog.MCPSourcesConfigMap}) {
		t.Errorf("v0.3.8's catalog Deployment mounts %v, want the shipped, user and MCP ConfigMaps alone", got)
	}
	if _, err := configMaps.Get(ctx, standin.AgentSourcesConfigMap, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("v0.3.8 made %s: %v", standin.AgentSourcesConfigMap, err)
	}

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

func labelledConfigMap(namespace, name string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{catalog.LabelCatalogSource: "true"}},
		Data:       map[string]string{catalog.SourcesKey: "catalogs: []\n"},
	}
}

// mountedConfigMaps are the ConfigMaps the model-catalog Deployment's pod template mounts, in order.
func mountedConfigMaps(t *testing.T, namespace string) []string {
	t.Helper()
	var names []string
	eventually(t, "the model-catalog Deployment", 30*time.Second, func() error {
		d, err := kube.AppsV1().Deployments(namespace).Get(context.Background(), standin.CatalogDeployment, metav1.GetOptions{})
		if err != nil {
			return err
		}
		names = nil
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.ConfigMap != nil {
				names = append(names, v.ConfigMap.Name)
			}
		}
		return nil
	})
	return names
}

// TestCatalogV0314 (DOMAIN.md "Catalog ConfigMaps"): default-catalog-sources with the keys v0.3.14
// added, an operator-made model-catalog-default-sources deleted and a user-made one kept,
// agent-catalog-sources made once without owner, labelled ConfigMaps mounted last by name (an
// invalid one skipped) so the pod template changes, default_catalog removed from user files.
func TestCatalogV0314(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	namespace := uniqueName("standin-catalog")
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	configMaps := kube.CoreV1().ConfigMaps(namespace)
	// What v0.3.8 left behind: its shipped ConfigMap, with the operator's labels.
	if _, err := configMaps.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: catalog.DefaultSourcesConfigMap, Namespace: namespace, Labels: catalog.OperatorLabels()},
		Data:       map[string]string{catalog.SourcesKey: standin.ShippedSourcesFile},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	user := "# the dashboard's\ncatalogs:\n- id: mine\n  name: Mine\n  type: yaml\n- id: default_catalog\n  name: Old\n  type: yaml\n"
	if _, err := configMaps.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: catalog.UserSourcesConfigMap, Namespace: namespace},
		Data:       map[string]string{catalog.SourcesKey: user},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c, err := standin.StartCatalogWith(ctx, cluster.RESTConfig, standin.CatalogOptions{Namespace: namespace, Generation: standin.V0_3_14, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)

	shipped, err := configMaps.Get(ctx, catalog.LaterDefaultSourcesConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"\nmcp_catalogs:", "\nagent_catalogs:", "\nlabels:", "assetType: mcp_servers", "\nnamedQueries:", "id: rh_partner_mcp_servers"} {
		if !strings.Contains(shipped.Data[catalog.SourcesKey], key) {
			t.Errorf("default-catalog-sources lacks %q:\n%s", key, shipped.Data[catalog.SourcesKey])
		}
	}
	eventually(t, "the operator-made model-catalog-default-sources deleted", 30*time.Second, func() error {
		if _, err := configMaps.Get(ctx, catalog.DefaultSourcesConfigMap, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	agent, err := configMaps.Get(ctx, standin.AgentSourcesConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if agent.Data[catalog.SourcesKey] != "agent_catalogs: []\n" || len(agent.OwnerReferences) != 0 {
		t.Errorf("agent-catalog-sources: data %v, owners %v", agent.Data, agent.OwnerReferences)
	}
	eventually(t, "default_catalog removed from the user file", 30*time.Second, func() error {
		cm, err := configMaps.Get(ctx, catalog.UserSourcesConfigMap, metav1.GetOptions{})
		if err != nil {
			return err
		}
		got := cm.Data[catalog.SourcesKey]
		if strings.Contains(got, "default_catalog") || strings.Contains(got, "# the dashboard's") || !strings.Contains(got, "id: mine") {
			return fmt.Errorf("user file:\n%s", got)
		}
		return nil
	})

	base := []string{catalog.LaterDefaultSourcesConfigMap, catalog.UserSourcesConfigMap, catalog.MCPSourcesConfigMap, standin.AgentSourcesConfigMap}
	if got := mountedConfigMaps(t, namespace); !slices.Equal(got, base) {
		t.Errorf("mounted %v, want %v", got, base)
	}
	before := podTemplateHash(t, namespace)
	for _, cm := range []*corev1.ConfigMap{
		labelledConfigMap(namespace, "zz-team"), labelledConfigMap(namespace, "aa-team"),
		labelledConfigMap(namespace, strings.Repeat("a", standin.MaxLabelledConfigMapName+1)),
		{ObjectMeta: metav1.ObjectMeta{Name: "no-sources", Namespace: namespace, Labels: map[string]string{catalog.LabelCatalogSource: "true"}},
			Data: map[string]string{"other.yaml": ""}},
	} {
		if _, err := configMaps.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := append(slices.Clone(base), "aa-team", "zz-team")
	eventually(t, "the labelled ConfigMaps mounted by name", 30*time.Second, func() error {
		if got := mountedConfigMaps(t, namespace); !slices.Equal(got, want) {
			return fmt.Errorf("mounted %v, want %v", got, want)
		}
		return nil
	})
	if podTemplateHash(t, namespace) == before {
		t.Error("adding labelled ConfigMaps left the pod template as it was")
	}
	if err := configMaps.Delete(ctx, "zz-team", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want = want[:len(want)-1]
	eventually(t, "the removed labelled ConfigMap unmounted", 30*time.Second, func() error {
		if got := mountedConfigMaps(t, namespace); !slices.Equal(got, want) {
			return fmt.Errorf("mounted %v, want %v", got, want)
		}
		return nil
	})
}

// podTemplateHash is the pod template's identity as the Deployment controller sees it: a change
// makes a new ReplicaSet, so the pod restarts.
func podTemplateHash(t *testing.T, namespace string) string {
	t.Helper()
	d, err := kube.AppsV1().Deployments(namespace).Get(context.Background(), standin.CatalogDeployment, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(d.Spec.Template.Spec)
}
