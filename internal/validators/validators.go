// Package validators holds the plan-time checks shared by the provider's
// resources, data sources and provider block. Each message names the rule and
// the fix; the framework adds the attribute path.
package validators

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// stringCheck is a validator made of a description and a function returning
// one problem per broken rule.
type stringCheck struct {
	description string
	summary     string
	check       func(value string) []string
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, problem := range v.check(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary,
			fmt.Sprintf("%s: %q %s", req.Path, req.ConfigValue.ValueString(), problem))
	}
}

// NotBlank rejects empty values and values with white space around them.
func NotBlank() validator.String {
	return stringCheck{
		description: "must not be empty or have white space around it",
		summary:     "Invalid value",
		check: func(s string) []string {
			switch {
			case s == "":
				return []string{"must not be empty"}
			case strings.TrimSpace(s) != s:
				return []string{"has white space around it; remove it"}
			}
			return nil
		},
	}
}

// ResourceName checks a registry's Kubernetes name against the API server's
// rules and those of the objects the operator derives from it.
func ResourceName() validator.String {
	return stringCheck{
		description: fmt.Sprintf("a lowercase DNS-1035 label of at most %d characters", registry.MaxResourceNameLength),
		summary:     "Invalid registry name",
		check:       registry.ValidateResourceName,
	}
}

// NamespaceName checks a namespace name.
func NamespaceName() validator.String {
	return stringCheck{
		description: "a Kubernetes namespace name",
		summary:     "Invalid namespace name",
		check: func(s string) []string {
			return prefixAll("is not a valid namespace name: ", registry.ValidateNamespace(s))
		},
	}
}

// ObjectName checks the name of a ConfigMap or Secret.
func ObjectName() validator.String {
	return stringCheck{
		description: "a Kubernetes object name",
		summary:     "Invalid object name",
		check: func(s string) []string {
			return prefixAll("is not a valid ConfigMap or Secret name: ", registry.ValidateObjectName(s))
		},
	}
}

// DataKey checks a ConfigMap or Secret key.
func DataKey() validator.String {
	return stringCheck{
		description: "a ConfigMap or Secret key",
		summary:     "Invalid key",
		check: func(s string) []string {
			return prefixAll("is not a valid ConfigMap or Secret key: ", registry.ValidateDataKey(s))
		},
	}
}

// DatabaseHost checks a database host name or IP address.
func DatabaseHost() validator.String {
	return stringCheck{
		description: "a host name or IP address",
		summary:     "Invalid database host",
		check:       registry.ValidateDatabaseHost,
	}
}

// DatabaseName checks a database name the operator can splice into a DSN.
func DatabaseName() validator.String {
	return stringCheck{
		description: "a database name without '?', '@' or '/'",
		summary:     "Invalid database name",
		check:       registry.ValidateDatabaseName,
	}
}

// DatabaseUser checks a database user name the operator can splice into a database URL.
func DatabaseUser() validator.String {
	return stringCheck{
		description: "a database user without '?', '@' or '/'",
		summary:     "Invalid database user",
		check:       registry.ValidateDatabaseUser,
	}
}

// HostAddress checks a numeric IP address.
func HostAddress() validator.String {
	return stringCheck{
		description: "a numeric IP address",
		summary:     "Invalid host address",
		check:       registry.ValidateHostAddress,
	}
}

// URL checks an absolute URL with one of the schemes.
func URL(schemes ...string) validator.String {
	return stringCheck{
		description: "a URL with scheme " + strings.Join(schemes, ", "),
		summary:     "Invalid URL",
		check: func(s string) []string {
			u, err := url.Parse(s)
			if err != nil {
				return []string{"is not a URL: " + err.Error()}
			}
			if !slices.Contains(schemes, u.Scheme) || u.Host == "" {
				return []string{fmt.Sprintf("must be a URL such as %s://host:port (scheme one of %s)", schemes[0], strings.Join(schemes, ", "))}
			}
			return nil
		},
	}
}

func prefixAll(prefix string, msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = prefix + m
	}
	return out
}

type positiveFloat struct{}

func (positiveFloat) Description(context.Context) string         { return "a positive number" }
func (positiveFloat) MarkdownDescription(context.Context) string { return "a positive number" }
func (positiveFloat) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueFloat64(); v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value", fmt.Sprintf("%s: %v must be a positive number", req.Path, v))
	}
}

// PositiveFloat requires a number above zero.
func PositiveFloat() validator.Float64 { return positiveFloat{} }

type positiveInt struct{}

func (positiveInt) Description(context.Context) string         { return "a positive whole number" }
func (positiveInt) MarkdownDescription(context.Context) string { return "a positive whole number" }
func (positiveInt) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueInt64(); v <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value", fmt.Sprintf("%s: %d must be a positive whole number", req.Path, v))
	}
}

// PositiveInt requires a whole number above zero.
func PositiveInt() validator.Int64 { return positiveInt{} }

// Duration checks a positive Go duration such as "90s", "10m" or "1h30m".
func Duration() validator.String {
	return stringCheck{
		description: `a positive duration such as "90s", "10m" or "1h30m"`,
		summary:     "Invalid duration",
		check: func(s string) []string {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				return []string{`is not a duration; write a number with a unit, such as "90s", "10m" or "1h30m" (units: s, m, h)`}
			case d <= 0:
				return []string{"must be longer than zero"}
			}
			return nil
		},
	}
}
