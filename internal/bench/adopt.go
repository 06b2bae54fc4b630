package main

// The adopt fleet: N registries with 3 permissions each made as the dashboard makes
// them, adopted two ways in the same cycle: `terraform query -generate-config-out`
// over the list resources, and examples/fleet-import's data sources with import blocks.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/dashboard"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// The adopt fleet's two ways, each in its own working directory.
const (
	configGenerated   = "generate_config" // terraform query -generate-config-out
	configFleetImport = "fleet_import"    // examples/fleet-import
)

const (
	queryFile          = "adopt.tfquery.hcl"
	generatedFile      = "generated.tf"
	importPlanFile     = "adopt.tfplan"
	fleetImportExample = "examples/fleet-import"
	// planImports: the plan imports the fleet's 4N resources and changes nothing.
	planImports = "imports only"
	// adoptedPermissions per registry: a user, a group and a project's service accounts.
	adoptedPermissions = 3
)

// The list resources the query reads, each in one list block.
var queriedTypes = []string{"openshiftai_model_registry", "openshiftai_model_registry_permission"}

// adoptTerraform is the CLI of the adopt fleet: -terraform, else terraform-1.16 in
// $OPENSHIFTAI_CONTROLPLANE_BIN or the repository's .bin, which must be 1.14 or later.
func adoptTerraform(flagValue, root string) (string, error) {
	candidates := []string{flagValue}
	if flagValue == "" {
		candidates = nil
		if dir := os.Getenv("OPENSHIFTAI_CONTROLPLANE_BIN"); dir != "" {
			candidates = append(candidates, filepath.Join(dir, "terraform-1.16"))
		}
		candidates = append(candidates, filepath.Join(root, ".bin", "terraform-1.16"))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err != nil {
			continue
		}
		path, err := filepath.Abs(c)
		if err != nil {
			return "", err
		}
		if err := atLeast1_14(terraformVersion(path)); err != nil {
			return "", fmt.Errorf("-terraform %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("-fleet adopt runs terraform query, which needs Terraform 1.14 or later, and found none of %s: "+
		"build it with make terraform-build or name one with -terraform", strings.Join(candidates, ", "))
}

// atLeast1_14 checks the first line of `terraform version`.
func atLeast1_14(version string) error {
	var major, minor int
	if _, err := fmt.Sscanf(version, "Terraform v%d.%d", &major, &minor); err != nil {
		return fmt.Errorf("cannot read the version from %q", version)
	}
	if major < 1 || (major == 1 && minor < 14) {
		return fmt.Errorf("%s has no terraform query: use 1.14 or later", version)
	}
	return nil
}

func adoptSteps() []step {
	return []step{
		{configGenerated, "query", ""},
		{configGenerated, "query-generate", ""},
		{configGenerated, "plan-import", planImports},
		{configGenerated, "apply-import", ""},
		{configGenerated, "plan-noop", noChanges},
		{configFleetImport, "plan-import", planImports},
		{configFleetImport, "apply-import", ""},
		{configFleetImport, "plan-noop", noChanges},
	}
}

var adoptArgs = map[string][]string{
	"query":          {"query", "-no-color"},
	"query-generate": {"query", "-no-color", "-generate-config-out=" + generatedFile},
	"plan-import":    {"plan", "-input=false", "-no-color", "-out=" + importPlanFile},
	"apply-import":   {"apply", "-input=false", "-no-color", importPlanFile},
	"plan-noop":      {"plan", "-detailed-exitcode", "-input=false", "-no-color"},
}

// adoptQuery is the query over the registries and permissions the dashboard made;
// withResources asks for each object's state, as -generate-config-out needs. The
// limit is above the fleet's size: Terraform's default (100) would cut the results.
func adoptQuery(n int, withResources bool) string {
	var b strings.Builder
	for _, resourceType := range queriedTypes {
		fmt.Fprintf(&b, "list %q \"dashboard\" {\n  provider = openshiftai\n  limit    = %d\n", resourceType, (adoptedPermissions+1)*n)
		if withResources {
			b.WriteString("  include_resource = true\n")
		}
		b.WriteString("  config {\n    made_by = \"dashboard\"\n  }\n}\n\n")
	}
	return b.String()
}

// prepareAdoptDirs makes both ways' working directories anew: the provider block for
// the query, the example's files for the other.
func (b *bench) prepareAdoptDirs(n int) error {
	generated := filepath.Join(b.work, configGenerated)
	example := filepath.Join(b.work, configFleetImport)
	for _, dir := range []string{generated, example} {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	var main strings.Builder
	terraformBlock(&main, providerSource, false)
	if err := os.WriteFile(filepath.Join(generated, "main.tf"), []byte(main.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(generated, queryFile), []byte(adoptQuery(n, false)), 0o644); err != nil {
		return err
	}
	for _, name := range []string{"main.tf", "versions.tf"} {
		if err := copyFile(filepath.Join(b.root, fleetImportExample, name), filepath.Join(example, name), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// beforeAdoptStep sets up the working directory for st: the query with resources for
// -generate-config-out, and no query file once the configuration is generated.
func (b *bench) beforeAdoptStep(st step, n int) error {
	if st.config != configGenerated {
		return nil
	}
	path := filepath.Join(b.work, configGenerated, queryFile)
	switch st.phase {
	case "query-generate":
		return os.WriteFile(path, []byte(adoptQuery(n, true)), 0o644)
	case "plan-import":
		return os.Remove(path)
	}
	return nil
}

// measureAdopt runs the cycles: make the dashboard's fleet, adopt it both ways, remove it.
func (b *bench) measureAdopt(ctx context.Context, steps []step, res *results) error {
	n := b.opts.n
	samples := map[string][]phaseResult{}
	res.LoadAverage = append(res.LoadAverage, loadAverage())
	for cycle := 1; cycle <= b.opts.repeat; cycle++ {
		if err := b.makeDashboardFleet(ctx); err != nil {
			return err
		}
		if err := b.prepareAdoptDirs(n); err != nil {
			return err
		}
		for _, st := range steps {
			if err := b.beforeAdoptStep(st, n); err != nil {
				return err
			}
			r, out, err := b.command(ctx, st.config, st.phase, adoptArgs[st.phase], cycle)
			if err != nil {
				return err
			}
			if err := b.checkAdoptStep(st, n, r, out); err != nil {
				return err
			}
			key := st.config + " " + st.phase
			samples[key] = append(samples[key], r)
		}
		if err := b.removeDashboardFleet(ctx); err != nil {
			return err
		}
		res.LoadAverage = append(res.LoadAverage, loadAverage())
	}
	for _, st := range steps {
		res.Phases = append(res.Phases, fastest(samples[st.config+" "+st.phase]))
	}
	res.Adoption = compareAdoption(res.Phases)
	return nil
}

// checkAdoptStep fails the run when a command failed or did other than adopting.
func (b *bench) checkAdoptStep(st step, n int, r phaseResult, out commandOutput) error {
	var problem error
	if out.exitCode != 0 {
		problem = fmt.Errorf("exit code %d", out.exitCode)
	} else {
		switch st.phase {
		case "query":
			problem = errors.Join(queryResultProblem(out.text, n), queryRequestsProblem(r.Requests.Provider, n))
		case "query-generate":
			generated, err := os.ReadFile(filepath.Join(b.work, configGenerated, generatedFile))
			if err != nil {
				return err
			}
			problem = errors.Join(generatedProblem(string(generated), n), oneByOneProblem(r.Requests.Provider))
		default:
			problem = adoptSummaryProblem(st.phase, n, out.text)
			if st.config == configGenerated {
				problem = errors.Join(problem, oneByOneProblem(r.Requests.Provider))
			}
		}
	}
	if problem != nil {
		return fmt.Errorf("%s %s: %w; see %s:\n%s", st.config, st.phase, problem, out.logPath, tail(out.text))
	}
	return nil
}

// queryResultProblem checks that the query found every registry and every permission.
func queryResultProblem(output string, n int) error {
	want := map[string]int{"openshiftai_model_registry": n, "openshiftai_model_registry_permission": adoptedPermissions * n}
	var problems []error
	for _, resourceType := range queriedTypes {
		prefix := "list." + resourceType + ".dashboard "
		got := 0
		for line := range strings.Lines(output) {
			if strings.HasPrefix(strings.TrimSpace(line)+" ", prefix) {
				got++
			}
		}
		if got != want[resourceType] {
			problems = append(problems, fmt.Errorf("the query found %d %s, want %d", got, resourceType, want[resourceType]))
		}
	}
	return errors.Join(problems...)
}

// pages is how many LIST requests of tfutil.ListPageSize objects read n objects.
func pages(n int) int { return max(1, (n+tfutil.ListPageSize-1)/tfutil.ListPageSize) }

// queryRequestsProblem checks that a query reads each kind in pages, a request count
// that grows by one per 250 objects, not per object: no GET of a registry, a binding
// or a Secret. A LIST of the namespace's RoleBindings pages over the operator's
// <name>-users binding of each registry too, so 4 bindings a registry.
func queryRequestsProblem(requests counts, n int) error {
	var problems []error
	for _, kind := range []struct {
		resource string
		objects  int
	}{{"modelregistries", n}, {"rolebindings", (adoptedPermissions + 1) * n}} {
		if got := requests["LIST "+kind.resource]; got > pages(kind.objects) {
			problems = append(problems, fmt.Errorf("%d LISTs of %s for %d objects, want at most %d pages of %d",
				got, kind.resource, kind.objects, pages(kind.objects), tfutil.ListPageSize))
		}
	}
	return errors.Join(append(problems, oneByOneProblem(requests))...)
}

// oneByOneProblem fails a phase of the generated configuration that read a registry,
// a binding or a Secret by itself: the query, its import and the refresh after it
// read every kind from one list per provider process.
func oneByOneProblem(requests counts) error {
	var problems []error
	for _, resource := range []string{"modelregistries", "rolebindings", "secrets"} {
		if got := requests["GET "+resource]; got > 0 {
			problems = append(problems, fmt.Errorf("%d GETs of %s: an adoption reads no object one by one", got, resource))
		}
	}
	return errors.Join(problems...)
}

var generatedBlock = regexp.MustCompile(`(?m)^(resource|import) "?([a-z_]*)"?`)

// generatedProblem checks that -generate-config-out wrote a resource and an import
// block for every registry and every permission.
func generatedProblem(generated string, n int) error {
	resources, imports := map[string]int{}, 0
	for _, m := range generatedBlock.FindAllStringSubmatch(generated, -1) {
		if m[1] == "import" {
			imports++
		} else {
			resources[m[2]]++
		}
	}
	var problems []error
	for resourceType, want := range map[string]int{"openshiftai_model_registry": n, "openshiftai_model_registry_permission": adoptedPermissions * n} {
		if resources[resourceType] != want {
			problems = append(problems, fmt.Errorf("%s has %d %s resources, want %d", generatedFile, resources[resourceType], resourceType, want))
		}
	}
	if want := (adoptedPermissions + 1) * n; imports != want {
		problems = append(problems, fmt.Errorf("%s has %d import blocks, want %d", generatedFile, imports, want))
	}
	return errors.Join(problems...)
}

// adoptSummaryProblem checks a plan or apply of the adoption by the line Terraform
// ends it with: the plan imports the 4N resources and creates, updates and destroys
// nothing; the apply imports them; the plan after it is empty.
func adoptSummaryProblem(phase string, n int, output string) error {
	want := map[string]string{
		"plan-import":  fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", (adoptedPermissions+1)*n),
		"apply-import": fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", (adoptedPermissions+1)*n),
		"plan-noop":    "No changes.",
	}[phase]
	for line := range strings.Lines(output) {
		if strings.HasPrefix(strings.TrimSpace(line), want) {
			return nil
		}
	}
	return fmt.Errorf("no line %q", want)
}

// adoption compares the two ways of adopting the same fleet.
type adoption struct {
	// Wall times of the adoption to its first empty plan: the query with
	// -generate-config-out, the importing plan and apply; the example's plan and apply.
	GeneratedWall   float64 `json:"generate_config_wall_seconds"`
	FleetImportWall float64 `json:"fleet_import_wall_seconds"`
	// Speedup is FleetImportWall over GeneratedWall: above 1, the query is faster.
	Speedup float64 `json:"generate_config_speedup"`
	// The same for the no-op plan after each.
	GeneratedNoop   float64 `json:"generate_config_noop_plan_seconds"`
	FleetImportNoop float64 `json:"fleet_import_noop_plan_seconds"`
}

func compareAdoption(phases []phaseResult) *adoption {
	a := &adoption{}
	for _, p := range phases {
		switch {
		case p.Config == configGenerated && p.Phase == "plan-noop":
			a.GeneratedNoop = p.Wall
		case p.Config == configFleetImport && p.Phase == "plan-noop":
			a.FleetImportNoop = p.Wall
		case p.Config == configGenerated && p.Phase != "query":
			a.GeneratedWall += p.Wall
		case p.Config == configFleetImport:
			a.FleetImportWall += p.Wall
		}
	}
	if a.GeneratedWall > 0 {
		a.Speedup = a.FleetImportWall / a.GeneratedWall
	}
	return a
}

// byVerb sums requests by verb.
func (c counts) byVerb() counts {
	out := counts{}
	for key, v := range c {
		verb, _, _ := strings.Cut(key, " ")
		out[verb] += v
	}
	return out
}

// printAdoption writes the adopt fleet's phases and the two ways against each other.
func printAdoption(w io.Writer, res results) {
	fmt.Fprintln(w, "| way | phase | wall | provider requests | by verb | provider CPU | provider peak RSS | Terraform CPU | kube-apiserver CPU |")
	fmt.Fprintln(w, "|---|---|--:|--:|---|--:|--:|--:|--:|")
	for _, p := range res.Phases {
		fmt.Fprintf(w, "| %s | %s | %.1f s | %d | %s | %.1f s | %s MiB (%d processes) | %.1f s | %.1f s |\n", p.Config, p.Phase, p.Wall,
			p.ProviderRequests, p.Requests.Provider.byVerb(), p.ProviderCPU, mib(p.PeakRSSBytes), p.ProviderProcesses, p.TerraformCPU, p.APIServerCPU)
	}
	if a := res.Adoption; a != nil {
		fmt.Fprintf(w, "\nadoption to the first empty plan: terraform query -generate-config-out, plan, apply %.1f s; %s's plan, apply %.1f s: the query %s as fast\n",
			a.GeneratedWall, fleetImportExample, a.FleetImportWall, ratio(a.Speedup))
		fmt.Fprintf(w, "no-op plan after the adoption: generated configuration %.1f s, %s %.1f s\n", a.GeneratedNoop, fleetImportExample, a.FleetImportNoop)
	}
	fmt.Fprintln(w)
	for _, p := range res.Phases {
		fmt.Fprintf(w, "%s %s requests\n  provider: %s\n", p.Config, p.Phase, p.Requests.Provider)
	}
}

// makeDashboardFleet makes N registries as the dashboard does, each with its password
// Secret and three permissions (a user, a group, a project's service accounts), and
// waits until the operator stand-in reports every registry available.
func (b *bench) makeDashboardFleet(ctx context.Context) error {
	n := b.opts.n
	log.Printf("making %d dashboard registries with %d permissions each", n, adoptedPermissions)
	jobs := make(chan int)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				if err := b.makeDashboardRegistry(ctx, i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := 1; i <= n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return b.waitRegistriesReady(ctx, n)
}

func (b *bench) makeDashboardRegistry(ctx context.Context, i int) error {
	name := registryResource(i)
	create := metav1.CreateOptions{FieldManager: dashboard.FieldManager}
	secret, err := b.typed.CoreV1().Secrets(b.namespace).Create(ctx,
		dashboard.PasswordSecret(b.namespace, name, databaseName(i), "model_registry", passwordValue), create)
	if err != nil {
		return fmt.Errorf("creating the password Secret of registry %s: %w", name, err)
	}
	obj := dashboard.Registry(b.namespace, name, registryDisplay(i), "",
		dashboard.MySQL(databaseHost, 3306, databaseName(i), "model_registry", secret.Name))
	made, err := b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).Create(ctx, obj, create)
	if err != nil {
		return fmt.Errorf("creating registry %s: %w", name, err)
	}
	for _, binding := range []struct {
		subject string
		project bool
	}{{"user", false}, {"group", false}, {"project", true}} {
		subject := dashboard.User(permissionSubject(binding.subject, i))
		switch binding.subject {
		case "group":
			subject = dashboard.Group(permissionSubject("group", i))
		case "project":
			subject = dashboard.Project(permissionSubject("project", i))
		}
		rb := dashboard.Binding(b.namespace, name, made.GetUID(), subject, binding.project)
		if _, err := b.typed.RbacV1().RoleBindings(b.namespace).Create(ctx, rb, create); err != nil {
			return fmt.Errorf("creating the %s permission of registry %s: %w", binding.subject, name, err)
		}
	}
	return nil
}

func (b *bench) waitRegistriesReady(ctx context.Context, n int) error {
	readyWait := scaledWait(5*time.Minute, n)
	deadline := time.Now().Add(readyWait)
	for {
		list, err := b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		ready := 0
		for i := range list.Items {
			if registry.ParseModelRegistry(&list.Items[i]).Ready() {
				ready++
			}
		}
		if ready == n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d dashboard registries ready after %s", ready, n, readyWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// removeDashboardFleet deletes what makeDashboardFleet made, as the dashboard deletes
// a registry (the registry and its password Secret; the bindings it owns go with it),
// and waits until nothing is left, so the next cycle starts on the same cluster.
func (b *bench) removeDashboardFleet(ctx context.Context) error {
	log.Printf("removing the dashboard registries")
	all := metav1.ListOptions{}
	if err := b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, all); err != nil {
		return err
	}
	secrets := metav1.ListOptions{LabelSelector: registry.LabelRegistryManaged + "=true"}
	if err := b.typed.CoreV1().Secrets(b.namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, secrets); err != nil {
		return err
	}
	bindings := metav1.ListOptions{LabelSelector: registry.LabelDashboard + "=true"}
	if err := b.dynamic.Resource(kube.RoleBindings).Namespace(b.namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, bindings); err != nil {
		return err
	}
	if err := b.settle(ctx, b.checkEmpty, "deleting the adopted fleet"); err != nil {
		return err
	}
	left, err := b.typed.CoreV1().Secrets(b.namespace).List(ctx, secrets)
	if err != nil {
		return err
	}
	if len(left.Items) > 0 {
		return fmt.Errorf("removing the adopted fleet left %d password Secrets, for example %s", len(left.Items), left.Items[0].GetName())
	}
	return nil
}

// adoptSmokeProblems checks what a smoke run of the adopt fleet wrote: the query read
// each kind in pages, and the adoption's speedup is there.
func adoptSmokeProblems(res results, steps []step) []string {
	var problems []string
	for _, p := range res.Phases {
		if p.Config == configGenerated && p.Phase == "query" {
			if err := queryRequestsProblem(p.Requests.Provider, res.N); err != nil {
				problems = append(problems, "query: "+err.Error())
			}
		}
	}
	if res.Adoption == nil || !finitePositive(res.Adoption.Speedup) || len(res.Phases) != len(steps) {
		problems = append(problems, fmt.Sprintf("adoption: %d phases of %d, comparison %+v", len(res.Phases), len(steps), res.Adoption))
	}
	return problems
}
