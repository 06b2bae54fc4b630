package permission

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func (r *modelRegistryGroupMembersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[modelRegistryGroupMembersModel](ctx, r.data, req.Plan, timeouts.Value.Create, modelRegistryGroupMembersCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	resp.Diagnostics.Append(r.data.ResolveNamespace(ctx, &plan.Namespace)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.setIdentity(plan.Namespace.ValueString(), plan.Registry.ValueString())
	registryName := plan.Registry.ValueString()
	if _, diags := ownerUID(ctx, r.data, client, plan.Namespace.ValueString(), registryName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	resp.Diagnostics.Append(waitForUsersGroup(ctx, client, registryName)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.writeUsers(ctx, client, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		groupMembersIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

// waitForUsersGroup waits until the operator has made the registry's Group.
// It lists by name rather than getting: only a list's 404 tells a cluster
// without the API from a Group not made yet.
func waitForUsersGroup(ctx context.Context, client kube.Reader, registryName string) diag.Diagnostics {
	var diags diag.Diagnostics
	groupName := registry.UsersGroupName(registryName)
	interval := kube.PollIntervalMin
	for {
		items, err := client.ListByName(ctx, registry.OpenShiftGroupResource, groupName)
		switch {
		case kube.IsMissingResourceType(err):
			diags.AddAttributeError(registryPath, "No OpenShift Groups on this cluster", noGroupAPIDetail(registryName))
			return diags
		case err != nil && ctx.Err() == nil:
			diags.AddError("Cannot read the registry's Group", err.Error())
			return diags
		case err == nil && len(items) > 0:
			return diags
		}
		select {
		case <-ctx.Done():
			diags.AddError("The operator has not created the registry's Group", fmt.Sprintf(
				"The model-registry operator creates the Group %q for registry %q; it did not appear before the create timeout. "+
					"Check that the operator runs (its logs say why it has not reconciled the registry), or raise timeouts.create.",
				groupName, registryName))
			return diags
		case <-time.After(interval):
		}
		interval = min(interval*2, kube.PollIntervalMax)
	}
}

// groupAPIMissing tells, after a Get of the Group answered 404, whether the
// cluster serves no Groups at all.
func groupAPIMissing(ctx context.Context, client kube.Reader, registryName string) bool {
	_, err := client.ListByName(ctx, registry.OpenShiftGroupResource, registry.UsersGroupName(registryName))
	return kube.IsMissingResourceType(err)
}

// groupWriter writes a Group the operator made and, on a 404, asks whether the cluster has Groups at all.
type groupWriter interface {
	kube.Reader
	kube.ExistingApplier
}

// writeUsers makes the users of the Group exactly the model's.
func (r *modelRegistryGroupMembersResource) writeUsers(ctx context.Context, client groupWriter, m *modelRegistryGroupMembersModel, diags *diag.Diagnostics) bool {
	users, d := m.users(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	registryName := m.Registry.ValueString()
	if _, err := client.ApplyExisting(ctx, registry.OpenShiftGroupResource, registry.UsersGroupMembers(registryName, users), nil); err != nil {
		explainGroupError(ctx, client, diags, err, registryName)
		return false
	}
	tflog.Info(ctx, "registry users group written", map[string]any{"group": registry.UsersGroupName(registryName), "users": len(users)})
	return true
}

func explainGroupError(ctx context.Context, client kube.Reader, diags *diag.Diagnostics, err error, registryName string) {
	switch {
	case apierrors.IsNotFound(err) && (kube.IsMissingResourceType(err) || groupAPIMissing(ctx, client, registryName)):
		diags.AddAttributeError(registryPath, "No OpenShift Groups on this cluster", noGroupAPIDetail(registryName))
	case apierrors.IsNotFound(err):
		diags.AddError("The registry's Group is gone", fmt.Sprintf(
			"Group %q does not exist any more; the model-registry operator makes it again when it reconciles registry %q. "+
				"The provider never creates it. Apply again once the Group is back.", registry.UsersGroupName(registryName), registryName))
	default:
		diags.AddError("Cannot write the users of the registry's Group", err.Error())
	}
}

func (r *modelRegistryGroupMembersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	groupMembersIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryGroupMembersModel](ctx, r.data, req.State, timeouts.Value.Read, modelRegistryGroupMembersReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	registryName := state.Registry.ValueString()
	group, err := client.Get(ctx, registry.OpenShiftGroupResource, "", registry.UsersGroupName(registryName))
	switch {
	case apierrors.IsNotFound(err) && (kube.IsMissingResourceType(err) || groupAPIMissing(ctx, client, registryName)):
		resp.Diagnostics.AddAttributeError(registryPath, "No OpenShift Groups on this cluster", noGroupAPIDetail(registryName))
		return
	case apierrors.IsNotFound(err):
		// The registry is gone, or the operator makes the Group again: either way nothing is left of what was written.
		tflog.Info(ctx, "registry users group is gone; removing it from state", map[string]any{"group": registry.UsersGroupName(registryName)})
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read the registry's Group", err.Error())
		return
	}
	read := state
	flattenModelRegistryGroupMembers(&read, group)
	read.setIdentity(state.Namespace.ValueString(), registryName)
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *modelRegistryGroupMembersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[modelRegistryGroupMembersModel](ctx, r.data, req.Plan, timeouts.Value.Update, modelRegistryGroupMembersUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if r.writeUsers(ctx, client, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		groupMembersIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *modelRegistryGroupMembersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryGroupMembersModel](ctx, r.data, req.State, timeouts.Value.Delete, modelRegistryGroupMembersDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	declared, diags := state.users(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	registryName := state.Registry.ValueString()
	// The users this resource declared go; one added in OpenShift since the last refresh stays.
	_, err := client.ApplyExisting(ctx, registry.OpenShiftGroupResource, registry.UsersGroupMembers(registryName, nil),
		func(current, desired *unstructured.Unstructured) {
			remaining := registry.UsersWithout(registry.GroupUsers(current), declared)
			*desired = *registry.UsersGroupMembers(registryName, remaining)
		})
	switch {
	case err == nil:
		tflog.Info(ctx, "registry users group emptied", map[string]any{"group": registry.UsersGroupName(registryName)})
	case apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) && !groupAPIMissing(ctx, client, registryName):
		// Gone with its registry: nothing to empty.
	default:
		explainGroupError(ctx, client, &resp.Diagnostics, err, registryName)
	}
}
