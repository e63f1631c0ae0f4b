package controlplane

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// functions are the Function packages and the local process serving each.
var functions = []string{"function-rivven-cluster", "function-rivven-connect"}

// startRuntimes does what the Deployment runtime would do in a cluster: it
// runs each package's binary, the very file inside its runtime image. The
// functions serve gRPC with mTLS server certificates from the CA that signed
// Crossplane's client certificate, and a loop keeps each active
// FunctionRevision's status.endpoint pointing at its process, and every
// revision's TLS Secret names set, as the Deployment runtime would. The provider
// runs once Crossplane has installed its CRDs, in a private mount namespace
// whose /etc/hosts is the cluster DNS's file (dns.go): the Service names
// resolve to the pods behind them. It acts as the provider's ServiceAccount
// with what Crossplane's RBAC manager granted it (providerServiceAccount).
func (c *ControlPlane) startRuntimes(ctx, bg context.Context) error {
	want := map[string]revisionStatus{}
	for _, fn := range functions {
		port, err := freePort()
		if err != nil {
			return err
		}
		kp, err := c.CA.Issue(fn, nil, "127.0.0.1", "localhost", fn+"."+crossplaneNamespace)
		if err != nil {
			return err
		}
		dir := filepath.Join(c.dir, "pki", fn)
		if err := c.CA.WriteDir(dir, kp); err != nil {
			return err
		}
		if _, err := c.start(fn, nil, c.runtimeBinary(fn), "--debug",
			"--tls-certs-dir="+dir, "--address="+hostPort(port)); err != nil {
			return err
		}
		st, err := c.runtimeSecrets(ctx, fn, kp)
		if err != nil {
			return err
		}
		st.Endpoint = "dns:///" + hostPort(port)
		st.proc = fn
		want[c.Build.Name(fn)] = st
	}
	pkp, err := c.CA.Issue("provider-rivven", nil, "provider-rivven."+crossplaneNamespace)
	if err != nil {
		return err
	}
	st, err := c.runtimeSecrets(ctx, "provider-rivven", pkp)
	if err != nil {
		return err
	}
	st.proc = "provider-rivven"
	want[c.Build.Name("provider-rivven")] = st
	go c.keepRevisions(bg, want)

	if err := poll(ctx, 5*time.Minute, "provider CRDs established", c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Check(); err != nil {
			return false, "", err
		}
		var pending []string
		for _, n := range []string{"rivventopics.rivven.io", "providerconfigs.rivven.io", "providerconfigusages.rivven.io"} {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Client.Get(ctx, client.ObjectKey{Name: n}, crd); err != nil {
				pending = append(pending, n+": "+err.Error())
				continue
			}
			established := false
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					established = true
				}
			}
			if !established {
				pending = append(pending, n+" not established")
			}
		}
		return len(pending) == 0, strings.Join(pending, "; "), nil
	}); err != nil {
		return err
	}
	kubeconfig, err := c.providerServiceAccount(ctx)
	if err != nil {
		return err
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	// unshare gives the provider its own mount namespace; the bind mount of
	// the hosts file is visible to it alone.
	_, err = c.start("provider-rivven", []string{"KUBECONFIG=" + kubeconfig}, "unshare",
		"--mount", "--propagation", "private", "--", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`,
		c.hostsFile(), c.runtimeBinary("provider-rivven"), "--debug",
		"--leader-election=false", "--poll=15s",
		"--metrics-addr="+hostPort(ports[0]), "--health-addr="+hostPort(ports[1]))
	return err
}

// revisionStatus is what a package runtime reports on a package revision.
type revisionStatus struct {
	Endpoint            string `json:"endpoint,omitempty"`
	TLSServerSecretName string `json:"tlsServerSecretName,omitempty"`
	TLSClientSecretName string `json:"tlsClientSecretName,omitempty"`
	// proc is the local process that plays the package's runtime.
	proc string
}

// runtimeSecrets writes the TLS Secrets a package runtime keeps for a
// package in Crossplane's namespace; Crossplane reads the server
// certificate's CA bundle from them before it establishes the package's
// objects.
func (c *ControlPlane) runtimeSecrets(ctx context.Context, pkg string, server KeyPair) (revisionStatus, error) {
	st := revisionStatus{TLSServerSecretName: pkg + "-tls-server", TLSClientSecretName: pkg + "-tls-client"}
	for _, name := range []string{st.TLSServerSecretName, st.TLSClientSecretName} {
		s := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: crossplaneNamespace},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{"tls.crt": server.CertPEM, "tls.key": server.KeyPEM, "ca.crt": c.CA.CertPEM},
		}
		if err := c.Client.Create(ctx, s); err != nil {
			return st, err
		}
	}
	return st, nil
}

// keepRevisions sets the runtime status of every active FunctionRevision
// and ProviderRevision of our packages, and sets it again whenever a
// revision loses it.
func (c *ControlPlane) keepRevisions(ctx context.Context, want map[string]revisionStatus) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		for _, kind := range []string{"FunctionRevisionList", "ProviderRevisionList"} {
			l := &unstructured.UnstructuredList{}
			l.SetAPIVersion("pkg.crossplane.io/v1")
			l.SetKind(kind)
			if err := c.Client.List(ctx, l); err != nil {
				continue
			}
			for i := range l.Items {
				c.setRevisionStatus(ctx, &l.Items[i], want)
			}
		}
	}
}

func (c *ControlPlane) setRevisionStatus(ctx context.Context, r *unstructured.Unstructured, want map[string]revisionStatus) {
	pkg := r.GetLabels()["pkg.crossplane.io/package"]
	w, ok := want[pkg]
	if !ok {
		return
	}
	if st, _, _ := unstructured.NestedString(r.Object, "spec", "desiredState"); st != "Active" {
		return
	}
	changed := false
	set := func(field, value string) {
		if value == "" {
			return
		}
		if got, _, _ := unstructured.NestedString(r.Object, "status", field); got != value {
			_ = unstructured.SetNestedField(r.Object, value, "status", field)
			changed = true
		}
	}
	set("endpoint", w.Endpoint)
	set("tlsServerSecretName", w.TLSServerSecretName)
	set("tlsClientSecretName", w.TLSClientSecretName)
	// RuntimeHealthy follows the process: True while it runs.
	health, reason := "False", "UnhealthyPackageRevision"
	if p := c.proc(w.proc); p != nil {
		if done, _ := p.exited(); !done {
			health, reason = "True", "HealthyPackageRevision"
		}
	}
	if setCondition(r, "RuntimeHealthy", health, reason) {
		changed = true
	}
	if !changed {
		return
	}
	// An update, not a merge patch, so that the conditions Crossplane set
	// stay as they are and a concurrent change is retried on the next tick.
	if err := c.Client.Status().Update(ctx, r); err != nil {
		return
	}
	c.logf("%s %s: endpoint %q, TLS Secrets %s/%s, RuntimeHealthy=%s", r.GetKind(), r.GetName(),
		w.Endpoint, w.TLSServerSecretName, w.TLSClientSecretName, health)
}

// setCondition sets a condition in status.conditions, reporting a change.
func setCondition(u *unstructured.Unstructured, typ, status, reason string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for i, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != typ {
			continue
		}
		if m["status"] == status && m["reason"] == reason {
			return false
		}
		m["status"], m["reason"] = status, reason
		m["lastTransitionTime"] = time.Now().UTC().Format(time.RFC3339)
		conds[i] = m
		_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
		return true
	}
	conds = append(conds, map[string]any{
		"type": typ, "status": status, "reason": reason,
		"lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
	})
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
	return true
}

// proc returns the process of a package, if started.
func (c *ControlPlane) proc(name string) *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if p.name == name {
			return p
		}
	}
	return nil
}
