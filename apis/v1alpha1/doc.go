// Package v1alpha1 holds the connection contract between RivvenClusters and
// RivvenTopics: the ProviderConfig and ClusterProviderConfig kinds served by
// provider-rivven, and their usage-tracking kinds.
// +kubebuilder:object:generate=true
// +groupName=rivven.io
// +versionName=v1alpha1
package v1alpha1
