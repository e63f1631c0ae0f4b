package cluster

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	apisv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// providerConfig tells provider-rivven how to reach this cluster. It is named
// exactly like the RivvenCluster, so a RivvenTopic's spec.clusterRef.name is
// all a topic needs.
func providerConfig(name, ns string, s clusterv1alpha1.RivvenClusterSpec) *apisv1alpha1.ProviderConfig {
	pc := &apisv1alpha1.ProviderConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: apisv1alpha1.SchemeGroupVersion.String(), Kind: apisv1alpha1.ProviderConfigKind},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: commonLabels(name)},
		Spec:       apisv1alpha1.ProviderConfigSpec{BootstrapServers: []string{BootstrapServers(name, ns)}},
	}
	if s.TLS.Enabled {
		pc.Spec.TLS = &apisv1alpha1.TLSConfig{
			CASecretRef: &apisv1alpha1.SecretKeySelector{Name: s.TLS.CertSecretName, Key: "ca.crt"},
			ServerName:  clientHost(name, ns),
		}
	}
	return pc
}
