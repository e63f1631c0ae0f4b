// Package v1alpha1 holds the RivvenConnect composite resource: a
// rivven-connect pipeline (sources, sinks, settings) run as a Deployment
// against a RivvenCluster.
// +kubebuilder:object:generate=true
// +groupName=rivven.io
// +versionName=v1alpha1
package v1alpha1
