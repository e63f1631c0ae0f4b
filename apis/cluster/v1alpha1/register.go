package v1alpha1

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

// Package type metadata.
const (
	Group   = "rivven.io"
	Version = "v1alpha1"
)

var (
	// SchemeGroupVersion is group version used to register these objects.
	SchemeGroupVersion = schema.GroupVersion{Group: Group, Version: Version}

	// SchemeBuilder is used to add go types to the GroupVersionKind scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds the types of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// RivvenCluster type metadata.
var (
	RivvenClusterKind             = reflect.TypeOf(RivvenCluster{}).Name()
	RivvenClusterGroupVersionKind = SchemeGroupVersion.WithKind(RivvenClusterKind)
)

func init() {
	SchemeBuilder.Register(&RivvenCluster{}, &RivvenClusterList{})
}
