// Command rivven-up brings up the local control plane (see package
// controlplane), installs the Configuration package, applies the seed's
// examples, waits until they are Ready, prints them with kubectl, and keeps
// everything running until it receives SIGTERM or SIGINT (make stop).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

func main() {
	root := flag.String("root", ".", "Repository root.")
	dir := flag.String("dir", ".work/run", "State directory: logs, certificates, etcd data, kubeconfig.")
	ready := flag.String("ready-file", "", "File written once everything is Ready (for make run).")
	timeout := flag.Duration("timeout", 15*time.Minute, "How long to wait for the stack and the seed resources.")
	flag.Parse()
	if err := run(*root, *dir, *ready, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "rivven-up:", err)
		os.Exit(1)
	}
}

func run(root, dir, ready string, timeout time.Duration) error {
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
	o := controlplane.SeedOptions()
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
	if err := kubectl(cp.Kubeconfig, "get", "rivvenclusters,rivvenconnects,rivventopics", "-A"); err != nil {
		return err
	}
	fmt.Println()
	if err := kubectl(cp.Kubeconfig, "get", "-n", "default",
		"statefulsets,deployments,pods,persistentvolumeclaims,services,configmaps,poddisruptionbudgets,servicemonitors,providerconfigs.rivven.io,secrets"); err != nil {
		return err
	}
	fmt.Printf("\nThe local control plane keeps running; stop it with `make stop`.\n")
	fmt.Printf("export KUBECONFIG=%s\n", cp.Kubeconfig)
	fmt.Printf("Kafka (kfake, TLS): %v, CA %s\n", cp.KafkaAddrs, filepath.Join(dir, "pki", "broker", "ca.crt"))
	if ready != "" {
		if err := os.WriteFile(ready, []byte(cp.Kubeconfig+"\n"), 0o644); err != nil {
			return err
		}
	}
	<-ctx.Done()
	fmt.Println("stopping")
	return nil
}

// kubectl runs kubectl (bin/kubectl if built, else the one on PATH).
func kubectl(kubeconfig string, args ...string) error {
	bin := "kubectl"
	if _, err := os.Stat("bin/kubectl"); err == nil {
		bin = "bin/kubectl"
	} else if _, err := exec.LookPath("kubectl"); err != nil {
		fmt.Printf("kubectl is not installed; skipping `kubectl %s`\n", joinArgs(args))
		return nil
	}
	fmt.Printf("$ kubectl %s\n", joinArgs(args))
	cmd := exec.Command(bin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func joinArgs(a []string) string {
	s := ""
	for i, x := range a {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
