// Command providerscale measures provider-rivven at scale: N RivvenTopics on
// a real kube-apiserver (the test tier's etcd and kube-apiserver) reconciled
// by the provider binary, run as its own process, against in-process Kafka
// clusters (kfake). For each N it reports the time until every topic is
// Ready, the admin requests the brokers receive per steady-state poll
// (counted at the brokers), the provider's CPU seconds and its peak RSS.
//
// Usage (see hack/mk/bench.mk):
//
//	go run ./test/bench/providerscale -provider bin/provider -n 100,1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type options struct {
	provider  string
	assets    string
	crds      string
	ns        []int
	clusters  int
	poll      time.Duration
	rate      int
	polls     int
	runs      int
	timeout   time.Duration
	createers int
	memLimit  string
}

func main() {
	var o options
	var ns string
	flag.StringVar(&o.provider, "provider", "bin/provider", "provider binary (make build)")
	flag.StringVar(&o.assets, "kube-assets", "bin/kube", "directory with etcd and kube-apiserver (hack/kube/build.sh)")
	flag.StringVar(&o.crds, "crds", "package/crds", "directory of the provider's CRDs")
	flag.StringVar(&ns, "n", "100,1000", "comma-separated numbers of RivvenTopics, one table row each")
	flag.IntVar(&o.clusters, "clusters", 1, "Kafka clusters (ProviderConfigs) the topics are spread over")
	flag.DurationVar(&o.poll, "poll", 20*time.Second, "provider --poll, raised for large N to 2N/rate seconds (see pollFor)")
	flag.IntVar(&o.rate, "rate", 100, "provider --max-reconcile-rate")
	flag.IntVar(&o.polls, "polls", 3, "steady-state poll intervals to count requests over")
	flag.IntVar(&o.runs, "runs", 1, "runs per N; the table shows each run's figures and their median")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "longest wait for all topics to be Ready, per run")
	flag.IntVar(&o.createers, "create-workers", 16, "concurrent creators of RivvenTopics")
	flag.StringVar(&o.memLimit, "gomemlimit", "", "GOMEMLIMIT in the provider's environment only, as a DeploymentRuntimeConfig sets it (empty: unset)")
	flag.Parse()
	for _, s := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "-n: %q is not a positive number\n", s)
			os.Exit(2)
		}
		o.ns = append(o.ns, n)
	}
	if o.clusters < 1 || o.polls < 1 || o.runs < 1 || o.rate < 1 || o.poll <= 0 {
		fmt.Fprintln(os.Stderr, "-clusters, -polls, -runs and -rate must be at least 1, -poll positive")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
}

func run(o options) error {
	for _, p := range []*string{&o.provider, &o.assets, &o.crds} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	if st, err := os.Stat(o.provider); err != nil || st.IsDir() {
		return fmt.Errorf("provider binary %s missing: run make build", o.provider)
	}
	work, err := os.MkdirTemp("", "providerscale-")
	if err != nil {
		return err
	}
	cp, err := startControlPlane(o.assets, o.crds, work)
	if err != nil {
		return err
	}
	defer cp.stop()

	fmt.Printf("provider %s --poll>=%s --max-reconcile-rate=%d, GOMEMLIMIT=%s; %d cluster(s); requests counted over %d polls; logs in %s\n",
		o.provider, o.poll, o.rate, o.memLimit, o.clusters, o.polls, work)
	var results []result
	for _, n := range o.ns {
		for r := 1; r <= o.runs; r++ {
			ctx, cancel := context.WithTimeout(context.Background(), o.timeout+pollFor(o, n)*time.Duration(o.polls+4)+5*time.Minute)
			res, err := measure(ctx, cp, o, n, r, work)
			cancel()
			if err != nil {
				return fmt.Errorf("N=%d run %d: %w", n, r, err)
			}
			fmt.Fprintf(os.Stderr, "N=%d run %d: %s\n", n, r, res.oneLine())
			results = append(results, res)
		}
	}
	printTable(os.Stdout, results, o)
	return nil
}
