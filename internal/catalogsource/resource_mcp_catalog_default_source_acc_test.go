package catalogsource_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

const mcpDefaultAddress = "openshiftai_mcp_catalog_default_source.test"

func mcpDefaultSourceConfig(id, extra string) string {
	return fmt.Sprintf(`
resource "openshiftai_mcp_catalog_default_source" "test" {
  source_id = %q
%s
}
`, id, extra)
}

// TestAccMCPCatalogDefaultSource: a shipped MCP source disabled, then
// filtered, imported, then restored by destroy, written as the dashboard's
// sparse entry; an id that is not shipped fails at plan listing the shipped
// ids. On v0.3.8, which ships no MCP sources, the plan says there are none.
func TestAccMCPCatalogDefaultSource(t *testing.T) {
	mcpReady(t)
	if !acctest.Generation().LabelledCatalogSources() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			Steps: []resource.TestStep{{Config: mcpDefaultSourceConfig("rh_mcp_servers", ""), PlanOnly: true,
				ExpectError: wrapped(`"rh_mcp_servers" is not a shipped source: namespace "` + ns + `" has no shipped MCP server sources`)}},
		})
		return
	}
	id := "rh_mcp_servers"
	override := func(want func(e catalog.Entry) error) func(*terraform.State) error {
		return checkMCPEntry(t, id, func(e catalog.Entry, _ map[string]string) error {
			if e.Name != "" || e.Type != "" || e.Labels != nil || len(e.Properties) != 0 {
				return fmt.Errorf("the override is not sparse: %+v", e)
			}
			return want(e)
		})
	}
	filtered := mcpDefaultSourceConfig(id, `  included_servers = ["rh-mcp*"]
  excluded_servers = ["rh-mcp-servers-beta"]`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoMCPEntry(t, id), checkMCPForeignKept(t)),
		Steps: []resource.TestStep{
			{Config: mcpDefaultSourceConfig("not_shipped_mcp", ""), PlanOnly: true,
				ExpectError: wrapped(`"not_shipped_mcp" is not a shipped MCP server source of namespace "` + ns + `". The shipped MCP server sources are: rh_mcp_servers, rh_partner_mcp_servers, community_mcp_servers`)},
			{Config: mcpSourceConfig(id, "Mine", "", mcpFileV1), PlanOnly: true,
				ExpectError: wrapped(`use openshiftai_mcp_catalog_default_source`)},
			{
				Config: mcpDefaultSourceConfig(id, "  enabled = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mcpDefaultAddress, tfjsonpath.New("name"), knownvalue.StringExact("Red Hat MCP servers")),
				},
				Check: resource.ComposeTestCheckFunc(checkMCPForeignKept(t), override(func(e catalog.Entry) error {
					if e.IsEnabled() || e.Included != nil {
						return fmt.Errorf("override %+v", e)
					}
					return nil
				})),
			},
			{
				Config:           filtered,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mcpDefaultAddress, plancheck.ResourceActionUpdate)}},
				Check: override(func(e catalog.Entry) error {
					if !e.IsEnabled() || fmt.Sprint(e.Included) != "[rh-mcp*]" || fmt.Sprint(e.Excluded) != "[rh-mcp-servers-beta]" {
						return fmt.Errorf("override %+v", e)
					}
					return nil
				}),
			},
			{Config: filtered, ResourceName: mcpDefaultAddress, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}
