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

	// PodAnnotations are added to every pod. AppArmor annotations must keep
	// to what the restricted Pod Security Standard allows.
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || self[k] == 'runtime/default' || self[k].startsWith('localhost/'))",message="spec.podAnnotations must set container.apparmor.security.beta.kubernetes.io/ annotations only to runtime/default or localhost/<profile>: Rivven pods meet the restricted Pod Security Standard"
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
	// "restricted" Pod Security Standard, and so must every override: what
	// that standard forbids is refused.
	// +kubebuilder:validation:XValidation:rule="!has(self.runAsNonRoot) || self.runAsNonRoot",fieldPath=".runAsNonRoot",message="spec.securityContext.runAsNonRoot must not be false: Rivven pods meet the restricted Pod Security Standard, which requires a non-root user"
	// +kubebuilder:validation:XValidation:rule="!has(self.runAsUser) || self.runAsUser != 0",fieldPath=".runAsUser",message="spec.securityContext.runAsUser must not be 0: Rivven pods meet the restricted Pod Security Standard, which forbids running as root"
	// +kubebuilder:validation:XValidation:rule="!has(self.seccompProfile) || self.seccompProfile.type != 'Unconfined'",fieldPath=".seccompProfile.type",message="spec.securityContext.seccompProfile.type must not be Unconfined: Rivven pods meet the restricted Pod Security Standard, which requires RuntimeDefault or Localhost"
	// +kubebuilder:validation:XValidation:rule="!has(self.appArmorProfile) || self.appArmorProfile.type != 'Unconfined'",fieldPath=".appArmorProfile.type",message="spec.securityContext.appArmorProfile.type must not be Unconfined: Rivven pods meet the restricted Pod Security Standard, which requires RuntimeDefault or Localhost"
	// +kubebuilder:validation:XValidation:rule="!has(self.windowsOptions) || !has(self.windowsOptions.hostProcess) || !self.windowsOptions.hostProcess",fieldPath=".windowsOptions.hostProcess",message="spec.securityContext.windowsOptions.hostProcess must not be true: Rivven pods meet the restricted Pod Security Standard, which forbids host process containers"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.type) || self.seLinuxOptions.type in ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']",fieldPath=".seLinuxOptions.type",message="spec.securityContext.seLinuxOptions.type must be container_t, container_init_t, container_kvm_t or container_engine_t: Rivven pods meet the restricted Pod Security Standard"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.user) || self.seLinuxOptions.user == ''",fieldPath=".seLinuxOptions.user",message="spec.securityContext.seLinuxOptions.user must not be set: Rivven pods meet the restricted Pod Security Standard, which forbids custom SELinux users"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.role) || self.seLinuxOptions.role == ''",fieldPath=".seLinuxOptions.role",message="spec.securityContext.seLinuxOptions.role must not be set: Rivven pods meet the restricted Pod Security Standard, which forbids custom SELinux roles"
	// +kubebuilder:validation:XValidation:rule="!has(self.sysctls) || self.sysctls.all(s, s.name in ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ping_group_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'])",fieldPath=".sysctls",message="spec.securityContext.sysctls may only set the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, net.ipv4.ping_group_range, net.ipv4.tcp_syncookies, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes): Rivven pods meet the restricted Pod Security Standard"
	// +optional
	SecurityContext *corev1.PodSecurityContext `json:"securityContext,omitempty"`

	// ContainerSecurityContext of the main container. The default meets the
	// Kubernetes "restricted" Pod Security Standard, and so must every
	// override: what that standard forbids is refused.
	// +kubebuilder:validation:XValidation:rule="!has(self.privileged) || !self.privileged",fieldPath=".privileged",message="spec.containerSecurityContext.privileged must not be true: Rivven pods meet the restricted Pod Security Standard"
	// +kubebuilder:validation:XValidation:rule="!has(self.allowPrivilegeEscalation) || !self.allowPrivilegeEscalation",fieldPath=".allowPrivilegeEscalation",message="spec.containerSecurityContext.allowPrivilegeEscalation must not be true: Rivven pods meet the restricted Pod Security Standard"
	// +kubebuilder:validation:XValidation:rule="!has(self.capabilities) || !has(self.capabilities.add) || self.capabilities.add.all(x, x == 'NET_BIND_SERVICE')",fieldPath=".capabilities.add",message="spec.containerSecurityContext.capabilities.add may only contain NET_BIND_SERVICE: Rivven pods meet the restricted Pod Security Standard"
	// +kubebuilder:validation:XValidation:rule="!has(self.capabilities) || !has(self.capabilities.drop) || size(self.capabilities.drop) == 0 || 'ALL' in self.capabilities.drop",fieldPath=".capabilities.drop",message="spec.containerSecurityContext.capabilities.drop must contain ALL when set: Rivven pods meet the restricted Pod Security Standard, which requires dropping every capability"
	// +kubebuilder:validation:XValidation:rule="!has(self.procMount) || self.procMount == 'Default'",fieldPath=".procMount",message="spec.containerSecurityContext.procMount must be Default: Rivven pods meet the restricted Pod Security Standard, which forbids unmasking /proc"
	// +kubebuilder:validation:XValidation:rule="!has(self.runAsNonRoot) || self.runAsNonRoot",fieldPath=".runAsNonRoot",message="spec.containerSecurityContext.runAsNonRoot must not be false: Rivven pods meet the restricted Pod Security Standard, which requires a non-root user"
	// +kubebuilder:validation:XValidation:rule="!has(self.runAsUser) || self.runAsUser != 0",fieldPath=".runAsUser",message="spec.containerSecurityContext.runAsUser must not be 0: Rivven pods meet the restricted Pod Security Standard, which forbids running as root"
	// +kubebuilder:validation:XValidation:rule="!has(self.seccompProfile) || self.seccompProfile.type != 'Unconfined'",fieldPath=".seccompProfile.type",message="spec.containerSecurityContext.seccompProfile.type must not be Unconfined: Rivven pods meet the restricted Pod Security Standard, which requires RuntimeDefault or Localhost"
	// +kubebuilder:validation:XValidation:rule="!has(self.appArmorProfile) || self.appArmorProfile.type != 'Unconfined'",fieldPath=".appArmorProfile.type",message="spec.containerSecurityContext.appArmorProfile.type must not be Unconfined: Rivven pods meet the restricted Pod Security Standard, which requires RuntimeDefault or Localhost"
	// +kubebuilder:validation:XValidation:rule="!has(self.windowsOptions) || !has(self.windowsOptions.hostProcess) || !self.windowsOptions.hostProcess",fieldPath=".windowsOptions.hostProcess",message="spec.containerSecurityContext.windowsOptions.hostProcess must not be true: Rivven pods meet the restricted Pod Security Standard, which forbids host process containers"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.type) || self.seLinuxOptions.type in ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']",fieldPath=".seLinuxOptions.type",message="spec.containerSecurityContext.seLinuxOptions.type must be container_t, container_init_t, container_kvm_t or container_engine_t: Rivven pods meet the restricted Pod Security Standard"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.user) || self.seLinuxOptions.user == ''",fieldPath=".seLinuxOptions.user",message="spec.containerSecurityContext.seLinuxOptions.user must not be set: Rivven pods meet the restricted Pod Security Standard, which forbids custom SELinux users"
	// +kubebuilder:validation:XValidation:rule="!has(self.seLinuxOptions) || !has(self.seLinuxOptions.role) || self.seLinuxOptions.role == ''",fieldPath=".seLinuxOptions.role",message="spec.containerSecurityContext.seLinuxOptions.role must not be set: Rivven pods meet the restricted Pod Security Standard, which forbids custom SELinux roles"
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
