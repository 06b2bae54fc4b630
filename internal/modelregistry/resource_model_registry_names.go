package modelregistry

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// nameNeedsOperatorCheck tells whether a registry name is long enough that
// the cluster's operator may refuse it: names of up to 40 characters run on
// every generation, so a fleet of them costs no request.
func nameNeedsOperatorCheck(name string) bool {
	return len(name) > registry.MaxProxyConfigNameLength && len(name) <= registry.MaxResourceNameLength
}

var resourceNamePath = path.Root("resource_name")

// strictestRuleWarning says at plan that the cluster could not be asked and
// which rule the name may break; Create asks again before writing anything.
func strictestRuleWarning(diags *diag.Diagnostics, name, why string) {
	rule := registry.Evidence{}.Rule()
	diags.AddAttributeWarning(resourceNamePath, "Registry name not checked against the cluster's operator", fmt.Sprintf(
		"The cluster's model-registry operator could not be asked at plan time (%s). Under the strictest rule, resource_name %q %s. "+
			"Operators from v0.3.14 run names of up to %d characters (%d in gateway mode). The apply checks the name against the "+
			"cluster before it writes anything; choose a resource_name of at most %d characters to run on every operator.",
		why, name, rule.Check(name), registry.MaxResourceNameLength, registry.MaxGatewayNameLength, rule.MaxLength))
}

// checkNameAgainstOperator refuses a name the cluster's operator cannot run.
// At plan (atApply false) a cluster that cannot tell is a warning under the
// strictest rule; at apply it is an error, since the registry would never
// become ready.
func (r *modelRegistryResource) checkNameAgainstOperator(ctx context.Context, namespace, name string, atApply bool, diags *diag.Diagnostics) {
	if !nameNeedsOperatorCheck(name) {
		return
	}
	evidence, err := r.data.OperatorEvidence(ctx, namespace)
	if err != nil {
		if !atApply {
			strictestRuleWarning(diags, name, err.Error())
			return
		}
		evidence = registry.Evidence{Why: err.Error()}
	}
	rule := evidence.Rule()
	problem := rule.Check(name)
	switch {
	case problem == "":
	case rule.Certain:
		diags.AddAttributeError(resourceNamePath, "Registry name too long for this cluster's operator", fmt.Sprintf(
			"resource_name %q %s. Choose a resource_name of at most %d characters.", name, problem, rule.MaxLength))
	case !atApply:
		strictestRuleWarning(diags, name, evidence.Why)
	default:
		diags.AddAttributeError(resourceNamePath, "Registry name not checked against the cluster's operator", fmt.Sprintf(
			"The cluster did not show what its model-registry operator can run (%s), so the strictest rule applies: resource_name %q %s. "+
				"Check that the operator is running (its webhook answers registry writes) and apply again, or choose a resource_name "+
				"of at most %d characters.", evidence.Why, name, problem, rule.MaxLength))
	}
}
