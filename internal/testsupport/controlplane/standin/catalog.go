package standin

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// Catalog plays the model-registry operator's part in the model catalog, per
// DOMAIN.md "What the operator does, observed" (with the catalog enabled it
// creates the three ConfigMaps) and "The model catalog sources":
//   - it creates, in the registries namespace, the ConfigMaps
//     model-catalog-default-sources (the shipped sources), model-catalog-sources
//     (`catalogs: []`) and mcp-catalog-sources, each with the data key
//     sources.yaml and the operator's labels (app, component,
//     app.kubernetes.io/{name,instance,component,part-of} = model-catalog,
//     app.kubernetes.io/{created-by,managed-by} = model-registry-operator);
//   - model-catalog-sources and mcp-catalog-sources are created once: an
//     existing one is left as it is and never written again;
//   - model-catalog-default-sources is reverted to the shipped content whenever
//     it is edited, and made again when deleted.
//
// The shipped sources are two yaml sources, redhat_ai_models and
// redhat_ai_validated_models, with their catalog files in the same ConfigMap.
// Not modelled: the catalog server and its Deployment (nothing reads the files),
// the later name default-catalog-sources, the kubelet's delay in updating
// mounted files.
type Catalog struct {
	kube      kubernetes.Interface
	namespace string
	logf      func(string, ...any)
	cancel    context.CancelFunc
	done      sync.WaitGroup
}

// ShippedSources are the ids of the shipped sources the stand-in makes.
var ShippedSources = []string{"redhat_ai_models", "redhat_ai_validated_models"}

// ShippedSourcesFile is the sources.yaml of model-catalog-default-sources.
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

func shippedData() map[string]string {
	return map[string]string{
		catalog.SourcesKey: ShippedSourcesFile,
		"redhat_ai_models.yaml": "source: Red Hat AI models\nmodels:\n" +
			"  - name: RedHatAI/granite-3.1-8b-instruct\n    provider: IBM\n    license: apache-2.0\n" +
			"    artifacts:\n      - uri: oci://registry.redhat.io/rhelai1/modelcar-granite-3-1-8b-instruct:1.5\n",
		"redhat_ai_validated_models.yaml": "source: Red Hat AI validated models\nmodels:\n" +
			"  - name: RedHatAI/Llama-3.1-8B-Instruct-quantized.w4a16\n    provider: Meta\n" +
			"    artifacts:\n      - uri: oci://registry.redhat.io/rhelai1/modelcar-llama-3-1-8b-instruct-quantized-w4a16:1.5\n",
	}
}

func catalogConfigMap(namespace, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: catalog.OperatorLabels()},
		Data:       data,
	}
}

// StartCatalog makes the catalog's ConfigMaps in namespace and keeps the
// shipped one as shipped until Stop or ctx ends.
func StartCatalog(ctx context.Context, config *rest.Config, namespace string, logf func(string, ...any)) (*Catalog, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	config = rest.CopyConfig(config)
	config.UserAgent = FieldManager
	kube, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	c := &Catalog{kube: kube, namespace: namespace, logf: logf}
	for name, data := range map[string]map[string]string{
		catalog.UserSourcesConfigMap: {catalog.SourcesKey: "catalogs: []\n"},
		catalog.MCPSourcesConfigMap:  {catalog.SourcesKey: "mcp_catalogs: []\n"},
	} {
		_, err := kube.CoreV1().ConfigMaps(namespace).Create(ctx, catalogConfigMap(namespace, name, data), metav1.CreateOptions{FieldManager: FieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("catalog stand-in: creating %s: %w", name, err)
		}
	}
	if err := c.reconcileShipped(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	factory := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithNamespace(namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermEqualSelector("metadata.name", catalog.DefaultSourcesConfigMap).String()
		}))
	informer := factory.Core().V1().ConfigMaps().Informer()
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
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		defer factory.Shutdown()
		for {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				if err := c.reconcileShipped(ctx); err != nil && ctx.Err() == nil {
					c.logf("catalog stand-in: %v", err)
					time.Sleep(100 * time.Millisecond)
					notify(nil)
				}
			}
		}
	}()
	return c, nil
}

// reconcileShipped makes model-catalog-default-sources hold the shipped content.
func (c *Catalog) reconcileShipped(ctx context.Context) error {
	client := c.kube.CoreV1().ConfigMaps(c.namespace)
	want := catalogConfigMap(c.namespace, catalog.DefaultSourcesConfigMap, shippedData())
	got, err := client.Get(ctx, catalog.DefaultSourcesConfigMap, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = client.Create(ctx, want, metav1.CreateOptions{FieldManager: FieldManager})
		return err
	case err != nil:
		return err
	}
	if maps.Equal(got.Data, want.Data) && len(got.BinaryData) == 0 && labelsHold(got.Labels, want.Labels) {
		return nil
	}
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

func labelsHold(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// Stop ends the reverting of the shipped ConfigMap; the ConfigMaps stay.
func (c *Catalog) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.done.Wait()
}
