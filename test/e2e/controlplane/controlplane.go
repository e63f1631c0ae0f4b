// Package controlplane runs the whole Rivven stack on one machine without a
// container engine: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler; local nodes whose kubelet is the harness's own (kubelet.go:
// every pod bound to them runs its real binaries through test/podrun, each
// pod in a network namespace of its own on a bridge, with its env, volumes
// and probes, so a pod is Ready only when its real process answers its
// readiness probe); Crossplane core with the External package runtime; an
// in-process OCI registry serving the packages of `make xpkg`; our functions
// and provider as local processes started from the binaries inside those
// packages; and a kfake cluster for the provider's Kafka protocol.
//
// It needs a network namespace of its own (podrun.ReexecInPrivateNetwork):
// the pod bridge, the pods' addresses and every loopback listener exist
// only there.
//
// Both the end-to-end test (make e2e) and the demo (make run) use it.
package controlplane

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Options of one control plane.
type Options struct {
	// Root is the repository root; binaries and packages are found under it.
	Root string
	// Dir holds the state: logs, certificates, etcd data, kubeconfig.
	Dir string
	// BrokerNames are the broker Service names the brokers' TLS
	// certificate is issued for.
	BrokerNames []string
	// KafkaHost is the loopback address the kfake brokers listen on (ports
	// 9092-9094).
	KafkaHost string
	// Nodes is the number of local nodes.
	Nodes int
	// Volumes are pre-created PersistentVolumes, by storage class.
	Volumes []Volume
	// Progress receives one line per step.
	Progress io.Writer
	// Install, when set, replaces the installation of the Configuration
	// package: it runs after Crossplane has started and before the package
	// runtimes, and must get the Configuration installed (the Argo CD tier
	// has Argo CD sync it from git).
	Install func(context.Context, *ControlPlane) error
}

// Volume is a set of pre-created PersistentVolumes of one storage class.
type Volume struct {
	StorageClass string
	Size         string
	Count        int
}

// ControlPlane is a running local stack.
type ControlPlane struct {
	opts  Options
	dir   string
	procs []*proc
	mu    sync.Mutex // guards procs
	logMu sync.Mutex

	// Kubeconfig is the admin kubeconfig file.
	Kubeconfig string
	// Config and Client speak to the API server as cluster admin.
	Config *rest.Config
	Client client.Client
	// Build is what `make xpkg` built: the registry and version the packages name.
	Build Build
	// CA signed every certificate; BrokerTLS is the brokers' key pair.
	CA        *CA
	BrokerTLS KeyPair
	// Kafka is the external Kafka-compatible cluster; KafkaAddrs its
	// listener addresses.
	Kafka      *kfake.Cluster
	KafkaAddrs []string

	kubelet *kubelet
	// providerSA is the ServiceAccount provider-rivven runs as.
	providerSA string

	stopRegistry func()
	// bg lives as long as the control plane; cancel ends it.
	bg     context.Context
	cancel context.CancelFunc
}

func (c *ControlPlane) logf(format string, args ...any) {
	if c.opts.Progress == nil {
		return
	}
	c.logMu.Lock()
	defer c.logMu.Unlock()
	fmt.Fprintf(c.opts.Progress, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (c *ControlPlane) rel(p string) string {
	if r, err := filepath.Rel(c.opts.Root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// Start brings the stack up and installs the Configuration package by
// reference, as a user would. On error everything started is stopped again.
func Start(ctx context.Context, o Options) (cp *ControlPlane, err error) {
	if o.KafkaHost == "" {
		o.KafkaHost = "127.77.0.2"
	}
	if o.Nodes == 0 {
		o.Nodes = 3
	}
	c := &ControlPlane{opts: o, dir: o.Dir}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if err := os.RemoveAll(o.Dir); err != nil {
		return nil, err
	}
	for _, d := range []string{"logs", "pki", "etcd", "cache/xpkg"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	b, err := c.checkInputs()
	if err != nil {
		return nil, err
	}
	c.Build = b
	bg, cancel := context.WithCancel(context.Background())
	c.bg, c.cancel = bg, cancel

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"certificates", c.certificates},
		{"etcd and kube-apiserver", c.startAPIServer},
		{"controller manager and scheduler", c.startKube},
		{"persistent volumes, nodes and their kubelet", c.nodesAndVolumes},
		{"package registry", c.startRegistry},
		{"kfake (external Kafka)", c.startKafka},
		{"crossplane", c.startCrossplane},
		{"install configuration", c.installStep},
		{"functions and provider", func(ctx context.Context) error { return c.startRuntimes(ctx, bg) }},
		{"packages healthy", c.waitPackagesHealthy},
	}
	for _, s := range steps {
		start := time.Now()
		c.logf("== %s", s.name)
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w%s", s.name, err, c.failedProcs())
		}
		c.logf("   %s ready in %s", s.name, time.Since(start).Round(100*time.Millisecond))
	}
	return c, nil
}

// installStep installs the Configuration as Options.Install says.
func (c *ControlPlane) installStep(ctx context.Context) error {
	if c.opts.Install != nil {
		return c.opts.Install(ctx, c)
	}
	return c.install(ctx)
}

// failedProcs names processes that have exited, with the tail of their log.
func (c *ControlPlane) failedProcs() string {
	var b strings.Builder
	for _, p := range c.snapshot() {
		if ok, err := p.exited(); ok {
			fmt.Fprintf(&b, "\n%s exited (%v); last lines of %s:\n%s", p.name, err, c.rel(p.log), tail(p.log, 15))
		}
	}
	return b.String()
}

// Check returns an error when a process of the stack has exited.
func (c *ControlPlane) Check() error {
	if s := c.failedProcs(); s != "" {
		return errors.New(strings.TrimSpace(s))
	}
	return nil
}

func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		lines = append(lines, s.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// Stop ends every process in reverse start order and the in-process servers.
func (c *ControlPlane) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	if c.kubelet != nil {
		c.kubelet.stopAll()
	}
	ps := c.snapshot()
	for i := len(ps) - 1; i >= 0; i-- {
		ps[i].stop(10 * time.Second)
	}
	if c.stopRegistry != nil {
		c.stopRegistry()
	}
	if c.Kafka != nil {
		c.Kafka.Close()
	}
}

// Build is the content of _output/xpkg/build.env.
type Build struct {
	// Registry is host[:port][/path]: where the packages are pushed.
	Registry, Version, Arch string
	// Names are the names Crossplane gives the packages it installs as
	// dependencies of the Configuration (hack/xpkg/depname), by package.
	Names map[string]string
}

func (b Build) Ref(pkg string) string { return b.Registry + "/" + pkg + ":" + b.Version }

// Host is the registry's host[:port], without the path.
func (b Build) Host() string { host, _, _ := strings.Cut(b.Registry, "/"); return host }

// Name is the name of the package object Crossplane creates for a
// dependency, which its revisions carry in label pkg.crossplane.io/package.
func (b Build) Name(pkg string) string { return b.Names[pkg] }

var packages = append(dependencies, "configuration-rivven")

// dependencies are the packages the Configuration depends on.
var dependencies = []string{"function-rivven-cluster", "function-rivven-connect", "provider-rivven"}

func (c *ControlPlane) bin(parts ...string) string {
	return filepath.Join(append([]string{c.opts.Root}, parts...)...)
}

// runtimeBinary is the binary that went into a package's runtime image.
func (c *ControlPlane) runtimeBinary(pkg string) string {
	return c.bin("_output", "bin", "linux_"+c.Build.Arch, pkg)
}

// checkInputs fails, naming the make target, when a binary or package is missing.
func (c *ControlPlane) checkInputs() (Build, error) {
	var missing []string
	need := func(path, target string) {
		if _, err := os.Stat(path); err != nil {
			missing = append(missing, fmt.Sprintf("%s (make %s)", c.rel(path), target))
		}
	}
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
		need(c.bin("bin", "kube", b), "kube-tools")
	}
	need(c.bin("bin", "kube", "crds", "monitoring.coreos.com_servicemonitors.yaml"), "kube-tools")
	need(c.bin("bin", "crossplane-core"), "crossplane-tools")
	if v, err := rivvenVersion(c.opts.Root); err != nil {
		missing = append(missing, err.Error())
	} else {
		for _, b := range []string{"rivvend", "rivven", "rivven-topic-configs"} {
			need(c.bin("bin", "rivven", v, b), "rivven")
		}
	}
	env := c.bin("_output", "xpkg", "build.env")
	need(env, "xpkg")
	if len(missing) > 0 {
		return Build{}, fmt.Errorf("missing: %s", strings.Join(missing, ", "))
	}
	raw, err := os.ReadFile(env)
	if err != nil {
		return Build{}, err
	}
	b := Build{Names: map[string]string{}}
	for _, l := range strings.Split(string(raw), "\n") {
		k, v, _ := strings.Cut(l, "=")
		switch k {
		case "REGISTRY":
			b.Registry = v
		case "VERSION":
			b.Version = v
		case "ARCH":
			b.Arch = v
		default:
			if pkg, ok := strings.CutPrefix(k, "NAME_"); ok {
				b.Names[pkg] = v
			}
		}
	}
	if b.Registry == "" || b.Version == "" || b.Arch == "" {
		return Build{}, fmt.Errorf("%s lacks REGISTRY, VERSION or ARCH", c.rel(env))
	}
	for _, p := range dependencies {
		if b.Names[p] == "" {
			return Build{}, fmt.Errorf("%s names no dependency package for %s (make xpkg)", c.rel(env), p)
		}
	}
	c.Build = b
	for _, p := range packages {
		need(c.bin("_output", "xpkg", p+".xpkg"), "xpkg")
		if p != "configuration-rivven" {
			need(c.runtimeBinary(p), "xpkg")
		}
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		missing = append(missing, "unshare (util-linux)")
	}
	if len(missing) > 0 {
		return Build{}, fmt.Errorf("missing: %s", strings.Join(missing, ", "))
	}
	return b, nil
}

// writeKubeconfig writes an admin kubeconfig for server.
func (c *ControlPlane) writeKubeconfig(server string, admin KeyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["rivven"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: c.CA.CertPEM}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: admin.CertPEM, ClientKeyData: admin.KeyPEM}
	cfg.Contexts["rivven"] = &clientcmdapi.Context{Cluster: "rivven", AuthInfo: "admin", Namespace: "default"}
	cfg.CurrentContext = "rivven"
	c.Kubeconfig = filepath.Join(c.dir, "kubeconfig")
	return clientcmd.WriteToFile(*cfg, c.Kubeconfig)
}

func (c *ControlPlane) snapshot() []*proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*proc(nil), c.procs...)
}

// Dir is the state directory.
func (c *ControlPlane) Dir() string { return c.dir }
