package controlplane

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ArgoCDNamespace is where Argo CD keeps its settings and Applications.
const ArgoCDNamespace = "argocd"

// ArgoCDInputs are what the Argo CD tier needs beyond the control plane:
// bin/argocd (make argocd) and Debian's redis-server.
func (c *ControlPlane) ArgoCDInputs() error {
	var missing []string
	for _, f := range []string{"argocd", "argocd-application-controller", "argocd-repo-server", "git-verify-wrapper.sh", "crds/application-crd.yaml"} {
		if _, err := os.Stat(c.bin("bin", "argocd", f)); err != nil {
			missing = append(missing, "bin/argocd/"+f+" (make argocd)")
		}
	}
	for _, b := range []string{"redis-server", "git"} {
		if _, err := exec.LookPath(b); err != nil {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing: %s", strings.Join(missing, ", "))
	}
	return nil
}

// StartArgoCD runs Argo CD's application controller and repo server (the
// binary of hack/argocd, with bin/argocd first on PATH as in Argo CD's
// image) and a Redis for their cache, all on loopback, configured with
// gitops/argocd/argocd-cm.yaml. The application controller manages this
// control plane as its in-cluster destination (ARGOCD_FAKE_IN_CLUSTER: the
// kubeconfig stands in for the service account) and persists resource
// health in each Application's status, so that a test can read it.
func (c *ControlPlane) StartArgoCD(ctx context.Context) error {
	if err := c.ArgoCDInputs(); err != nil {
		return err
	}
	for _, f := range []string{"application-crd.yaml", "appproject-crd.yaml"} {
		if err := c.ApplyFile(ctx, c.bin("bin", "argocd", "crds", f)); err != nil {
			return err
		}
	}
	if err := c.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ArgoCDNamespace}}); err != nil {
		return err
	}
	objs, err := ReadObjects(c.bin("gitops", "argocd", "argocd-cm.yaml"))
	if err != nil {
		return err
	}
	for _, o := range objs {
		o.SetNamespace(ArgoCDNamespace)
	}
	if err := c.Apply(ctx, objs...); err != nil {
		return err
	}
	// Argo CD signs its session tokens with server.secretkey; no component
	// here serves a session, but its settings manager wants the Secret.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if err := c.Client.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "argocd-secret", Namespace: ArgoCDNamespace, Labels: map[string]string{"app.kubernetes.io/part-of": "argocd"}},
		Data:       map[string][]byte{"server.secretkey": []byte(base64.StdEncoding.EncodeToString(key))},
	}); err != nil {
		return err
	}
	if err := c.waitCRDs(ctx, "applications.argoproj.io", "appprojects.argoproj.io"); err != nil {
		return err
	}
	project := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1",
		"kind":       "AppProject",
		"metadata":   map[string]any{"name": "default", "namespace": ArgoCDNamespace},
		"spec": map[string]any{
			"sourceRepos":              []any{"*"},
			"destinations":             []any{map[string]any{"server": "*", "namespace": "*"}},
			"clusterResourceWhitelist": []any{map[string]any{"group": "*", "kind": "*"}},
		},
	}}
	if err := c.Apply(ctx, project); err != nil {
		return err
	}

	ports, err := freePorts(5)
	if err != nil {
		return err
	}
	redis := hostPort(ports[0])
	if _, err := c.start("redis", nil, "redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(ports[0]),
		"--save", "", "--appendonly", "no"); err != nil {
		return err
	}
	tmp := filepath.Join(c.dir, "argocd-tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	env := []string{
		"PATH=" + c.bin("bin", "argocd") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TMPDIR=" + tmp,
		// Commit signature verification is off unless a project asks for
		// it; without a keyring to initialise, no gpg-agent is started.
		"ARGOCD_GPG_ENABLED=false",
	}
	if _, err := c.start("argocd-repo-server", env, c.bin("bin", "argocd", "argocd-repo-server"),
		"--address", "127.0.0.1", "--port", strconv.Itoa(ports[1]),
		"--metrics-address", "127.0.0.1", "--metrics-port", strconv.Itoa(ports[2]),
		"--redis", redis); err != nil {
		return err
	}
	// The repo server serves TLS with a certificate of its own; the
	// controller, as in Argo CD's manifests, does not require it to verify.
	// Argo CD binds the controller's metrics port on every interface.
	_, err = c.start("argocd-application-controller",
		append(env, "ARGOCD_FAKE_IN_CLUSTER=true", "KUBECONFIG="+c.Kubeconfig),
		c.bin("bin", "argocd", "argocd-application-controller"),
		"--namespace", ArgoCDNamespace, "--repo-server", hostPort(ports[1]), "--redis", redis,
		"--metrics-port", strconv.Itoa(ports[3]), "--persist-resource-health")
	return err
}

// waitCRDs waits until the API server serves the named CRDs.
func (c *ControlPlane) waitCRDs(ctx context.Context, names ...string) error {
	return poll(ctx, time.Minute, "CRDs established: "+strings.Join(names, ", "), c.logf, func(ctx context.Context) (bool, string, error) {
		for _, n := range names {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Client.Get(ctx, client.ObjectKey{Name: n}, crd); err != nil {
				return false, n + ": " + err.Error(), nil
			}
			ok := false
			for _, cond := range crd.Status.Conditions {
				ok = ok || (cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue)
			}
			if !ok {
				return false, n + " not established", nil
			}
		}
		return true, "", nil
	})
}

// ApplyPrerequisites applies what users install before the Rivven packages
// and outside them: the ServiceMonitor CRD that Prometheus Operator brings.
func (c *ControlPlane) ApplyPrerequisites(ctx context.Context) error {
	return c.ApplyFile(ctx, c.bin("bin", "kube", "crds", "monitoring.coreos.com_servicemonitors.yaml"))
}

// Path is a file of the repository.
func (c *ControlPlane) Path(parts ...string) string { return c.bin(parts...) }
