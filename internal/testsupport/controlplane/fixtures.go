package controlplane

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

//go:embed fixtures/*.yaml
var fixtureFiles embed.FS

// Names of the fixtures, for tests that look them up.
const (
	// RegistriesNamespace is the namespace the DataScienceCluster fixture names for registries.
	RegistriesNamespace = "rhoai-model-registries"
	// DataScienceClusterName is the DataScienceCluster fixture.
	DataScienceClusterName = "default-dsc"
	// TrustedCABundleConfigMap holds the cluster-wide and OpenShift AI CA bundles.
	TrustedCABundleConfigMap = "odh-trusted-ca-bundle"
	// FixtureFieldManager owns everything Start applies.
	FixtureFieldManager = "openshiftai-controlplane-fixtures"
	// AppsDomain is the local cluster's ingress domain: the router stand-in gives a Route without
	// spec.host the host <name>-<namespace>.<AppsDomain>, as OpenShift does with its apps domain.
	AppsDomain = "apps.openshiftai.local"

	// The CA bundle keys must stay in one place across test binaries sharing an external
	// cluster, or each would overwrite the bundle with CAs whose keys the others lack.
	fixtureKeysNamespace = "openshiftai-test-fixtures"
	fixtureKeysSecret    = "trusted-ca-bundle-keys"
)

var (
	crdResource       = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	namespaceResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	configMapResource = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	secretResource    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	dscResource       = schema.GroupVersionResource{Group: "datasciencecluster.opendatahub.io", Version: "v1", Resource: "datascienceclusters"}
)

// CRD names of the fixtures.
const (
	ModelRegistryCRD      = "modelregistries.modelregistry.opendatahub.io"
	GroupCRD              = "groups.user.openshift.io"
	DataScienceClusterCRD = "datascienceclusters.datasciencecluster.opendatahub.io"
	// RouteCRD is installed on the local control plane only: OpenShift serves Routes itself.
	RouteCRD = "routes.route.openshift.io"
	// HTTPRouteCRD and ReferenceGrantCRD are the Gateway API kinds the operator's gateway mode
	// writes; installed unless Options.NoGatewayAPI, and never over a cluster's own.
	HTTPRouteCRD      = "httproutes.gateway.networking.k8s.io"
	ReferenceGrantCRD = "referencegrants.gateway.networking.k8s.io"
)

// installFixtures applies the fixtures with server-side apply; it is idempotent. The Route CRD
// goes to the local control plane only: on OpenShift Routes are built in, and on kind the
// operator is meant to find no route.openshift.io and take its plain Kubernetes paths.
func (cp *ControlPlane) installFixtures(ctx context.Context) error {
	start := time.Now()
	client, err := dynamic.NewForConfig(cp.RESTConfig)
	if err != nil {
		return err
	}
	modelRegistryCRD, err := cp.crdFromDirOr(ModelRegistryCRD, "modelregistry-crd.yaml")
	if err != nil {
		return err
	}
	groupCRD, err := embeddedObject("group-crd.yaml")
	if err != nil {
		return err
	}
	dscCRD, err := embeddedObject("datasciencecluster-crd.yaml")
	if err != nil {
		return err
	}
	crds := []*unstructured.Unstructured{modelRegistryCRD, groupCRD, dscCRD}
	names := []string{ModelRegistryCRD, GroupCRD, DataScienceClusterCRD}
	if !cp.External {
		routeCRD, err := cp.crdFromDirOr(RouteCRD, "route-crd.yaml")
		if err != nil {
			return err
		}
		crds, names = append(crds, routeCRD), append(names, RouteCRD)
	}
	for _, crd := range crds {
		if err := apply(ctx, client.Resource(crdResource), crd); err != nil {
			return err
		}
	}
	for _, name := range names {
		if err := waitEstablished(ctx, client, name); err != nil {
			return err
		}
	}
	if !cp.opts.NoGatewayAPI {
		if err := cp.InstallGatewayAPI(ctx); err != nil {
			return err
		}
	}

	namespace, err := embeddedObject("namespace.yaml")
	if err != nil {
		return err
	}
	if err := apply(ctx, client.Resource(namespaceResource), namespace); err != nil {
		return err
	}
	if err := cp.installCABundle(ctx, client); err != nil {
		return err
	}

	dsc, err := embeddedObject("default-dsc.yaml")
	if err != nil {
		return err
	}
	status := dsc.Object["status"]
	delete(dsc.Object, "status")
	if err := apply(ctx, client.Resource(dscResource), dsc); err != nil {
		return err
	}
	dsc.Object["status"] = status
	if _, err := client.Resource(dscResource).ApplyStatus(ctx, dsc.GetName(), dsc,
		metav1.ApplyOptions{FieldManager: FixtureFieldManager, Force: true}); err != nil {
		return fmt.Errorf("apply status of DataScienceCluster %s: %w", dsc.GetName(), err)
	}
	cp.opts.Logf("fixtures installed in %s", time.Since(start).Round(10*time.Millisecond))
	return nil
}

// InstallGatewayAPI creates the minimal HTTPRoute and ReferenceGrant CRDs where the cluster has
// none: operator v0.3.14's finalizer needs the kinds served (DOMAIN.md, "What later operators
// change"), as OpenShift 4.19 and later serve them. A cluster's own Gateway API is left alone.
func (cp *ControlPlane) InstallGatewayAPI(ctx context.Context) error {
	client, err := dynamic.NewForConfig(cp.RESTConfig)
	if err != nil {
		return err
	}
	for _, fixture := range []struct{ name, file string }{
		{HTTPRouteCRD, "gateway-httproute-crd.yaml"}, {ReferenceGrantCRD, "gateway-referencegrant-crd.yaml"},
	} {
		crd, err := embeddedObject(fixture.file)
		if err != nil {
			return err
		}
		_, err = client.Resource(crdResource).Create(ctx, crd, metav1.CreateOptions{FieldManager: FixtureFieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create CustomResourceDefinition %s: %w", fixture.name, err)
		}
		if err := waitEstablished(ctx, client, fixture.name); err != nil {
			return err
		}
	}
	return nil
}

// crdFromDirOr is the CustomResourceDefinition name found in Options.CRDDir, or the fixture. A
// ModelRegistry CRD must be there when the directory is set; a Route CRD may be.
func (cp *ControlPlane) crdFromDirOr(name, fixture string) (*unstructured.Unstructured, error) {
	if cp.opts.CRDDir == "" {
		return embeddedObject(fixture)
	}
	files, err := filepath.Glob(filepath.Join(cp.opts.CRDDir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		objects, err := decodeYAML(content)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, obj := range objects {
			if obj.GetKind() == "CustomResourceDefinition" && obj.GetName() == name {
				cp.opts.Logf("CRD %s from %s", name, file)
				return obj, nil
			}
		}
	}
	if name != ModelRegistryCRD {
		return embeddedObject(fixture)
	}
	return nil, fmt.Errorf("%s=%s: no *.yaml file there holds the CustomResourceDefinition %s", EnvCRDDir, cp.opts.CRDDir, name)
}

// installCABundle writes odh-trusted-ca-bundle with two CAs. Their keys are kept in a Secret
// so that every Start against the same cluster reuses them instead of replacing the bundle.
func (cp *ControlPlane) installCABundle(ctx context.Context, client dynamic.Interface) error {
	keysNamespace := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": fixtureKeysNamespace},
	}}
	if err := apply(ctx, client.Resource(namespaceResource), keysNamespace); err != nil {
		return err
	}
	secrets := client.Resource(secretResource).Namespace(fixtureKeysNamespace)
	secret, err := secrets.Get(ctx, fixtureKeysSecret, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		clusterCA, err := NewCA("openshiftai-test cluster-wide CA")
		if err != nil {
			return err
		}
		openShiftCA, err := NewCA("openshiftai-test OpenShift AI CA")
		if err != nil {
			return err
		}
		secret = &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": fixtureKeysSecret, "namespace": fixtureKeysNamespace},
			"type":     "Opaque",
			"stringData": map[string]any{
				"cluster.crt": string(clusterCA.CertPEM), "cluster.key": string(clusterCA.KeyPEM),
				"openshift.crt": string(openShiftCA.CertPEM), "openshift.key": string(openShiftCA.KeyPEM),
			},
		}}
		// Create, not apply: when two binaries race, the loser reads the winner's keys.
		if _, err := secrets.Create(ctx, secret, metav1.CreateOptions{FieldManager: FixtureFieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create Secret %s/%s: %w", fixtureKeysNamespace, fixtureKeysSecret, err)
		}
		secret, err = secrets.Get(ctx, fixtureKeysSecret, metav1.GetOptions{})
		if err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("get Secret %s/%s: %w", fixtureKeysNamespace, fixtureKeysSecret, err)
	}
	data, _, _ := unstructured.NestedStringMap(secret.Object, "data")
	decoded := map[string][]byte{}
	for key, value := range data {
		if decoded[key], err = decodeBase64(value); err != nil {
			return fmt.Errorf("key %s of Secret %s/%s: %w", key, fixtureKeysNamespace, fixtureKeysSecret, err)
		}
	}
	if cp.ClusterBundleCA, err = ParseKeyPair(decoded["cluster.crt"], decoded["cluster.key"]); err != nil {
		return fmt.Errorf("cluster.crt/key of Secret %s/%s: %w", fixtureKeysNamespace, fixtureKeysSecret, err)
	}
	if cp.OpenShiftBundleCA, err = ParseKeyPair(decoded["openshift.crt"], decoded["openshift.key"]); err != nil {
		return fmt.Errorf("openshift.crt/key of Secret %s/%s: %w", fixtureKeysNamespace, fixtureKeysSecret, err)
	}
	bundle := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{
			"name": TrustedCABundleConfigMap, "namespace": RegistriesNamespace,
			"labels": map[string]any{"app.kubernetes.io/part-of": "opendatahub-operator"},
		},
		"data": map[string]any{
			"ca-bundle.crt":     string(cp.ClusterBundleCA.CertPEM),
			"odh-ca-bundle.crt": string(cp.OpenShiftBundleCA.CertPEM),
		},
	}}
	return apply(ctx, client.Resource(configMapResource).Namespace(RegistriesNamespace), bundle)
}

func apply(ctx context.Context, resource dynamic.ResourceInterface, obj *unstructured.Unstructured) error {
	_, err := resource.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FixtureFieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("apply %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	return nil
}

func waitEstablished(ctx context.Context, client dynamic.Interface, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		crd, err := client.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
		if err == nil && crdConditionTrue(crd, "Established") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CustomResourceDefinition %s not Established after 30s (last error: %v)", name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func crdConditionTrue(crd *unstructured.Unstructured, conditionType string) bool {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conditions {
		condition, _ := c.(map[string]any)
		if condition["type"] == conditionType && condition["status"] == "True" {
			return true
		}
	}
	return false
}

func embeddedObject(name string) (*unstructured.Unstructured, error) {
	content, err := fixtureFiles.ReadFile("fixtures/" + name)
	if err != nil {
		return nil, err
	}
	objects, err := decodeYAML(content)
	if err != nil || len(objects) != 1 {
		return nil, fmt.Errorf("fixture %s: want one object, got %d (%v)", name, len(objects), err)
	}
	return objects[0], nil
}

// decodeYAML splits a multi-document YAML stream into objects, skipping empty documents.
func decodeYAML(content []byte) ([]*unstructured.Unstructured, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(content)))
	var objects []*unstructured.Unstructured
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		var object map[string]any
		if err := yaml.Unmarshal(document, &object); err != nil {
			return nil, err
		}
		if len(object) == 0 || strings.TrimSpace(string(document)) == "" {
			continue
		}
		objects = append(objects, &unstructured.Unstructured{Object: object})
	}
}
