package catalogsource_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
)

// An MCP source has the namespace and its id as identity, an import block with
// it adopts the source with no change, and terraform query lists the
// dashboard's MCP source apart from the one this provider wrote.
func TestAccMCPCatalogSource_identityAndQuery(t *testing.T) {
	mcpReady(t)
	mine := "tf_mcp_query"
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"namespace": knownvalue.StringExact(ns), "source_id": knownvalue.StringExact(id)}
	}
	config := mcpSourceConfig(mine, "Made by Terraform", "", mcpFileV1)
	list := func(label, madeBy string) string {
		return fmt.Sprintf("list \"openshiftai_mcp_catalog_source\" %q {\n  provider = openshiftai\n  config {\n    made_by = %q\n  }\n}\n", label, madeBy)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_14, "terraform query")},
		CheckDestroy:             checkNoMCPEntry(t, mine),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(mcpAddress, identity(mine))}},
			{Config: config, ResourceName: mcpAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{
				Query:  true,
				Config: "provider \"openshiftai\" {}\n" + list("dashboard", "dashboard") + list("mine", "provider"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectIdentity("openshiftai_mcp_catalog_source.dashboard", identity(dashboardMCPSourceID)),
					querycheck.ExpectNoIdentity("openshiftai_mcp_catalog_source.dashboard", identity(mine)),
					querycheck.ExpectIdentity("openshiftai_mcp_catalog_source.mine", identity(mine)),
					querycheck.ExpectLength("openshiftai_mcp_catalog_source.mine", 1),
				},
			},
		},
	})
}
