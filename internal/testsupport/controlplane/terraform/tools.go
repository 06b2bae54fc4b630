//go:build tools

// Package terraform pins the Terraform CLI that `make terraform-build` builds into
// .bin/terraform-1.16 for running the acceptance suite on the newest Terraform.
package terraform

import (
	_ "github.com/hashicorp/terraform"
)
