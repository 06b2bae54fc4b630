package acctest

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Terraform releases that added what the newer tests use.
var (
	// Terraform1_12 added resource identity and import blocks by identity.
	Terraform1_12 = version.Must(version.NewVersion("1.12.0"))
	// Terraform1_14 added list resources (`terraform query`) and actions.
	Terraform1_14 = version.Must(version.NewVersion("1.14.0"))
)

// SkipBelow skips a test on a CLI older than minimum, saying which feature
// needs the newer CLI: the same suite runs on Terraform 1.11, where such a test
// cannot run, and on the newest Terraform, where it must.
func SkipBelow(minimum *version.Version, feature string) tfversion.TerraformVersionCheck {
	return skipBelow{minimum: minimum, feature: feature}
}

type skipBelow struct {
	minimum *version.Version
	feature string
}

func (s skipBelow) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion != nil && req.TerraformVersion.LessThan(s.minimum) {
		resp.Skip = fmt.Sprintf("%s needs Terraform %s or later; this CLI is %s (run make testacc-tf116)",
			s.feature, s.minimum.String(), req.TerraformVersion.String())
	}
}
