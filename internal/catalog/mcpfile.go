package catalog

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MCPCatalogFile is an MCP source's catalog file, as far as the provider looks into it.
type MCPCatalogFile struct {
	Servers []string // the server names, in file order
}

// Keys of an MCP catalog file, from the catalog server's types (kubeflow/hub
// catalog/internal/catalog/mcpcatalog). The server decodes the file without
// refusing unknown keys, so a misspelt key silently loses its value there;
// here it is an error.
var (
	// mcpFileKeys: the server reads mcp_servers; source names the file in the
	// dashboard's and the shipped files, and the server ignores it.
	mcpFileKeys   = []string{"mcp_servers", "source"}
	mcpServerKeys = []string{
		"artifacts", "createTimeSinceEpoch", "customProperties", "deploymentMode", "description", "displayName",
		"documentationUrl", "endpoints", "externalId", "lastUpdateTimeSinceEpoch", "license", "license_link", "logo",
		"name", "provider", "publishedDate", "readme", "repositoryUrl", "runtimeMetadata", "securityIndicators",
		"sourceCode", "tags", "tools", "transports", "version",
	}
	mcpServerStringKeys = []string{
		"createTimeSinceEpoch", "deploymentMode", "description", "displayName", "documentationUrl", "externalId",
		"lastUpdateTimeSinceEpoch", "license", "license_link", "logo", "provider", "publishedDate", "readme",
		"repositoryUrl", "sourceCode", "version",
	}
	mcpToolKeys      = []string{"accessType", "description", "name", "parameters", "schema"}
	mcpParameterKeys = []string{"description", "name", "required", "type"}
	mcpArtifactKeys  = []string{"createTimeSinceEpoch", "lastUpdateTimeSinceEpoch", "uri"}
	mcpSecurityKeys  = []string{"readOnlyTools", "sast", "secureEndpoint", "verifiedSource"}
	mcpRuntimeKeys   = []string{
		"capabilities", "defaultArgs", "defaultPort", "healthEndpoints", "mcpPath", "optionalEnvironmentVariables",
		"prerequisites", "recommendedResources", "requiredEnvironmentVariables",
	}
	// mcpEndpointSchemes are the URL schemes the server accepts for each endpoint.
	mcpEndpointSchemes = map[string][]string{
		"http":      {"http", "https"},
		"sse":       {"http", "https"},
		"websocket": {"http", "https", "ws", "wss"},
	}
	// artifactURISchemes are the schemes the server accepts in an artifact's uri.
	artifactURISchemes = []string{"oci", "http", "https", "s3", "gs", "az", "file"}
)

// maxMCPDisplayNameLength is the longest displayName the server stores.
const maxMCPDisplayNameLength = 255

// ParseMCPCatalogFile reads an MCP source's catalog file as strictly as the
// catalog server, and stricter where the server silently drops a value: an
// unknown key, a value of the wrong shape (the server decodes through JSON, so
// `version: 1.0` is a number where a string is needed and fails the whole
// file), a server without a name, two servers of one name, an endpoint or
// artifact URL with a scheme the server refuses, a remote server without an
// endpoint. The error names the line and the server, never other lines.
func ParseMCPCatalogFile(content string) (*MCPCatalogFile, error) {
	root, err := document(content)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, errors.New("the MCP catalog file is empty; it needs `mcp_servers:`, a list of servers")
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the MCP catalog file must be a mapping with the key mcp_servers", root.Line)
	}
	fields, err := mapping(root, "the MCP catalog file", mcpFileKeys)
	if err != nil {
		return nil, err
	}
	if n := fields["source"]; n != nil {
		if _, err := scalar(n, "source"); err != nil {
			return nil, err
		}
	}
	out := &MCPCatalogFile{}
	servers := fields["mcp_servers"]
	if servers == nil || isNull(servers) {
		return out, nil
	}
	if servers.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: mcp_servers must be a list of servers", servers.Line)
	}
	first := map[string]int{}
	for i, s := range servers.Content {
		if s.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: server %d must be a mapping with at least a name", s.Line, i+1)
		}
		name := ""
		if n := lookup(s, "name"); n != nil && n.Kind == yaml.ScalarNode && !isNull(n) {
			name = strings.TrimSpace(n.Value)
		}
		what := fmt.Sprintf("server %d", i+1)
		if name != "" {
			what = fmt.Sprintf("server %q", name)
		}
		sf, err := mapping(s, what, mcpServerKeys)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, fmt.Errorf("line %d: server %d has no name; every server needs a name, unique within the source", s.Line, i+1)
		}
		if err := stringValue(sf["name"], "name of "+what); err != nil {
			return nil, err
		}
		if line, dup := first[name]; dup {
			return nil, fmt.Errorf("line %d: two servers are named %q (the first at line %d); server names must be unique within the source", s.Line, name, line)
		}
		first[name] = s.Line
		if err := checkMCPServer(sf, what); err != nil {
			return nil, err
		}
		out.Servers = append(out.Servers, name)
	}
	return out, nil
}

func checkMCPServer(sf map[string]*yaml.Node, what string) error {
	for _, key := range mcpServerStringKeys {
		if err := stringValue(sf[key], key+" of "+what); err != nil {
			return err
		}
	}
	if n := sf["displayName"]; n != nil && utf8.RuneCountInString(n.Value) > maxMCPDisplayNameLength {
		return fmt.Errorf("line %d: displayName of %s is %d characters long; the catalog server accepts at most %d",
			n.Line, what, utf8.RuneCountInString(n.Value), maxMCPDisplayNameLength)
	}
	for _, key := range []string{"transports", "tags"} {
		if err := stringListValue(sf[key], key+" of "+what); err != nil {
			return err
		}
	}
	if err := checkEndpoints(sf["endpoints"], what); err != nil {
		return err
	}
	if mode := sf["deploymentMode"]; mode != nil && mode.Value == "remote" && !hasEndpoint(sf["endpoints"]) {
		return fmt.Errorf("line %d: %s has deploymentMode remote but no endpoints; give it at least one of endpoints.http, endpoints.sse, endpoints.websocket", mode.Line, what)
	}
	if err := checkTools(sf["tools"], what); err != nil {
		return err
	}
	if err := checkMCPArtifacts(sf["artifacts"], what); err != nil {
		return err
	}
	if n := sf["securityIndicators"]; n != nil && !isNull(n) {
		si, err := mappingValue(n, "securityIndicators of "+what, mcpSecurityKeys)
		if err != nil {
			return err
		}
		for key, v := range si {
			if err := boolValue(v, key+" of securityIndicators of "+what); err != nil {
				return err
			}
		}
	}
	if n := sf["runtimeMetadata"]; n != nil && !isNull(n) {
		rm, err := mappingValue(n, "runtimeMetadata of "+what, mcpRuntimeKeys)
		if err != nil {
			return err
		}
		if p := rm["defaultPort"]; p != nil && !isNull(p) && (p.Kind != yaml.ScalarNode || p.Tag != "!!int") {
			return fmt.Errorf("line %d: defaultPort of runtimeMetadata of %s must be a whole number", p.Line, what)
		}
		if err := stringListValue(rm["defaultArgs"], "defaultArgs of runtimeMetadata of "+what); err != nil {
			return err
		}
	}
	if n := sf["customProperties"]; n != nil && !isNull(n) {
		props, err := mappingValue(n, "customProperties of "+what, nil)
		if err != nil {
			return err
		}
		for key, v := range props {
			if v.Kind != yaml.MappingNode {
				return fmt.Errorf("line %d: customProperties %q of %s must be a mapping such as {metadataType: MetadataStringValue, string_value: ...}", v.Line, key, what)
			}
		}
	}
	return nil
}

func checkEndpoints(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	endpoints, err := mappingValue(n, "endpoints of "+what, []string{"http", "sse", "websocket"})
	if err != nil {
		return err
	}
	for _, key := range []string{"http", "sse", "websocket"} {
		v := endpoints[key]
		if v == nil || isNull(v) {
			continue
		}
		if err := stringValue(v, "endpoints."+key+" of "+what); err != nil {
			return err
		}
		schemes := mcpEndpointSchemes[key]
		if u, err := url.Parse(v.Value); err != nil || !slices.Contains(schemes, u.Scheme) {
			return fmt.Errorf("line %d: endpoints.%s of %s must be a URL with one of the schemes %s; the catalog server refuses the server",
				v.Line, key, what, strings.Join(schemes, ", "))
		}
	}
	return nil
}

func hasEndpoint(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for _, key := range []string{"http", "sse", "websocket"} {
		if v := lookup(n, key); v != nil && !isNull(v) {
			return true
		}
	}
	return false
}

func checkTools(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: tools of %s must be a list of tools", n.Line, what)
	}
	for i, t := range n.Content {
		toolWhat := fmt.Sprintf("tool %d of %s", i+1, what)
		if t.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: %s must be a mapping with at least a name", t.Line, toolWhat)
		}
		tf, err := mapping(t, toolWhat, mcpToolKeys)
		if err != nil {
			return err
		}
		if nm := tf["name"]; nm == nil || isNull(nm) || strings.TrimSpace(nm.Value) == "" {
			return fmt.Errorf("line %d: %s has no name", t.Line, toolWhat)
		}
		for _, key := range []string{"name", "description", "schema", "accessType"} {
			if err := stringValue(tf[key], key+" of "+toolWhat); err != nil {
				return err
			}
		}
		params := tf["parameters"]
		if params == nil || isNull(params) {
			continue
		}
		if params.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: parameters of %s must be a list", params.Line, toolWhat)
		}
		for j, p := range params.Content {
			paramWhat := fmt.Sprintf("parameter %d of %s", j+1, toolWhat)
			pf, err := mappingValue(p, paramWhat, mcpParameterKeys)
			if err != nil {
				return err
			}
			for _, key := range []string{"name", "type", "description"} {
				if err := stringValue(pf[key], key+" of "+paramWhat); err != nil {
					return err
				}
			}
			if err := boolValue(pf["required"], "required of "+paramWhat); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkMCPArtifacts(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: artifacts of %s must be a list", n.Line, what)
	}
	for i, a := range n.Content {
		artifactWhat := fmt.Sprintf("artifact %d of %s", i+1, what)
		af, err := mappingValue(a, artifactWhat, mcpArtifactKeys)
		if err != nil {
			return err
		}
		for _, key := range mcpArtifactKeys {
			if err := stringValue(af[key], key+" of "+artifactWhat); err != nil {
				return err
			}
		}
		uri := af["uri"]
		if uri == nil || isNull(uri) || strings.TrimSpace(uri.Value) == "" {
			return fmt.Errorf("line %d: %s has no uri; every artifact needs one", a.Line, artifactWhat)
		}
		if u, err := url.Parse(uri.Value); err != nil || !slices.Contains(artifactURISchemes, u.Scheme) {
			return fmt.Errorf("line %d: uri of %s must be a URL with one of the schemes %s; the catalog server refuses the server",
				uri.Line, artifactWhat, strings.Join(artifactURISchemes, ", "))
		}
	}
	return nil
}

// mappingValue is mapping for a node that must be a mapping.
func mappingValue(n *yaml.Node, what string, allowed []string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: %s must be a mapping", n.Line, what)
	}
	return mapping(n, what, allowed)
}

// stringValue fails unless n is absent, null or a YAML string: the server
// decodes through JSON, where a number or true is not a string.
func stringValue(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s must be a single value", n.Line, what)
	}
	if n.Tag != "!!str" {
		return fmt.Errorf("line %d: %s must be a string, not %s; quote it", n.Line, what, strings.TrimPrefix(n.Tag, "!!"))
	}
	return nil
}

func boolValue(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return fmt.Errorf("line %d: %s must be true or false", n.Line, what)
	}
	return nil
}

func stringListValue(n *yaml.Node, what string) error {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: %s must be a list of strings", n.Line, what)
	}
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
			return fmt.Errorf("line %d: %s must be a list of strings", item.Line, what)
		}
	}
	return nil
}
