package permission

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// noGroupAPI answers reads of Groups as a cluster without the OpenShift Group API does: a 404 for the type.
var noGroupAPI = kubefake.Funcs{
	Get: func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
		if gvr == registry.OpenShiftGroupResource {
			return nil, apierrors.NewNotFound(gvr.GroupResource(), "")
		}
		return fake.Get(ctx, gvr, namespace, name)
	},
	ListByName: func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
		if gvr == registry.OpenShiftGroupResource {
			return nil, apierrors.NewNotFound(gvr.GroupResource(), "")
		}
		return fake.ListByName(ctx, gvr, name)
	},
}

// The users of the operator's Group become the model's; what the user reads
// when the Group is gone, the cluster has no Groups, or the write is refused.
func TestWriteUsers(t *testing.T) {
	model := &modelRegistryGroupMembersModel{
		Registry: types.StringValue("fraud"),
		Users:    types.SetValueMust(types.StringType, []attr.Value{types.StringValue("bob"), types.StringValue("alice")}),
	}
	refused := kubefake.Funcs{Apply: func(context.Context, kube.Interface, runtime.Object, kube.ApplyOptions) (*unstructured.Unstructured, error) {
		return nil, apierrors.NewForbidden(registry.OpenShiftGroupResource.GroupResource(), "fraud-users", nil)
	}}
	for name, tc := range map[string]struct {
		group        bool
		intercept    kubefake.Funcs
		wantSummary  string // "" for written
		wantInDetail string
	}{
		"written":       {group: true},
		"group gone":    {wantSummary: "The registry's Group is gone", wantInDetail: `Group "fraud-users" does not exist any more`},
		"no group API":  {intercept: noGroupAPI, wantSummary: "No OpenShift Groups on this cluster", wantInDetail: "fraud"},
		"write refused": {group: true, intercept: refused, wantSummary: "Cannot write the users of the registry's Group", wantInDetail: "forbidden"},
	} {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			if tc.group {
				f = kubefake.New(registry.UsersGroupMembers("fraud", []string{"carol"}))
			}
			f.Interceptors = tc.intercept
			var diags diag.Diagnostics
			written := (&modelRegistryGroupMembersResource{}).writeUsers(t.Context(), f, model, &diags)
			if tc.wantSummary == "" {
				stored := f.Object(registry.OpenShiftGroupResource, "", "fraud-users")
				if !written || diags.HasError() || !slices.Equal(registry.GroupUsers(stored), []string{"alice", "bob"}) {
					t.Fatalf("written %v, diagnostics %v, users %v; want alice and bob", written, diags, registry.GroupUsers(stored))
				}
				return
			}
			if written || len(diags) != 1 || diags[0].Summary() != tc.wantSummary || !strings.Contains(diags[0].Detail(), tc.wantInDetail) {
				t.Errorf("written %v, diagnostics %v; want %q saying %q", written, diags, tc.wantSummary, tc.wantInDetail)
			}
		})
	}
}
