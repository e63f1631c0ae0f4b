package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

// RivvenConnect runs a rivven-connect pipeline (sources into topics, topics
// into sinks) as a Deployment against a RivvenCluster. Crossplane adds the
// SYNCED, READY and AGE printer columns to every composite resource itself.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,rivven}
// +kubebuilder:printcolumn:name="PHASE",type="string",JSONPath=".status.phase"
// +kubebuilder:printcolumn:name="ENABLED-SOURCES",type="string",JSONPath=".status.enabledSources",description="Sources the pipeline file runs (enabled) out of the sources spec.sources configures"
// +kubebuilder:printcolumn:name="ENABLED-SINKS",type="string",JSONPath=".status.enabledSinks",description="Sinks the pipeline file runs (enabled) out of the sinks spec.sinks configures"
type RivvenConnect struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RivvenConnectSpec   `json:"spec"`
	Status RivvenConnectStatus `json:"status,omitempty"`
}

// RivvenConnectSpec is the desired pipeline and how its pods run.
// +kubebuilder:validation:XValidation:rule="(has(self.sources) && size(self.sources) > 0) || (has(self.sinks) && size(self.sinks) > 0)",message="spec.sources and spec.sinks are both empty: a pipeline needs at least one source or sink"
// +kubebuilder:validation:XValidation:rule="!(has(self.serviceMonitor) && has(self.serviceMonitor.enabled) && self.serviceMonitor.enabled && has(self.settings) && has(self.settings.metrics) && has(self.settings.metrics.enabled) && !self.settings.metrics.enabled)",message="spec.serviceMonitor.enabled needs spec.settings.metrics.enabled: a ServiceMonitor cannot scrape a disabled metrics server"
type RivvenConnectSpec struct {
	// ClusterRef selects the RivvenCluster whose brokers the pipeline
	// talks to.
	ClusterRef ClusterReference `json:"clusterRef"`

	// Replicas is the number of rivven-connect workers. Each worker runs the
	// whole pipeline; rivven-connect has no work distribution between
	// workers, so more than one replica duplicates source reads.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=1
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Version is the image tag of rivven-connect: a Rivven release. Releases
	// other than the tested ones are accepted with a Warning.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`
	// +kubebuilder:default="0.0.22"
	// +optional
	Version string `json:"version,omitempty"`

	// Image is the rivven-connect image repository, without a tag.
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="!self.substring(self.lastIndexOf('/') + 1).contains(':')",message="spec.image must not carry a tag: set spec.version instead"
	// +kubebuilder:default="ghcr.io/hupe1980/rivven-connect"
	// +optional
	Image string `json:"image,omitempty"`

	// Resources of the rivven-connect container.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	commonv1alpha1.PodTemplate `json:",inline"`

	// ServiceMonitor asks for a Prometheus Operator ServiceMonitor scraping
	// the metrics port. Metrics are turned on in the pipeline file when it
	// is enabled.
	// +optional
	ServiceMonitor *commonv1alpha1.ServiceMonitorSpec `json:"serviceMonitor,omitempty"`

	// Sources read from external systems into topics.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Sources []SourceConnectorSpec `json:"sources,omitempty"`

	// Sinks read topics into external systems.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Sinks []SinkConnectorSpec `json:"sinks,omitempty"`

	// Settings of the pipeline as a whole.
	// +optional
	Settings *ConnectSettings `json:"settings,omitempty"`

	// TLS towards the brokers. When omitted, TLS follows the RivvenCluster:
	// on when the cluster's spec.tls.enabled is true, verified with the CA
	// of the cluster's certificate Secret.
	// +optional
	TLS *ConnectTLSSpec `json:"tls,omitempty"`
}

// ClusterReference names a RivvenCluster.
type ClusterReference struct {
	// Name of the RivvenCluster.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// Namespace of the RivvenCluster. Defaults to the RivvenConnect's own.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// ConnectTLSSpec configures TLS from rivven-connect to the brokers.
type ConnectTLSSpec struct {
	// Enabled turns on TLS to the brokers.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// CertSecretName is a Secret in this namespace holding ca.crt (the CA
	// that signed the broker certificate) and, for mutual TLS, tls.crt and
	// tls.key. Defaults to the RivvenCluster's spec.tls.certSecretName when
	// the cluster lives in the same namespace.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +optional
	CertSecretName string `json:"certSecretName,omitempty"`

	// ClientAuth presents tls.crt and tls.key of the Secret to the brokers
	// (mutual TLS).
	// +optional
	ClientAuth bool `json:"clientAuth,omitempty"`

	// ServerName to verify the broker certificate against. Defaults to the
	// host of the first bootstrap server (rivven-connect itself would
	// otherwise use "localhost").
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ServerName string `json:"serverName,omitempty"`

	// InsecureSkipVerify disables verification of the broker certificate.
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// RivvenConnectStatus is what the function observed.
type RivvenConnectStatus struct {
	// Phase summarises the pipeline. WaitingForCluster: the RivvenCluster
	// is missing or not Ready, nothing new is composed. Provisioning: the
	// Deployment is not yet available: being created or rolled out, or a
	// worker fails its readiness probe, which runs "rivven-connect check"
	// in the container (the broker must answer within 5 s; postgres-cdc
	// sources and http-webhook sinks are checked too); condition
	// WorkersReady says which. Running: every desired worker is updated
	// and available, so each passed that check. Stopped: spec.replicas is
	// 0.
	// +optional
	Phase string `json:"phase,omitempty"`

	// Replicas desired.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`

	// ReadyReplicas of the Deployment: workers passing the readiness probe.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// EnabledSources counts spec.sources as enabled/configured, e.g. "1/2":
	// the sources the pipeline file runs (enabled: true, the default) out
	// of all sources configured. Enabled is what the spec asks for, not an
	// observation that a source runs: rivven-connect reports no
	// per-connector state (its /health and /ready answer 503 whatever the
	// connectors do).
	// +optional
	EnabledSources string `json:"enabledSources,omitempty"`

	// EnabledSinks counts spec.sinks as enabled/configured, e.g. "3/3", in
	// the same sense as EnabledSources.
	// +optional
	EnabledSinks string `json:"enabledSinks,omitempty"`

	// BootstrapServers the pipeline talks to.
	// +optional
	BootstrapServers string `json:"bootstrapServers,omitempty"`

	// ConfigHash of the rendered pipeline file; pods roll when it changes.
	// +optional
	ConfigHash string `json:"configHash,omitempty"`
}

// +kubebuilder:object:root=true

// RivvenConnectList is a list of RivvenConnects.
type RivvenConnectList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []RivvenConnect `json:"items"`
}
