// Command rivven-up brings up the local control plane (see package
// controlplane), installs the Configuration package, applies the seed's
// examples, waits until they are Ready, prints them as `kubectl get` would
// (without needing kubectl) and how to reach the broker, and keeps
// everything running until it receives SIGTERM or SIGINT (make stop).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

func main() {
	root := flag.String("root", ".", "Repository root.")
	dir := flag.String("dir", ".work/run", "State directory: logs, certificates, etcd data, kubeconfig.")
	ready := flag.String("ready-file", "", "File written once everything is Ready (for make run).")
	timeout := flag.Duration("timeout", 15*time.Minute, "How long to wait for the stack and the seed resources.")
	o := controlplane.SeedOptions()
	flag.StringVar(&o.RivvenHost, "rivven-host", "127.77.0.1", "Loopback address of the rivvend behind the broker Service names (ports 9092, 9094).")
	flag.StringVar(&o.KafkaHost, "kafka-host", "127.77.0.2", "Loopback address of the kfake brokers (ports 9092-9094).")
	flag.Parse()
	if err := run(o, *root, *dir, *ready, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "rivven-up:", err)
		os.Exit(1)
	}
}

func run(o controlplane.Options, root, dir, ready string, timeout time.Duration) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	o.Root, o.Dir, o.Progress = root, dir, os.Stdout
	cp, err := controlplane.Start(wctx, o)
	if err != nil {
		return err
	}
	defer cp.Stop()
	fmt.Printf("control plane and packages up in %s\n", time.Since(start).Round(time.Second))
	if err := cp.ApplySeedPrerequisites(wctx); err != nil {
		return err
	}
	if err := cp.ApplySeed(wctx); err != nil {
		return err
	}
	if err := cp.WaitReady(wctx, timeout, controlplane.SeedObjects...); err != nil {
		return err
	}
	fmt.Printf("seed examples Ready in %s (total)\n\n", time.Since(start).Round(time.Second))
	if err := printListing(wctx, os.Stdout, cp.Config); err != nil {
		return err
	}
	if err := printBroker(wctx, root, cp); err != nil {
		return err
	}
	fmt.Printf("\nThe local control plane keeps running; stop it with `make stop`.\n")
	fmt.Printf("export KUBECONFIG=%s\n", cp.Kubeconfig)
	if ready != "" {
		if err := os.WriteFile(ready, []byte(cp.Kubeconfig+"\n"), 0o644); err != nil {
			return err
		}
	}
	<-ctx.Done()
	fmt.Println("stopping")
	return nil
}

// printBroker says what serves the topics and shows, with the real rivven
// CLI, that the seed's topic is on it.
func printBroker(ctx context.Context, root string, cp *controlplane.ControlPlane) error {
	r := cp.Rivven
	cli, err := filepath.Rel(root, r.Bin("rivven"))
	if err != nil {
		cli = r.Bin("rivven")
	}
	fmt.Printf("What is real:\n"+
		"  the topics are on a real rivvend %s, standalone, that rivven-up started on %s (data in %s);\n"+
		"  the provider reaches it as rivven-production.default.svc:9092.\n"+
		"What is not:\n"+
		"  the broker and connect pods listed above are kwok's, Running and Ready with no process behind them;\n"+
		"  the seed's three brokers would run rivvend's cluster mode, which %s cannot start.\n\n",
		r.Version, r.Addr, r.DataDir, r.Version)
	fmt.Printf("Reach the broker with the rivven CLI (from the repository root):\n")
	for _, args := range [][]string{{"topic", "list"}, {"topic", "info", "orders-events"}} {
		fmt.Printf("$ %s %s --server %s\n", cli, strings.Join(args, " "), r.Addr)
		out, err := r.CLI(ctx, args...)
		if err != nil {
			return err
		}
		fmt.Print(out)
	}
	fmt.Printf("\nKafka protocol: kfake (plaintext) on %s, for a ProviderConfig with protocol: Kafka.\n", strings.Join(cp.KafkaAddrs, ", "))
	return nil
}
