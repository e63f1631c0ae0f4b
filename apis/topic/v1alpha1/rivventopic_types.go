package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// AnnotationAdopt, set to "true" on a RivvenTopic, lets the provider take over
// a topic that already exists on the broker and was not created by this
// resource. Without it such a topic is reported as a conflict and left alone.
// A RivvenTopic whose management policies do not include Create (for example
// ["Observe"]) imports an existing topic without this annotation.
const AnnotationAdopt = "rivven.io/adopt"

// ClusterReference names the RivvenCluster a topic lives on.
type ClusterReference struct {
	// Name of the RivvenCluster in the topic's namespace. The provider
	// connects through the ProviderConfig of the same name, which
	// function-rivven-cluster composes for every RivvenCluster.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// CleanupPolicy is the Kafka cleanup.policy of a topic.
// +kubebuilder:validation:Enum=delete;compact;"delete,compact";"compact,delete"
type CleanupPolicy string

// CompressionType is the compression.type of a topic. rivvend calls no
// compression "none", Kafka "uncompressed"; the provider refuses the other
// broker's spelling before sending anything.
// +kubebuilder:validation:Enum=none;uncompressed;zstd;lz4;snappy;gzip;producer
type CompressionType string

// TopicConfig holds topic-level configuration. Every key left unset keeps
// (or returns to) the broker default. The provider checks keys and values
// against what the cluster's broker accepts before sending anything: on
// Rivven, the eight keys rivvend knows (held in the broker's memory and set
// again by the provider after a broker restart); on Kafka, the Kafka topic
// configuration reference.
// +kubebuilder:validation:XValidation:rule="!has(self.additionalConfig) || ['retention.ms','retention.bytes','cleanup.policy','compression.type','min.insync.replicas','segment.bytes','max.message.bytes'].all(k, !(k in self.additionalConfig))",message="spec.config.additionalConfig must not set retention.ms, retention.bytes, cleanup.policy, compression.type, min.insync.replicas, segment.bytes or max.message.bytes: use the typed fields of spec.config"
type TopicConfig struct {
	// RetentionMs is retention.ms: how long records are kept, -1 for ever.
	// +kubebuilder:validation:Minimum=-1
	// +optional
	RetentionMs *int64 `json:"retentionMs,omitempty"`

	// RetentionBytes is retention.bytes: the size a partition may grow to
	// before old segments are discarded, -1 for no limit.
	// +kubebuilder:validation:Minimum=-1
	// +optional
	RetentionBytes *int64 `json:"retentionBytes,omitempty"`

	// CleanupPolicy is cleanup.policy.
	// +optional
	CleanupPolicy *CleanupPolicy `json:"cleanupPolicy,omitempty"`

	// CompressionType is compression.type.
	// +optional
	CompressionType *CompressionType `json:"compressionType,omitempty"`

	// MinInsyncReplicas is min.insync.replicas.
	// +kubebuilder:validation:Minimum=1
	// +optional
	MinInsyncReplicas *int32 `json:"minInsyncReplicas,omitempty"`

	// SegmentBytes is segment.bytes.
	// +kubebuilder:validation:Minimum=14
	// +optional
	SegmentBytes *int32 `json:"segmentBytes,omitempty"`

	// MaxMessageBytes is max.message.bytes: the largest record batch the
	// topic accepts.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MaxMessageBytes *int32 `json:"maxMessageBytes,omitempty"`

	// AdditionalConfig sets any other topic configuration key, for example
	// "segment.ms" (Rivven) or "delete.retention.ms" (Kafka). Keys and
	// values are checked by the provider against what the cluster's broker
	// accepts before anything is sent to it.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	AdditionalConfig map[string]string `json:"additionalConfig,omitempty"`
}

// ACLOperation is a Kafka ACL operation that applies to topics.
// +kubebuilder:validation:Enum=All;Read;Write;Create;Delete;Alter;Describe;DescribeConfigs;AlterConfigs
type ACLOperation string

// ACLPermissionType says whether an ACL allows or denies.
// +kubebuilder:validation:Enum=Allow;Deny
type ACLPermissionType string

// ACL permission types.
const (
	ACLPermissionAllow ACLPermissionType = "Allow"
	ACLPermissionDeny  ACLPermissionType = "Deny"
)

// ACL grants (or denies) a principal operations on this topic.
// +kubebuilder:validation:XValidation:rule="self.principal.matches('^(?i)user:[^\\\\s]+$')",message="spec.acls[].principal must be User:<name> (user:<name> is accepted too), for example User:order-service or User:*"
type ACL struct {
	// Principal is the Kafka principal, User:<name>. The seed's lower-case
	// form user:<name> means the same and is sent to the broker as User:.
	// +kubebuilder:validation:MinLength=6
	// +kubebuilder:validation:MaxLength=256
	Principal string `json:"principal"`

	// Operations the principal may (or may not) perform on the topic.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=9
	// +listType=set
	Operations []ACLOperation `json:"operations"`

	// PermissionType is Allow or Deny. A Deny wins over any Allow.
	// +kubebuilder:default=Allow
	// +optional
	PermissionType ACLPermissionType `json:"permissionType,omitempty"`

	// Host the principal connects from, * for any host.
	// +kubebuilder:default="*"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Host string `json:"host,omitempty"`
}

// RivvenTopicParameters are the desired state of a topic. They sit directly
// under spec, as in the product's RivvenTopic documentation.
type RivvenTopicParameters struct {
	// ClusterRef selects the RivvenCluster (through its ProviderConfig of the
	// same name, in this namespace). When absent, providerConfigRef is used,
	// which is how topics on brokers outside the control plane are managed.
	// +optional
	ClusterRef *ClusterReference `json:"clusterRef,omitempty"`

	// TopicName is the Kafka topic name. It defaults to metadata.name; set it
	// for names Kubernetes cannot hold, such as names with underscores or
	// capitals.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[a-zA-Z0-9._-]+$`
	// +kubebuilder:validation:XValidation:rule="self != '.' && self != '..'",message="spec.topicName must not be '.' or '..'"
	// +optional
	TopicName string `json:"topicName,omitempty"`

	// Partitions is the number of partitions. It may only grow: neither
	// Kafka nor rivvend can remove partitions. Omitted, the broker's default
	// applies (a RivvenCluster's spec.config.defaultPartitions, Kafka's
	// num.partitions), and status.atProvider.partitions reports what the
	// broker chose.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	// +kubebuilder:validation:XValidation:rule="self >= oldSelf",message="spec.partitions may only grow: Kafka cannot remove partitions from a topic"
	// +optional
	Partitions *int32 `json:"partitions,omitempty"`

	// ReplicationFactor is the number of replicas of each partition. It is
	// immutable. rivvend 0.0.22 has no per-topic replication factor and keeps
	// one copy of each partition of a topic created through its protocol:
	// the ReplicationFactorApplied condition says when it differs. Omitted,
	// the broker's default applies and status.atProvider.replicationFactor
	// reports it.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=32767
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.replicationFactor is immutable: changing it needs a partition reassignment, which this provider does not perform"
	// +optional
	ReplicationFactor *int32 `json:"replicationFactor,omitempty"`

	// Config is the topic configuration.
	// +optional
	Config *TopicConfig `json:"config,omitempty"`

	// ACLs on this topic. On a Kafka-compatible broker the provider makes
	// the topic's literal ACLs match this list exactly: entries added out of
	// band are removed. rivvend 0.0.22 has no ACL API: on a RivvenCluster the
	// list is kept as desired state and the ACLsApplied condition says it is
	// not applied.
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, b.principal.substring(5) == a.principal.substring(5) && b.host == a.host && b.permissionType == a.permissionType))",message="spec.acls has duplicate entries: list each principal, host and permissionType once and put all its operations in that entry"
	// +listType=atomic
	// +optional
	ACLs []ACL `json:"acls,omitempty"`

	// DeleteOnRemove deletes the topic, its data and its ACLs from the broker
	// when this resource is deleted. When false (the default) they stay.
	// +kubebuilder:default=false
	// +optional
	DeleteOnRemove bool `json:"deleteOnRemove,omitempty"`
}

// A RivvenTopicSpec defines the desired state of a RivvenTopic.
// +kubebuilder:validation:XValidation:rule="has(oldSelf.topicName) == has(self.topicName) && (!has(self.topicName) || self.topicName == oldSelf.topicName)",message="spec.topicName is immutable: a different name is a different topic"
type RivvenTopicSpec struct {
	xpv2.ManagedResourceSpec `json:",inline"`
	RivvenTopicParameters    `json:",inline"`
}

// ObservedACL is one ACL the broker holds for the topic.
type ObservedACL struct {
	// Principal, as the broker reports it (User:<name>).
	Principal string `json:"principal"`
	// Host the ACL applies to.
	Host string `json:"host"`
	// Operation the ACL covers.
	Operation string `json:"operation"`
	// PermissionType is Allow or Deny.
	PermissionType string `json:"permissionType"`
}

// RivvenTopicObservation is the topic as the broker reports it.
type RivvenTopicObservation struct {
	// TopicName is the Kafka topic name.
	TopicName string `json:"topicName,omitempty"`
	// TopicID is the broker's unique id of the topic.
	TopicID string `json:"topicId,omitempty"`
	// Partitions is the number of partitions.
	Partitions int32 `json:"partitions,omitempty"`
	// ReplicationFactor is the replica count of partition 0.
	ReplicationFactor int32 `json:"replicationFactor,omitempty"`
	// Configs are the topic-level configuration values that differ from the
	// broker defaults, that is the ones set on the topic.
	// +optional
	Configs map[string]string `json:"configs,omitempty"`
	// ACLs are the literal ACLs on the topic, sorted.
	// +optional
	ACLs []ObservedACL `json:"acls,omitempty"`
}

// A RivvenTopicStatus represents the observed state of a RivvenTopic.
type RivvenTopicStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 RivvenTopicObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A RivvenTopic is a Kafka topic, with its configuration and ACLs, on a
// RivvenCluster or any broker that speaks the Kafka admin API.
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="PARTITIONS",type="integer",JSONPath=".status.atProvider.partitions"
// +kubebuilder:printcolumn:name="RF",type="integer",JSONPath=".status.atProvider.replicationFactor"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,managed,rivven},shortName=rt
type RivvenTopic struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RivvenTopicSpec   `json:"spec"`
	Status RivvenTopicStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// RivvenTopicList contains a list of RivvenTopic.
type RivvenTopicList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []RivvenTopic `json:"items"`
}

// KafkaTopicName is the topic's name on the broker: spec.topicName, or
// metadata.name when it is unset.
func (t *RivvenTopic) KafkaTopicName() string {
	if t.Spec.TopicName != "" {
		return t.Spec.TopicName
	}
	return t.GetName()
}
