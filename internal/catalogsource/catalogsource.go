// Package catalogsource is the family of the model catalog's sources: the
// openshiftai_model_catalog_source and openshiftai_model_catalog_default_source
// resources and the openshiftai_model_catalog_sources data source. They write
// what the dashboard's "Model catalog settings" page writes, through the
// domain package catalog.
package catalogsource

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// configure checks the provider data handed to a resource or data source.
func configure(raw any, diags *diag.Diagnostics) *providerdata.Data {
	return providerdata.From(raw, diags)
}

// namespaceOf is the configured namespace, else the provider's registries namespace.
func namespaceOf(ctx context.Context, data *providerdata.Data, configured types.String) (string, diag.Diagnostics) {
	if !configured.IsNull() && !configured.IsUnknown() && configured.ValueString() != "" {
		return configured.ValueString(), nil
	}
	return data.RegistriesNamespace(ctx)
}

// readUserSources reads the user ConfigMap of kind (model-catalog-sources,
// mcp-catalog-sources) for Read and plan checks, from the provider process's
// one LIST of the namespace's ConfigMaps.
func readUserSources(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace string, kind catalog.Kind) (*corev1.ConfigMap, *catalog.SourcesFile, error) {
	u, err := data.ReadObject(ctx, client, kube.ConfigMaps, namespace, kind.ConfigMap)
	if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
		return nil, nil, &catalog.NotDeployedError{Namespace: namespace, ConfigMap: kind.ConfigMap}
	}
	if err != nil {
		return nil, nil, err
	}
	cm, err := catalog.FromObject(u)
	if err != nil {
		return nil, nil, err
	}
	file, err := catalog.SourcesOf(kind, cm)
	return cm, file, err
}

// readShipped reads the shipped sources (either ConfigMap name) the same way;
// nil when the namespace has none.
func readShipped(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace string, kind catalog.Kind) (*catalog.SourcesFile, error) {
	file, _, err := readShippedNamed(ctx, data, client, namespace, kind)
	return file, err
}

// readShippedNamed is readShipped with the name of the ConfigMap it read.
func readShippedNamed(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace string, kind catalog.Kind) (*catalog.SourcesFile, string, error) {
	for _, name := range catalog.ShippedConfigMaps {
		u, err := data.ReadObject(ctx, client, kube.ConfigMaps, namespace, name)
		if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		cm, err := catalog.FromObject(u)
		if err != nil {
			return nil, "", err
		}
		file, err := catalog.SourcesOf(kind, cm)
		return file, name, err
	}
	return nil, "", nil
}

// freshShippedIDs reads the shipped ids with a fresh request, for writes.
// Creates that Terraform runs in parallel share one read in flight: each
// gets the answer of a read that was under way when it asked, or that it
// started. The shared read is not bound to the caller that started it, so
// that caller's timeout fails no other; each caller stops waiting at its own.
func freshShippedIDs(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace string, kind catalog.Kind) ([]string, string, error) {
	read := data.ShareRead("shipped/"+namespace+"/"+kind.ConfigMap, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedReadTimeout)
		defer cancel()
		cm, err := catalog.ShippedSources(ctx, client, namespace)
		if err != nil || cm == nil {
			return shippedIDs{}, err
		}
		file, err := catalog.SourcesOf(kind, cm)
		if err != nil {
			return shippedIDs{}, err
		}
		return shippedIDs{ids: file.IDs(), configMap: cm.Name}, nil
	})
	select {
	case <-ctx.Done():
		return nil, "", ctx.Err()
	case r := <-read:
		if r.Err != nil {
			return nil, "", r.Err
		}
		shipped := r.Val.(shippedIDs) //nolint:forcetypeassert // the function above returns only shippedIDs
		return slices.Clone(shipped.ids), shipped.configMap, nil
	}
}

// sharedReadTimeout bounds a read that parallel creates share.
const sharedReadTimeout = time.Minute

type shippedIDs struct {
	ids       []string
	configMap string
}

// addError reports err as a diagnostic with a summary saying what failed.
func addError(diags *diag.Diagnostics, summary string, err error) {
	if catalog.IsNotDeployed(err) {
		diags.AddAttributeError(path.Root("namespace"), "Model catalog not deployed", err.Error())
		return
	}
	var size *catalog.SizeError
	if errors.As(err, &size) {
		diags.AddError("Model catalog sources too large", err.Error())
		return
	}
	var taken *catalog.IDTakenError
	if errors.As(err, &taken) {
		diags.AddAttributeError(path.Root("source_id"), "Source id already in use", err.Error())
		return
	}
	diags.AddError(summary, err.Error())
}

// stringList converts a list attribute; nil for null or unknown.
func stringList(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// listValue is the list attribute of a string slice; null for none.
func listValue(values []string) types.List {
	if len(values) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}

// parseImportID reads `<source_id>` or `<namespace>/<source_id>`.
func parseImportID(id string) (namespace, sourceID string, err error) {
	namespace, sourceID, found := strings.Cut(id, "/")
	if !found {
		namespace, sourceID = "", id
	}
	if problem := catalog.ValidateID(sourceID); problem != "" {
		return "", "", fmt.Errorf("import ID %q: the source id %s. Use <source_id> or <namespace>/<source_id>, such as my_models or rhoai-model-registries/my_models", id, problem)
	}
	return namespace, sourceID, nil
}

// checkFilters validates a model source's include and exclude patterns at plan time.
func checkFilters(included, excluded []string, diags *diag.Diagnostics) {
	checkPatterns(included, excluded, "included_models", "excluded_models", diags)
}

// checkPatterns validates include and exclude patterns, named by their attributes, at plan time.
func checkPatterns(included, excluded []string, includedName, excludedName string, diags *diag.Diagnostics) {
	for name, list := range map[string][]string{includedName: included, excludedName: excluded} {
		for i, p := range list {
			if problem := catalog.ValidatePattern(p); problem != "" {
				diags.AddAttributeError(path.Root(name).AtListIndex(i), "Invalid pattern", fmt.Sprintf("%s[%d]: %s.", name, i, problem))
			}
		}
	}
	for _, p := range included {
		for _, q := range excluded {
			if strings.EqualFold(p, q) {
				diags.AddAttributeWarning(path.Root(excludedName), "Pattern both included and excluded",
					fmt.Sprintf("%q is in %s and %s; the catalog applies the exclusion, so what it matches is not shown. Remove it from one list.", p, includedName, excludedName))
			}
		}
	}
}

func summaryOf(diags diag.Diagnostics) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags.Errors() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "; ")
}

// sourceIDValidator checks a source id as the dashboard does.
type sourceIDValidator struct{}

func (sourceIDValidator) Description(context.Context) string {
	return "lowercase letters, digits and underscores, at most 238 characters"
}

func (v sourceIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sourceIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := catalog.ValidateID(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid source id", fmt.Sprintf("source_id %s.", problem))
	}
}

// mergedSources lists the namespace's ConfigMaps once and merges the sources
// of kind in the catalog server's order: the shipped ConfigMap, then
// model-catalog-sources and mcp-catalog-sources, then the labelled ConfigMaps
// by name. A namespace without the kind's user ConfigMap is a NotDeployedError.
func mergedSources(ctx context.Context, client kube.Reader, namespace string, kind catalog.Kind) ([]catalog.Merged, error) {
	items, err := client.List(ctx, kube.ConfigMaps, namespace, "")
	if err != nil {
		return nil, fmt.Errorf("listing the ConfigMaps of namespace %s: %w", namespace, err)
	}
	var shipped *catalog.ConfigMapSource
	users := map[string]catalog.ConfigMapSource{}
	var labelled []catalog.ConfigMapSource
	for i := range items {
		cm, err := catalog.FromObject(&items[i])
		if err != nil {
			return nil, err
		}
		isShipped := catalog.IsShippedConfigMap(cm.Name)
		isUser := cm.Name == catalog.UserSourcesConfigMap || cm.Name == catalog.MCPSourcesConfigMap
		isLabelled := !isShipped && !isUser && catalog.IsLabelledSourcesConfigMap(cm)
		if !isShipped && !isUser && !isLabelled {
			continue
		}
		file, err := catalog.SourcesOf(kind, cm)
		if err != nil {
			return nil, err
		}
		src := catalog.ConfigMapSource{Name: cm.Name, File: file}
		switch {
		case isShipped && (shipped == nil || cm.Name == catalog.ShippedConfigMaps[0]):
			shipped = &src
		case isUser:
			users[cm.Name] = src
		case isLabelled:
			labelled = append(labelled, src)
		}
	}
	if _, ok := users[kind.ConfigMap]; !ok {
		return nil, &catalog.NotDeployedError{Namespace: namespace, ConfigMap: kind.ConfigMap}
	}
	var ordered []catalog.ConfigMapSource
	for _, name := range []string{catalog.UserSourcesConfigMap, catalog.MCPSourcesConfigMap} {
		if src, ok := users[name]; ok {
			ordered = append(ordered, src)
		}
	}
	return catalog.Merge(shipped, ordered, labelled), nil
}
