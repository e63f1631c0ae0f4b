package cluster

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	apisv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// providerConfig tells provider-rivven how to reach this cluster: rivvend's
// own protocol on the client Service. It is named exactly like the
// RivvenCluster, so a RivvenTopic's spec.clusterRef.name is all a topic
// needs. It never asks for TLS: the client port of every
// supported rivvend release is plaintext even with spec.tls.enabled (the
// released binaries are built without rivvend's tls feature; the broker
// tier shows the plaintext handshake), and a TLS client would fail against
// it.
func providerConfig(name, ns string) *apisv1alpha1.ProviderConfig {
	return &apisv1alpha1.ProviderConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: apisv1alpha1.SchemeGroupVersion.String(), Kind: apisv1alpha1.ProviderConfigKind},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: commonLabels(name)},
		Spec:       apisv1alpha1.ProviderConfigSpec{Protocol: apisv1alpha1.ProtocolRivven, BootstrapServers: []string{BootstrapServers(name, ns)}},
	}
}
