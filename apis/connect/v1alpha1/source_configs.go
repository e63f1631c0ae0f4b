package v1alpha1

// PostgresCdcConfig is the typed config of connector postgres-cdc. The
// connection (host, port, database, user, password) comes from the
// source's configSecretRef Secret.
type PostgresCdcConfig struct {
	// SlotName of the logical replication slot. rivven-connect's default is
	// rivven_slot.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z_][a-z0-9_]*$`
	// +optional
	SlotName string `json:"slotName,omitempty"`

	// Publication name (publication_name in the pipeline file).
	// rivven-connect's default is rivven_pub.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z_][A-Za-z0-9_]*$`
	// +optional
	Publication string `json:"publication,omitempty"`

	// SnapshotMode: initial (default), never, when_needed, exported (run as
	// initial), or one of rivven-connect's own modes always, initial_only,
	// no_data, schema_only, recovery.
	// +kubebuilder:validation:Enum=initial;never;when_needed;exported;always;initial_only;no_data;schema_only;recovery
	// +optional
	SnapshotMode string `json:"snapshotMode,omitempty"`

	// DecodingPlugin of the slot. rivven-connect always creates pgoutput
	// slots; wal2json and decoderbufs are accepted for compatibility and
	// reported as a warning.
	// +kubebuilder:validation:Enum=pgoutput;wal2json;decoderbufs
	// +optional
	DecodingPlugin string `json:"decodingPlugin,omitempty"`

	// IncludeTransactionMetadata publishes transaction boundaries
	// (transaction_topic).
	// +optional
	IncludeTransactionMetadata bool `json:"includeTransactionMetadata,omitempty"`

	// HeartbeatIntervalMs is rounded up to whole seconds
	// (heartbeat_interval_secs, 1-3600). 0 keeps rivven-connect's default
	// of 10 s: its heartbeat cannot be switched off.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600000
	// +optional
	HeartbeatIntervalMs int64 `json:"heartbeatIntervalMs,omitempty"`

	// SignalTable (schema.table) turns on signal processing from that
	// table.
	// +kubebuilder:validation:MaxLength=127
	// +optional
	SignalTable string `json:"signalTable,omitempty"`

	// Tables to capture; empty captures all tables of the publication.
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Tables []TableSpec `json:"tables,omitempty"`
}

// MysqlCdcConfig is the typed config of connector mysql-cdc. The connection
// (host, port, user, password) comes from the source's configSecretRef
// Secret. rivven-connect's optional database filter is not taken from the
// Secret (an empty value would filter out every event); set it in config
// as database.
type MysqlCdcConfig struct {
	// ServerID used for binlog replication; unique among replicas.
	// rivven-connect's default is 1001.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=4294967295
	// +optional
	ServerID *int64 `json:"serverId,omitempty"`

	// SnapshotMode: initial (default), never, when_needed, schema_only, or
	// one of rivven-connect's own modes always, initial_only, no_data,
	// recovery.
	// +kubebuilder:validation:Enum=initial;never;when_needed;schema_only;always;initial_only;no_data;recovery
	// +optional
	SnapshotMode string `json:"snapshotMode,omitempty"`

	// IncludeGtid replicates by GTID (use_gtid).
	// +optional
	IncludeGtid bool `json:"includeGtid,omitempty"`

	// HeartbeatIntervalMs is rounded up to whole seconds
	// (heartbeat_interval_secs, 1-3600). 0 keeps rivven-connect's default
	// of 10 s.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600000
	// +optional
	HeartbeatIntervalMs int64 `json:"heartbeatIntervalMs,omitempty"`

	// DatabaseHistoryTopic receives schema changes (schema_change_topic).
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	// +optional
	DatabaseHistoryTopic string `json:"databaseHistoryTopic,omitempty"`

	// Tables to capture; schema is the MySQL database. Empty captures all.
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Tables []TableSpec `json:"tables,omitempty"`
}

// TableSpec selects one table of a CDC source and its columns.
// +kubebuilder:validation:XValidation:rule="!has(self.columns) || !has(self.excludeColumns) || !self.columns.exists(c, c in self.excludeColumns)",message="tables[].columns and tables[].excludeColumns must not name the same column"
type TableSpec struct {
	// Schema (PostgreSQL) or database (MySQL) of the table. PostgreSQL
	// defaults to public.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_$]+$`
	// +optional
	Schema string `json:"schema,omitempty"`

	// Table name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_$]+$`
	Table string `json:"table"`

	// Topic for this table. rivven-connect publishes every event of a
	// source to the source's topic; a per-table topic is reported as a
	// warning and not applied.
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	// +optional
	Topic string `json:"topic,omitempty"`

	// Columns to keep; empty keeps all.
	// +listType=set
	// +kubebuilder:validation:MaxItems=90
	// +kubebuilder:validation:items:MaxLength=63
	// +optional
	Columns []string `json:"columns,omitempty"`

	// ExcludeColumns to drop.
	// +listType=set
	// +kubebuilder:validation:MaxItems=90
	// +kubebuilder:validation:items:MaxLength=63
	// +optional
	ExcludeColumns []string `json:"excludeColumns,omitempty"`

	// ColumnMasks maps a column to its mask. rivven-connect masks the
	// column with its own fixed replacement (mask_field); the mask text is
	// kept for documentation and reported as a warning.
	// +kubebuilder:validation:MaxProperties=90
	// +optional
	ColumnMasks map[string]string `json:"columnMasks,omitempty"`
}

// HTTPSourceConfig is the typed config of connector http, which polls a URL
// and publishes each non-empty 2xx body.
type HTTPSourceConfig struct {
	// URL polled with GET.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://.+`
	URL string `json:"url"`

	// PollIntervalMs between requests; rivven-connect's default is 5000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400000
	// +optional
	PollIntervalMs *int64 `json:"pollIntervalMs,omitempty"`
}

// DatagenConfig is the typed config of connector datagen.
type DatagenConfig struct {
	// EventsPerSecond to generate; 0 means as fast as possible. Default 1.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100000
	// +optional
	EventsPerSecond *int32 `json:"eventsPerSecond,omitempty"`

	// MaxEvents in total; 0 means unlimited. Reaching it ends the task and
	// stops rivven-connect.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MaxEvents int64 `json:"maxEvents,omitempty"`

	// SchemaType of the generated events; rivven-connect emits JSON only.
	// +kubebuilder:validation:Enum=json
	// +optional
	SchemaType string `json:"schemaType,omitempty"`

	// Seed for reproducible data.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Seed *int64 `json:"seed,omitempty"`

	// Pattern of generated data; rivven-connect's default is random.
	// +kubebuilder:validation:Enum=sequence;random;users;orders;events;metrics;key_value
	// +optional
	Pattern string `json:"pattern,omitempty"`
}

// KafkaSourceConfig is the typed config of connector kafka-source
// (rivven-connect's kafka source). The SASL password is the key
// sasl_password of the configSecretRef Secret.
type KafkaSourceConfig struct {
	// Brokers host:port of the Kafka cluster.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:Pattern=`^[^,\s]+:[0-9]{1,5}$`
	Brokers []string `json:"brokers"`

	// Topic to consume from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=249
	Topic string `json:"topic"`

	// ConsumerGroup ID.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	ConsumerGroup string `json:"consumerGroup"`

	// StartOffset without committed offsets. Default latest.
	// +kubebuilder:validation:Enum=earliest;latest
	// +optional
	StartOffset string `json:"startOffset,omitempty"`

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

// MqttSourceConfig is the typed config of connector mqtt-source. The
// password is the key password of the configSecretRef Secret.
type MqttSourceConfig struct {
	// BrokerURL such as mqtt://broker:1883 or mqtts://broker:8883.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^(mqtt|mqtts|tcp|ssl|tls)://.+`
	BrokerURL string `json:"brokerUrl"`

	// Topics to subscribe to; + and # wildcards work.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	Topics []string `json:"topics"`

	// ClientID of the MQTT session.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// QoS of the subscription. Default at_least_once (written explicitly:
	// rivven-connect's own default is at_most_once).
	// +kubebuilder:validation:Enum=at_most_once;at_least_once;exactly_once
	// +optional
	QoS string `json:"qos,omitempty"`

	// CleanSession on connect. Default true.
	// +optional
	CleanSession *bool `json:"cleanSession,omitempty"`

	// MqttVersion of the protocol. Default v311.
	// +kubebuilder:validation:Enum=v3;v311;v5
	// +optional
	MqttVersion string `json:"mqttVersion,omitempty"`

	// Username; the password is read from the Secret.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Username string `json:"username,omitempty"`
}

// SqsSourceConfig is the typed config of connector sqs-source. Static
// credentials are the keys access_key_id and secret_access_key of the
// configSecretRef Secret; without a Secret the default AWS chain applies.
type SqsSourceConfig struct {
	// QueueURL of the queue.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://.+`
	QueueURL string `json:"queueUrl"`

	// Region such as us-east-1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=25
	Region string `json:"region"`

	// MaxMessages per poll. Default 10.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	// +optional
	MaxMessages *int32 `json:"maxMessages,omitempty"`

	// WaitTimeSeconds of long polling. Default 20.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=20
	// +optional
	WaitTimeSeconds *int32 `json:"waitTimeSeconds,omitempty"`

	// VisibilityTimeout in seconds. Default 30.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=43200
	// +optional
	VisibilityTimeout *int32 `json:"visibilityTimeout,omitempty"`

	// AwsProfile name.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	AwsProfile string `json:"awsProfile,omitempty"`

	// RoleArn of an IAM role to assume.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^arn:[a-z-]+:iam::[0-9]{12}:role/.+`
	// +optional
	RoleArn string `json:"roleArn,omitempty"`
}

// PubSubSourceConfig is the typed config of connector pubsub-source. With a
// configSecretRef, its key credentials_json (base64 service-account JSON)
// is used.
type PubSubSourceConfig struct {
	// ProjectID of the GCP project.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=30
	ProjectID string `json:"projectId"`

	// Subscription short name.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=255
	Subscription string `json:"subscription"`

	// Topic for auto-created subscriptions.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Topic string `json:"topic,omitempty"`

	// MaxMessages per pull. Default 100.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	MaxMessages *int32 `json:"maxMessages,omitempty"`

	// AckDeadlineSeconds. Default 30.
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=600
	// +optional
	AckDeadlineSeconds *int32 `json:"ackDeadlineSeconds,omitempty"`

	// CredentialsFile path of a service-account JSON inside the pod, e.g.
	// under /etc/rivven-connect/secrets/sources/<name>/.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	CredentialsFile string `json:"credentialsFile,omitempty"`

	// UseAdc uses Application Default Credentials. Default true.
	// +optional
	UseAdc *bool `json:"useAdc,omitempty"`
}
