// Command provider runs provider-rivven: the Crossplane provider that
// manages RivvenTopics through rivvend's own client protocol on a Rivven
// cluster, or through the Kafka admin API (topics and ACLs) of any
// Kafka-compatible broker.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/alecthomas/kong"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/feature"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"

	"github.com/rivven/crossplane-rivven/apis"
	"github.com/rivven/crossplane-rivven/provider/internal/clients"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"github.com/rivven/crossplane-rivven/provider/internal/controller/config"
	"github.com/rivven/crossplane-rivven/provider/internal/controller/topic"
	"github.com/rivven/crossplane-rivven/provider/internal/kubecache"
)

type cli struct {
	Debug            bool          `help:"Log at debug level."`
	Poll             time.Duration `default:"1m" help:"How often every RivvenTopic is checked for drift. All topics of a cluster polled within one interval share one observation of the cluster."`
	MaxReconcileRate int           `default:"10" help:"Largest number of reconciles per second, across all resources."`
	MaxConcurrent    int           `name:"max-concurrent-reconciles" default:"0" help:"Reconciles running at once per controller (0: the reconcile rate, at most ${concurrency_cap}). The rate limiter already bounds the rate; workers only wait on the API server and the brokers."`
	PprofAddr        string        `env:"PPROF_ADDR" help:"Address of Go's pprof endpoints (/debug/pprof); empty: off."`
	MetricsAddr      string        `default:"0.0.0.0:8080" env:"METRICS_ADDR" help:"Address of the Prometheus metrics endpoint."`
	HealthAddr       string        `default:"0.0.0.0:8081" env:"HEALTH_ADDR" help:"Address of the health probes (/healthz, /readyz)."`
	LeaderElection   bool          `default:"true" env:"LEADER_ELECTION" negatable:"" help:"Elect a leader so only one replica reconciles."`
	Namespace        string        `env:"WATCH_NAMESPACE" help:"Only manage RivvenTopics in this namespace (empty: all namespaces)."`
}

func main() {
	var c cli
	k, err := parser(&c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "provider:", err)
		os.Exit(2)
	}
	kctx, err := k.Parse(os.Args[1:])
	k.FatalIfErrorf(err)
	kctx.FatalIfErrorf(c.run())
}

func parser(c *cli) (*kong.Kong, error) {
	return kong.New(c,
		kong.Vars{"concurrency_cap": strconv.Itoa(concurrencyCap)},
		kong.Name("provider"),
		kong.Description("provider-rivven: topics on Rivven clusters (and Kafka-compatible brokers), as Crossplane managed resources."),
		kong.UsageOnError())
}

// validate rejects flag values the manager would misread.
func (c *cli) validate() error {
	if c.Poll <= 0 {
		return fmt.Errorf("--poll must be positive, not %s", c.Poll)
	}
	if c.MaxReconcileRate < 1 {
		return fmt.Errorf("--max-reconcile-rate must be at least 1, not %d", c.MaxReconcileRate)
	}
	if c.MaxConcurrent < 0 {
		return fmt.Errorf("--max-concurrent-reconciles must not be negative, not %d", c.MaxConcurrent)
	}
	return nil
}

func (c *cli) run() error {
	zl := zap.New(zap.UseDevMode(c.Debug))
	ctrl.SetLogger(zl)
	log := logging.NewLogrLogger(zl.WithName("provider-rivven"))

	if err := c.validate(); err != nil {
		return err
	}

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := apis.AddToProviderScheme(scheme); err != nil {
		return err
	}

	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("cannot find a Kubernetes API server: %w", err)
	}
	opts := ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: c.MetricsAddr},
		HealthProbeBindAddress: c.HealthAddr,
		LeaderElection:         c.LeaderElection,
		LeaderElectionID:       "crossplane-leader-election-provider-rivven",
		PprofBindAddress:       c.PprofAddr,
		Cache:                  kubecache.Options(c.Namespace),
	}
	mgr, err := ctrl.NewManager(cfg, opts)
	if err != nil {
		return fmt.Errorf("cannot create controller manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}

	o := controller.Options{
		Logger:                  log,
		MaxConcurrentReconciles: c.concurrency(),
		PollInterval:            c.Poll,
		GlobalRateLimiter:       ratelimiter.NewGlobal(c.MaxReconcileRate),
		Features:                &feature.Flags{},
	}
	// One cached observation per cluster lives as long as one poll
	// interval, so all topics of a cluster polled within it share one
	// observation (docs/performance.md has the requests per poll).
	pool := admin.NewPool(c.Poll, clients.Factory(c.Poll))
	defer pool.Close()

	if err := config.Setup(mgr, o); err != nil {
		return fmt.Errorf("cannot set up provider config controllers: %w", err)
	}
	if err := topic.Setup(mgr, o, pool); err != nil {
		return fmt.Errorf("cannot set up RivvenTopic controller: %w", err)
	}
	log.Info("Starting", "poll", c.Poll.String(), "namespace", c.Namespace, "leaderElection", c.LeaderElection)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		return fmt.Errorf("cannot run controller manager: %w", err)
	}
	return nil
}

// concurrencyCap bounds the default number of concurrent reconciles. A
// reconcile of a polled topic answers from the cluster's cached observation
// and waits only for the API server, so a few dozen workers sustain hundreds
// of reconciles per second; more workers only add goroutines and
// in-flight objects to the provider's memory.
const concurrencyCap = 50

// concurrency is --max-concurrent-reconciles, or by default the reconcile
// rate up to concurrencyCap.
func (c *cli) concurrency() int {
	if c.MaxConcurrent > 0 {
		return c.MaxConcurrent
	}
	return min(c.MaxReconcileRate, concurrencyCap)
}
