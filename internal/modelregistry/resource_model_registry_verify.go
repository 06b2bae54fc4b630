package modelregistry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/dbcheck"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var verifyPath = path.Root("database").AtName("verify_connection")

// verifyDatabase checks the database from where Terraform runs when
// database.verify_connection is on, before anything is written.
func (r *modelRegistryResource) verifyDatabase(ctx context.Context, client *kube.Client, plan modelRegistryModel, desired registry.Registry, password string) diag.Diagnostics {
	var diags diag.Diagnostics
	// The default database does not exist before the registry: nothing to verify.
	if plan.Database == nil || !plan.Database.VerifyConnection.ValueBool() {
		return nil
	}
	if !plan.Database.managesPassword() {
		secret, err := readKey(ctx, client, desired.Namespace, desired.Database.PasswordSecret, true)
		if err != nil {
			diags.AddAttributeError(verifyPath, "Cannot read the database password", err.Error())
			return diags
		}
		password = string(secret)
	}
	cfg := dbcheck.Config{
		Host:                 desired.Database.Host,
		Port:                 int(desired.Database.Port),
		Username:             desired.Database.Username,
		Password:             password,
		Database:             desired.Database.Database,
		SkipDatabaseCreation: desired.Database.SkipDatabaseCreation,
	}
	switch desired.CA.Kind {
	case registry.CANone:
	case registry.CAPEM:
		cfg.CAPEM = []byte(desired.CA.PEM)
	default:
		ref, isSecret, _ := desired.CAObject()
		pem, err := readKey(ctx, client, desired.Namespace, ref, isSecret)
		if err != nil {
			diags.AddAttributeError(verifyPath, "Cannot read the CA certificate", err.Error())
			return diags
		}
		cfg.CAPEM = pem
	}
	var result *dbcheck.Result
	var err error
	if desired.Database.Type == registry.DatabasePostgres {
		if cfg.Host == "" {
			cfg.Host = desired.Database.HostAddress
		}
		result, err = dbcheck.VerifyPostgres(ctx, dbcheck.PostgresConfig{Config: cfg, SSLMode: desired.Database.SSLMode})
	} else {
		result, err = dbcheck.Verify(ctx, cfg)
	}
	if err != nil {
		var checkErr *dbcheck.Error
		if errors.As(err, &checkErr) {
			diags.AddAttributeError(verifyPath, "Database check failed at step "+string(checkErr.Step)+": "+checkErr.Summary,
				checkErr.Detail+"\n\nNothing was written to the cluster. Set database.verify_connection = false if the database is reachable only from inside the cluster.")
		} else {
			diags.AddAttributeError(verifyPath, "Database check failed", err.Error())
		}
		return diags
	}
	tflog.Info(ctx, "database verified", map[string]any{"flavor": result.Flavor, "version": result.ServerVersion, "database_exists": result.DatabaseExists})
	return diags
}

// readKey reads one key of a ConfigMap or Secret through the API.
func readKey(ctx context.Context, client *kube.Client, namespace string, ref registry.KeyRef, isSecret bool) ([]byte, error) {
	kind, gvr := keyHolder(isSecret)
	obj, err := client.Get(ctx, gvr, namespace, ref.Name)
	if err != nil {
		return nil, err
	}
	value, found, _ := unstructured.NestedString(obj.Object, "data", ref.Key)
	if !found {
		return nil, fmt.Errorf("%s %s/%s has no key %q", kind, namespace, ref.Name, ref.Key)
	}
	if isSecret {
		return base64.StdEncoding.DecodeString(value)
	}
	return []byte(value), nil
}
