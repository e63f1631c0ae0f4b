package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// SASLMechanism is a SASL mechanism the admin client authenticates with.
// +kubebuilder:validation:Enum=PLAIN;SCRAM-SHA-256;SCRAM-SHA-512
type SASLMechanism string

// Supported SASL mechanisms.
const (
	SASLMechanismPlain       SASLMechanism = "PLAIN"
	SASLMechanismSCRAMSHA256 SASLMechanism = "SCRAM-SHA-256"
	SASLMechanismSCRAMSHA512 SASLMechanism = "SCRAM-SHA-512"
)

// Protocol is the wire protocol provider-rivven speaks to a cluster's brokers.
// +kubebuilder:validation:Enum=Rivven;Kafka
type Protocol string

// Protocols.
const (
	// ProtocolRivven is rivvend's own client protocol on its client port
	// (9092): the protocol of every RivvenCluster.
	ProtocolRivven Protocol = "Rivven"
	// ProtocolKafka is the Kafka admin API, for Kafka-compatible brokers
	// outside the control plane (hybrid and migration setups).
	ProtocolKafka Protocol = "Kafka"
)

// SecretKeySelector selects one key of a Secret. A namespaced ProviderConfig
// always reads Secrets from its own namespace; a ClusterProviderConfig must
// name the namespace.
type SecretKeySelector struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Namespace of the Secret. Only a ClusterProviderConfig may set it.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Key within the Secret.
	// +kubebuilder:validation:MinLength=1
	Key string `json:"key"`
}

// SecretReference names a Secret. A namespaced ProviderConfig always reads
// Secrets from its own namespace; a ClusterProviderConfig must name the
// namespace.
type SecretReference struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Namespace of the Secret. Only a ClusterProviderConfig may set it.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// TLSConfig configures TLS between the provider and the brokers.
type TLSConfig struct {
	// CASecretRef selects the PEM CA bundle that verifies the brokers'
	// certificates. The system roots are used when it is absent.
	// +optional
	CASecretRef *SecretKeySelector `json:"caSecretRef,omitempty"`

	// ClientCertSecretRef names a kubernetes.io/tls Secret (tls.crt, tls.key)
	// holding the client certificate for mutual TLS.
	// +optional
	ClientCertSecretRef *SecretReference `json:"clientCertSecretRef,omitempty"`

	// ServerName overrides the name the brokers' certificates are verified
	// against.
	// +optional
	ServerName string `json:"serverName,omitempty"`

	// InsecureSkipVerify disables verification of the brokers' certificates.
	// Only for test clusters.
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// SASLConfig configures SASL authentication of the admin client.
type SASLConfig struct {
	// Mechanism is the SASL mechanism.
	Mechanism SASLMechanism `json:"mechanism"`

	// Username to authenticate as.
	// +kubebuilder:validation:MinLength=1
	Username string `json:"username"`

	// PasswordSecretRef selects the password. It is never stored inline.
	PasswordSecretRef SecretKeySelector `json:"passwordSecretRef"`
}

// ProviderConfigSpec says how provider-rivven reaches a cluster's brokers.
// +kubebuilder:validation:XValidation:rule="(has(self.protocol) ? self.protocol : 'Rivven') != 'Rivven' || !has(self.sasl) || self.sasl.mechanism == 'SCRAM-SHA-256'",fieldPath=".sasl.mechanism",message="spec.sasl.mechanism: on the Rivven protocol the provider logs in with SCRAM-SHA-256 only (rivvend 0.0.22 refuses PLAIN without TLS, which its release builds do not serve, and has no SCRAM-SHA-512)"
// +kubebuilder:validation:XValidation:rule="(has(self.protocol) ? self.protocol : 'Rivven') != 'Rivven' || !has(self.tls) || !has(self.tls.clientCertSecretRef)",fieldPath=".tls.clientCertSecretRef",message="spec.tls.clientCertSecretRef: client certificates are sent on the Kafka protocol only; rivvend authenticates clients with SCRAM-SHA-256 (spec.sasl)"
type ProviderConfigSpec struct {
	// Protocol is the wire protocol of the brokers' client port: Rivven
	// (rivvend's own protocol, the default, as every RivvenCluster serves
	// it) or Kafka (the Kafka admin API of a Kafka-compatible broker).
	// +kubebuilder:default=Rivven
	// +optional
	Protocol Protocol `json:"protocol,omitempty"`

	// BootstrapServers are the host:port addresses of the brokers.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:items:Pattern=`^[^\s:]+:[0-9]{1,5}$`
	// +listType=set
	BootstrapServers []string `json:"bootstrapServers"`

	// TLS enables TLS to the brokers when present.
	// +optional
	TLS *TLSConfig `json:"tls,omitempty"`

	// SASL enables SASL authentication when present.
	// +optional
	SASL *SASLConfig `json:"sasl,omitempty"`
}

// A ProviderStatus is the observed state of a ProviderConfig.
type ProviderConfigStatus struct {
	xpv2.ProviderConfigStatus `json:",inline"`
}

// +kubebuilder:object:root=true

// A ProviderConfig tells provider-rivven how to reach the brokers of one
// cluster. function-rivven-cluster composes one per RivvenCluster, named like
// the cluster; write one by hand for brokers outside the control plane.
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:printcolumn:name="PROTOCOL",type="string",JSONPath=".spec.protocol"
// +kubebuilder:printcolumn:name="BOOTSTRAP",type="string",JSONPath=".spec.bootstrapServers[0]"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,provider,rivven}
// +kubebuilder:validation:XValidation:rule="!has(self.spec.tls) || !has(self.spec.tls.caSecretRef) || !has(self.spec.tls.caSecretRef.__namespace__)",message="spec.tls.caSecretRef.namespace: a namespaced ProviderConfig reads Secrets from its own namespace only"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.tls) || !has(self.spec.tls.clientCertSecretRef) || !has(self.spec.tls.clientCertSecretRef.__namespace__)",message="spec.tls.clientCertSecretRef.namespace: a namespaced ProviderConfig reads Secrets from its own namespace only"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.sasl) || !has(self.spec.sasl.passwordSecretRef.__namespace__)",message="spec.sasl.passwordSecretRef.namespace: a namespaced ProviderConfig reads Secrets from its own namespace only"
type ProviderConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ProviderConfigSpec   `json:"spec"`
	Status ProviderConfigStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProviderConfigList contains a list of ProviderConfig.
type ProviderConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProviderConfig `json:"items"`
}

// +kubebuilder:object:root=true

// A ClusterProviderConfig tells provider-rivven how to reach a cluster's
// brokers from any namespace.
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:printcolumn:name="PROTOCOL",type="string",JSONPath=".spec.protocol"
// +kubebuilder:printcolumn:name="BOOTSTRAP",type="string",JSONPath=".spec.bootstrapServers[0]"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,provider,rivven}
// +kubebuilder:validation:XValidation:rule="!has(self.spec.tls) || !has(self.spec.tls.caSecretRef) || has(self.spec.tls.caSecretRef.__namespace__)",message="spec.tls.caSecretRef.namespace is required for a ClusterProviderConfig"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.tls) || !has(self.spec.tls.clientCertSecretRef) || has(self.spec.tls.clientCertSecretRef.__namespace__)",message="spec.tls.clientCertSecretRef.namespace is required for a ClusterProviderConfig"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.sasl) || has(self.spec.sasl.passwordSecretRef.__namespace__)",message="spec.sasl.passwordSecretRef.namespace is required for a ClusterProviderConfig"
type ClusterProviderConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ProviderConfigSpec   `json:"spec"`
	Status ProviderConfigStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterProviderConfigList contains a list of ClusterProviderConfig.
type ClusterProviderConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterProviderConfig `json:"items"`
}
