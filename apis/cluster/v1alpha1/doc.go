// Package v1alpha1 holds the RivvenCluster composite resource: a Rivven broker
// cluster that function-rivven-cluster expands into a StatefulSet, its
// Services, configuration and the ProviderConfig RivvenTopics use.
// +kubebuilder:object:generate=true
// +groupName=rivven.io
// +versionName=v1alpha1
package v1alpha1
