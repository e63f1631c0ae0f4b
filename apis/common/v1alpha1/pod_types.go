package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
)

// PodTemplate holds the pod-level settings a platform team tunes per
// workload. It is embedded inline in the spec of each composite kind, so its
// fields sit directly under spec.
type PodTemplate struct {
	// ImagePullPolicy of the main container.
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	// +kubebuilder:default=IfNotPresent
	// +optional
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// ImagePullSecrets are the names of Secrets in the same namespace used to
	// pull the image.
	// +listType=map
	// +listMapKey=name
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// PodAnnotations are added to every pod.
	// +optional
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`

	// PodLabels are added to every pod. They cannot replace the labels the
	// selector relies on.
	// +kubebuilder:validation:XValidation:rule="!('app.kubernetes.io/name' in self) && !('app.kubernetes.io/instance' in self)",message="podLabels must not set app.kubernetes.io/name or app.kubernetes.io/instance: the workload selector owns them"
	// +optional
	PodLabels map[string]string `json:"podLabels,omitempty"`

	// NodeSelector constrains pods to nodes with these labels.
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Tolerations of the pods.
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// Affinity of the pods. When unset, pods of one workload prefer distinct
	// nodes.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// TopologySpreadConstraints of the pods.
	// +optional
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`

	// PriorityClassName of the pods.
	// +optional
	PriorityClassName string `json:"priorityClassName,omitempty"`

	// ServiceAccountName the pods run as. The namespace's default service
	// account is used when unset; no token is mounted either way.
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// SecurityContext of the pods. The default meets the Kubernetes
	// "restricted" Pod Security Standard.
	// +optional
	SecurityContext *corev1.PodSecurityContext `json:"securityContext,omitempty"`

	// ContainerSecurityContext of the main container. The default meets the
	// Kubernetes "restricted" Pod Security Standard.
	// +optional
	ContainerSecurityContext *corev1.SecurityContext `json:"containerSecurityContext,omitempty"`

	// TerminationGracePeriodSeconds of the pods.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600
	// +optional
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`

	// LivenessProbe tunes the liveness probe. The endpoint is fixed by the
	// binary; only timing can change.
	// +optional
	LivenessProbe *ProbeSettings `json:"livenessProbe,omitempty"`

	// ReadinessProbe tunes the readiness probe. The endpoint is fixed by the
	// binary; only timing can change.
	// +optional
	ReadinessProbe *ProbeSettings `json:"readinessProbe,omitempty"`
}

// ProbeSettings tunes the timing of a probe whose endpoint the function
// chooses, because only the function knows which port and path the binary
// really serves.
type ProbeSettings struct {
	// Enabled turns the probe on or off.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// InitialDelaySeconds before the first probe.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600
	// +optional
	InitialDelaySeconds *int32 `json:"initialDelaySeconds,omitempty"`

	// PeriodSeconds between probes.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +optional
	PeriodSeconds *int32 `json:"periodSeconds,omitempty"`

	// TimeoutSeconds of one probe.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=600
	// +optional
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`

	// FailureThreshold is the number of failures that count as failed.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	FailureThreshold *int32 `json:"failureThreshold,omitempty"`
}

// ServiceMonitorSpec asks for a Prometheus Operator ServiceMonitor.
type ServiceMonitorSpec struct {
	// Enabled composes a ServiceMonitor (monitoring.coreos.com/v1). The
	// Prometheus Operator CRDs must be installed.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// Interval between scrapes, for example 30s.
	// +kubebuilder:validation:Pattern=`^([0-9]+(ms|s|m|h))+$`
	// +kubebuilder:default="30s"
	// +optional
	Interval string `json:"interval,omitempty"`

	// ScrapeTimeout of one scrape; must not exceed the interval.
	// +kubebuilder:validation:Pattern=`^([0-9]+(ms|s|m|h))+$`
	// +optional
	ScrapeTimeout string `json:"scrapeTimeout,omitempty"`

	// Labels added to the ServiceMonitor so a Prometheus selects it.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}
