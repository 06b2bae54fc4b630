// Command bench measures the provider at fleet scale (`make bench`): it applies, plans
// and destroys N model registries with three permissions each on a local control plane
// with the operator stand-in, and against three floors in the same run: the same
// configuration served by the plugin floor (internal/bench/floor, a provider with the
// provider's schemas that does nothing), what Terraform, the plugin protocol and the
// framework cost; by the write floor (the same, making exactly the writes each
// resource's objects need), the physical limit of a provider that makes these objects;
// and the same number of Terraform's built-in terraform_data resources, what Terraform
// alone costs. Per phase it reports the wall time and its ratio to each floor,
// the API requests by verb and resource, the peak memory and CPU time of the provider
// processes, and whether client-go throttled any request.
//
//	go run ./internal/bench -n 100            # or: make bench BENCHARGS='-n 1000'
//	go run ./internal/bench -smoke            # every phase once at N=10: fails on errors, never on timings
//
// It is a harness, never imported by the provider.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

type options struct {
	n              int
	jsonPath       string
	compare        string
	keep           bool
	readyDelay     time.Duration
	workers        int
	sampleInterval time.Duration
	timeout        time.Duration
	repeat         int
	audit          bool
	cpuProfile     string
	memProfile     string
	smoke          bool
	providerEnv    string
	fleet          fleet
	noWait         bool
	// terraform is the CLI of the adopt fleet (terraform query needs 1.14 or later).
	terraform string
}

func main() {
	if wrapperMode() {
		os.Exit(runWrapper())
	}
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	var opts options
	flag.IntVar(&opts.n, "n", 100, "fleet size: registries (each with 3 permissions, so 4n Terraform resources, or 2n with -fleet list), or catalog sources")
	fleetName := flag.String("fleet", "registries", "what to apply: registries (each with a user, a group and a project as single permissions), "+
		"list (each with one permission list of the same 3 subjects; the registries fleet runs after it in the same cycles, for the comparison), "+
		"catalog (yaml model catalog sources, all in one ConfigMap), mcp (MCP catalog sources, all in one ConfigMap), "+
		"adopt (registries with 3 permissions each made as the dashboard makes them, adopted with terraform query -generate-config-out and with examples/fleet-import; needs -terraform 1.14 or later)")
	flag.StringVar(&opts.jsonPath, "json", "", "write the results as JSON here (default bench-results/bench-<n>.json in the repository)")
	flag.StringVar(&opts.compare, "compare", "", "results JSON of another run (for example bench-results/bench-100.json): print the cost per resource against it")
	flag.BoolVar(&opts.keep, "keep", false, "keep the working directory (configurations, state, Terraform and control plane logs)")
	flag.BoolVar(&opts.noWait, "no-wait", false, "registries with wait_for_ready = false (the provider and the plugin floor both return once the objects are written): the provider's own cost, without the time the operator, the Deployment and its Pods take to make a registry available")
	flag.DurationVar(&opts.readyDelay, "ready-delay", time.Millisecond, "how long the operator stand-in takes to make a registry available")
	flag.IntVar(&opts.workers, "workers", 32, "operator stand-in workers")
	flag.DurationVar(&opts.sampleInterval, "sample-interval", time.Second, "how often /metrics is read during the first cycle's provider phases for the peak request rate (0: only before and after); later cycles are not sampled, so reading /metrics does not slow the phases whose wall time counts")
	flag.DurationVar(&opts.timeout, "timeout", 90*time.Minute, "bound on the whole run")
	flag.StringVar(&opts.cpuProfile, "cpuprofile", "", "build the provider with CPU profiling (internal/bench/profiled) and write one profile per provider process into <dir>/<phase>-<cycle>/")
	flag.StringVar(&opts.memProfile, "memprofile", "", "build the provider with heap profiling (internal/bench/profiled) and write, per provider process, a heap profile at its peak live heap and one at exit into <dir>/<phase>-<cycle>/")
	flag.StringVar(&opts.providerEnv, "provider-env", "", "environment of the provider and plugin floor processes only, not of Terraform or the control plane: space-separated NAME=VALUE, for example 'GOMEMLIMIT=160MiB GOGC=200'")
	flag.BoolVar(&opts.smoke, "smoke", false, "run every phase once (-n 10 -repeat 1 unless set) and fail only on errors: a failed command, an unexpected plan, leftovers, a floor that called the API; timings are printed, never checked; the JSON goes to the working directory unless -json is set")
	flag.BoolVar(&opts.audit, "audit", false, "audit every request (user, user agent, verb, resource) in <workdir>/audit.log for profiling, not only kube-controller-manager's; with -keep; slows the API server")
	flag.IntVar(&opts.repeat, "repeat", 0, "cycles of apply, plan, plan, destroy; the fastest of each phase counts (default 3 up to -n 300, else 1)")
	flag.StringVar(&opts.terraform, "terraform", "", "the Terraform CLI of -fleet adopt, 1.14 or later for terraform query (default: terraform-1.16 in $OPENSHIFTAI_CONTROLPLANE_BIN or the repository's .bin, when there); the other fleets run terraform from PATH")
	show := flag.String("show", "", "print the tables of a results JSON written before (with -compare, against another) and exit")
	flag.Parse()
	f, ok := fleets[*fleetName]
	if !ok {
		log.Fatalf("-fleet: %q is none of %s", *fleetName, fleetNames())
	}
	opts.fleet = f
	if opts.smoke {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["n"] {
			opts.n = 10
		}
		if !set["repeat"] {
			opts.repeat = 1
		}
	}
	if *show != "" {
		if err := showResults(*show, opts.compare); err != nil {
			log.Fatal(err)
		}
		return
	}
	if opts.repeat <= 0 {
		opts.repeat = 3
		if opts.n > 300 {
			opts.repeat = 1
		}
	}
	for _, kv := range strings.Fields(opts.providerEnv) {
		if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
			log.Fatalf("-provider-env: %q is not NAME=VALUE", kv)
		}
	}
	if opts.n < 1 || opts.n > 9999 {
		log.Fatalf("-n must be between 1 and 9999")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	if err := run(ctx, opts); err != nil {
		log.Fatal(err)
	}
}

// phaseResult is one Terraform command of one configuration.
type phaseResult struct {
	Config  string  `json:"config"` // configOpenShiftAI, configFloor or configTerraformData
	Phase   string  `json:"phase"`  // apply, plan-noop, plan-norefresh, plan-drift, destroy
	Command string  `json:"command"`
	Wall    float64 `json:"wall_seconds"`
	// Baseline is the terraform_data phase it is compared with, Ratio = Wall / its Wall.
	Baseline string  `json:"baseline_phase,omitempty"`
	Ratio    float64 `json:"ratio_to_terraform_data,omitempty"`
	// FloorPhase is the plugin floor's phase it is compared with, FloorRatio = Wall / its
	// Wall; both are empty in results written before the floor existed.
	FloorPhase string  `json:"plugin_floor_phase,omitempty"`
	FloorRatio float64 `json:"ratio_to_plugin_floor,omitempty"`
	// WriteFloorPhase is the write floor's phase it is compared with, WriteFloorRatio =
	// Wall / its Wall; both are empty in results written before the write floor existed.
	WriteFloorPhase string  `json:"write_floor_phase,omitempty"`
	WriteFloorRatio float64 `json:"ratio_to_write_floor,omitempty"`
	Summary         string  `json:"plan_summary,omitempty"`
	// SinglesWall is the same phase of the registries fleet in a -fleet list run, and
	// SpeedupOverSingles its wall time over this one's.
	SinglesWall        float64 `json:"singles_wall_seconds,omitempty"`
	SpeedupOverSingles float64 `json:"speedup_over_singles,omitempty"`
	// Walls are the wall times of all repetitions; the other fields are the fastest's,
	// except peak memory, peak request rate and throttling, the worst of all.
	Walls []float64 `json:"wall_seconds_all"`

	Requests         attribution `json:"requests,omitempty"`
	ProviderRequests int         `json:"provider_requests"`
	// RequestsPerObject is ProviderRequests per Kubernetes object the configuration manages.
	RequestsPerObject float64 `json:"provider_requests_per_object,omitempty"`
	// PeakRequestRate is the provider's highest request rate over one sampling interval.
	PeakRequestRate float64 `json:"provider_peak_requests_per_second,omitempty"`

	ProviderProcesses int     `json:"provider_processes"`
	PeakRSSBytes      int64   `json:"provider_peak_rss_bytes"`
	ProviderCPU       float64 `json:"provider_cpu_seconds"`
	ThrottleMessages  int     `json:"throttle_messages"`
	// CPU seconds of Terraform itself (its rusage less the provider processes'), and of
	// kube-apiserver and etcd, over the phase.
	TerraformCPU float64 `json:"terraform_cpu_seconds"`
	APIServerCPU float64 `json:"apiserver_cpu_seconds"`
	EtcdCPU      float64 `json:"etcd_cpu_seconds"`
	// Throttled says whether client-go made any request wait (see throttleVerdict).
	Throttled string `json:"client_side_throttling"`
	// sampled: /metrics was read during the phase for PeakRequestRate.
	sampled bool
}

type machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	MemoryGiB int    `json:"memory_gib"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
}

type results struct {
	N int `json:"n"`
	// Fleet is -fleet; empty in results written before it existed (registries).
	Fleet string `json:"fleet,omitempty"`
	// NoWait is -no-wait: the registries were applied with wait_for_ready = false.
	NoWait      bool      `json:"no_wait,omitempty"`
	Description string    `json:"fleet_description,omitempty"`
	Resources   int       `json:"terraform_resources"`
	Objects     int       `json:"kubernetes_objects"`
	Started     time.Time `json:"started"`
	Machine     machine   `json:"machine"`
	QPS         float32   `json:"provider_qps"`
	Burst       int       `json:"provider_burst"`
	ReadyDelay  string    `json:"standin_ready_delay"`
	Parallelism int       `json:"terraform_parallelism"`
	Repeat      int       `json:"repeat"`
	// ProviderEnv is -provider-env: collector settings tried on the provider processes.
	ProviderEnv string `json:"provider_env,omitempty"`
	// LoadAverage is the machine's 1-minute load average before the first cycle and
	// after each: other processes on the machine show here.
	LoadAverage []float64     `json:"load_average"`
	Phases      []phaseResult `json:"phases"`
	// Adoption compares the two ways of a -fleet adopt run.
	Adoption *adoption `json:"adoption,omitempty"`
}

type bench struct {
	opts    options
	root    string
	work    string
	env     []string
	cp      *controlplane.ControlPlane
	standIn *requestCounter
	harness *requestCounter
	typed   kubernetes.Interface
	// controllerManager counts kube-controller-manager's requests from the audit log.
	controllerManager *userRequests
	metrics           rest.Interface
	dynamic           dynamic.Interface
	namespace         string
	// terraform is the CLI every phase runs.
	terraform string
}

func run(ctx context.Context, opts options) error {
	root, err := controlplane.RepoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "openshiftai-bench-")
	if err != nil {
		return err
	}
	if opts.keep {
		log.Printf("working directory %s (kept)", work)
	} else {
		defer os.RemoveAll(work)
	}
	if err := resolvePaths(&opts, root, work); err != nil {
		return err
	}
	b := &bench{opts: opts, root: root, work: work, standIn: newRequestCounter(), harness: newRequestCounter(),
		namespace: controlplane.RegistriesNamespace, terraform: "terraform"}
	if opts.fleet.adopt {
		if b.terraform, err = adoptTerraform(opts.terraform, root); err != nil {
			return err
		}
	}
	res := newResults(opts)
	res.Machine.Terraform = terraformVersion(b.terraform)

	if err := b.installProvider(ctx); err != nil {
		return err
	}
	stop, err := b.startCluster(ctx)
	defer stop()
	if err != nil {
		return err
	}
	b.env = b.terraformEnv()
	if opts.fleet.adopt {
		steps := adoptSteps()
		if err := b.measureAdopt(ctx, steps, &res); err != nil {
			return err
		}
		return report(res, opts, work, steps)
	}
	if err := b.writeConfigs(); err != nil {
		return err
	}
	steps := benchSteps(opts.fleet)
	if err := b.measure(ctx, steps, &res); err != nil {
		return err
	}
	return report(res, opts, work, steps)
}

// resolvePaths makes the profile directories absolute and present, and picks
// the results file: bench-results/ for a benchmark, the working directory for
// a smoke run.
func resolvePaths(opts *options, root, work string) error {
	for _, dir := range []*string{&opts.cpuProfile, &opts.memProfile} {
		if *dir == "" {
			continue
		}
		var err error
		if *dir, err = filepath.Abs(*dir); err != nil {
			return err
		}
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			return err
		}
	}
	if opts.jsonPath == "" {
		name := fmt.Sprintf("bench-%d.json", opts.n)
		if opts.fleet.name != "registries" {
			name = fmt.Sprintf("bench-%s-%d.json", opts.fleet.name, opts.n)
		}
		opts.jsonPath = filepath.Join(root, "bench-results", name)
		if opts.smoke {
			// A smoke run's figures are no benchmark: keep them from replacing one.
			opts.jsonPath = filepath.Join(work, name)
		}
	}
	return nil
}

// newResults are the results of a run before it measures anything.
func newResults(opts options) results {
	return results{
		N: opts.n, Fleet: opts.fleet.name, NoWait: opts.noWait, Description: opts.fleet.description,
		Resources: opts.fleet.resources * opts.n, Objects: opts.fleet.objects * opts.n,
		Started: time.Now().UTC().Truncate(time.Second), Machine: describeMachine(),
		QPS: kube.DefaultQPS, Burst: kube.DefaultBurst, ReadyDelay: opts.readyDelay.String(), Parallelism: 10,
		Repeat: opts.repeat, ProviderEnv: opts.providerEnv,
	}
}

// startCluster starts the control plane, the operator stand-in (and its
// catalog part for the catalog fleet) and the harness's counted clients, and
// makes the subjects the permissions name. stop undoes what was started, also
// after an error.
func (b *bench) startCluster(ctx context.Context) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	// The operator generation and gateway mode come from the environment, as in the acceptance tests.
	generation, gatewayDomain, err := standin.FromEnv()
	if err != nil {
		return stop, err
	}
	log.Printf("starting the local control plane (operator stand-in %s, gateway domain %q)", generation, gatewayDomain)
	apiserverFlags, auditLog, err := auditFlags(b.work, b.opts.audit)
	if err != nil {
		return stop, err
	}
	b.controllerManager = newUserRequests(auditLog, controlplane.ControllerManagerUser)
	b.cp, err = controlplane.Start(ctx, controlplane.Options{
		Dir: filepath.Join(b.work, "controlplane"), KeepDir: b.opts.keep, ExtraAPIServerFlags: apiserverFlags,
		NoGatewayAPI: !generation.FinalizerDeletesGateway() && gatewayDomain == "",
	})
	if err != nil {
		return stop, err
	}
	stops = append(stops, func() {
		if err := b.cp.Stop(); err != nil {
			log.Printf("stopping the control plane: %v", err)
		}
	})
	standinLog, err := os.Create(filepath.Join(b.work, "standin.log"))
	if err != nil {
		return stop, err
	}
	stops = append(stops, func() { standinLog.Close() })
	standinLogger := log.New(standinLog, "", log.LstdFlags|log.Lmicroseconds)
	// The stand-in gets its own client, counted, so its requests can be taken off the server's totals.
	operator, err := standin.Start(ctx, b.standIn.wrap(b.cp.RESTConfig), standin.Options{
		ReadyDelay: b.opts.readyDelay, Workers: b.opts.workers, Logf: standinLogger.Printf,
		Generation: generation, GatewayDomain: gatewayDomain,
	})
	if err != nil {
		return stop, err
	}
	stops = append(stops, operator.Stop)
	if b.opts.fleet.catalog {
		catalog, err := standin.StartCatalogWith(ctx, b.standIn.wrap(b.cp.RESTConfig), standin.CatalogOptions{
			Namespace: b.namespace, Generation: generation, Logf: standinLogger.Printf})
		if err != nil {
			return stop, err
		}
		stops = append(stops, catalog.Stop)
	}
	harnessConfig := b.harness.wrap(b.cp.RESTConfig)
	clientset, err := kubernetes.NewForConfig(harnessConfig)
	if err != nil {
		return stop, err
	}
	b.typed = clientset
	b.metrics = clientset.Discovery().RESTClient()
	if b.dynamic, err = dynamic.NewForConfig(harnessConfig); err != nil {
		return stop, err
	}
	if !b.opts.fleet.catalog {
		if err := b.createSubjects(ctx); err != nil {
			return stop, err
		}
	}
	return stop, nil
}

// writeConfigs writes the configuration of the provider, of the plugin floor,
// of the terraform_data floor and, for fleets that have them, of the single
// permissions, each into its own directory.
func (b *bench) writeConfigs() error {
	opts := b.opts
	configs := map[string]string{
		configOpenShiftAI: opts.fleet.provider(opts.n, providerSource), configFloor: opts.fleet.provider(opts.n, floorSource),
		configWriteFloor: opts.fleet.provider(opts.n, writeFloorSource), configTerraformData: opts.fleet.baseline(opts.n),
	}
	if opts.fleet.singles {
		configs[configSingles] = providerConfig(opts.n, providerSource)
	}
	if opts.noWait {
		for name, content := range configs {
			configs[name] = withoutReadinessWait(content)
		}
	}
	for name, content := range configs {
		dir := filepath.Join(b.work, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// measure runs the cycles. Each starts with the write floor's phases, which make
// the same objects as the provider's (so they cannot interleave with them), then
// waits for the cluster to settle; then it runs every phase of the two other
// floors (terraform_data: Terraform alone, same resource count and dependency
// shape; the plugin floor: the provider's configuration and schemas, no work)
// right before the same phase of the provider, so all three see the same load on
// the machine; the fastest of the repetitions counts.
func (b *bench) measure(ctx context.Context, steps []step, res *results) error {
	samples := map[string][]phaseResult{}
	edit, check := b.editOutOfBand, b.checkEmpty
	if b.opts.fleet.catalog {
		edit, check = b.editCatalogOutOfBand, b.checkCatalogEmpty
	}
	res.LoadAverage = append(res.LoadAverage, loadAverage())
	for cycle := 1; cycle <= b.opts.repeat; cycle++ {
		for _, st := range steps {
			if st.phase == "plan-drift" {
				if err := edit(ctx, 1); err != nil {
					return err
				}
			}
			r, err := b.phase(ctx, st.config, st.phase, st.expect, cycle)
			if err != nil {
				return err
			}
			key := st.config + " " + st.phase
			samples[key] = append(samples[key], r)
			if st.config == configWriteFloor && st.phase == "destroy" {
				if err := b.settle(ctx, check, "the write floor's destroy"); err != nil {
					return err
				}
			}
		}
		if err := check(ctx); err != nil {
			return err
		}
		res.LoadAverage = append(res.LoadAverage, loadAverage())
	}
	res.Phases = compareToFloors(steps, samples, res.Objects)
	return nil
}

// report prints the table (and the comparison), writes the results file and,
// for a smoke run, checks that what it wrote reads back complete.
func report(res results, opts options, work string, steps []step) error {
	printTable(os.Stdout, res)
	if opts.compare != "" {
		if err := printComparison(os.Stdout, res, opts.compare); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(opts.jsonPath), 0o755); err != nil {
		return err
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(opts.jsonPath, append(out, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nresults: %s\n", opts.jsonPath)
	if opts.smoke && !opts.keep && strings.HasPrefix(opts.jsonPath, work) {
		fmt.Println("(removed with the working directory: -keep or -json to keep it)")
	}
	if !opts.smoke {
		return nil
	}
	// What -show reads back must be what was measured.
	written, err := readResults(opts.jsonPath)
	if err != nil {
		return err
	}
	if err := smokeCheck(written, steps); err != nil {
		return fmt.Errorf("smoke: %w", err)
	}
	log.Printf("smoke: every phase ran once without error (timings above are printed, not checked)")
	return nil
}

// The four configurations of a run.
const (
	configOpenShiftAI   = "openshiftai"
	configFloor         = "plugin_floor"
	configWriteFloor    = "write_floor"
	configTerraformData = "terraform_data"
)

type step struct{ config, phase, expect string }

func benchSteps(f fleet) []step {
	// The write floor makes the provider's objects under the same names: its whole
	// cycle runs first, and the cluster settles before the others start.
	steps := []step{{configWriteFloor, "apply", ""}, {configWriteFloor, "plan-noop", noChanges},
		{configWriteFloor, "plan-norefresh", noChanges}, {configWriteFloor, "destroy", ""}}
	both := func(phase, expect string) {
		for _, config := range []string{configTerraformData, configFloor, configOpenShiftAI} {
			steps = append(steps, step{config, phase, expect})
		}
	}
	both("apply", "")
	both("plan-noop", noChanges)
	// Without refresh the provider reads nothing: what is left is Terraform, the plugin
	// protocol and the framework (validate, upgrade state, plan).
	both("plan-norefresh", noChanges)
	// The floors cannot see an out-of-band change; their no-op plan is the comparison.
	steps = append(steps, step{configOpenShiftAI, "plan-drift", oneToChange})
	both("destroy", "")
	if f.singles {
		// The same registries and subjects with single permissions, once the list's are gone.
		for _, phase := range []string{"apply", "plan-noop", "plan-norefresh", "destroy"} {
			expect := ""
			if strings.HasPrefix(phase, "plan") {
				expect = noChanges
			}
			steps = append(steps, step{configSingles, phase, expect})
		}
	}
	return steps
}

// compareToFloors merges each phase's repetitions and sets the ratios of the provider's
// phases to the three floors' and of the two plugin floors' to terraform_data's.
func compareToFloors(steps []step, samples map[string][]phaseResult, objects int) []phaseResult {
	floors := map[string]map[string]phaseResult{configTerraformData: {}, configFloor: {}, configWriteFloor: {}}
	// The floors first: the write floor's phases run before terraform_data's.
	for _, st := range steps {
		if _, ok := floors[st.config]; ok {
			floors[st.config][st.phase] = fastest(samples[st.config+" "+st.phase])
		}
	}
	var out []phaseResult
	for _, st := range steps {
		r := fastest(samples[st.config+" "+st.phase])
		if st.config != configTerraformData {
			compared := map[string]string{"plan-drift": "plan-noop"}[st.phase]
			if compared == "" {
				compared = st.phase
			}
			r.Baseline = compared
			if t, ok := floors[configTerraformData][compared]; ok {
				r.Ratio = r.Wall / t.Wall
			}
			if st.config == configOpenShiftAI {
				r.FloorPhase = compared
				r.FloorRatio = r.Wall / floors[configFloor][compared].Wall
				if w, ok := floors[configWriteFloor][compared]; ok {
					r.WriteFloorPhase, r.WriteFloorRatio = compared, r.Wall/w.Wall
				}
			}
		}
		if (st.config == configOpenShiftAI || st.config == configSingles) && st.phase == "plan-noop" {
			r.RequestsPerObject = float64(r.ProviderRequests) / float64(objects)
		}
		out = append(out, r)
	}
	// The list fleet against the same registries and subjects as single permissions.
	singles := map[string]phaseResult{}
	for _, r := range out {
		if r.Config == configSingles {
			singles[r.Phase] = r
		}
	}
	for i, r := range out {
		if s, ok := singles[r.Phase]; ok && r.Config == configOpenShiftAI {
			out[i].SinglesWall, out[i].SpeedupOverSingles = s.Wall, s.Wall/r.Wall
		}
	}
	return out
}

// installProvider builds the provider and the plugin floor and installs this program as
// the wrapper Terraform starts for each through dev_overrides (see wrapper.go).
func (b *bench) installProvider(ctx context.Context) error {
	pkg := "."
	if b.opts.cpuProfile != "" || b.opts.memProfile != "" {
		pkg = "./internal/bench/profiled"
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	rc := "provider_installation {\n  dev_overrides {\n"
	builds := []struct{ config, pkg, source, binary, ldflags string }{
		{configOpenShiftAI, pkg, providerSource, providerBinary, ""},
		{configFloor, "./internal/bench/floor", floorSource, floorBinary, ""},
		{configWriteFloor, "./internal/bench/floor", writeFloorSource, writeFloorBinary, "-X main.writes=true"},
	}
	if b.opts.fleet.adopt {
		// Adoption has no floor: the two ways of adopting are compared with each other.
		builds = builds[:1]
	}
	for _, p := range builds {
		log.Printf("building %s (%s)", p.config, p.pkg)
		build := exec.CommandContext(ctx, "go", "build", "-ldflags="+p.ldflags, "-o", b.realBinary(p.config), p.pkg)
		build.Dir = b.root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", p.pkg, err, out)
		}
		plugins := filepath.Join(b.work, "plugins", p.config)
		if err := os.MkdirAll(plugins, 0o755); err != nil {
			return err
		}
		if err := copyFile(self, filepath.Join(plugins, p.binary), 0o755); err != nil {
			return err
		}
		rc += fmt.Sprintf("    %q = %q\n", p.source, plugins)
	}
	rc += "  }\n  direct {}\n}\n"
	return os.WriteFile(filepath.Join(b.work, "terraformrc"), []byte(rc), 0o644)
}

// realBinary is the provider binary the wrapper runs for a configuration.
func (b *bench) realBinary(config string) string {
	switch config {
	case configFloor:
		return filepath.Join(b.work, "provider", floorBinary)
	case configWriteFloor:
		return filepath.Join(b.work, "provider", writeFloorBinary)
	}
	return filepath.Join(b.work, "provider", providerBinary)
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// terraformEnv is the environment of every Terraform command: the caller's, without
// anything that would change what Terraform or the provider does.
func (b *bench) terraformEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "KUBE_") || name == "KUBECONFIG" ||
			strings.HasPrefix(name, "OPENSHIFTAI_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(b.work, "terraformrc"),
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"KUBE_CONFIG_PATH="+b.cp.KubeconfigPath,
		"TF_VAR_"+passwordVariable+"="+passwordValue,
	)
}

// envProfileDir and envMemProfileDir tell internal/bench/profiled where to write its CPU
// and heap profiles.
const (
	envProfileDir    = "OPENSHIFTAI_BENCH_PROFILE_DIR"
	envMemProfileDir = "OPENSHIFTAI_BENCH_MEMPROFILE_DIR"
)

// phaseEnv is the environment of one phase's Terraform command: which provider binary
// the wrapper runs, where it records, and where a profiled provider writes its profiles.
func (b *bench) phaseEnv(config, name, records string) ([]string, error) {
	env := append(slices.Clone(b.env), envWrapTarget+"="+b.realBinary(config), envWrapRecord+"="+records,
		envWrapEnv+"="+b.opts.providerEnv)
	for _, p := range []struct{ variable, dir string }{{envProfileDir, b.opts.cpuProfile}, {envMemProfileDir, b.opts.memProfile}} {
		if p.dir == "" || config != configOpenShiftAI {
			continue
		}
		dir := filepath.Join(p.dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		env = append(env, p.variable+"="+dir)
	}
	return env, nil
}

// createSubjects makes the groups and projects the permissions name, so the plan has no
// "not found" warnings: a fleet grants existing teams and projects.
func (b *bench) createSubjects(ctx context.Context) error {
	log.Printf("creating %d groups and %d projects", b.opts.n, b.opts.n)
	jobs := make(chan int)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				ns := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": permissionSubject("project", i)},
				}}
				group := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "user.openshift.io/v1", "kind": "Group",
					"metadata": map[string]any{"name": permissionSubject("group", i)}, "users": []any{},
				}}
				create := metav1.CreateOptions{FieldManager: benchFieldManager}
				if _, err := b.dynamic.Resource(kube.Namespaces).Create(ctx, ns, create); err != nil && !apierrors.IsAlreadyExists(err) {
					errs <- err
					return
				}
				if _, err := b.dynamic.Resource(registry.OpenShiftGroupResource).Create(ctx, group, create); err != nil && !apierrors.IsAlreadyExists(err) {
					errs <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for i := 1; i <= b.opts.n; i++ {
		select {
		case jobs <- i:
		case err = <-errs:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// editOutOfBand changes registry i's display name as someone in the dashboard would.
func (b *bench) editOutOfBand(ctx context.Context, i int) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]any{registry.AnnotationDisplayName: registryDisplay(i) + " (edited out of band)"},
	}})
	if err != nil {
		return err
	}
	_, err = b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).Patch(ctx, registryResource(i),
		types.MergePatchType, patch, metav1.PatchOptions{FieldManager: outOfBandFieldManager})
	if err != nil {
		return fmt.Errorf("out-of-band edit of registry %s: %w", registryResource(i), err)
	}
	return nil
}

// checkEmpty makes sure destroy left no registry or permission binding behind. The
// operator's own bindings (<name>-users) go with their registry through the garbage
// collector, which may still be at work when destroy returns: objects owned by a
// ModelRegistry are waited for (up to gcWait), anything else is a leftover at once.
func (b *bench) checkEmpty(ctx context.Context) error {
	const gcWait = time.Minute
	deadline := time.Now().Add(gcWait)
	selector := metav1.ListOptions{LabelSelector: registry.LabelComponent + "=" + registry.ComponentModelRegistry}
	for {
		registries, err := b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		if len(registries.Items) > 0 {
			return fmt.Errorf("destroy left %d model registries, for example %s", len(registries.Items), registries.Items[0].GetName())
		}
		bindings, err := b.dynamic.Resource(kube.RoleBindings).Namespace(b.namespace).List(ctx, selector)
		if err != nil {
			return err
		}
		collecting := 0
		for _, item := range bindings.Items {
			if !ownedByRegistry(item) {
				return fmt.Errorf("destroy left %d RoleBindings, for example %s", len(bindings.Items), item.GetName())
			}
			collecting++
		}
		if collecting == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d RoleBindings of deleted registries, for example %s, were not garbage-collected in %s",
				collecting, bindings.Items[0].GetName(), gcWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// settle follows the write floor's destroy (and the adopt fleet's deletion; after says
// which): it waits until the registries are gone (through the operator's finalizer) and
// the garbage collector has taken the Deployments they owned, then checks that nothing
// is left, so the provider's apply starts on the cluster the floors found and not in
// the write floor's aftermath.
// scaledWait is how long the bench waits for the cluster to react to a fleet of n:
// base, and 300 ms more a registry, which the stand-ins and kube-controller-manager
// need for the objects of one registry on a loaded machine. It bounds a wait so that a
// cluster that never settles ends the run; it measures nothing.
func scaledWait(base time.Duration, n int) time.Duration {
	return base + time.Duration(n)*300*time.Millisecond
}

func (b *bench) settle(ctx context.Context, check func(context.Context) error, after string) error {
	settleWait := scaledWait(2*time.Minute, b.opts.n)
	deployments := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	deadline := time.Now().Add(settleWait)
	for !b.opts.fleet.catalog {
		registries, err := b.dynamic.Resource(registry.GroupVersionResource).Namespace(b.namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		owned, err := b.dynamic.Resource(deployments).Namespace(b.namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		remaining := 0
		for _, d := range owned.Items {
			if ownedByRegistry(d) {
				remaining++
			}
		}
		if len(registries.Items) == 0 && remaining == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s after %s: %d registries and %d of their Deployments are still there",
				settleWait, after, len(registries.Items), remaining)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if err := check(ctx); err != nil {
		return fmt.Errorf("after %s: %w", after, err)
	}
	return nil
}

// ownedByRegistry reports whether obj has a ModelRegistry among its owners.
func ownedByRegistry(obj unstructured.Unstructured) bool {
	for _, owner := range obj.GetOwnerReferences() {
		if owner.Kind == registry.Kind {
			return true
		}
	}
	return false
}

const (
	noChanges   = "no changes"
	oneToChange = "Plan: 0 to add, 1 to change, 0 to destroy."
)

// phase runs one Terraform command and measures it.
func (b *bench) phase(ctx context.Context, config, phase, expect string, cycle int) (phaseResult, error) {
	args := map[string][]string{
		"apply":          {"apply", "-auto-approve", "-input=false", "-no-color"},
		"plan-noop":      {"plan", "-detailed-exitcode", "-input=false", "-no-color"},
		"plan-drift":     {"plan", "-detailed-exitcode", "-input=false", "-no-color"},
		"plan-norefresh": {"plan", "-refresh=false", "-detailed-exitcode", "-input=false", "-no-color"},
		"destroy":        {"destroy", "-auto-approve", "-input=false", "-no-color"},
	}[phase]
	r, out, err := b.command(ctx, config, phase, args, cycle)
	if err != nil {
		return r, err
	}
	switch {
	case expect == noChanges && out.exitCode != 0:
		return r, fmt.Errorf("%s %s: the plan after apply is not empty (exit code %d, %q); see %s:\n%s",
			config, phase, out.exitCode, r.Summary, out.logPath, tail(out.text))
	case expect == oneToChange && (out.exitCode != 2 || r.Summary != oneToChange):
		return r, fmt.Errorf("%s %s: expected %q after one out-of-band change, got exit code %d and %q; see %s:\n%s",
			config, phase, oneToChange, out.exitCode, r.Summary, out.logPath, tail(out.text))
	case expect == "" && out.exitCode != 0:
		return r, fmt.Errorf("%s %s failed (exit code %d); see %s:\n%s", config, phase, out.exitCode, out.logPath, tail(out.text))
	}
	return r, nil
}

// commandOutput is what a Terraform command printed and how it ended.
type commandOutput struct {
	text     string
	exitCode int
	logPath  string
}

// command runs one Terraform command (args) in config's directory and measures it;
// checking its exit code is the caller's.
func (b *bench) command(ctx context.Context, config, phase string, args []string, cycle int) (phaseResult, commandOutput, error) {
	var out commandOutput
	r := phaseResult{Config: config, Phase: phase, Command: "terraform " + strings.Join(args, " ")}
	name := fmt.Sprintf("%s-%s-%d", config, phase, cycle)
	records := filepath.Join(b.work, "records", name+".jsonl")
	if err := os.MkdirAll(filepath.Dir(records), 0o755); err != nil {
		return r, out, err
	}
	logPath := filepath.Join(b.work, "logs", name+".log")
	out.logPath = logPath
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return r, out, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return r, out, err
	}
	defer logFile.Close()

	// The plugin floor's requests are counted too: it must make none.
	measured := config != configTerraformData
	var before counts
	var others othersBefore
	if measured {
		// The others first: a request of theirs that ends between the two reads then counts
		// for them and not for the server, never for the provider (attribute keeps what is
		// left positive). Reading /metrics takes long enough for the stand-in's reaction to
		// an out-of-band edit to end in between.
		if others, err = b.othersSnapshot(); err != nil {
			return r, out, err
		}
		if before, err = scrapeRequests(ctx, b.metrics); err != nil {
			return r, out, err
		}
	}
	// Reading /metrics costs the API server and this process CPU the phase competes
	// for, and only the provider's phases would pay it, so only the first cycle samples.
	r.sampled = config == configOpenShiftAI && cycle == 1
	sampler := b.startSampler(ctx, r.sampled, before, others)

	log.Printf("%s: %s", config, r.Command)
	var output strings.Builder
	cmd := exec.CommandContext(ctx, b.terraform, append([]string{"-chdir=" + filepath.Join(b.work, config)}, args...)...)
	if cmd.Env, err = b.phaseEnv(config, name, records); err != nil {
		return r, out, err
	}
	cmd.Stdout = io.MultiWriter(logFile, &output)
	cmd.Stderr = cmd.Stdout
	cpuBefore := b.controlPlaneCPU()
	start := time.Now()
	runErr := cmd.Run()
	r.Wall = time.Since(start).Seconds()
	cpuAfter := b.controlPlaneCPU()
	r.APIServerCPU, r.EtcdCPU = cpuAfter[1]-cpuBefore[1], cpuAfter[0]-cpuBefore[0]
	if cmd.ProcessState != nil {
		r.TerraformCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	r.PeakRequestRate = sampler.stop()

	exitCode := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(runErr, &exitErr):
		exitCode = exitErr.ExitCode()
	case runErr != nil:
		return r, out, fmt.Errorf("%s %s: %w", config, phase, runErr)
	}
	text := output.String()
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "Plan: ") || strings.HasPrefix(line, "No changes.") {
			r.Summary = strings.TrimSpace(line)
		}
	}
	out.text, out.exitCode = text, exitCode
	if measured {
		after, err := scrapeRequests(ctx, b.metrics)
		if err != nil {
			return r, out, err
		}
		if r.Requests, err = b.attributeSince(after.minus(before), others); err != nil {
			return r, out, err
		}
		r.ProviderRequests = r.Requests.Provider.total()
	}
	procs, err := readRecords(records)
	if err != nil {
		return r, out, err
	}
	r.ProviderProcesses = len(procs)
	for _, p := range procs {
		if p.Binary != b.realBinary(config) {
			return r, out, fmt.Errorf("%s %s: Terraform ran %s, not %s", config, phase, p.Binary, b.realBinary(config))
		}
		r.PeakRSSBytes = max(r.PeakRSSBytes, p.PeakRSSBytes)
		r.ProviderCPU += p.CPUSeconds
		r.ThrottleMessages += p.ThrottleMessages
	}
	// Terraform's rusage includes the processes it reaped: the wrappers and, through them, the providers.
	r.TerraformCPU = max(0, r.TerraformCPU-r.ProviderCPU)
	interval := b.opts.sampleInterval
	if !r.sampled {
		interval = 0
	}
	r.Throttled = throttleVerdict(r, interval)
	log.Printf("%s: %s: %.1fs, %d provider requests, provider peak RSS %s MiB, provider CPU %.1fs, %s",
		config, phase, r.Wall, r.ProviderRequests, mib(r.PeakRSSBytes), r.ProviderCPU, r.Summary)
	return r, out, nil
}

// fastest merges the repetitions of one phase.
func fastest(samples []phaseResult) phaseResult {
	best := samples[0]
	for _, s := range samples[1:] {
		if s.Wall < best.Wall {
			best = s
		}
	}
	best.Walls = nil
	for _, s := range samples {
		best.Walls = append(best.Walls, s.Wall)
		best.PeakRSSBytes = max(best.PeakRSSBytes, s.PeakRSSBytes)
		best.PeakRequestRate = max(best.PeakRequestRate, s.PeakRequestRate)
	}
	throttled := 0
	for _, s := range samples {
		throttled += s.ThrottleMessages
	}
	best.ThrottleMessages = throttled
	// A throttling message in any repetition says yes; otherwise the sampled
	// repetition's verdict counts, as only it can rule throttling out.
	for _, s := range samples {
		if strings.HasPrefix(s.Throttled, "yes") {
			best.Throttled = s.Throttled
			break
		}
		if s.sampled {
			best.Throttled = s.Throttled
		}
	}
	return best
}

func loadAverage() float64 {
	var load float64
	if content, err := os.ReadFile("/proc/loadavg"); err == nil {
		if _, err := fmt.Sscan(string(content), &load); err != nil {
			return -1
		}
	}
	return load
}

// throttleVerdict says whether client-go's token bucket (kube.DefaultQPS per second,
// kube.DefaultBurst at once) made a request wait. A wait over one second prints client-go's
// throttling message to the provider's stderr, which the wrapper counts. Shorter waits are
// logged only at klog -v=3, so they are ruled out from the request counts instead: a
// bucket that starts with Burst tokens cannot run dry while a process has sent no more
// than Burst requests in all, nor while no sampling interval of at most a second saw
// more than QPS requests a second (any window then holds at most QPS*length + 2*QPS*1s
// requests, which the bucket covers when Burst >= 2*QPS).
func throttleVerdict(r phaseResult, interval time.Duration) string {
	switch {
	case r.ThrottleMessages > 0:
		return fmt.Sprintf("yes: %d throttling messages", r.ThrottleMessages)
	case r.Config != configOpenShiftAI:
		return "n/a"
	case r.ProviderRequests <= kube.DefaultBurst:
		return fmt.Sprintf("no: %d requests <= burst %d", r.ProviderRequests, kube.DefaultBurst)
	case interval > 0 && interval <= time.Second && kube.DefaultBurst >= 2*int(kube.DefaultQPS) && r.PeakRequestRate <= float64(kube.DefaultQPS):
		return fmt.Sprintf("no: peak %.0f req/s <= qps %.0f", r.PeakRequestRate, kube.DefaultQPS)
	}
	return fmt.Sprintf("possible: no message, but peak %.0f req/s", r.PeakRequestRate)
}

// sampler reads /metrics during a phase and keeps the provider's highest request rate.
type sampler struct {
	cancel context.CancelFunc
	done   chan float64
}

// othersBefore are the counts of the clients that are not the provider when a phase starts.
type othersBefore struct{ standIn, harness, controllerManager counts }

func (b *bench) othersSnapshot() (othersBefore, error) {
	kcm, err := b.controllerManager.snapshot()
	return othersBefore{standIn: b.standIn.snapshot(), harness: b.harness.snapshot(), controllerManager: kcm}, err
}

// attributeSince splits the server's count of a phase's requests (server) among the provider
// and the others, whose counts at the phase's start are before.
func (b *bench) attributeSince(server counts, before othersBefore) (attribution, error) {
	now, err := b.othersSnapshot()
	if err != nil {
		return attribution{}, err
	}
	return attribute(server, now.standIn.minus(before.standIn), now.harness.minus(before.harness),
		now.controllerManager.minus(before.controllerManager)), nil
}

func (b *bench) startSampler(ctx context.Context, enabled bool, before counts, others othersBefore) *sampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &sampler{cancel: cancel, done: make(chan float64, 1)}
	if !enabled || b.opts.sampleInterval <= 0 {
		s.done <- 0
		return s
	}
	go func() {
		peak := 0.0
		last, lastAt := 0, time.Now()
		ticker := time.NewTicker(b.opts.sampleInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				s.done <- peak
				return
			case <-ticker.C:
			}
			now, err := scrapeRequests(ctx, b.metrics)
			if err != nil {
				continue
			}
			at := time.Now()
			a, err := b.attributeSince(now.minus(before), others)
			if err != nil {
				continue
			}
			provider := a.Provider.total()
			if rate := float64(provider-last) / at.Sub(lastAt).Seconds(); rate > peak {
				peak = rate
			}
			last, lastAt = provider, at
		}
	}()
	return s
}

func (s *sampler) stop() float64 {
	s.cancel()
	return <-s.done
}

// controlPlaneCPU is the CPU time etcd and kube-apiserver have used so far, in seconds.
func (b *bench) controlPlaneCPU() [2]float64 {
	var out [2]float64
	for i, pid := range b.cp.PIDs() {
		if i < 2 {
			out[i] = processCPU(pid)
		}
	}
	return out
}

// processCPU reads utime+stime of a process from /proc (clock ticks of 1/100 s).
func processCPU(pid int) float64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	_, rest, ok := strings.Cut(string(stat), ") ")
	if !ok {
		return 0
	}
	fields := strings.Fields(rest)
	if len(fields) < 13 {
		return 0
	}
	utime, errU := strconv.ParseFloat(fields[11], 64)
	stime, errS := strconv.ParseFloat(fields[12], 64)
	if errU != nil || errS != nil {
		return 0
	}
	return (utime + stime) / 100
}

// tail is the end of a command's output that an error shows.
func tail(text string) string {
	const lines = 40
	all := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

func describeMachine() machine {
	m := machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if cpuinfo, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(cpuinfo)) {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.CPU = strings.TrimSpace(value)
				break
			}
		}
	}
	if meminfo, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		for line := range strings.Lines(string(meminfo)) {
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
				m.MemoryGiB = (kb + 512*1024) / (1024 * 1024)
				break
			}
		}
	}
	if release, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(release))
	}
	return m
}

// terraformVersion is the first line of `terraform version` of the CLI at path.
func terraformVersion(path string) string {
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first
}
