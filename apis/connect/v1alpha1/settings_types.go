package v1alpha1

// ConnectSettings are pipeline-wide settings.
// +kubebuilder:validation:XValidation:rule="!has(self.health) || !has(self.metrics) || !has(self.health.port) || !has(self.metrics.port) || self.health.port != self.metrics.port",message="settings.health.port and settings.metrics.port must differ"
type ConnectSettings struct {
	// Topic auto-creation defaults.
	// +optional
	Topic *TopicSettings `json:"topic,omitempty"`

	// Retry of the broker connection.
	// +optional
	Retry *RetrySettings `json:"retry,omitempty"`

	// Health server (/health, /ready, /live). It is turned on whenever the
	// liveness probe is enabled, because that probe uses /live.
	// +optional
	Health *HealthSettings `json:"health,omitempty"`

	// Metrics server (/metrics).
	// +optional
	Metrics *MetricsSettings `json:"metrics,omitempty"`
}

// TopicSettings are defaults for topics rivven-connect creates.
type TopicSettings struct {
	// AutoCreate source topics. Default true.
	// +optional
	AutoCreate *bool `json:"autoCreate,omitempty"`

	// DefaultPartitions of created topics. Default 1.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	DefaultPartitions *int32 `json:"defaultPartitions,omitempty"`

	// DefaultReplicationFactor of created topics. rivven-connect does not
	// send it with topic creation; the broker's default applies.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=32
	// +optional
	DefaultReplicationFactor *int32 `json:"defaultReplicationFactor,omitempty"`

	// RequireTopicExists fails a source whose topic is missing when
	// autoCreate is false. Default true.
	// +optional
	RequireTopicExists *bool `json:"requireTopicExists,omitempty"`
}

// RetrySettings of the broker connection.
type RetrySettings struct {
	// MaxRetries. Default 10.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	// +optional
	MaxRetries *int32 `json:"maxRetries,omitempty"`

	// InitialBackoffMs. Default 100.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600000
	// +optional
	InitialBackoffMs *int64 `json:"initialBackoffMs,omitempty"`

	// MaxBackoffMs. Default 30000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600000
	// +optional
	MaxBackoffMs *int64 `json:"maxBackoffMs,omitempty"`

	// BackoffMultiplier, a decimal such as "2.0". Default 2.0.
	// +kubebuilder:validation:Pattern=`^[0-9]{1,3}([.][0-9]{1,3})?$`
	// +optional
	BackoffMultiplier string `json:"backoffMultiplier,omitempty"`
}

// HealthSettings of the health server.
type HealthSettings struct {
	// Enabled serves /health, /ready and /live.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Port. Default 8080.
	// +kubebuilder:validation:Minimum=1024
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`

	// Path of the health endpoint. Default /health.
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^/[A-Za-z0-9/_.-]*$`
	// +kubebuilder:validation:XValidation:rule="!(self in ['/live', '/ready'])",message="settings.health.path must not be /live or /ready: those paths are fixed"
	// +optional
	Path string `json:"path,omitempty"`
}

// MetricsSettings of the Prometheus metrics server.
type MetricsSettings struct {
	// Enabled serves /metrics.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Port. Default 9091.
	// +kubebuilder:validation:Minimum=1024
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`
}
