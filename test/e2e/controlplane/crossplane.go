package controlplane

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	crossplaneNamespace = "crossplane-system"
	// The ServiceAccounts of Crossplane's chart (release name crossplane).
	crossplaneServiceAccount  = "crossplane"
	rbacManagerServiceAccount = "rbac-manager"
)

// CrossplaneUser is the user Crossplane core acts as.
var CrossplaneUser = ServiceAccountUser(crossplaneNamespace, crossplaneServiceAccount)

// crossplaneCRDs is the directory of Crossplane's own CRDs in the module the
// core binary was built from (bin/crossplane-core, hack/crossplane/core).
func (c *ControlPlane) crossplaneCRDs(ctx context.Context) (string, error) {
	return c.moduleDir(ctx, "hack/crossplane/core", "github.com/crossplane/crossplane/v2", "cluster/crds")
}

// moduleDir is a directory inside a module that the tools module in dir
// pins, from the module cache the tool was built from.
func (c *ControlPlane) moduleDir(ctx context.Context, dir, module, sub string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = c.bin(dir)
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locate %s (go list -m in %s): %w", module, dir, err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), filepath.FromSlash(sub))
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// startCrossplane runs `crossplane core init` (CRDs, lock, activation policy)
// and `crossplane core start` out of cluster with the External package
// runtime and without webhooks (the API server could not reach a webhook
// Service). Crossplane's mTLS client certificate and CA come from our CA and
// are put where the init step finds them, so it keeps them.
func (c *ControlPlane) startCrossplane(ctx context.Context) error {
	crds, err := c.crossplaneCRDs(ctx)
	if err != nil {
		return err
	}
	if err := c.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: crossplaneNamespace}}); err != nil {
		return err
	}
	client, err := c.CA.Issue("crossplane", nil, "crossplane."+crossplaneNamespace)
	if err != nil {
		return err
	}
	clientDir := filepath.Join(c.dir, "pki", "crossplane-client")
	if err := c.CA.WriteDir(clientDir, client); err != nil {
		return err
	}
	for _, s := range []*corev1.Secret{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "crossplane-root-ca", Namespace: crossplaneNamespace},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{"tls.crt": c.CA.CertPEM, "tls.key": c.CA.KeyPEM},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "crossplane-tls-client", Namespace: crossplaneNamespace},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{"tls.crt": client.CertPEM, "tls.key": client.KeyPEM, "ca.crt": c.CA.CertPEM},
		},
	} {
		if err := c.Client.Create(ctx, s); err != nil {
			return err
		}
	}
	// What `helm install crossplane` creates besides its Deployments: the
	// ServiceAccounts of core and the RBAC manager and their roles.
	rbac, err := c.crossplaneChartRBAC(ctx)
	if err != nil {
		return err
	}
	for _, u := range rbac {
		if err := c.Apply(ctx, u); err != nil {
			return fmt.Errorf("apply %s %s of Crossplane's chart: %w", u.GetKind(), u.GetName(), err)
		}
	}
	grants, err := bindingGrants(rbac)
	if err != nil {
		return fmt.Errorf("Crossplane's chart: %w", err)
	}
	if err := c.waitAuthorized(ctx, "the RBAC of Crossplane's chart", grants); err != nil {
		return err
	}
	kubeconfig, err := c.serviceAccountKubeconfig(ctx, crossplaneNamespace, crossplaneServiceAccount)
	if err != nil {
		return err
	}
	env := []string{
		"KUBECONFIG=" + kubeconfig,
		"POD_NAMESPACE=" + crossplaneNamespace,
		"ENABLE_WEBHOOKS=false",
		"TLS_CA_SECRET_NAME=crossplane-root-ca",
		"TLS_CLIENT_SECRET_NAME=crossplane-tls-client",
		"TLS_CLIENT_CERTS_DIR=" + clientDir,
		"CRDS_PATH=" + crds,
	}
	core := c.bin("bin", "crossplane-core")
	initLog := filepath.Join(c.dir, "logs", "crossplane-init.log")
	// init creates CRDs and then objects of them; until the API server
	// serves a new CRD, the next step fails, so init is retried.
	var initErr error
	for attempt := 1; attempt <= 10; attempt++ {
		cmd := exec.CommandContext(ctx, core, "core", "init", "--activation=*")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		_ = os.WriteFile(initLog, out, 0o644)
		if initErr = err; err == nil {
			break
		}
		time.Sleep(2 * time.Second)
	}
	if initErr != nil {
		return fmt.Errorf("crossplane core init: %w; see %s:\n%s", initErr, c.rel(initLog), tail(initLog, 10))
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	if _, err := c.start("crossplane", env, core, "core", "start",
		"--package-runtime=External",
		"--metrics-port="+strconv.Itoa(ports[0]), "--health-probe-port="+strconv.Itoa(ports[1]),
		"--cache-dir="+filepath.Join(c.dir, "cache", "xpkg"),
		"--poll-interval=15s", "--sync-interval=5m"); err != nil {
		return err
	}
	return c.startRBACManager(ctx, core)
}

// startRBACManager runs Crossplane's RBAC manager as the chart's
// rbac-manager Deployment does (`rbac init`, then `rbac start` with the
// chart's --provider-clusterrole), under its ServiceAccount. It writes the
// roles that give Crossplane access to our XRs and the provider's kinds, and
// binds each ProviderRevision's system role to the ServiceAccount of the
// Deployment that runs it (providerServiceAccount).
func (c *ControlPlane) startRBACManager(ctx context.Context, core string) error {
	kubeconfig, err := c.serviceAccountKubeconfig(ctx, crossplaneNamespace, rbacManagerServiceAccount)
	if err != nil {
		return err
	}
	env := append(os.Environ(), "KUBECONFIG="+kubeconfig, "POD_NAMESPACE="+crossplaneNamespace)
	initLog := filepath.Join(c.dir, "logs", "rbac-manager-init.log")
	cmd := exec.CommandContext(ctx, core, "rbac", "init")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(initLog, out, 0o644)
	if err != nil {
		return fmt.Errorf("crossplane rbac init: %w; see %s:\n%s", err, c.rel(initLog), tail(initLog, 10))
	}
	_, err = c.start("rbac-manager", []string{"KUBECONFIG=" + kubeconfig, "POD_NAMESPACE=" + crossplaneNamespace},
		core, "rbac", "start", "--provider-clusterrole=crossplane:allowed-provider-permissions",
		"--poll-interval=15s", "--sync-interval=5m")
	return err
}

// install applies what a user applies: the ClusterRole aggregated to
// Crossplane (packages cannot carry RBAC), the ServiceMonitor CRD that
// Prometheus Operator would bring, and the Configuration by reference.
func (c *ControlPlane) install(ctx context.Context) error {
	if err := c.ApplyFile(ctx, c.bin("compositions", "rbac.yaml")); err != nil {
		return err
	}
	if err := c.ApplyFile(ctx, c.bin("bin", "kube", "crds", "monitoring.coreos.com_servicemonitors.yaml")); err != nil {
		return err
	}
	cfg := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "pkg.crossplane.io/v1",
		"kind":       "Configuration",
		"metadata":   map[string]any{"name": "configuration-rivven"},
		"spec":       map[string]any{"package": c.Build.Ref("configuration-rivven")},
	}}
	// The CRDs of core init may need a moment to be served.
	return poll(ctx, time.Minute, "apply Configuration configuration-rivven", c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Apply(ctx, cfg); err != nil {
			return false, err.Error(), nil
		}
		return true, "", nil
	})
}

// waitPackagesHealthy waits until Crossplane has resolved the Configuration's
// dependencies and reports every package Installed and Healthy, and the
// RBAC manager's roles for them are in effect.
func (c *ControlPlane) waitPackagesHealthy(ctx context.Context) error {
	want := []struct{ kind, name string }{
		{"Configuration", "configuration-rivven"},
		{"Function", c.Build.Name("function-rivven-cluster")},
		{"Function", c.Build.Name("function-rivven-connect")},
		{"Provider", c.Build.Name("provider-rivven")},
	}
	if err := poll(ctx, 5*time.Minute, "packages Installed and Healthy", c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Check(); err != nil {
			return false, "", err
		}
		var pending []string
		for _, w := range want {
			u, err := c.Get(ctx, "pkg.crossplane.io/v1", w.kind, "", w.name)
			if err != nil {
				pending = append(pending, fmt.Sprintf("%s %s: %v", w.kind, w.name, err))
				continue
			}
			for _, t := range []string{"Installed", "Healthy"} {
				if s, r, m := Condition(u, t); s != "True" {
					pending = append(pending, fmt.Sprintf("%s %s %s=%s %s %s", w.kind, w.name, t, s, r, m))
				}
			}
		}
		return len(pending) == 0, strings.Join(pending, "; "), nil
	}); err != nil {
		return err
	}
	return c.waitCrossplaneAuthorized(ctx)
}
