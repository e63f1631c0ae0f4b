// Package observed reads the observed state of a RunFunctionRequest without
// the objects' managed fields.
//
// Crossplane sends every observed object as the API server returns it,
// metadata.managedFields included: on a settled RivvenCluster they are about
// half of the request. No function reads them, and a desired object must not
// carry them, yet the SDK's request helpers convert them on every call, and
// so does anything that later decodes the object into a typed struct. For a
// settled RivvenCluster, reading the composed resources here allocates half
// as much as the SDK's helper (BenchmarkComposedResources).
package observed

import (
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"
)

// CompositeResource is request.GetObservedCompositeResource without the
// composite's managed fields.
func CompositeResource(req *fnv1.RunFunctionRequest) *resource.Composite {
	r := req.GetObserved().GetComposite()
	xr := &resource.Composite{Resource: composite.New(), ConnectionDetails: r.GetConnectionDetails()}
	if xr.ConnectionDetails == nil {
		xr.ConnectionDetails = resource.ConnectionDetails{}
	}
	xr.Resource.SetUnstructuredContent(asMap(r.GetResource()))
	return xr
}

// ComposedResources is request.GetObservedComposedResources without each
// object's managed fields.
func ComposedResources(req *fnv1.RunFunctionRequest) map[resource.Name]resource.ObservedComposed {
	out := make(map[resource.Name]resource.ObservedComposed, len(req.GetObserved().GetResources()))
	for name, r := range req.GetObserved().GetResources() {
		oc := resource.ObservedComposed{Resource: composed.New(), ConnectionDetails: r.GetConnectionDetails()}
		if oc.ConnectionDetails == nil {
			oc.ConnectionDetails = resource.ConnectionDetails{}
		}
		oc.Resource.SetUnstructuredContent(asMap(r.GetResource()))
		out[resource.Name(name)] = oc
	}
	return out
}

// asMap is s.AsMap() without metadata.managedFields.
func asMap(s *structpb.Struct) map[string]any {
	out := make(map[string]any, len(s.GetFields()))
	for k, v := range s.GetFields() {
		if md := v.GetStructValue(); k == "metadata" && md != nil {
			m := make(map[string]any, len(md.GetFields()))
			for mk, mv := range md.GetFields() {
				if mk != "managedFields" {
					m[mk] = mv.AsInterface()
				}
			}
			out[k] = m
			continue
		}
		out[k] = v.AsInterface()
	}
	return out
}
