package catalog

import (
	"slices"
	"strings"
	"testing"
)

const goodMCPCatalog = `source: Team A
mcp_servers:
- name: github
  displayName: GitHub
  provider: GitHub
  version: "1.0"
  license: mit
  license_link: https://example.com/license
  transports: [http]
  tags: [scm]
  deploymentMode: remote
  endpoints:
    http: https://api.example.com/mcp
    websocket: wss://api.example.com/ws
  securityIndicators: {verifiedSource: true, sast: false}
  tools:
  - name: list_issues
    accessType: read_only
    parameters:
    - {name: repo, type: string, required: true}
  customProperties:
    team: {metadataType: MetadataStringValue, string_value: a}
- name: kubernetes
  deploymentMode: local
  artifacts:
  - uri: oci://quay.io/example/kubernetes-mcp:1.0
  runtimeMetadata:
    defaultPort: 8080
    defaultArgs: [--read-only]
`

func TestParseMCPCatalogFileAccepts(t *testing.T) {
	got, err := ParseMCPCatalogFile(goodMCPCatalog)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Servers, []string{"github", "kubernetes"}) {
		t.Errorf("servers = %q", got.Servers)
	}
}

func TestParseMCPCatalogFileMessages(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown server key", "mcp_servers:\n- name: s1\n  endpoint: {}\n",
			`line 3: unknown key "endpoint" in server "s1" (allowed: artifacts, createTimeSinceEpoch, customProperties, deploymentMode, description, displayName, documentationUrl, endpoints, externalId, lastUpdateTimeSinceEpoch, license, license_link, logo, name, provider, publishedDate, readme, repositoryUrl, runtimeMetadata, securityIndicators, sourceCode, tags, tools, transports, version)`},
		{"unknown top key", "mcpServers: []\n", `line 1: unknown key "mcpServers" in the MCP catalog file (allowed: mcp_servers, source)`},
		{"server without name", "mcp_servers:\n- name: s1\n- provider: x\n", "line 3: server 2 has no name; every server needs a name, unique within the source"},
		{"duplicate server", "mcp_servers:\n- name: s1\n- name: s2\n- name: s1\n", `line 4: two servers are named "s1" (the first at line 2); server names must be unique within the source`},
		{"endpoint scheme", "mcp_servers:\n- name: s1\n  endpoints:\n    http: ftp://x.example.com\n",
			`line 4: endpoints.http of server "s1" must be a URL with one of the schemes http, https; the catalog server refuses the server`},
		{"websocket scheme", "mcp_servers:\n- name: s1\n  endpoints:\n    websocket: tcp://x\n",
			`line 4: endpoints.websocket of server "s1" must be a URL with one of the schemes http, https, ws, wss; the catalog server refuses the server`},
		{"version a number", "mcp_servers:\n- name: s1\n  version: 1.0\n", `line 3: version of server "s1" must be a string, not float; quote it`},
		{"remote without endpoint", "mcp_servers:\n- name: s1\n  deploymentMode: remote\n",
			`line 3: server "s1" has deploymentMode remote but no endpoints; give it at least one of endpoints.http, endpoints.sse, endpoints.websocket`},
		{"tool key", "mcp_servers:\n- name: s1\n  tools:\n  - name: t\n    acessType: read_only\n",
			`line 5: unknown key "acessType" in tool 1 of server "s1" (allowed: accessType, description, name, parameters, schema)`},
		{"tool without name", "mcp_servers:\n- name: s1\n  tools:\n  - description: d\n", `line 4: tool 1 of server "s1" has no name`},
		{"parameter required", "mcp_servers:\n- name: s1\n  tools:\n  - name: t\n    parameters:\n    - {name: p, required: yes please}\n",
			`line 6: required of parameter 1 of tool 1 of server "s1" must be true or false`},
		{"artifact scheme", "mcp_servers:\n- name: s1\n  artifacts:\n  - uri: quay.io/x\n",
			`line 4: uri of artifact 1 of server "s1" must be a URL with one of the schemes oci, http, https, s3, gs, az, file; the catalog server refuses the server`},
		{"artifact without uri", "mcp_servers:\n- name: s1\n  artifacts:\n  - createTimeSinceEpoch: \"1\"\n", `line 4: artifact 1 of server "s1" has no uri; every artifact needs one`},
		{"security not bool", "mcp_servers:\n- name: s1\n  securityIndicators:\n    sast: \"true\"\n", `line 4: sast of securityIndicators of server "s1" must be true or false`},
		{"tags not strings", "mcp_servers:\n- name: s1\n  tags: [a, {b: c}]\n", `line 3: tags of server "s1" must be a list of strings`},
		{"servers not a list", "mcp_servers: {}\n", "line 1: mcp_servers must be a list of servers"},
		{"empty", "", "the MCP catalog file is empty; it needs `mcp_servers:`, a list of servers"},
		{"runtime key", "mcp_servers:\n- name: s1\n  runtimeMetadata:\n    port: 1\n",
			`line 4: unknown key "port" in runtimeMetadata of server "s1" (allowed: capabilities, defaultArgs, defaultPort, healthEndpoints, mcpPath, optionalEnvironmentVariables, prerequisites, recommendedResources, requiredEnvironmentVariables)`},
		{"display name too long", "mcp_servers:\n- name: s1\n  displayName: " + strings.Repeat("x", 256) + "\n",
			`line 3: displayName of server "s1" is 256 characters long; the catalog server accepts at most 255`},
		{"custom property shape", "mcp_servers:\n- name: s1\n  customProperties:\n    team: a\n",
			`line 4: customProperties "team" of server "s1" must be a mapping such as {metadataType: MetadataStringValue, string_value: ...}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMCPCatalogFile(tc.file)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

// An error quotes nothing of the file but the names on the failing line: a
// file with a token elsewhere never shows it.
func TestParseMCPCatalogFileErrorsEchoNoOtherLine(t *testing.T) {
	file := "mcp_servers:\n- name: s1\n  description: token sk-secret-123\n  endpoints:\n    http: ftp://user:hunter2@x\n"
	_, err := ParseMCPCatalogFile(file)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, secret := range []string{"sk-secret-123", "hunter2"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error quotes %q: %v", secret, err)
		}
	}
}
