// Package apiserver holds the API server test tier: our CRDs and the CRDs
// Crossplane derives from our XRDs are installed into a real kube-apiserver
// (with etcd), and the examples, an invalid-spec corpus and the rendered output
// of the composition functions are applied to it.
//
// The control-plane binaries come from hack/kube/build.sh (bin/kube, laid out as
// envtest's KUBEBUILDER_ASSETS). A missing binary fails the tier; it never
// skips.
package apiserver
