package topic

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// EffectiveProviderConfigRef is the provider config a topic connects
// through: the ProviderConfig named like spec.clusterRef in the topic's
// namespace when clusterRef is set (function-rivven-cluster composes it),
// otherwise spec.providerConfigRef.
func EffectiveProviderConfigRef(cr *v1alpha1.RivvenTopic) *xpv2.ProviderConfigReference {
	if cr.Spec.ClusterRef != nil && cr.Spec.ClusterRef.Name != "" {
		return &xpv2.ProviderConfigReference{Kind: pcv1alpha1.ProviderConfigKind, Name: cr.Spec.ClusterRef.Name}
	}
	return cr.Spec.ProviderConfigReference
}

// ProviderConfigRef is a resolved provider config: its pool key, its
// resource version and whether it is being deleted.
type ProviderConfigRef struct {
	Key             string
	ResourceVersion string
	Deleting        bool
}

// ResolveConnection reads the referenced provider config (from kube, the
// manager's cache) and its Secrets (from secrets, uncached reads: the
// provider keeps no Secret in memory). It returns the connection and the
// provider config's identity for the client pool. Errors name the object
// and field, never a secret value.
func ResolveConnection(ctx context.Context, kube client.Client, secrets client.Reader, namespace string, ref *xpv2.ProviderConfigReference) (admin.Connection, ProviderConfigRef, error) {
	return resolveConnection(ctx, kube, secrets, nil, namespace, ref)
}

func resolveConnection(ctx context.Context, kube client.Client, secrets client.Reader, cache *connections, namespace string, ref *xpv2.ProviderConfigReference) (admin.Connection, ProviderConfigRef, error) {
	spec, pcRef, what, secretNS, err := getProviderConfig(ctx, kube, namespace, ref)
	if err != nil {
		return admin.Connection{}, pcRef, err
	}
	conn, err := cache.get(pcRef, func() (admin.Connection, error) { return connectionOf(ctx, secrets, spec, what, secretNS) })
	return conn, pcRef, err
}

// getProviderConfig reads a ProviderConfig or ClusterProviderConfig. The
// namespace returned is the one its Secrets must be in, empty for a
// ClusterProviderConfig (which names it per Secret).
func getProviderConfig(ctx context.Context, kube client.Client, namespace string, ref *xpv2.ProviderConfigReference) (pcv1alpha1.ProviderConfigSpec, ProviderConfigRef, string, string, error) {
	var (
		spec     pcv1alpha1.ProviderConfigSpec
		secretNS string
		what     string
		r        ProviderConfigRef
	)
	if ref == nil || ref.Name == "" {
		return spec, r, "", "", fmt.Errorf("neither spec.clusterRef nor spec.providerConfigRef names a provider config")
	}
	switch ref.Kind {
	case pcv1alpha1.ProviderConfigKind:
		pc := &pcv1alpha1.ProviderConfig{}
		r.Key = "ProviderConfig/" + namespace + "/" + ref.Name
		if err := kube.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, pc); err != nil {
			return spec, r, "", "", fmt.Errorf("cannot get ProviderConfig %s/%s: %w", namespace, ref.Name, err)
		}
		spec, secretNS = pc.Spec, namespace
		what = fmt.Sprintf("ProviderConfig %s/%s", namespace, ref.Name)
		r.ResourceVersion, r.Deleting = pc.ResourceVersion, pc.DeletionTimestamp != nil
	case pcv1alpha1.ClusterProviderConfigKind:
		pc := &pcv1alpha1.ClusterProviderConfig{}
		r.Key = "ClusterProviderConfig/" + ref.Name
		if err := kube.Get(ctx, types.NamespacedName{Name: ref.Name}, pc); err != nil {
			return spec, r, "", "", fmt.Errorf("cannot get ClusterProviderConfig %s: %w", ref.Name, err)
		}
		spec = pc.Spec
		what = "ClusterProviderConfig " + ref.Name
		r.ResourceVersion, r.Deleting = pc.ResourceVersion, pc.DeletionTimestamp != nil
	default:
		return spec, r, "", "", fmt.Errorf("spec.providerConfigRef.kind %q is not ProviderConfig or ClusterProviderConfig", ref.Kind)
	}
	return spec, r, what, secretNS, nil
}

// connectionOf reads the Secrets a provider config names and returns its
// connection.
func connectionOf(ctx context.Context, secrets client.Reader, spec pcv1alpha1.ProviderConfigSpec, what, secretNS string) (admin.Connection, error) {

	// A namespaced ProviderConfig may only read its own namespace; a
	// ClusterProviderConfig names the namespace of each Secret.
	nsOf := func(n string) string {
		if secretNS != "" {
			return secretNS
		}
		return n
	}
	readKey := func(field string, sel pcv1alpha1.SecretKeySelector) ([]byte, error) {
		s := &corev1.Secret{}
		if err := secrets.Get(ctx, types.NamespacedName{Namespace: nsOf(sel.Namespace), Name: sel.Name}, s); err != nil {
			return nil, fmt.Errorf("%s: cannot read %s: %w", what, field, err)
		}
		v, ok := s.Data[sel.Key]
		if !ok {
			return nil, fmt.Errorf("%s: %s: Secret %s/%s has no key %q", what, field, nsOf(sel.Namespace), sel.Name, sel.Key)
		}
		return v, nil
	}

	conn := admin.Connection{Protocol: protocolOf(spec), BootstrapServers: spec.BootstrapServers}
	if t := spec.TLS; t != nil {
		conn.TLS = &admin.TLS{ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
		if t.CASecretRef != nil {
			ca, err := readKey("spec.tls.caSecretRef", *t.CASecretRef)
			if err != nil {
				return admin.Connection{}, err
			}
			conn.TLS.CA = ca
		}
		if r := t.ClientCertSecretRef; r != nil {
			s := &corev1.Secret{}
			if err := secrets.Get(ctx, types.NamespacedName{Namespace: nsOf(r.Namespace), Name: r.Name}, s); err != nil {
				return admin.Connection{}, fmt.Errorf("%s: cannot read spec.tls.clientCertSecretRef: %w", what, err)
			}
			conn.TLS.ClientCert, conn.TLS.ClientKey = s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey]
			if len(conn.TLS.ClientCert) == 0 || len(conn.TLS.ClientKey) == 0 {
				return admin.Connection{}, fmt.Errorf("%s: spec.tls.clientCertSecretRef: Secret %s/%s needs keys tls.crt and tls.key", what, nsOf(r.Namespace), r.Name)
			}
		}
	}
	if s := spec.SASL; s != nil {
		pw, err := readKey("spec.sasl.passwordSecretRef", s.PasswordSecretRef)
		if err != nil {
			return admin.Connection{}, err
		}
		conn.SASL = &admin.SASL{Mechanism: string(s.Mechanism), Username: s.Username, Password: string(pw)}
	}
	return conn, nil
}

// protocolOf is the provider config's protocol; the API server defaults it
// to Rivven, and so does this for objects that bypassed defaulting.
func protocolOf(spec pcv1alpha1.ProviderConfigSpec) admin.Protocol {
	if spec.Protocol == pcv1alpha1.ProtocolKafka {
		return admin.ProtocolKafka
	}
	return admin.ProtocolRivven
}
