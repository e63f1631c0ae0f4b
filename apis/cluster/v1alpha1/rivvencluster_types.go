package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

// Defaults that the schema applies and that the function applies again when
// it renders an XR that never went through the API server (crossplane render).
const (
	// DefaultReplicas is one broker: standalone mode, the only mode in
	// which the supported rivvend releases start (see
	// commonv1alpha1.ClusterModeFailure).
	DefaultReplicas int32 = 1
	// DefaultVersion is the newest tested release, never "latest": a
	// moving tag is untestable and would change brokers under users.
	DefaultVersion                 = commonv1alpha1.DefaultRivvenVersion
	DefaultImage                   = "ghcr.io/hupe1980/rivvend"
	DefaultStorageSize             = "10Gi"
	DefaultPartitions        int32 = 3
	DefaultLogLevel                = "info"
	DefaultRaftHeartbeatMs   int64 = 50
	DefaultRaftElectionMinMs int64 = 150
	DefaultRaftElectionMaxMs int64 = 300
	DefaultServiceType             = corev1.ServiceTypeClusterIP
)

// RivvenClusterSpec is the desired state of a Rivven broker cluster.
// +kubebuilder:validation:XValidation:rule="!has(self.config) || !has(self.config.defaultReplicationFactor) || self.config.defaultReplicationFactor <= (has(self.replicas) ? self.replicas : 1)",message="spec.config.defaultReplicationFactor must not exceed spec.replicas"
// +kubebuilder:validation:XValidation:rule="!has(self.config) || !has(self.config.minInsyncReplicas) || self.config.minInsyncReplicas <= (has(self.config.defaultReplicationFactor) ? self.config.defaultReplicationFactor : ((has(self.replicas) ? self.replicas : 1) < 3 ? (has(self.replicas) ? self.replicas : 1) : 3))",message="spec.config.minInsyncReplicas must not exceed spec.config.defaultReplicationFactor (which defaults to min(spec.replicas, 3)); rivvend refuses to start otherwise"
// +kubebuilder:validation:XValidation:rule="!has(self.serviceMonitor) || !has(self.serviceMonitor.enabled) || !self.serviceMonitor.enabled || !has(self.metrics) || !has(self.metrics.enabled) || self.metrics.enabled",message="spec.serviceMonitor.enabled requires spec.metrics.enabled"
// +kubebuilder:validation:XValidation:rule="((has(self.replicas) ? self.replicas : 1) > 1) == ((has(oldSelf.replicas) ? oldSelf.replicas : 1) > 1)",fieldPath=".replicas",message="spec.replicas cannot change between 1 (standalone broker) and more than 1 (cluster mode): rivvend runs a different mode with a different data layout; create a new RivvenCluster instead"
// +kubebuilder:validation:XValidation:rule="!has(self.service) || !has(self.service.type) || self.service.type == 'ClusterIP' || (has(self.config) && has(self.config.requireClientAuth) && self.config.requireClientAuth)",fieldPath=".service.type",message="spec.service.type LoadBalancer or NodePort exposes the broker's client port outside the cluster without client authentication; set spec.config.requireClientAuth: true or use ClusterIP"
type RivvenClusterSpec struct {
	// Replicas is the number of brokers. One broker runs in standalone mode;
	// two or more run rivvend's cluster mode, which no tested release can
	// start (the function warns, naming the failure). The two modes lay out
	// data differently, so replicas cannot change between 1 and more than 1.
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=99
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Version is the image tag of the broker: a Rivven release. Releases
	// other than the tested ones (the README's Rivven compatibility
	// table) are accepted with a Warning.
	// +kubebuilder:default="0.0.22"
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`
	// +optional
	Version string `json:"version,omitempty"`

	// Image is the broker image repository, without tag: the tag comes from
	// version. The published broker image is ghcr.io/hupe1980/rivvend.
	// +kubebuilder:default="ghcr.io/hupe1980/rivvend"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:XValidation:rule="!self.contains('@') && self.lastIndexOf(':') <= self.lastIndexOf('/')",message="spec.image must be a repository without tag or digest; the tag comes from spec.version"
	// +optional
	Image string `json:"image,omitempty"`

	// Storage of each broker's data volume (mounted at /data).
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.storage is immutable: a StatefulSet's volume claim templates cannot change"
	// +optional
	Storage *StorageSpec `json:"storage,omitempty"`

	// Resources of the broker container.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// Config holds the broker settings.
	// +kubebuilder:default={}
	// +optional
	Config *BrokerConfig `json:"config,omitempty"`

	// TLS serves the brokers' listeners with a certificate.
	// +optional
	TLS *TLSSpec `json:"tls,omitempty"`

	// Metrics of the brokers. rivvend always serves Prometheus metrics at
	// /metrics on its HTTP API port 9094.
	// +kubebuilder:default={}
	// +optional
	Metrics *MetricsSpec `json:"metrics,omitempty"`

	// PodDisruptionBudget limits voluntary evictions of brokers.
	// +kubebuilder:default={}
	// +optional
	PodDisruptionBudget *PodDisruptionBudgetSpec `json:"podDisruptionBudget,omitempty"`

	// ServiceMonitor asks for a Prometheus Operator ServiceMonitor that
	// scrapes every broker.
	// +optional
	ServiceMonitor *commonv1alpha1.ServiceMonitorSpec `json:"serviceMonitor,omitempty"`

	// Service tunes the client Service rivven-{name}.
	// +optional
	Service *ServiceSpec `json:"service,omitempty"`

	commonv1alpha1.PodTemplate `json:",inline"`
}

// StorageSpec is the persistent volume of each broker.
type StorageSpec struct {
	// Size of each broker's volume.
	// +kubebuilder:default="10Gi"
	// +optional
	Size *resource.Quantity `json:"size,omitempty"`

	// StorageClassName of the volume claims. The cluster's default storage
	// class is used when empty.
	// +optional
	StorageClassName string `json:"storageClassName,omitempty"`
}

// LogLevel is a rivvend log filter level.
// +kubebuilder:validation:Enum=error;warn;info;debug;trace
type LogLevel string

// BrokerConfig holds broker settings. Every field maps onto a rivvend setting,
// except logRetentionHours, which rivvend has no setting for.
type BrokerConfig struct {
	// DefaultPartitions of topics created without an explicit count.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	DefaultPartitions *int32 `json:"defaultPartitions,omitempty"`

	// DefaultReplicationFactor of new topics. Defaults to min(replicas, 3);
	// must not exceed replicas.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=99
	// +optional
	DefaultReplicationFactor *int32 `json:"defaultReplicationFactor,omitempty"`

	// MinInsyncReplicas that must acknowledge a write. Defaults to
	// replicationFactor-1 (at least 1, at most 2); must not exceed the
	// replication factor.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=99
	// +optional
	MinInsyncReplicas *int32 `json:"minInsyncReplicas,omitempty"`

	// LogRetentionHours is accepted for compatibility, but rivvend has no
	// retention setting: it is not applied, and the function warns when set.
	// +kubebuilder:validation:Minimum=1
	// +optional
	LogRetentionHours *int32 `json:"logRetentionHours,omitempty"`

	// MaxSegmentSize of a log segment. rivvend's default is 1Gi.
	// +optional
	MaxSegmentSize *resource.Quantity `json:"maxSegmentSize,omitempty"`

	// LogLevel of the broker.
	// +kubebuilder:default=info
	// +optional
	LogLevel LogLevel `json:"logLevel,omitempty"`

	// RequireClientAuth makes clients authenticate on the client port.
	// rivvend offers no way to create principals, and rivven-connect sends
	// no credentials, so a cluster with this on accepts no client at all;
	// keep it off until principals can be provisioned.
	// +kubebuilder:default=false
	// +optional
	RequireClientAuth *bool `json:"requireClientAuth,omitempty"`

	// MaxConnectionsPerIP on the client port.
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxConnectionsPerIP *int32 `json:"maxConnectionsPerIP,omitempty"`

	// MaxTotalConnections on the client port.
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxTotalConnections *int32 `json:"maxTotalConnections,omitempty"`

	// Raft timing of the cluster's metadata consensus.
	// +optional
	Raft *RaftSpec `json:"raft,omitempty"`
}

// RaftSpec tunes Raft timing. rivvend refuses to start unless
// electionMinMs > heartbeatMs and electionMaxMs >= electionMinMs.
// +kubebuilder:validation:XValidation:rule="self.electionMinMs > self.heartbeatMs",message="spec.config.raft.electionMinMs must be greater than spec.config.raft.heartbeatMs"
// +kubebuilder:validation:XValidation:rule="self.electionMaxMs >= self.electionMinMs",message="spec.config.raft.electionMaxMs must not be less than spec.config.raft.electionMinMs"
type RaftSpec struct {
	// HeartbeatMs between leader heartbeats.
	// +kubebuilder:default=50
	// +kubebuilder:validation:Minimum=1
	// +optional
	HeartbeatMs int64 `json:"heartbeatMs,omitempty"`

	// ElectionMinMs is the lower bound of the election timeout.
	// +kubebuilder:default=150
	// +kubebuilder:validation:Minimum=1
	// +optional
	ElectionMinMs int64 `json:"electionMinMs,omitempty"`

	// ElectionMaxMs is the upper bound of the election timeout.
	// +kubebuilder:default=300
	// +kubebuilder:validation:Minimum=1
	// +optional
	ElectionMaxMs int64 `json:"electionMaxMs,omitempty"`
}

// TLSSpec serves the brokers with a certificate.
// +kubebuilder:validation:XValidation:rule="!has(self.enabled) || !self.enabled || (has(self.certSecretName) && self.certSecretName.size() > 0)",message="spec.tls.certSecretName is required when spec.tls.enabled is true"
type TLSSpec struct {
	// Enabled turns TLS on.
	// +kubebuilder:default=false
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// CertSecretName names a kubernetes.io/tls Secret in the cluster's
	// namespace with tls.crt, tls.key and ca.crt. The certificate should be
	// valid for rivven-{name}.{namespace}.svc (clients) and
	// *.rivven-{name}-headless.{namespace}.svc (brokers calling each other).
	// +kubebuilder:validation:MaxLength=253
	// +optional
	CertSecretName string `json:"certSecretName,omitempty"`
}

// MetricsSpec is the brokers' Prometheus metrics.
type MetricsSpec struct {
	// Enabled allows a ServiceMonitor to scrape the brokers. rivvend serves
	// metrics regardless.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Port is accepted for compatibility, but rivvend serves metrics on its
	// HTTP API port 9094 whatever this says; the function warns when it
	// differs.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`
}

// PodDisruptionBudgetSpec limits voluntary evictions of brokers.
// +kubebuilder:validation:XValidation:rule="!(has(self.maxUnavailable) && has(self.minAvailable))",message="spec.podDisruptionBudget: set at most one of maxUnavailable and minAvailable"
type PodDisruptionBudgetSpec struct {
	// Enabled composes the PodDisruptionBudget rivven-{name}-pdb.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// MaxUnavailable brokers during voluntary disruptions. Defaults to 1
	// when neither this nor minAvailable is set.
	// +kubebuilder:validation:XIntOrString
	// +optional
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`

	// MinAvailable brokers during voluntary disruptions.
	// +kubebuilder:validation:XIntOrString
	// +optional
	MinAvailable *intstr.IntOrString `json:"minAvailable,omitempty"`
}

// ServiceSpec tunes the client Service.
type ServiceSpec struct {
	// Type of the client Service. NodePort and LoadBalancer expose the
	// client port outside the cluster and need
	// spec.config.requireClientAuth: true.
	// +kubebuilder:validation:Enum=ClusterIP;NodePort;LoadBalancer
	// +kubebuilder:default=ClusterIP
	// +optional
	Type corev1.ServiceType `json:"type,omitempty"`

	// Annotations added to the client Service, for example for a cloud
	// load balancer.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ClusterPhase summarises the state of the brokers.
// +kubebuilder:validation:Enum=Pending;Provisioning;Updating;Running;Unsupported
type ClusterPhase string

// Cluster phases.
const (
	// PhasePending means the StatefulSet has not been observed yet.
	PhasePending ClusterPhase = "Pending"
	// PhaseProvisioning means fewer brokers are ready than desired.
	PhaseProvisioning ClusterPhase = "Provisioning"
	// PhaseUpdating means every broker is ready but a rollout is in progress.
	PhaseUpdating ClusterPhase = "Updating"
	// PhaseRunning means every desired broker is ready and up to date.
	PhaseRunning ClusterPhase = "Running"
	// PhaseUnsupported means the brokers cannot run as specified with this
	// Rivven release (cluster mode in a release where it is known not to
	// start); the BrokersReady condition says why. Nothing will progress
	// until the spec changes.
	PhaseUnsupported ClusterPhase = "Unsupported"
)

// RivvenClusterStatus is the observed state of a RivvenCluster. Crossplane
// owns status.conditions; the function adds its own condition types there.
type RivvenClusterStatus struct {
	// Phase summarises the state of the brokers.
	// +optional
	Phase ClusterPhase `json:"phase,omitempty"`

	// Replicas desired by the broker StatefulSet.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`

	// ReadyReplicas is the number of brokers that pass their readiness probe.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// BootstrapServers is the client address of the cluster,
	// rivven-{name}.{namespace}.svc:9092.
	// +optional
	BootstrapServers string `json:"bootstrapServers,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,rivven}
// +kubebuilder:printcolumn:name="PHASE",type="string",JSONPath=".status.phase"
// +kubebuilder:printcolumn:name="REPLICAS",type="integer",JSONPath=".status.replicas"
// +kubebuilder:printcolumn:name="READY-REPLICAS",type="integer",JSONPath=".status.readyReplicas"
// +kubebuilder:printcolumn:name="BOOTSTRAP",type="string",JSONPath=".status.bootstrapServers"

// A RivvenCluster is a Rivven broker cluster. function-rivven-cluster composes
// its StatefulSet rivven-{name}, the Services rivven-{name} and
// rivven-{name}-headless, the ConfigMap rivven-{name}-config, the
// PodDisruptionBudget rivven-{name}-pdb, the Secret rivven-{name}-auth and
// the ProviderConfig {name} that RivvenTopics use.
type RivvenCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RivvenClusterSpec   `json:"spec,omitempty"`
	Status RivvenClusterStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// RivvenClusterList contains a list of RivvenCluster.
type RivvenClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []RivvenCluster `json:"items"`
}
