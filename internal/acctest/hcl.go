package acctest

import (
	"fmt"
	"strings"
)

// Registry is the HCL of one openshiftai_model_registry, the one builder every
// test renders a registry with. Empty fields are left out.
type Registry struct {
	// Label is the resource's name in the configuration; "test" when empty.
	Label        string
	Name         string
	ResourceName string
	Description  string
	Namespace    string
	Database     Database
	// DefaultDatabase renders default_database = true instead of the database block.
	DefaultDatabase bool
	// Extra holds more arguments, as HCL (ca_certificate, timeouts, ...).
	Extra string
}

// Database is the database block of a Registry.
type Database struct {
	// Type is "mysql" or "postgres"; left out when empty.
	Type        string
	Host        string
	HostAddress string
	SSLMode     string
	Port        int
	Username    string
	Database    string
	// Password is an HCL expression for password_wo: a quoted string or a variable.
	Password        string
	PasswordVersion int
	// ExistingPasswordSecret names a Secret that holds the password, in place of Password.
	ExistingPasswordSecret *KeyRef
	// Extra holds more arguments of the block, as HCL.
	Extra string
}

// HCL renders the resource block.
func (r Registry) HCL() string {
	label := r.Label
	if label == "" {
		label = "test"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"openshiftai_model_registry\" %q {\n", label)
	quoted(&b, "  ", "name", r.Name)
	quoted(&b, "  ", "resource_name", r.ResourceName)
	quoted(&b, "  ", "description", r.Description)
	quoted(&b, "  ", "namespace", r.Namespace)
	if r.DefaultDatabase {
		b.WriteString("  default_database = true\n")
		if r.Extra != "" {
			b.WriteString(r.Extra + "\n")
		}
		b.WriteString("}\n")
		return b.String()
	}
	b.WriteString("  database {\n")
	db := r.Database
	quoted(&b, "    ", "type", db.Type)
	quoted(&b, "    ", "host", db.Host)
	quoted(&b, "    ", "host_address", db.HostAddress)
	if db.Port != 0 {
		fmt.Fprintf(&b, "    port = %d\n", db.Port)
	}
	quoted(&b, "    ", "username", db.Username)
	quoted(&b, "    ", "database", db.Database)
	quoted(&b, "    ", "ssl_mode", db.SSLMode)
	if db.Password != "" {
		fmt.Fprintf(&b, "    password_wo = %s\n", db.Password)
	}
	if db.PasswordVersion != 0 {
		fmt.Fprintf(&b, "    password_wo_version = %d\n", db.PasswordVersion)
	}
	if ref := db.ExistingPasswordSecret; ref != nil {
		fmt.Fprintf(&b, "    existing_password_secret {\n      name = %q\n      key  = %q\n    }\n", ref.Name, ref.Key)
	}
	if db.Extra != "" {
		b.WriteString(db.Extra + "\n")
	}
	b.WriteString("  }\n")
	if r.Extra != "" {
		b.WriteString(r.Extra + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// KeyRef names a key of a Secret or ConfigMap.
type KeyRef struct{ Name, Key string }

// Permission is the HCL of one openshiftai_model_registry_permission.
type Permission struct {
	Label string
	// Registry is an HCL expression naming the registry, such as
	// openshiftai_model_registry.r.resource_name or a quoted name.
	Registry string
	// Subject is the subject argument as HCL, such as `user = "alice"`.
	Subject string
	Extra   string
}

// HCL renders the resource block.
func (p Permission) HCL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"openshiftai_model_registry_permission\" %q {\n", p.Label)
	fmt.Fprintf(&b, "  registry = %s\n", p.Registry)
	if p.Subject != "" {
		b.WriteString("  " + p.Subject + "\n")
	}
	if p.Extra != "" {
		b.WriteString(p.Extra + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func quoted(b *strings.Builder, indent, name, value string) {
	if value != "" {
		fmt.Fprintf(b, "%s%s = %q\n", indent, name, value)
	}
}
