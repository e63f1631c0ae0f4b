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
	"github.com/rivven/crossplane-rivven/provider/internal/clients/kafka"
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

// ResolveConnection reads the referenced provider config and its Secrets.
// It returns the connection and a key identifying the cluster for the
// client pool. Errors name the object and field, never a secret value.
func ResolveConnection(ctx context.Context, kube client.Client, namespace string, ref *xpv2.ProviderConfigReference) (kafka.Connection, string, error) {
	if ref == nil || ref.Name == "" {
		return kafka.Connection{}, "", fmt.Errorf("neither spec.clusterRef nor spec.providerConfigRef names a provider config")
	}
	var (
		spec     pcv1alpha1.ProviderConfigSpec
		secretNS string
		what     string
		key      string
	)
	switch ref.Kind {
	case pcv1alpha1.ProviderConfigKind:
		pc := &pcv1alpha1.ProviderConfig{}
		if err := kube.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, pc); err != nil {
			return kafka.Connection{}, "", fmt.Errorf("cannot get ProviderConfig %s/%s: %w", namespace, ref.Name, err)
		}
		spec, secretNS = pc.Spec, namespace
		what = fmt.Sprintf("ProviderConfig %s/%s", namespace, ref.Name)
		key = "ProviderConfig/" + namespace + "/" + ref.Name
	case pcv1alpha1.ClusterProviderConfigKind:
		pc := &pcv1alpha1.ClusterProviderConfig{}
		if err := kube.Get(ctx, types.NamespacedName{Name: ref.Name}, pc); err != nil {
			return kafka.Connection{}, "", fmt.Errorf("cannot get ClusterProviderConfig %s: %w", ref.Name, err)
		}
		spec = pc.Spec
		what = "ClusterProviderConfig " + ref.Name
		key = "ClusterProviderConfig/" + ref.Name
	default:
		return kafka.Connection{}, "", fmt.Errorf("spec.providerConfigRef.kind %q is not ProviderConfig or ClusterProviderConfig", ref.Kind)
	}

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
		if err := kube.Get(ctx, types.NamespacedName{Namespace: nsOf(sel.Namespace), Name: sel.Name}, s); err != nil {
			return nil, fmt.Errorf("%s: cannot read %s: %w", what, field, err)
		}
		v, ok := s.Data[sel.Key]
		if !ok {
			return nil, fmt.Errorf("%s: %s: Secret %s/%s has no key %q", what, field, nsOf(sel.Namespace), sel.Name, sel.Key)
		}
		return v, nil
	}

	conn := kafka.Connection{BootstrapServers: spec.BootstrapServers}
	if t := spec.TLS; t != nil {
		conn.TLS = &kafka.TLS{ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
		if t.CASecretRef != nil {
			ca, err := readKey("spec.tls.caSecretRef", *t.CASecretRef)
			if err != nil {
				return kafka.Connection{}, "", err
			}
			conn.TLS.CA = ca
		}
		if r := t.ClientCertSecretRef; r != nil {
			s := &corev1.Secret{}
			if err := kube.Get(ctx, types.NamespacedName{Namespace: nsOf(r.Namespace), Name: r.Name}, s); err != nil {
				return kafka.Connection{}, "", fmt.Errorf("%s: cannot read spec.tls.clientCertSecretRef: %w", what, err)
			}
			conn.TLS.ClientCert, conn.TLS.ClientKey = s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey]
			if len(conn.TLS.ClientCert) == 0 || len(conn.TLS.ClientKey) == 0 {
				return kafka.Connection{}, "", fmt.Errorf("%s: spec.tls.clientCertSecretRef: Secret %s/%s needs keys tls.crt and tls.key", what, nsOf(r.Namespace), r.Name)
			}
		}
	}
	if s := spec.SASL; s != nil {
		pw, err := readKey("spec.sasl.passwordSecretRef", s.PasswordSecretRef)
		if err != nil {
			return kafka.Connection{}, "", err
		}
		conn.SASL = &kafka.SASL{Mechanism: string(s.Mechanism), Username: s.Username, Password: string(pw)}
	}
	return conn, key, nil
}
