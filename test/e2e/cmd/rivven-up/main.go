// Command rivven-up brings up the local control plane (see package
// controlplane) in a network namespace of its own, installs the
// Configuration package, applies the seed's examples and the local stack (a
// one-broker cluster on the real rivvend, the seed's topic on it, a datagen
// pipeline on the real rivven-connect), waits until the local stack is
// Ready, prints everything as `kubectl get` would (without needing kubectl)
// and how to reach the broker, and keeps running until it receives SIGTERM
// or SIGINT (make stop). The API server and the broker are forwarded to
// loopback addresses of the machine, as kubectl port-forward would.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

func main() {
	root := flag.String("root", ".", "Repository root.")
	dir := flag.String("dir", ".work/run", "State directory: logs, certificates, etcd data, kubeconfig.")
	ready := flag.String("ready-file", "", "File written once everything is Ready (for make run).")
	timeout := flag.Duration("timeout", 15*time.Minute, "How long to wait for the stack and the seed resources.")
	o := controlplane.SeedOptions()
	brokerAddr := flag.String("broker-addr", "127.77.0.1:9092", "Address on this machine forwarded to the local cluster's broker.")
	flag.StringVar(&o.KafkaHost, "kafka-host", "127.77.0.2", "Loopback address of the kfake brokers (ports 9092-9094), inside the control plane's namespace.")
	flag.Parse()
	if err := podrun.ReexecInPrivateNetwork(); err != nil {
		fmt.Fprintln(os.Stderr, "rivven-up:", err)
		os.Exit(1)
	}
	if err := run(o, *root, *dir, *ready, *brokerAddr, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "rivven-up:", err)
		os.Exit(1)
	}
}

func run(o controlplane.Options, root, dir, ready, brokerAddr string, timeout time.Duration) error {
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
	if err := cp.ApplyLocal(wctx); err != nil {
		return err
	}
	if err := cp.WaitReady(wctx, timeout, controlplane.LocalObjects...); err != nil {
		return err
	}
	fmt.Printf("local stack Ready on real processes in %s (total)\n\n", time.Since(start).Round(time.Second))
	if err := forward(ctx, cp, brokerAddr); err != nil {
		return err
	}
	if err := printListing(wctx, os.Stdout, cp.Config); err != nil {
		return err
	}
	if err := printBroker(wctx, root, cp, brokerAddr); err != nil {
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

// forward makes the API server (at the kubeconfig's address) and the local
// cluster's broker reachable from the machine's own network namespace.
func forward(ctx context.Context, cp *controlplane.ControlPlane, brokerAddr string) error {
	api, err := url.Parse(cp.Config.Host)
	if err != nil {
		return err
	}
	l, err := podrun.ListenOutside(api.Host)
	if err != nil {
		return fmt.Errorf("forward the API server to %s: %w", api.Host, err)
	}
	go podrun.Forward(ctx, l, func(context.Context) (string, error) { return api.Host, nil })
	l, err = podrun.ListenOutside(brokerAddr)
	if err != nil {
		return fmt.Errorf("forward the broker to %s (is another make run up? make stop): %w", brokerAddr, err)
	}
	go podrun.Forward(ctx, l, func(ctx context.Context) (string, error) {
		b, err := cp.Broker(ctx, controlplane.LocalCluster.Namespace, controlplane.LocalCluster.Name)
		if err != nil {
			return "", err
		}
		return b.Addr, nil
	})
	return nil
}

// printBroker says what runs for real and shows, with the real rivven CLI
// through the forwarded address, the topic on the local cluster's broker.
func printBroker(ctx context.Context, root string, cp *controlplane.ControlPlane, brokerAddr string) error {
	b, err := cp.Broker(ctx, controlplane.LocalCluster.Namespace, controlplane.LocalCluster.Name)
	if err != nil {
		return err
	}
	cli, err := filepath.Rel(root, b.Bin("rivven"))
	if err != nil {
		cli = b.Bin("rivven")
	}
	fmt.Printf("What is real:\n"+
		"  every pod above runs its real binary (rivvend, rivven-connect %s) on the local nodes, each in its own\n"+
		"  network namespace; Ready is what its composed readiness probe saw. RivvenCluster minimal is one broker\n"+
		"  at %s (pod IP), the topic orders-events is on it, datagen-demo writes demo.orders and prints it.\n"+
		"What it shows of the seed:\n"+
		"  production and cdc-pipeline name Rivven 0.0.1, never published: their pods wait in ImagePullBackOff\n"+
		"  and the composites say so; the seed's orders-events waits for production's brokers.\n\n",
		b.Version, b.Addr)
	fmt.Printf("Reach the broker with the rivven CLI (from the repository root; %s is forwarded to it):\n", brokerAddr)
	for _, args := range [][]string{{"topic", "list"}, {"topic", "info", controlplane.LocalTopicName}} {
		fmt.Printf("$ %s %s --server %s\n", cli, strings.Join(args, " "), brokerAddr)
		// Run from the machine's namespace, as the user would, so the
		// forward is what is shown.
		cmd, err := podrun.OutsideCommand(ctx, b.Bin("rivven"), append(args, "--server", brokerAddr)...)
		if err != nil {
			return err
		}
		cmd.Env = append(os.Environ(), "RUST_LOG=warn")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, out)
		}
		fmt.Print(string(out))
	}
	fmt.Printf("\nKafka protocol: kfake (plaintext) on %s inside the control plane's namespace, for a ProviderConfig with protocol: Kafka.\n", strings.Join(cp.KafkaAddrs, ", "))
	return nil
}
