// A stand-in for Terraform's pg state backend, which the module proxy does not serve:
// the acceptance tests keep state on the local disk and never configure it.
module github.com/hashicorp/terraform/internal/backend/remote-state/pg

go 1.26.8

require (
	github.com/hashicorp/terraform v1.16.4
	github.com/zclconf/go-cty v1.18.1
)
