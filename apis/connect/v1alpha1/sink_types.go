package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// SinkConnectorSpec is one sink of the pipeline. A typed block (s3, gcs,
// azureBlob, http, stdout, kafka, snowflake, bigquery, redshift) is checked
// at admission; config carries keys of connectors without a typed block.
// +kubebuilder:validation:XValidation:rule="!has(self.s3) || self.connector == 's3'",message="sinks[].s3 is only allowed with connector: s3"
// +kubebuilder:validation:XValidation:rule="!has(self.gcs) || self.connector == 'gcs'",message="sinks[].gcs is only allowed with connector: gcs"
// +kubebuilder:validation:XValidation:rule="!has(self.azureBlob) || self.connector == 'azure-blob'",message="sinks[].azureBlob is only allowed with connector: azure-blob"
// +kubebuilder:validation:XValidation:rule="!has(self.http) || self.connector in ['http', 'http-webhook']",message="sinks[].http is only allowed with connector: http (or http-webhook)"
// +kubebuilder:validation:XValidation:rule="!has(self.stdout) || self.connector == 'stdout'",message="sinks[].stdout is only allowed with connector: stdout"
// +kubebuilder:validation:XValidation:rule="!has(self.kafka) || self.connector in ['kafka-sink', 'kafka']",message="sinks[].kafka is only allowed with connector: kafka-sink (or kafka)"
// +kubebuilder:validation:XValidation:rule="!has(self.snowflake) || self.connector == 'snowflake'",message="sinks[].snowflake is only allowed with connector: snowflake"
// +kubebuilder:validation:XValidation:rule="!has(self.bigquery) || self.connector == 'bigquery'",message="sinks[].bigquery is only allowed with connector: bigquery"
// +kubebuilder:validation:XValidation:rule="!has(self.redshift) || self.connector == 'redshift'",message="sinks[].redshift is only allowed with connector: redshift"
// +kubebuilder:validation:XValidation:rule="[has(self.s3), has(self.gcs), has(self.azureBlob), has(self.http), has(self.stdout), has(self.kafka), has(self.snowflake), has(self.bigquery), has(self.redshift)].filter(b, b).size() <= 1",message="sinks[] may set at most one typed block (s3, gcs, azureBlob, http, stdout, kafka, snowflake, bigquery, redshift)"
// +kubebuilder:validation:XValidation:rule="self.connector != 'redshift' || has(self.configSecretRef)",message="sinks[].configSecretRef is required for redshift: the password is read only from the Secret"
// +kubebuilder:validation:XValidation:rule="!has(self.kafka) || !has(self.kafka.saslMechanism) || has(self.configSecretRef)",message="sinks[].configSecretRef is required when sinks[].kafka.saslMechanism is set: the SASL password is read only from the Secret (key sasl_password)"
type SinkConnectorSpec struct {
	// Name of the sink, unique among sinks. It names the sink in the
	// pipeline file and in the environment variables of its Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+(-[a-z0-9]+)*$`
	Name string `json:"name"`

	// Connector type: stdout, s3, gcs, azure-blob, http, http-webhook,
	// kafka-sink, snowflake, bigquery, redshift, or any other name the
	// rivven-connect image registers (passed through unchanged).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+(-[a-z0-9]+)*$`
	Connector string `json:"connector"`

	// Topics to consume. rivven-connect reads literal topic names only; a
	// wildcard such as "cdc.*" is passed through but matches no topic, and
	// the function reports a warning for it.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=249
	Topics []string `json:"topics"`

	// ConsumerGroup whose committed offsets the sink resumes from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	ConsumerGroup string `json:"consumerGroup"`

	// Enabled runs the sink. A disabled sink stays in the pipeline file with
	// enabled: false.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// StartOffset when the consumer group has no committed offset:
	// earliest, latest, or an RFC 3339 timestamp such as
	// 2024-01-01T00:00:00Z.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self == 'earliest' || self == 'latest' || self.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$')",message="sinks[].startOffset must be earliest, latest or an RFC 3339 timestamp such as 2024-01-01T00:00:00Z"
	// +optional
	StartOffset string `json:"startOffset,omitempty"`

	// S3 is the typed config of connector s3.
	// +optional
	S3 *S3SinkConfig `json:"s3,omitempty"`

	// GCS is the typed config of connector gcs.
	// +optional
	GCS *GcsSinkConfig `json:"gcs,omitempty"`

	// AzureBlob is the typed config of connector azure-blob.
	// +optional
	AzureBlob *AzureBlobSinkConfig `json:"azureBlob,omitempty"`

	// HTTP is the typed config of connector http; it is run by
	// rivven-connect's http-webhook connector, the one that honours method,
	// timeout and headers.
	// +optional
	HTTP *HTTPSinkConfig `json:"http,omitempty"`

	// Stdout is the typed config of connector stdout.
	// +optional
	Stdout *StdoutSinkConfig `json:"stdout,omitempty"`

	// Kafka is the typed config of connector kafka-sink.
	// +optional
	Kafka *KafkaSinkConfig `json:"kafka,omitempty"`

	// Snowflake is the typed config of connector snowflake.
	// +optional
	Snowflake *SnowflakeSinkConfig `json:"snowflake,omitempty"`

	// BigQuery is the typed config of connector bigquery.
	// +optional
	BigQuery *BigQuerySinkConfig `json:"bigquery,omitempty"`

	// Redshift is the typed config of connector redshift.
	// +optional
	Redshift *RedshiftSinkConfig `json:"redshift,omitempty"`

	// Config holds connector keys exactly as rivven-connect reads them
	// (snake_case), for connectors without a typed block or keys a typed
	// block does not cover. A key that a typed block also sets is an error.
	// Secret values must not be written here: refer to the configSecretRef
	// Secret as ${RIVVEN_SINK_<NAME>__<key>}.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	// +optional
	Config *apiextensionsv1.JSON `json:"config,omitempty"`

	// ConfigSecretRef names a Secret in this namespace with the connector's
	// credentials. Every key becomes the environment variable
	// RIVVEN_SINK_<NAME>__<key> (NAME upper-cased, '-' as '_'), the typed
	// blocks refer to their conventional keys (s3: access_key_id,
	// secret_access_key; azure-blob: access_key; kafka: sasl_password;
	// redshift: password; gcs and bigquery: the file service_account.json),
	// and the Secret is also mounted read-only at
	// /etc/rivven-connect/secrets/sinks/<name>/.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +optional
	ConfigSecretRef string `json:"configSecretRef,omitempty"`

	// RateLimit throttles consumption.
	// +optional
	RateLimit *SinkRateLimitSpec `json:"rateLimit,omitempty"`

	// OffsetCommitInterval commits offsets every this many events.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	// +optional
	OffsetCommitInterval *int64 `json:"offsetCommitInterval,omitempty"`
}

// SinkRateLimitSpec throttles a sink.
type SinkRateLimitSpec struct {
	// EventsPerSecond consumed at most; 0 means unlimited.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000000
	// +optional
	EventsPerSecond int64 `json:"eventsPerSecond,omitempty"`

	// BurstCapacity above the steady rate; unset means
	// max(eventsPerSecond/10, 10).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000000
	// +optional
	BurstCapacity *int64 `json:"burstCapacity,omitempty"`
}
