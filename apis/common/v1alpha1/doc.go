// Package v1alpha1 holds the settings that RivvenCluster and RivvenConnect
// share: how their pods are scheduled, secured, probed and labelled.
// +kubebuilder:object:generate=true
package v1alpha1
