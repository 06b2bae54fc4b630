package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// A source is placed either in the kind's shared ConfigMap, which the
// dashboard rewrites (model-catalog-sources, mcp-catalog-sources), or in a
// labelled ConfigMap of its own (block own_config_map).

// ownConfigMapModel is the own_config_map block.
type ownConfigMapModel struct {
	Name types.String `tfsdk:"name"`
}

// ownName is the own ConfigMap's name, "" for the shared placement.
func ownName(m *ownConfigMapModel) string {
	if m == nil {
		return ""
	}
	return m.Name.ValueString()
}

// ownCostWarning is what a source in a ConfigMap of its own costs.
const ownCostWarning = "The dashboard's settings pages do not list sources in a ConfigMap of their own (the catalog does), " +
	"and adding or removing such a ConfigMap changes the catalog's Deployment, so its pod restarts."

func ownConfigMapBlock(kind catalog.Kind) schema.Block {
	return schema.SingleNestedBlock{
		MarkdownDescription: fmt.Sprintf("Places the source in a ConfigMap of its own instead of `%s`: the ConfigMap is labelled "+
			"`opendatahub.io/catalog-source: \"true\"`, its `sources.yaml` holds the one entry and the data key `<source_id>.yaml` the "+
			"catalog file. Operators from v0.3.9 load such ConfigMaps last, by name. It lifts the 1 MiB that all sources share in `%s` "+
			"and takes the source out of the read-modify-write against the dashboard. It costs: the dashboard's settings pages do not "+
			"list the source, and adding or removing the ConfigMap restarts the catalog's pod. On an operator that does not load "+
			"labelled ConfigMaps (before v0.3.9) the plan fails. Adding, removing or renaming the block replaces the source.",
			kind.ConfigMap, kind.ConfigMap),
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true, // required when the block is present: checked by ValidateConfig
				MarkdownDescription: "Required in the block. Name of the ConfigMap: a DNS label of at most 55 characters (the operator " +
					"skips longer names without a word). The provider creates and deletes it; an existing ConfigMap of that name is refused.",
				Validators:    []validator.String{ownNameValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

// validateOwnConfigMap is the plan-time check of the block that needs no cluster.
func validateOwnConfigMap(m *ownConfigMapModel, diags *diag.Diagnostics) {
	if m == nil {
		return
	}
	if m.Name.IsNull() {
		diags.AddAttributeError(path.Root("own_config_map").AtName("name"), "Missing ConfigMap name",
			"own_config_map.name is required: the name of the labelled ConfigMap that holds the source, a DNS label of at most 55 characters.")
		return
	}
	diags.AddAttributeWarning(path.Root("own_config_map"), "Source in a ConfigMap of its own", ownCostWarning)
}

// checkOwnPlacement is the plan-time check of a new source in a ConfigMap of
// its own, best effort: the operator must load labelled ConfigMaps, and the
// ConfigMap must not exist.
func checkOwnPlacement(ctx context.Context, data *providerdata.Data, namespace, name, id string, kind catalog.Kind, diags *diag.Diagnostics) {
	if namespace == "" || name == "" || data == nil {
		return
	}
	client, err := data.Client()
	if err != nil {
		return
	}
	_, shippedName, err := readShippedNamed(ctx, data, client, namespace, kind)
	if err == nil && shippedName == catalog.DefaultSourcesConfigMap {
		diags.AddAttributeError(path.Root("own_config_map"), "Labelled ConfigMaps not loaded", notLoadedMessage(namespace))
		return
	}
	u, err := client.Get(ctx, kube.ConfigMaps, namespace, name)
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		diags.AddWarning("ConfigMap not checked", fmt.Sprintf("Reading ConfigMap %s/%s failed (%v). The apply checks again.", namespace, name, err))
	default:
		if cm, err := catalog.FromObject(u); err == nil && !catalog.IsOwnConfigMapOf(cm, id) {
			diags.AddAttributeError(path.Root("own_config_map").AtName("name"), "ConfigMap exists", ownTakenMessage(namespace, name))
		}
	}
}

func notLoadedMessage(namespace string) string {
	return fmt.Sprintf("The model registry operator of namespace %q does not load labelled ConfigMaps: its shipped sources are in %s, "+
		"the name of operators before v0.3.9, which mount only their own ConfigMaps; a source in a ConfigMap of its own would never "+
		"reach the catalog. Remove the own_config_map block to place the source in the shared ConfigMap, or upgrade the operator "+
		"(v0.3.9 and later name that ConfigMap %s and load labelled ones).",
		namespace, catalog.DefaultSourcesConfigMap, catalog.LaterDefaultSourcesConfigMap)
}

func ownTakenMessage(namespace, name string) string {
	return fmt.Sprintf("ConfigMap %s/%s already exists and was not made by the provider for this source. A source in a ConfigMap "+
		"of its own needs a ConfigMap the provider creates and deletes: choose another own_config_map.name.", namespace, name)
}

// writePlaced writes s where it is placed: with create, an id or own
// ConfigMap that is taken is an error.
func writePlaced(ctx context.Context, writes *catalog.Batches, client catalog.Cluster, namespace, own string, s catalog.UserSource, create bool) (catalog.ModifyResult, error) {
	if own == "" {
		return writes.Modify(ctx, client, namespace, s.Kind.ConfigMap, func(cm *corev1.ConfigMap) error {
			return catalog.PutSource(cm, s, create)
		})
	}
	cm, err := catalog.OwnConfigMap(namespace, own, s)
	if err != nil {
		return catalog.ModifyResult{}, err
	}
	if create {
		u, err := client.Get(ctx, kube.ConfigMaps, namespace, own)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return catalog.ModifyResult{}, err
		default:
			if existing, err := catalog.FromObject(u); err != nil || !catalog.IsOwnConfigMapOf(existing, s.ID) {
				return catalog.ModifyResult{}, fmt.Errorf("%s", ownTakenMessage(namespace, own))
			}
		}
	}
	if _, err := client.Apply(ctx, cm, kube.ApplyOptions{}); err != nil {
		return catalog.ModifyResult{}, err
	}
	return catalog.ModifyResult{Written: true, Batched: 1}, nil
}

// removePlaced removes the source of id from where it is placed: its entry
// and file from the shared ConfigMap, or its own ConfigMap.
func removePlaced(ctx context.Context, writes *catalog.Batches, client catalog.Cluster, namespace, own string, kind catalog.Kind, id string) (catalog.ModifyResult, error) {
	if own == "" {
		return writes.Modify(ctx, client, namespace, kind.ConfigMap, func(cm *corev1.ConfigMap) error {
			_, err := catalog.RemoveSource(cm, kind, id)
			return err
		})
	}
	return catalog.ModifyResult{Written: true, Batched: 1}, client.Delete(ctx, kube.ConfigMaps, namespace, own, "")
}

// readPlaced reads the source of id from where it is placed, with the data of
// its ConfigMap; found is false when the source or its own ConfigMap is gone.
func readPlaced(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, own string, kind catalog.Kind, id string) (e catalog.Entry, cmData map[string]string, found bool, err error) {
	if own == "" {
		cm, file, err := readUserSources(ctx, data, client, namespace, kind)
		if err != nil {
			return catalog.Entry{}, nil, false, err
		}
		e, found := file.Find(id)
		return e, cm.Data, found, nil
	}
	u, err := data.ReadObject(ctx, client, kube.ConfigMaps, namespace, own)
	if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
		return catalog.Entry{}, nil, false, nil
	}
	if err != nil {
		return catalog.Entry{}, nil, false, err
	}
	cm, err := catalog.FromObject(u)
	if err != nil {
		return catalog.Entry{}, nil, false, err
	}
	file, err := catalog.SourcesOf(kind, cm)
	if err != nil {
		return catalog.Entry{}, nil, false, err
	}
	e, found = file.Find(id)
	return e, cm.Data, found, nil
}

// findOwnConfigMap looks for the labelled ConfigMap the provider made for the
// source id, for an import; "" when there is none.
func findOwnConfigMap(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, id string) (string, error) {
	items, err := data.ListObjects(ctx, client, kube.ConfigMaps, namespace)
	if err != nil {
		return "", err
	}
	for i := range items {
		cm, err := catalog.FromObject(&items[i])
		if err == nil && catalog.IsOwnConfigMapOf(cm, id) {
			return cm.Name, nil
		}
	}
	return "", nil
}

// ownNameValidator checks own_config_map.name as the operator does.
type ownNameValidator struct{}

func (ownNameValidator) Description(context.Context) string {
	return "a DNS label of at most 55 characters"
}

func (v ownNameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (ownNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := catalog.ValidateOwnConfigMapName(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ConfigMap name", fmt.Sprintf("own_config_map.name %s.", problem))
	}
}

// findPlaced finds the source of id for an import: in the kind's shared
// ConfigMap, else in the labelled ConfigMap the provider made for it; own is
// that ConfigMap's name, "" for the shared one.
func findPlaced(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace string, kind catalog.Kind, id string) (e catalog.Entry, cmData map[string]string, own string, found bool, err error) {
	e, cmData, found, err = readPlaced(ctx, data, client, namespace, "", kind, id)
	if err != nil || found {
		return e, cmData, "", found, err
	}
	if own, err = findOwnConfigMap(ctx, data, client, namespace, id); err != nil || own == "" {
		return catalog.Entry{}, nil, "", false, err
	}
	e, cmData, found, err = readPlaced(ctx, data, client, namespace, own, kind, id)
	return e, cmData, own, found, err
}
