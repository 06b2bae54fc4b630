package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
)

// dashboardFile is a user file as the dashboard and a hand edit leave it: a
// dashboard source, an override of a shipped one and foreign top-level keys.
const dashboardFile = `catalogs:
- id: team_models
  name: Team models
  type: yaml
  enabled: true
  properties:
    yamlCatalogPath: team_models.yaml
- id: redhat_ai_models
  enabled: false
labels:
- name: Team A
namedQueries:
  small: {}
`

func userConfigMap(sources string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: UserSourcesConfigMap, Namespace: "ns", ResourceVersion: "1"},
		Data:       map[string]string{SourcesKey: sources, "team_models.yaml": "source: t\nmodels: []\n", "other": "kept"},
	}
}

func TestParseSourcesMessages(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"no id", "catalogs:\n- name: A\n", `line 2: source 1 of catalogs has no id`},
		{"duplicate id", "catalogs:\n- id: a\nmodel_catalogs:\n- id: a\n", `line 4: two sources have the id "a" (the first at line 2); the catalog server rejects the whole file`},
		{"enabled not bool", "catalogs:\n- id: a\n  enabled: maybe\n", `line 3: enabled of source "a" must be true or false`},
		{"labels not a list", "catalogs:\n- id: a\n  labels: x\n", `line 3: labels of source "a" must be a list of strings`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSources(tc.file)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

// shippedV0314 is the shape of default-catalog-sources as operator v0.3.14
// ships it: top-level keys beside catalogs that this provider does not write.
const shippedV0314 = `catalogs:
- id: redhat_ai_models
  name: Red Hat AI models
  type: yaml
  enabled: true
  assetType: models
  properties:
    yamlCatalogPath: redhat_ai_models.yaml
labels:
- name: Red Hat AI
  assetType: models
namedQueries:
  small:
    size: {operator: "<", value: 10}
mcp_catalogs:
- id: rh_mcp_servers
  name: Red Hat MCP servers
  type: yaml
  properties:
    yamlCatalogPath: rh_mcp_servers.yaml
agent_catalogs:
- id: rh_agents
  name: Red Hat agents
skill_catalogs: []
some_future_key: {anything: [1, 2]}
`

// The operator's and the dashboard's files are read tolerantly: keys this
// provider has never seen are neither refused nor lost.
func TestParseSourcesToleratesWhatOthersWrite(t *testing.T) {
	f, err := ParseSources(shippedV0314)
	if err != nil {
		t.Fatalf("the shipped file of operator v0.3.14 is refused: %v", err)
	}
	if ids := f.IDs(); !cmp.Equal(ids, []string{"redhat_ai_models"}) {
		t.Errorf("model source ids = %v, want only the catalogs entry", ids)
	}
	for id, want := range map[string]string{"rh_mcp_servers": "mcp_catalogs", "rh_agents": "agent_catalogs", "redhat_ai_models": "", "mine": ""} {
		if list, _ := f.OtherListID(id); list != want {
			t.Errorf("OtherListID(%q) = %q, want %q", id, list, want)
		}
	}

	// An entry with a field the provider does not write keeps it through the provider's write of that entry.
	cm := userConfigMap(shippedV0314)
	if err := PutSource(cm, UserSource{ID: "redhat_ai_models", Name: "Mine", Type: TypeYAML, Enabled: true, CatalogFile: "source: m\nmodels: []\n"}, false); err != nil {
		t.Fatal(err)
	}
	for _, kept := range []string{"assetType: models", "agent_catalogs:", "rh_agents", "skill_catalogs: []", "some_future_key:", "namedQueries:", "rh_mcp_servers.yaml"} {
		if !strings.Contains(cm.Data[SourcesKey], kept) {
			t.Errorf("the write lost %q:\n%s", kept, cm.Data[SourcesKey])
		}
	}
}

// An id that another list of the same file uses is refused: the catalog
// server would reject the whole file.
func TestPutSourceRefusesAnIDOfAnotherList(t *testing.T) {
	cm := userConfigMap("catalogs: []\nmcp_catalogs:\n- id: shared_id\n  name: MCP\n")
	err := PutSource(cm, UserSource{ID: "shared_id", Name: "Models", Type: TypeYAML, CatalogFile: "source: m\nmodels: []\n"}, true)
	var taken *IDTakenError
	if !errors.As(err, &taken) || !strings.Contains(err.Error(), `"shared_id" is already used by a source in mcp_catalogs of ConfigMap model-catalog-sources`) {
		t.Errorf("err = %v", err)
	}
}

// A broken file of the operator's is not the user's to correct: the message
// says so instead of advising an edit the operator would revert.
func TestSourcesErrorNamesWhoOwnsTheFile(t *testing.T) {
	broken := "catalogs:\n- name: no id\n"
	shipped := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: LaterDefaultSourcesConfigMap, Namespace: "ns"}, Data: map[string]string{SourcesKey: broken}}
	_, err := Sources(shipped)
	if err == nil || strings.Contains(err.Error(), "oc edit") || !strings.Contains(err.Error(), "the operator reverts edits") {
		t.Errorf("shipped file error = %v", err)
	}
	_, err = Sources(userConfigMap(broken))
	if err == nil || !strings.Contains(err.Error(), "oc edit configmap -n ns model-catalog-sources") {
		t.Errorf("user file error = %v", err)
	}
}

func TestPutSourceKeepsWhatItDidNotWrite(t *testing.T) {
	cm := userConfigMap(dashboardFile)
	err := PutSource(cm, UserSource{ID: "mine", Name: "Mine", Type: TypeYAML, Enabled: true, Labels: []string{"Team A"},
		Excluded: []string{"*-beta"}, CatalogFile: "source: m\nmodels: []\n"}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := dashboardFile[:strings.Index(dashboardFile, "labels:")] + `- id: mine
  name: Mine
  type: yaml
  enabled: true
  labels:
    - Team A
  excludedModels:
    - '*-beta'
  properties:
    yamlCatalogPath: mine.yaml
` + dashboardFile[strings.Index(dashboardFile, "labels:"):]
	// The encoder indents nested lists by two; compare entries and keys, not spacing.
	got, err := ParseSources(cm.Data[SourcesKey])
	if err != nil {
		t.Fatal(err)
	}
	wantFile, _ := ParseSources(want)
	if diff := cmp.Diff(strip(wantFile.Entries()), strip(got.Entries())); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	for _, key := range []string{"labels:", "namedQueries:", "small: {}"} {
		if !strings.Contains(cm.Data[SourcesKey], key) {
			t.Errorf("sources.yaml lost %q:\n%s", key, cm.Data[SourcesKey])
		}
	}
	if cm.Data["mine.yaml"] != "source: m\nmodels: []\n" || cm.Data["other"] != "kept" || cm.Data["team_models.yaml"] == "" {
		t.Errorf("data = %v", cm.Data)
	}

	// Creating it again is refused; updating replaces it in place.
	err = PutSource(cm, UserSource{ID: "team_models", Type: TypeYAML}, true)
	var taken *IDTakenError
	if !errors.As(err, &taken) || err.Error() != `the source id "team_models" is already used in ConfigMap model-catalog-sources (made in the dashboard or by another configuration). Choose another source_id, or adopt the source: terraform import <resource address> team_models` {
		t.Errorf("create of a taken id: %v", err)
	}
	if err := PutSource(cm, UserSource{ID: "mine", Name: "Mine 2", Type: TypeHuggingFace, Enabled: false, Organization: "ibm-granite", APIKeySecret: "catalog-mine-apikey"}, false); err != nil {
		t.Fatal(err)
	}
	f, _ := Sources(cm)
	e, _ := f.Find("mine")
	if e.Name != "Mine 2" || e.IsEnabled() || e.Properties[PropertyAllowedOrganization] != "ibm-granite" || e.Properties[PropertyAPIKey] != "catalog-mine-apikey" || e.Labels != nil {
		t.Errorf("updated entry = %+v", e)
	}
	if _, ok := cm.Data["mine.yaml"]; ok {
		t.Errorf("the catalog file of a source that is no longer yaml stayed")
	}
	if ids := f.IDs(); !cmp.Equal(ids, []string{"team_models", "redhat_ai_models", "mine"}) {
		t.Errorf("ids = %v", ids)
	}

	if removed, err := RemoveSource(cm, ModelSources, "team_models"); !removed || err != nil {
		t.Fatal(removed, err)
	}
	if _, ok := cm.Data["team_models.yaml"]; ok {
		t.Errorf("the removed source's catalog file stayed")
	}
	f, _ = Sources(cm)
	if ids := f.IDs(); !cmp.Equal(ids, []string{"redhat_ai_models", "mine"}) || !strings.Contains(cm.Data[SourcesKey], "namedQueries") {
		t.Errorf("after remove: %v\n%s", ids, cm.Data[SourcesKey])
	}
}

func strip(entries []Entry) []Entry {
	for i := range entries {
		entries[i].Line = 0
	}
	return entries
}

func TestOverride(t *testing.T) {
	cm := userConfigMap("")
	if err := PutOverride(cm, Override{ID: "redhat_ai_models", Enabled: true, Included: []string{"granite-*"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := cm.Data[SourcesKey], "catalogs:\n  - id: redhat_ai_models\n    enabled: true\n    includedModels:\n      - granite-*\n"; got != want {
		t.Errorf("sources.yaml =\n%s\nwant\n%s", got, want)
	}
	if removed, err := RemoveOverride(cm, ModelSources, "redhat_ai_models"); !removed || err != nil {
		t.Fatal(removed, err)
	}
	if got := cm.Data[SourcesKey]; got != "catalogs: []\n" {
		t.Errorf("after remove: %q", got)
	}
}

func TestPutSourceOverTheLimit(t *testing.T) {
	cm := userConfigMap(dashboardFile)
	big := strings.Repeat("x", MaxConfigMapBytes-100)
	err := PutSource(cm, UserSource{ID: "big", Name: "Big", Type: TypeYAML, Enabled: true, CatalogFile: big}, true)
	var size *SizeError
	if !errors.As(err, &size) || size.SourceSize != len(big) || size.Total <= MaxConfigMapBytes {
		t.Fatalf("err = %v", err)
	}
	want := `source "big": its catalog file is 1048476 bytes and ConfigMap model-catalog-sources would hold ` +
		`1048885 bytes in all, over the limit of 1048576 bytes (1 MiB) that the API server sets on a ConfigMap; nothing was written. ` +
		`Make the catalog file smaller, remove other yaml sources, or place the source in a ConfigMap of its own (block own_config_map)`
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
}

func TestMerge(t *testing.T) {
	shipped, _ := ParseSources("catalogs:\n- id: redhat_ai_models\n  name: Red Hat AI models\n  type: yaml\n  labels: [Red Hat AI]\n")
	user, _ := ParseSources(dashboardFile)
	labelled, _ := ParseSources("catalogs:\n- id: extra\n  name: Extra\n  type: yaml\n")
	got := Merge(&ConfigMapSource{Name: DefaultSourcesConfigMap, File: shipped}, []ConfigMapSource{{Name: UserSourcesConfigMap, File: user}},
		[]ConfigMapSource{{Name: "z-extra", File: labelled}})
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	if m := got[0]; m.ID != "redhat_ai_models" || !m.Shipped || !m.Overridden || m.IsEnabled() || m.Name != "Red Hat AI models" || m.ConfigMap != DefaultSourcesConfigMap {
		t.Errorf("shipped = %+v", m)
	}
	if m := got[1]; m.ID != "team_models" || m.Shipped || m.ConfigMap != UserSourcesConfigMap || !m.IsEnabled() {
		t.Errorf("user = %+v", m)
	}
	if m := got[2]; m.ID != "extra" || m.ConfigMap != "z-extra" || !m.Labelled {
		t.Errorf("labelled = %+v", m)
	}
}

// cluster is a cluster holding cm.
func cluster(t *testing.T, cm *corev1.ConfigMap) *kubefake.Cluster {
	t.Helper()
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(cm)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	return kubefake.New(u)
}

// stored is the user's sources ConfigMap as f holds it.
func stored(t *testing.T, f *kubefake.Cluster) *corev1.ConfigMap {
	t.Helper()
	cm, err := FromObject(f.Object(ConfigMaps, "ns", UserSourcesConfigMap))
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// beforeUpdates runs hook before each update the cluster is sent.
func beforeUpdates(f *kubefake.Cluster, hook func()) {
	f.Interceptors.Update = func(ctx context.Context, fake kube.Interface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		hook()
		return fake.Update(ctx, obj)
	}
}

func TestModifyParallelWritersAllLand(t *testing.T) {
	var b Batches
	f := cluster(t, userConfigMap(dashboardFile))
	var wg sync.WaitGroup
	conflicts := make([]int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "s" + string(rune('a'+i))
			res, err := b.Modify(t.Context(), f, "ns", UserSourcesConfigMap, func(cm *corev1.ConfigMap) error {
				return PutSource(cm, UserSource{ID: id, Name: id, Type: TypeYAML, Enabled: true, CatalogFile: "models: []\n"}, true)
			})
			if err != nil {
				t.Error(err)
			}
			conflicts[i] = res.Conflicts
		}()
	}
	wg.Wait()
	file, err := Sources(stored(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(file.Entries()); n != 22 {
		t.Errorf("%d entries after 20 parallel creates, want 22 (no lost update)", n)
	}
	if cm := stored(t, f); !strings.Contains(cm.Data[SourcesKey], "namedQueries") || cm.Data["other"] != "kept" {
		t.Errorf("a parallel writer dropped what it did not write")
	}
}

func TestModifyErrors(t *testing.T) {
	var b Batches
	_, err := b.Modify(t.Context(), kubefake.New(), "ns", UserSourcesConfigMap, func(*corev1.ConfigMap) error { return nil })
	if !IsNotDeployed(err) || !strings.HasPrefix(err.Error(), `the model catalog is not deployed in namespace "ns": ConfigMap model-catalog-sources does not exist.`) {
		t.Errorf("missing ConfigMap: %v", err)
	}
	f := cluster(t, userConfigMap(dashboardFile))
	beforeUpdates(f, func() { f.Touch(ConfigMaps, "ns", UserSourcesConfigMap) }) // someone always writes first
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	res, err := b.Modify(ctx, f, "ns", UserSourcesConfigMap, func(cm *corev1.ConfigMap) error {
		calls++
		if calls == 3 {
			cancel()
		}
		cm.Data["k"] = "v"
		return nil
	})
	if res.Conflicts != 3 || err == nil || !strings.Contains(err.Error(), "kept changing: 3 updates found it modified by another request before the timeout") {
		t.Errorf("res = %+v, err = %v", res, err)
	}
	res, err = b.Modify(t.Context(), cluster(t, userConfigMap(dashboardFile)), "ns", UserSourcesConfigMap, func(*corev1.ConfigMap) error { return nil })
	if err != nil || res.Written {
		t.Errorf("a change that changes nothing wrote: %+v %v", res, err)
	}
}

// queued is how many Modify calls wait behind the one in flight for f's namespace.
func queued(b *Batches, f *kubefake.Cluster) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if g := b.groups[groupKey{c: f, namespace: "ns", name: UserSourcesConfigMap}]; g != nil {
		return len(g.queue)
	}
	return 0
}

func putSource(id string) func(cm *corev1.ConfigMap) error {
	return func(cm *corev1.ConfigMap) error {
		return PutSource(cm, UserSource{ID: id, Name: id, Type: TypeYAML, Enabled: true, CatalogFile: "models: []\n"}, true)
	}
}

// While one update is in flight, the changes that come in wait and go out
// together in the next update: 1 + 1 updates for 11 writers, no conflict. A
// change that fails is left out of the batch and only its caller hears of it;
// a caller that gives up while queued is left out and its change never lands.
func TestModifyCommitsQueuedChangesTogether(t *testing.T) {
	var b Batches
	f := cluster(t, userConfigMap(dashboardFile))
	release := make(chan struct{})
	var updates atomic.Int32
	beforeUpdates(f, func() {
		if updates.Add(1) == 1 {
			<-release
		}
	})
	type outcome struct {
		id  string
		res ModifyResult
		err error
	}
	outcomes := make(chan outcome, 12)
	modify := func(ctx context.Context, id string, change func(cm *corev1.ConfigMap) error) {
		res, err := b.Modify(ctx, f, "ns", UserSourcesConfigMap, change)
		outcomes <- outcome{id, res, err}
	}
	go modify(t.Context(), "first", putSource("first"))
	for queued(&b, f) != 0 || updates.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := range 9 {
		go modify(t.Context(), fmt.Sprintf("s%d", i), putSource(fmt.Sprintf("s%d", i)))
	}
	go modify(t.Context(), "taken", putSource("first")) // the first writer's id: IDTakenError
	gaveUp, giveUp := context.WithCancel(t.Context())
	go modify(gaveUp, "gave-up", putSource("gave-up"))
	for queued(&b, f) != 11 {
		time.Sleep(time.Millisecond)
	}
	giveUp()
	close(release)
	got := map[string]outcome{}
	for range 12 {
		o := <-outcomes
		got[o.id] = o
	}
	if o := got["first"]; o.err != nil || o.res.Batched != 1 || !o.res.Written {
		t.Errorf("first writer: %+v", o)
	}
	for i := range 9 {
		if o := got[fmt.Sprintf("s%d", i)]; o.err != nil || o.res.Batched != 9 || o.res.Conflicts != 0 || !o.res.Written {
			t.Errorf("queued writer %d: %+v, want its change in one update of 9", i, o)
		}
	}
	var taken *IDTakenError
	if o := got["taken"]; !errors.As(o.err, &taken) {
		t.Errorf("the writer of a taken id got %+v, want an IDTakenError", o)
	}
	if o := got["gave-up"]; !errors.Is(o.err, context.Canceled) {
		t.Errorf("the writer that gave up got %+v, want context.Canceled", o)
	}
	if n := updates.Load(); n != 2 {
		t.Errorf("%d updates, want 2 (one in flight, one for the queue)", n)
	}
	file, err := Sources(stored(t, f))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range file.Entries() {
		ids[e.ID] = true
	}
	if len(ids) != 12 || ids["gave-up"] || !ids["first"] || !ids["s8"] {
		t.Errorf("sources on the ConfigMap: %v, want the dashboard's 2, first and s0..s8", ids)
	}
}
