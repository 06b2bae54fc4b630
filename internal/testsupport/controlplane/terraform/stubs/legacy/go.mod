// A stand-in for Terraform's internal/legacy module, which the module proxy does not serve:
// only Terraform's own tests use it, so it has no packages.
module github.com/hashicorp/terraform/internal/legacy

go 1.26.8
