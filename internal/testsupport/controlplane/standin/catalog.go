package standin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	appsv1apply "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1apply "k8s.io/client-go/applyconfigurations/core/v1"
	metav1apply "k8s.io/client-go/applyconfigurations/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/yaml"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// Catalog plays the model-registry operator's part in the model catalog, per
// DOMAIN.md "What the operator does, observed" (v0.3.8: with the catalog enabled it
// creates the three ConfigMaps and the model-catalog Deployment that mounts them),
// "What later operators change" (Catalog ConfigMaps, v0.3.9 to v0.3.14) and "The
// model catalog sources":
//   - it creates, in the registries namespace, the shipped sources' ConfigMap
//     (v0.3.8 model-catalog-default-sources; v0.3.9 and later default-catalog-sources,
//     and an operator-made model-catalog-default-sources is deleted),
//     model-catalog-sources (`catalogs: []`), mcp-catalog-sources (`mcp_catalogs: []`)
//     and, on v0.3.14, agent-catalog-sources (`agent_catalogs: []`), each with the data
//     key sources.yaml and the operator's labels (app, component,
//     app.kubernetes.io/{name,instance,component,part-of} = model-catalog,
//     app.kubernetes.io/{created-by,managed-by} = model-registry-operator), none owned;
//   - the user ConfigMaps are created once: an existing one is left as it is;
//   - the shipped ConfigMap is reverted to the shipped content whenever it is
//     edited, and made again when deleted;
//   - the model-catalog Deployment mounts the ConfigMaps, in the catalog server's
//     order (shipped, user, MCP, agent, then the labelled ones by name);
//   - v0.3.9 and later: a ConfigMap labelled opendatahub.io/catalog-source: "true"
//     whose name is a DNS label of at most 55 characters and which has the key
//     sources.yaml is mounted too; any other is skipped without a word. Adding or
//     removing one changes the Deployment's pod template, so its pod restarts;
//   - v0.3.14: an entry with id default_catalog is deleted from the user ConfigMaps
//     and the file written back re-marshalled (comments gone, keys sorted).
//
// The shipped sources are two yaml sources, redhat_ai_models and
// redhat_ai_validated_models, with their catalog files in the same ConfigMap; v0.3.14's
// file also has labels, namedQueries, mcp_catalogs (rh_mcp_servers,
// rh_partner_mcp_servers, community_mcp_servers) and agent_catalogs, as observed in
// default-catalog-sources of the real v0.3.14. Not modelled: the catalog server (the
// Deployment runs pause, nothing reads the files), its database, the kubelet's delay in
// updating mounted files.
type Catalog struct {
	kube       kubernetes.Interface
	namespace  string
	generation Generation
	logf       func(string, ...any)
	cancel     context.CancelFunc
	done       sync.WaitGroup
	configMaps corelisters.ConfigMapLister
	// mounted is the ConfigMap list of the Deployment last applied.
	mounted []string
}

// CatalogOptions configure StartCatalogWith.
type CatalogOptions struct {
	// Namespace is the registries namespace, where the catalog's ConfigMaps are.
	Namespace string
	// Generation is the operator release played; DefaultGeneration when empty.
	Generation Generation
	// Logf reports errors the stand-in retries; silent when nil.
	Logf func(format string, args ...any)
}

// CatalogDeployment is the catalog server's Deployment.
const CatalogDeployment = "model-catalog"

// DefaultCatalogID is the id the v0.3.14 operator deletes from the user ConfigMaps.
const DefaultCatalogID = "default_catalog"

// MaxLabelledConfigMapName is the longest name of a labelled catalog ConfigMap the operator mounts.
const MaxLabelledConfigMapName = 55

// ShippedSources are the ids of the shipped sources the stand-in makes.
var ShippedSources = []string{"redhat_ai_models", "redhat_ai_validated_models"}

// ShippedMCPSources are the ids of the shipped MCP sources of v0.3.14's file.
var ShippedMCPSources = []string{"rh_mcp_servers", "rh_partner_mcp_servers", "community_mcp_servers"}

// ShippedSourcesFile is the sources.yaml of v0.3.8's model-catalog-default-sources.
const ShippedSourcesFile = `catalogs:
  - id: redhat_ai_models
    name: Red Hat AI models
    type: yaml
    enabled: true
    labels:
      - Red Hat AI
    properties:
      yamlCatalogPath: redhat_ai_models.yaml
  - id: redhat_ai_validated_models
    name: Red Hat AI validated models
    type: yaml
    enabled: true
    labels:
      - Red Hat AI
      - Validated
    properties:
      yamlCatalogPath: redhat_ai_validated_models.yaml
`

// ShippedSourcesFileV0_3_14 is the sources.yaml of v0.3.14's default-catalog-sources: the
// same model sources, then the top-level keys that generation added.
const ShippedSourcesFileV0_3_14 = ShippedSourcesFile + `mcp_catalogs:
  - id: rh_mcp_servers
    name: Red Hat MCP servers
    type: yaml
    enabled: true
    labels:
      - Red Hat
    properties:
      yamlCatalogPath: rh_mcp_servers.yaml
  - id: rh_partner_mcp_servers
    name: Red Hat partner MCP servers
    type: yaml
    enabled: true
    labels:
      - Partner
    properties:
      yamlCatalogPath: rh_partner_mcp_servers.yaml
  - id: community_mcp_servers
    name: Community MCP servers
    type: yaml
    enabled: true
    labels:
      - Community
    properties:
      yamlCatalogPath: community_mcp_servers.yaml
agent_catalogs: []
labels:
  - name: Red Hat AI
    assetType: models
  - name: Validated
    assetType: models
  - name: Red Hat
    assetType: mcp_servers
  - name: Partner
    assetType: mcp_servers
  - name: Community
    assetType: mcp_servers
namedQueries:
  validated_models:
    labels:
      operator: contains
      value: Validated
`

// ShippedSourcesFile is the sources.yaml of the shipped ConfigMap of generation g.
func (g Generation) ShippedSourcesFile() string {
	if g.orDefault() == V0_3_8 {
		return ShippedSourcesFile
	}
	return ShippedSourcesFileV0_3_14
}

func shippedData(g Generation) map[string]string {
	data := map[string]string{
		catalog.SourcesKey: g.ShippedSourcesFile(),
		"redhat_ai_models.yaml": "source: Red Hat AI models\nmodels:\n" +
			"  - name: RedHatAI/granite-3.1-8b-instruct\n    provider: IBM\n    license: apache-2.0\n" +
			"    artifacts:\n      - uri: oci://registry.redhat.io/rhelai1/modelcar-granite-3-1-8b-instruct:1.5\n",
		"redhat_ai_validated_models.yaml": "source: Red Hat AI validated models\nmodels:\n" +
			"  - name: RedHatAI/Llama-3.1-8B-Instruct-quantized.w4a16\n    provider: Meta\n" +
			"    artifacts:\n      - uri: oci://registry.redhat.io/rhelai1/modelcar-llama-3-1-8b-instruct-quantized-w4a16:1.5\n",
	}
	if g.orDefault() != V0_3_8 {
		for _, id := range ShippedMCPSources {
			data[id+".yaml"] = "source: " + id + "\nmcp_servers:\n  - name: " + strings.ReplaceAll(id, "_", "-") + "-example\n"
		}
	}
	return data
}

func catalogConfigMap(namespace, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: catalog.OperatorLabels()},
		Data:       data,
	}
}

// StartCatalog makes the catalog's ConfigMaps in namespace as the newest generation does, and
// keeps them until Stop or ctx ends. StartCatalogWith picks the generation.
func StartCatalog(ctx context.Context, config *rest.Config, namespace string, logf func(string, ...any)) (*Catalog, error) {
	return StartCatalogWith(ctx, config, CatalogOptions{Namespace: namespace, Logf: logf})
}

// StartCatalogWith makes the catalog's ConfigMaps and Deployment as opts.Generation does and
// keeps them so until Stop or ctx ends.
func StartCatalogWith(ctx context.Context, config *rest.Config, opts CatalogOptions) (*Catalog, error) {
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	generation, err := ParseGeneration(string(opts.Generation))
	if err != nil {
		return nil, fmt.Errorf("catalog stand-in: %w", err)
	}
	namespace := opts.Namespace
	config = rest.CopyConfig(config)
	config.UserAgent = FieldManager
	kube, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	c := &Catalog{kube: kube, namespace: namespace, generation: generation, logf: logf}
	userFiles := map[string]map[string]string{
		catalog.UserSourcesConfigMap: {catalog.SourcesKey: "catalogs: []\n"},
		catalog.MCPSourcesConfigMap:  {catalog.SourcesKey: "mcp_catalogs: []\n"},
	}
	if name := generation.AgentSourcesConfigMap(); name != "" {
		userFiles[name] = map[string]string{catalog.SourcesKey: "agent_catalogs: []\n"}
	}
	for name, data := range userFiles {
		_, err := kube.CoreV1().ConfigMaps(namespace).Create(ctx, catalogConfigMap(namespace, name, data), metav1.CreateOptions{FieldManager: FieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("catalog stand-in: creating %s: %w", name, err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	factory := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithNamespace(namespace))
	informer := factory.Core().V1().ConfigMaps().Informer()
	c.configMaps = factory.Core().V1().ConfigMaps().Lister()
	changed := make(chan struct{}, 1)
	notify := func(any) {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: notify, UpdateFunc: func(_, obj any) { notify(obj) }, DeleteFunc: notify,
	}); err != nil {
		cancel()
		return nil, err
	}
	factory.Start(ctx.Done())
	syncCtx, syncCancel := context.WithTimeout(ctx, 30*time.Second)
	defer syncCancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), informer.HasSynced) {
		cancel()
		factory.Shutdown()
		return nil, errors.New("catalog stand-in: the ConfigMap informer did not sync in 30s")
	}
	if err := c.reconcile(ctx); err != nil {
		cancel()
		factory.Shutdown()
		return nil, err
	}
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		defer factory.Shutdown()
		for {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				if err := c.reconcile(ctx); err != nil && ctx.Err() == nil {
					c.logf("catalog stand-in: %v", err)
					time.Sleep(100 * time.Millisecond)
					notify(nil)
				}
			}
		}
	}()
	return c, nil
}

// reconcile brings the shipped ConfigMap, the user files and the Deployment to what the
// generation makes of the ConfigMaps there are.
func (c *Catalog) reconcile(ctx context.Context) error {
	if err := c.reconcileShipped(ctx); err != nil {
		return err
	}
	if c.generation.ShippedSourcesConfigMap() != catalog.DefaultSourcesConfigMap {
		// v0.3.9 and later delete model-catalog-default-sources when the operator made it.
		if err := c.deleteOldShipped(ctx); err != nil {
			return err
		}
	}
	if c.generation.RemovesDefaultCatalogID() {
		if err := c.removeDefaultCatalog(ctx); err != nil {
			return err
		}
	}
	return c.reconcileDeployment(ctx)
}

// reconcileShipped makes the shipped ConfigMap hold the shipped content.
func (c *Catalog) reconcileShipped(ctx context.Context) error {
	name := c.generation.ShippedSourcesConfigMap()
	client := c.kube.CoreV1().ConfigMaps(c.namespace)
	want := catalogConfigMap(c.namespace, name, shippedData(c.generation))
	got, err := c.configMaps.ConfigMaps(c.namespace).Get(name)
	switch {
	case apierrors.IsNotFound(err):
		_, err = client.Create(ctx, want, metav1.CreateOptions{FieldManager: FieldManager})
		if apierrors.IsAlreadyExists(err) {
			return nil // the informer has not seen it yet; its event comes
		}
		return err
	case err != nil:
		return err
	}
	if maps.Equal(got.Data, want.Data) && len(got.BinaryData) == 0 && labelsHold(got.Labels, want.Labels) {
		return nil
	}
	got = got.DeepCopy()
	got.Data, got.BinaryData = want.Data, nil
	if got.Labels == nil {
		got.Labels = map[string]string{}
	}
	maps.Copy(got.Labels, want.Labels)
	_, err = client.Update(ctx, got, metav1.UpdateOptions{FieldManager: FieldManager})
	if apierrors.IsConflict(err) {
		return nil // the newer version is reconciled on its own event
	}
	return err
}

// deleteOldShipped deletes model-catalog-default-sources when it carries the operator's labels.
func (c *Catalog) deleteOldShipped(ctx context.Context) error {
	old, err := c.configMaps.ConfigMaps(c.namespace).Get(catalog.DefaultSourcesConfigMap)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if old.Labels["app.kubernetes.io/created-by"] != catalog.OperatorLabels()["app.kubernetes.io/created-by"] {
		return nil
	}
	err = c.kube.CoreV1().ConfigMaps(c.namespace).Delete(ctx, old.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &old.UID}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// userConfigMaps are the ConfigMaps the catalog server reads after the shipped one, in its
// order: user, MCP, agent (v0.3.14), then the labelled ones by name (v0.3.9 and later).
func (c *Catalog) userConfigMaps() ([]*corev1.ConfigMap, error) {
	var out []*corev1.ConfigMap
	for _, name := range []string{catalog.UserSourcesConfigMap, catalog.MCPSourcesConfigMap, c.generation.AgentSourcesConfigMap()} {
		if name == "" {
			continue
		}
		cm, err := c.configMaps.ConfigMaps(c.namespace).Get(name)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, cm)
	}
	if !c.generation.LabelledCatalogSources() {
		return out, nil
	}
	all, err := c.configMaps.ConfigMaps(c.namespace).List(labels.SelectorFromSet(labels.Set{catalog.LabelCatalogSource: "true"}))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *corev1.ConfigMap) int { return strings.Compare(a.Name, b.Name) })
	for _, cm := range all {
		if LabelledConfigMapMounted(cm) {
			out = append(out, cm)
		}
	}
	return out, nil
}

// LabelledConfigMapMounted says whether the operator mounts a ConfigMap labelled
// opendatahub.io/catalog-source: "true" (v0.3.9 and later): its name is a DNS label of at
// most 55 characters and it has the key sources.yaml. Any other it skips and says nothing.
func LabelledConfigMapMounted(cm *corev1.ConfigMap) bool {
	if cm.Labels[catalog.LabelCatalogSource] != "true" || len(cm.Name) > MaxLabelledConfigMapName ||
		len(validation.IsDNS1123Label(cm.Name)) > 0 {
		return false
	}
	_, ok := cm.Data[catalog.SourcesKey]
	return ok
}

// removeDefaultCatalog deletes entries with id default_catalog from the user ConfigMaps and
// writes each changed file back re-marshalled, as v0.3.14 does: comments go, keys get sorted.
func (c *Catalog) removeDefaultCatalog(ctx context.Context) error {
	users, err := c.userConfigMaps()
	if err != nil {
		return err
	}
	for _, cm := range users {
		file := cm.Data[catalog.SourcesKey]
		if !strings.Contains(file, DefaultCatalogID) {
			continue
		}
		cleaned, changed := withoutDefaultCatalog(file)
		if !changed {
			continue
		}
		updated := cm.DeepCopy()
		updated.Data[catalog.SourcesKey] = cleaned
		_, err := c.kube.CoreV1().ConfigMaps(c.namespace).Update(ctx, updated, metav1.UpdateOptions{FieldManager: FieldManager})
		if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			return fmt.Errorf("removing %s from %s: %w", DefaultCatalogID, cm.Name, err)
		}
	}
	return nil
}

// withoutDefaultCatalog re-marshals a sources.yaml without its default_catalog entries; a file
// that does not parse, or has none, is left alone.
func withoutDefaultCatalog(file string) (string, bool) {
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(file), &doc); err != nil || doc == nil {
		return file, false
	}
	changed := false
	for key, value := range doc {
		list, ok := value.([]any)
		if !ok {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(list), func(item any) bool {
			entry, ok := item.(map[string]any)
			return ok && entry["id"] == DefaultCatalogID
		})
		if len(kept) != len(list) {
			doc[key], changed = kept, true
		}
	}
	if !changed {
		return file, false
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return file, false
	}
	return string(out), true
}

// reconcileDeployment applies the model-catalog Deployment when the ConfigMaps it mounts change.
func (c *Catalog) reconcileDeployment(ctx context.Context) error {
	mounted := []string{c.generation.ShippedSourcesConfigMap()}
	users, err := c.userConfigMaps()
	if err != nil {
		return err
	}
	for _, cm := range users {
		mounted = append(mounted, cm.Name)
	}
	if slices.Equal(mounted, c.mounted) {
		return nil
	}
	deployment := catalogDeployment(c.namespace, mounted)
	_, err = c.kube.AppsV1().Deployments(c.namespace).Apply(ctx, deployment, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("apply Deployment %s: %w", CatalogDeployment, err)
	}
	c.mounted = mounted
	return nil
}

// catalogDeployment mounts each ConfigMap under /shared-data/<name> and passes the sources
// files in the order the catalog server reads them; a change of that list changes the pod
// template, so the pod restarts.
func catalogDeployment(namespace string, configMaps []string) *appsv1apply.DeploymentApplyConfiguration {
	container := corev1apply.Container().WithName("catalog").WithImage(Image)
	pod := corev1apply.PodSpec()
	for i, name := range configMaps {
		volume := fmt.Sprintf("sources-%d", i)
		container.WithArgs("--catalogs-path=/shared-data/" + name + "/" + catalog.SourcesKey).
			WithVolumeMounts(corev1apply.VolumeMount().WithName(volume).WithMountPath("/shared-data/" + name).WithReadOnly(true))
		pod.WithVolumes(corev1apply.Volume().WithName(volume).WithConfigMap(corev1apply.ConfigMapVolumeSource().WithName(name)))
	}
	pod.WithContainers(container)
	selector := map[string]string{"app": CatalogDeployment, "component": CatalogDeployment}
	return appsv1apply.Deployment(CatalogDeployment, namespace).WithLabels(catalog.OperatorLabels()).
		WithSpec(appsv1apply.DeploymentSpec().WithReplicas(1).
			WithSelector(metav1apply.LabelSelector().WithMatchLabels(selector)).
			WithTemplate(corev1apply.PodTemplateSpec().WithLabels(catalog.OperatorLabels()).WithSpec(pod)))
}

func labelsHold(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// Stop ends the catalog's reconciling; the ConfigMaps and the Deployment stay.
func (c *Catalog) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.done.Wait()
}
