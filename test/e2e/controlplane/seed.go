package controlplane

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Ref names one object.
type Ref struct {
	APIVersion, Kind, Namespace, Name string
}

func (r Ref) String() string { return fmt.Sprintf("%s %s/%s", r.Kind, r.Namespace, r.Name) }

// The seed's examples, applied verbatim, and the objects they create.
var (
	SeedFiles = []string{
		"examples/cluster/production.yaml",
		"examples/connect/cdc-pipeline.yaml",
		"examples/topic/orders-events.yaml",
	}
	Production  = Ref{"rivven.io/v1alpha1", "RivvenCluster", "default", "production"}
	CDCPipeline = Ref{"rivven.io/v1alpha1", "RivvenConnect", "default", "cdc-pipeline"}
	OrdersTopic = Ref{"rivven.io/v1alpha1", "RivvenTopic", "default", "orders-events"}
	SeedObjects = []Ref{Production, CDCPipeline, OrdersTopic}
)

// SeedOptions are the control plane options the seed examples need: the
// production cluster's broker Service name, three 100Gi fast-ssd volumes
// and three nodes in three zones for its brokers; and two volumes without a
// class for one-broker clusters of the default storage (10Gi).
func SeedOptions() Options {
	return Options{
		BrokerNames: []string{"rivven-production.default.svc", "rivven-minimal.default.svc"},
		Nodes:       3,
		Volumes: []Volume{
			{StorageClass: "fast-ssd", Size: "100Gi", Count: 3},
			{StorageClass: "", Size: "10Gi", Count: 2},
		},
	}
}

// ApplySeedPrerequisites creates the Secrets the seed examples name: the
// brokers' TLS certificate (signed by the local CA for the Service names;
// nothing serves it, rivvend's client port being plaintext) and placeholder
// connector credentials for the cdc-pipeline's configSecretRefs.
func (c *ControlPlane) ApplySeedPrerequisites(ctx context.Context) error {
	secrets := []*corev1.Secret{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "rivven-tls", Namespace: "default"},
			Type:       corev1.SecretTypeTLS,
			Data:       map[string][]byte{"tls.crt": c.BrokerTLS.CertPEM, "tls.key": c.BrokerTLS.KeyPEM, "ca.crt": c.CA.CertPEM},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "postgres-credentials", Namespace: "default"},
			StringData: map[string]string{"POSTGRES_HOST": "postgres.default.svc", "POSTGRES_PORT": "5432", "POSTGRES_USER": "rivven", "POSTGRES_PASSWORD": "local-placeholder"},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "s3-credentials", Namespace: "default"},
			StringData: map[string]string{"AWS_ACCESS_KEY_ID": "local-placeholder", "AWS_SECRET_ACCESS_KEY": "local-placeholder"},
		},
	}
	for _, s := range secrets {
		if err := c.Client.Create(ctx, s); err != nil {
			return fmt.Errorf("create Secret %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}

// ApplySeed applies the seed examples verbatim.
func (c *ControlPlane) ApplySeed(ctx context.Context) error {
	for _, f := range SeedFiles {
		if err := c.ApplyFile(ctx, c.bin(f)); err != nil {
			return err
		}
		c.logf("applied %s", f)
	}
	return nil
}

// WaitReady waits until every object reports Ready=True and Synced=True,
// printing what is still pending every 15 seconds.
func (c *ControlPlane) WaitReady(ctx context.Context, timeout time.Duration, refs ...Ref) error {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.String()
	}
	return poll(ctx, timeout, "Ready and Synced: "+strings.Join(names, ", "), c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Check(); err != nil {
			return false, "", err
		}
		var pending []string
		for _, r := range refs {
			u, err := c.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
			if err != nil {
				pending = append(pending, r.String()+": "+err.Error())
				continue
			}
			for _, t := range []string{"Synced", "Ready"} {
				if s, reason, msg := Condition(u, t); s != "True" {
					pending = append(pending, fmt.Sprintf("%s %s=%s %s %s", r, t, s, reason, msg))
				}
			}
		}
		return len(pending) == 0, strings.Join(pending, "; "), nil
	})
}

// Exists reports whether an object exists.
func (c *ControlPlane) Exists(ctx context.Context, r Ref) (bool, error) {
	_, err := c.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// Delete deletes an object (in the background, as kubectl delete does).
func (c *ControlPlane) Delete(ctx context.Context, r Ref) error {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(r.APIVersion)
	u.SetKind(r.Kind)
	u.SetNamespace(r.Namespace)
	u.SetName(r.Name)
	if err := c.Client.Delete(ctx, u); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}
