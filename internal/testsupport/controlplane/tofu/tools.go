//go:build tools

// Package tofu pins the OpenTofu CLI that `make tofu-build` builds into .bin/tofu
// for running the acceptance suite with OpenTofu instead of Terraform.
package tofu

import (
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
