// Package v1alpha1 holds the RivvenTopic managed resource served by
// provider-rivven: a Kafka topic and its ACLs on a Rivven cluster (or any
// broker speaking the Kafka admin API).
// +kubebuilder:object:generate=true
// +groupName=rivven.io
// +versionName=v1alpha1
package v1alpha1
