package v1alpha1

// S3SinkConfig is the typed config of connector s3. Static credentials are
// the keys access_key_id and secret_access_key of the configSecretRef
// Secret; without a Secret the default AWS chain applies.
type S3SinkConfig struct {
	// Bucket name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Bucket string `json:"bucket"`

	// Region such as us-east-1. rivven-connect's default is us-east-1.
	// +kubebuilder:validation:MaxLength=25
	// +optional
	Region string `json:"region,omitempty"`

	// EndpointURL of an S3-compatible store (MinIO and others).
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://.+`
	// +optional
	EndpointURL string `json:"endpointUrl,omitempty"`

	// ForcePathStyle addressing, usually needed with endpointUrl.
	// +optional
	ForcePathStyle bool `json:"forcePathStyle,omitempty"`

	// Prefix of object keys.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Prefix string `json:"prefix,omitempty"`

	// Format of objects. Default json.
	// +kubebuilder:validation:Enum=json;jsonl;parquet;avro;csv
	// +optional
	Format string `json:"format,omitempty"`

	// Compression of objects. rivven-connect writes none or gzip; snappy,
	// lz4 and zstd are accepted for compatibility, reported as a warning
	// and written uncompressed.
	// +kubebuilder:validation:Enum=none;gzip;snappy;lz4;zstd
	// +optional
	Compression string `json:"compression,omitempty"`

	// BatchSize in events per object. Default 1000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// FlushIntervalSeconds between objects. Default 60.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +optional
	FlushIntervalSeconds *int32 `json:"flushIntervalSeconds,omitempty"`
}

// GcsSinkConfig is the typed config of connector gcs. With a
// configSecretRef and no credentialsFile, the Secret's file
// service_account.json is used.
type GcsSinkConfig struct {
	// Bucket name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Bucket string `json:"bucket"`

	// Prefix of object keys.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Prefix string `json:"prefix,omitempty"`

	// Format of objects. Default jsonl.
	// +kubebuilder:validation:Enum=json;jsonl;parquet;avro;csv
	// +optional
	Format string `json:"format,omitempty"`

	// Compression of objects. Default none.
	// +kubebuilder:validation:Enum=none;gzip
	// +optional
	Compression string `json:"compression,omitempty"`

	// Partitioning of object keys by write time. Default none.
	// +kubebuilder:validation:Enum=none;daily;hourly
	// +optional
	Partitioning string `json:"partitioning,omitempty"`

	// BatchSize in events per object. Default 1000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// FlushIntervalSeconds between objects. Default 60.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +optional
	FlushIntervalSeconds *int32 `json:"flushIntervalSeconds,omitempty"`

	// CredentialsFile path of a service-account JSON inside the pod.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	CredentialsFile string `json:"credentialsFile,omitempty"`

	// UseAdc uses Application Default Credentials. Default true.
	// +optional
	UseAdc *bool `json:"useAdc,omitempty"`
}

// AzureBlobSinkConfig is the typed config of connector azure-blob. With a
// configSecretRef, its key access_key is the storage account key.
type AzureBlobSinkConfig struct {
	// AccountName of the storage account.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=24
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+$`
	AccountName string `json:"accountName"`

	// Container name.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	Container string `json:"container"`

	// Prefix of blob names.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Prefix string `json:"prefix,omitempty"`

	// Format of blobs. Default jsonl.
	// +kubebuilder:validation:Enum=json;jsonl;parquet;avro;csv
	// +optional
	Format string `json:"format,omitempty"`

	// Compression of blobs. Default none.
	// +kubebuilder:validation:Enum=none;gzip
	// +optional
	Compression string `json:"compression,omitempty"`

	// Partitioning of blob names by write time. Default none.
	// +kubebuilder:validation:Enum=none;daily;hourly
	// +optional
	Partitioning string `json:"partitioning,omitempty"`

	// BatchSize in events per blob. Default 1000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// FlushIntervalSeconds between blobs. Default 60.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +optional
	FlushIntervalSeconds *int32 `json:"flushIntervalSeconds,omitempty"`
}

// HTTPSinkConfig is the typed config of connector http (run as
// rivven-connect's http-webhook connector).
type HTTPSinkConfig struct {
	// URL events are sent to; may contain {stream} and {event_type}.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://.+`
	URL string `json:"url"`

	// Method of the request. Default POST.
	// +kubebuilder:validation:Enum=POST;PUT;PATCH;DELETE
	// +optional
	Method string `json:"method,omitempty"`

	// ContentType header. Default application/json.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	ContentType string `json:"contentType,omitempty"`

	// TimeoutMs of a request, rounded up to whole seconds (1-300 s).
	// Default 30000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=300000
	// +optional
	TimeoutMs *int64 `json:"timeoutMs,omitempty"`

	// BatchSize in events per request. Default 100.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// Headers added to every request. Credentials belong in the Secret:
	// refer to them as ${RIVVEN_SINK_<NAME>__<key>}.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Headers map[string]string `json:"headers,omitempty"`
}

// StdoutSinkConfig is the typed config of connector stdout.
type StdoutSinkConfig struct {
	// Format of printed events. rivven-connect's default is pretty.
	// +kubebuilder:validation:Enum=pretty;json;tsv;text
	// +optional
	Format string `json:"format,omitempty"`

	// Pretty prints human-readable output. rivven-connect has no indented
	// JSON: pretty: true without a format selects format pretty; with
	// another format it is reported as a warning.
	// +optional
	Pretty bool `json:"pretty,omitempty"`

	// IncludeMetadata of events. Default true.
	// +optional
	IncludeMetadata *bool `json:"includeMetadata,omitempty"`

	// IncludeTimestamp of events. Default true.
	// +optional
	IncludeTimestamp *bool `json:"includeTimestamp,omitempty"`
}

// KafkaSinkConfig is the typed config of connector kafka-sink
// (rivven-connect's kafka sink). The SASL password is the key
// sasl_password of the configSecretRef Secret.
type KafkaSinkConfig struct {
	// Brokers host:port of the Kafka cluster.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:Pattern=`^[^,\s]+:[0-9]{1,5}$`
	Brokers []string `json:"brokers"`

	// Topic to produce to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=249
	Topic string `json:"topic"`

	// Acks: none, leader, all, or 0, 1, -1. Default all.
	// +kubebuilder:validation:Enum=none;leader;all;"0";"1";"-1"
	// +optional
	Acks string `json:"acks,omitempty"`

	// Compression of batches. Default none.
	// +kubebuilder:validation:Enum=none;gzip;snappy;lz4;zstd
	// +optional
	Compression string `json:"compression,omitempty"`

	// BatchSize in bytes (batch_size_bytes). Default 16384.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=104857600
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// LingerMs before sending a batch. Default 0 (written explicitly:
	// rivven-connect's own default is 5).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=60000
	// +optional
	LingerMs *int64 `json:"lingerMs,omitempty"`

	// SecurityProtocol to the Kafka brokers. Default plaintext.
	// +kubebuilder:validation:Enum=plaintext;ssl;sasl_plaintext;sasl_ssl
	// +optional
	SecurityProtocol string `json:"securityProtocol,omitempty"`

	// SaslMechanism for sasl_plaintext and sasl_ssl.
	// +kubebuilder:validation:Enum=plain;scram-sha-256;scram-sha-512
	// +optional
	SaslMechanism string `json:"saslMechanism,omitempty"`

	// SaslUsername; the password is read from the Secret.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	SaslUsername string `json:"saslUsername,omitempty"`
}

// SnowflakeSinkConfig is the typed config of connector snowflake.
type SnowflakeSinkConfig struct {
	// Account identifier.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Account string `json:"account"`

	// User name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	User string `json:"user"`

	// PrivateKeyPath of a PKCS#8 PEM key inside the pod, e.g.
	// /etc/rivven-connect/secrets/sinks/<name>/rsa_key.p8 from the
	// configSecretRef Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	PrivateKeyPath string `json:"privateKeyPath"`

	// Database name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Database string `json:"database"`

	// Schema name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Schema string `json:"schema"`

	// Table name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Table string `json:"table"`

	// Warehouse name.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Warehouse string `json:"warehouse,omitempty"`

	// Role name.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Role string `json:"role,omitempty"`

	// BatchSize in rows per insert. Default 1000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`
}

// BigQuerySinkConfig is the typed config of connector bigquery. With a
// configSecretRef and no credentialsFile, the Secret's file
// service_account.json is used.
type BigQuerySinkConfig struct {
	// ProjectID of the GCP project.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=30
	ProjectID string `json:"projectId"`

	// DatasetID of the dataset.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	DatasetID string `json:"datasetId"`

	// TableID of the table.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	TableID string `json:"tableId"`

	// CredentialsFile path of a service-account JSON inside the pod.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	CredentialsFile string `json:"credentialsFile,omitempty"`

	// UseAdc uses Application Default Credentials when no credentials file
	// is given. Default true.
	// +optional
	UseAdc *bool `json:"useAdc,omitempty"`

	// BatchSize in rows per insert request. Default 500.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`

	// AutoCreateTable is not supported by rivven-connect (the table must
	// exist); true is reported as a warning.
	// +optional
	AutoCreateTable bool `json:"autoCreateTable,omitempty"`
}

// RedshiftSinkConfig is the typed config of connector redshift. The password
// is the key password of the configSecretRef Secret.
type RedshiftSinkConfig struct {
	// Host of the cluster endpoint.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Host string `json:"host"`

	// Port. Default 5439.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`

	// Database name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=127
	Database string `json:"database"`

	// User name (username in the pipeline file).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=127
	User string `json:"user"`

	// Schema. Default public.
	// +kubebuilder:validation:MaxLength=127
	// +optional
	Schema string `json:"schema,omitempty"`

	// Table name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=127
	Table string `json:"table"`

	// SslMode. Default prefer.
	// +kubebuilder:validation:Enum=disable;prefer;require;verify-ca;verify-full
	// +optional
	SslMode string `json:"sslMode,omitempty"`

	// BatchSize in rows per insert. Default 1000 (written explicitly:
	// rivven-connect's own default is 500).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`
}
