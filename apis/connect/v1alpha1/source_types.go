package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// SourceConnectorSpec is one source of the pipeline. A typed block
// (postgresCdc, mysqlCdc, http, datagen, kafka, mqtt, sqs, pubsub) is checked
// at admission; config carries keys of connectors without a typed block.
// +kubebuilder:validation:XValidation:rule="!has(self.postgresCdc) || self.connector == 'postgres-cdc'",message="sources[].postgresCdc is only allowed with connector: postgres-cdc"
// +kubebuilder:validation:XValidation:rule="!has(self.mysqlCdc) || self.connector == 'mysql-cdc'",message="sources[].mysqlCdc is only allowed with connector: mysql-cdc"
// +kubebuilder:validation:XValidation:rule="!has(self.http) || self.connector == 'http'",message="sources[].http is only allowed with connector: http"
// +kubebuilder:validation:XValidation:rule="!has(self.datagen) || self.connector == 'datagen'",message="sources[].datagen is only allowed with connector: datagen"
// +kubebuilder:validation:XValidation:rule="!has(self.kafka) || self.connector in ['kafka-source', 'kafka']",message="sources[].kafka is only allowed with connector: kafka-source (or kafka)"
// +kubebuilder:validation:XValidation:rule="!has(self.mqtt) || self.connector in ['mqtt-source', 'mqtt']",message="sources[].mqtt is only allowed with connector: mqtt-source (or mqtt)"
// +kubebuilder:validation:XValidation:rule="!has(self.sqs) || self.connector in ['sqs-source', 'sqs']",message="sources[].sqs is only allowed with connector: sqs-source (or sqs)"
// +kubebuilder:validation:XValidation:rule="!has(self.pubsub) || self.connector in ['pubsub-source', 'pubsub']",message="sources[].pubsub is only allowed with connector: pubsub-source (or pubsub)"
// +kubebuilder:validation:XValidation:rule="[has(self.postgresCdc), has(self.mysqlCdc), has(self.http), has(self.datagen), has(self.kafka), has(self.mqtt), has(self.sqs), has(self.pubsub)].filter(b, b).size() <= 1",message="sources[] may set at most one typed block (postgresCdc, mysqlCdc, http, datagen, kafka, mqtt, sqs, pubsub)"
// +kubebuilder:validation:XValidation:rule="!(self.connector in ['postgres-cdc', 'mysql-cdc']) || has(self.configSecretRef)",message="sources[].configSecretRef is required for postgres-cdc and mysql-cdc: the database password is read only from the Secret"
// +kubebuilder:validation:XValidation:rule="!has(self.kafka) || !has(self.kafka.saslMechanism) || has(self.configSecretRef)",message="sources[].configSecretRef is required when sources[].kafka.saslMechanism is set: the SASL password is read only from the Secret (key sasl_password)"
type SourceConnectorSpec struct {
	// Name of the source, unique among sources. It names the source in the
	// pipeline file and in the environment variables of its Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+(-[a-z0-9]+)*$`
	Name string `json:"name"`

	// Connector type: postgres-cdc, mysql-cdc, http, datagen, kafka-source,
	// mqtt-source, sqs-source, pubsub-source, or any other name the
	// rivven-connect image registers (passed through unchanged).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+(-[a-z0-9]+)*$`
	Connector string `json:"connector"`

	// Topic every event of this source is published to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	Topic string `json:"topic"`

	// TopicRouting is a topic pattern with {database}, {schema} and {table}
	// placeholders, passed to CDC sources as topic_routing.
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^([A-Za-z0-9._-]|\{(database|schema|table)\})+$`
	// +optional
	TopicRouting string `json:"topicRouting,omitempty"`

	// Enabled runs the source. A disabled source stays in the pipeline file
	// with enabled: false.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// PostgresCdc is the typed config of connector postgres-cdc.
	// +optional
	PostgresCdc *PostgresCdcConfig `json:"postgresCdc,omitempty"`

	// MysqlCdc is the typed config of connector mysql-cdc.
	// +optional
	MysqlCdc *MysqlCdcConfig `json:"mysqlCdc,omitempty"`

	// HTTP is the typed config of connector http (a poller).
	// +optional
	HTTP *HTTPSourceConfig `json:"http,omitempty"`

	// Datagen is the typed config of connector datagen.
	// +optional
	Datagen *DatagenConfig `json:"datagen,omitempty"`

	// Kafka is the typed config of connector kafka-source.
	// +optional
	Kafka *KafkaSourceConfig `json:"kafka,omitempty"`

	// Mqtt is the typed config of connector mqtt-source.
	// +optional
	Mqtt *MqttSourceConfig `json:"mqtt,omitempty"`

	// Sqs is the typed config of connector sqs-source.
	// +optional
	Sqs *SqsSourceConfig `json:"sqs,omitempty"`

	// PubSub is the typed config of connector pubsub-source.
	// +optional
	PubSub *PubSubSourceConfig `json:"pubsub,omitempty"`

	// Config holds connector keys exactly as rivven-connect reads them
	// (snake_case), for connectors without a typed block or keys a typed
	// block does not cover. A key that a typed block also sets is an error.
	// Secret values must not be written here: refer to the configSecretRef
	// Secret as ${RIVVEN_SOURCE_<NAME>__<key>}.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	// +optional
	Config *apiextensionsv1.JSON `json:"config,omitempty"`

	// ConfigSecretRef names a Secret in this namespace with the connector's
	// credentials. Every key becomes the environment variable
	// RIVVEN_SOURCE_<NAME>__<key> (NAME upper-cased, '-' as '_'), the typed
	// blocks refer to their conventional keys (postgres-cdc and mysql-cdc:
	// host, port, database, user, password; kafka: sasl_password; mqtt:
	// password; sqs: access_key_id, secret_access_key; pubsub:
	// credentials_json), and the Secret is also mounted read-only at
	// /etc/rivven-connect/secrets/sources/<name>/.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +optional
	ConfigSecretRef string `json:"configSecretRef,omitempty"`

	// TopicConfig controls auto-creation of this source's topic.
	// +optional
	TopicConfig *SourceTopicConfigSpec `json:"topicConfig,omitempty"`

	// RateLimit throttles publishing.
	// +optional
	RateLimit *SourceRateLimitSpec `json:"rateLimit,omitempty"`

	// DeadLetterTopic receives events that failed to publish three times.
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	// +optional
	DeadLetterTopic string `json:"deadLetterTopic,omitempty"`
}

// SourceTopicConfigSpec controls how a source's topic is auto-created.
type SourceTopicConfigSpec struct {
	// Partitions of the topic when it is created.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	Partitions *int32 `json:"partitions,omitempty"`

	// ReplicationFactor of the topic when it is created. rivven-connect
	// passes it on but the broker applies its own default (it is not sent
	// with topic creation).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=32
	// +optional
	ReplicationFactor *int32 `json:"replicationFactor,omitempty"`

	// AutoCreate overrides settings.topic.autoCreate for this topic.
	// +optional
	AutoCreate *bool `json:"autoCreate,omitempty"`
}

// SourceRateLimitSpec throttles a source.
type SourceRateLimitSpec struct {
	// EventsPerSecond published at most; 0 means unlimited.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000000
	// +optional
	EventsPerSecond int64 `json:"eventsPerSecond,omitempty"`

	// BurstSize above the steady rate; 0 means max(eventsPerSecond/10, 10).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000000
	// +optional
	BurstSize int64 `json:"burstSize,omitempty"`

	// MaxInFlight concurrent publishes; 0 means unlimited.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100000
	// +optional
	MaxInFlight int64 `json:"maxInFlight,omitempty"`
}
