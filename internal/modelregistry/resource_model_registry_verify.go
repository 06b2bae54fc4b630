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
func (r *modelRegistryResource) verifyDatabase(ctx context.Context, client kube.Reader, plan modelRegistryModel, desired registry.Registry, password string) diag.Diagnostics {
	var diags diag.Diagnostics
	// The default database does not exist before the registry: nothing to verify.
	if plan.Database == nil || !plan.Database.VerifyConnection.ValueBool() {
		return nil
	}
	if !plan.Database.managesPassword() {
		password = ""
	}
	result, err := checkDatabase(ctx, client, desired, password)
	if err != nil {
		var checkErr *dbcheck.Error
		var input *checkInputError
		switch {
		case errors.As(err, &checkErr):
			diags.AddAttributeError(verifyPath, "Database check failed at step "+string(checkErr.Step)+": "+checkErr.Summary,
				checkErr.Detail+"\n\nNothing was written to the cluster. Set database.verify_connection = false if the database is reachable only from inside the cluster.")
		case errors.As(err, &input):
			diags.AddAttributeError(verifyPath, input.summary, input.err.Error())
		default:
			diags.AddAttributeError(verifyPath, "Database check failed", err.Error())
		}
		return diags
	}
	tflog.Info(ctx, "database verified", map[string]any{"flavor": result.Flavor, "version": result.ServerVersion, "database_exists": result.DatabaseExists})
	return diags
}

// checkInputError is a failure to read what the database check needs from the cluster.
type checkInputError struct {
	summary string
	err     error
}

func (e *checkInputError) Error() string { return e.summary + ": " + e.err.Error() }
func (e *checkInputError) Unwrap() error { return e.err }

// checkDatabase runs internal/dbcheck's pre-flight check of the registry's
// external database from where Terraform runs; it never changes the database.
// An empty password is read from the registry's password Secret. The error is
// a *dbcheck.Error when the check ran and failed, a *checkInputError when the
// password or CA certificate could not be read.
func checkDatabase(ctx context.Context, client kube.Reader, desired registry.Registry, password string) (*dbcheck.Result, error) {
	if password == "" {
		secret, err := readKey(ctx, client, desired.Namespace, desired.Database.PasswordSecret, true)
		if err != nil {
			return nil, &checkInputError{summary: "Cannot read the database password", err: err}
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
			return nil, &checkInputError{summary: "Cannot read the CA certificate", err: err}
		}
		cfg.CAPEM = pem
	}
	if desired.Database.Type == registry.DatabasePostgres {
		if cfg.Host == "" {
			cfg.Host = desired.Database.HostAddress
		}
		return dbcheck.VerifyPostgres(ctx, dbcheck.PostgresConfig{Config: cfg, SSLMode: desired.Database.SSLMode})
	}
	return dbcheck.Verify(ctx, cfg)
}

// readKey reads one key of a ConfigMap or Secret through the API.
func readKey(ctx context.Context, client kube.Reader, namespace string, ref registry.KeyRef, isSecret bool) ([]byte, error) {
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
