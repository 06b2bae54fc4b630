package permission

import (
	"strings"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func newData() *providerdata.Data {
	return providerdata.New(kube.Config{}, "", providerdata.DefaultConnect)
}

func TestClaimsCatchTheLaterOfTwoCollidingResources(t *testing.T) {
	alice := registry.Permission{Registry: "fraud", Kind: registry.SubjectUser, Subject: "alice"}
	bob := registry.Permission{Registry: "fraud", Kind: registry.SubjectUser, Subject: "bob"}
	aliceGroup := registry.Permission{Registry: "fraud", Kind: registry.SubjectGroup, Subject: "alice"}
	aliceElsewhere := registry.Permission{Registry: "churn", Kind: registry.SubjectUser, Subject: "alice"}

	t.Run("different subjects and registries do not collide", func(t *testing.T) {
		data := newData()
		for _, p := range []registry.Permission{alice, bob, aliceGroup, aliceElsewhere} {
			if summary, detail := claimSingle(data, p); summary != "" {
				t.Errorf("claimSingle(%v) = %s: %s; want no collision", p, summary, detail)
			}
		}
		if summary, _ := claimList(data, "other"); summary != "" {
			t.Errorf("claimList(other) = %s; want no collision", summary)
		}
	})
	t.Run("the same subject twice", func(t *testing.T) {
		data := newData()
		claimSingle(data, alice)
		summary, detail := claimSingle(data, alice)
		if summary != "Two permissions grant the same subject" || !strings.Contains(detail, `user "alice"`) {
			t.Errorf("second claim of alice = %q: %q; want the duplicate named", summary, detail)
		}
	})
	t.Run("singles first, then the list", func(t *testing.T) {
		data := newData()
		claimSingle(data, alice)
		claimSingle(data, aliceGroup)
		summary, detail := claimList(data, "fraud")
		if summary == "" || !strings.Contains(detail, `user "alice", group "alice"`) {
			t.Errorf("claimList after singles = %q: %q; want the singles named", summary, detail)
		}
	})
	t.Run("the list first, then a single", func(t *testing.T) {
		data := newData()
		claimList(data, "fraud")
		summary, detail := claimSingle(data, bob)
		if summary == "" || !strings.Contains(detail, `Add user "bob" to its users`) {
			t.Errorf("claimSingle after the list = %q: %q; want the fix named", summary, detail)
		}
	})
	t.Run("two lists", func(t *testing.T) {
		data := newData()
		claimList(data, "fraud")
		if summary, _ := claimList(data, "fraud"); summary != "Two permission lists for one registry" {
			t.Errorf("second list = %q; want the collision", summary)
		}
	})
}
