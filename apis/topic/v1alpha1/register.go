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

// RivvenTopic type metadata.
var (
	RivvenTopicKind             = reflect.TypeOf(RivvenTopic{}).Name()
	RivvenTopicGroupKind        = schema.GroupKind{Group: Group, Kind: RivvenTopicKind}.String()
	RivvenTopicKindAPIVersion   = RivvenTopicKind + "." + SchemeGroupVersion.String()
	RivvenTopicGroupVersionKind = SchemeGroupVersion.WithKind(RivvenTopicKind)
)

func init() {
	SchemeBuilder.Register(&RivvenTopic{}, &RivvenTopicList{})
}
