package connect

import (
	"maps"
	"slices"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

// keepObserved turns the observed composed resources into desired ones,
// unchanged. Crossplane deletes every composed resource missing from the
// desired state, so while the RivvenCluster is missing or not Ready the
// function re-declares what already runs instead of tearing the pipeline
// down: a cluster blip must not delete the Deployment, nor compose a new
// one without bootstrap servers. Only fields the API server or controllers
// own are dropped, so the function does not claim them.
func keepObserved(observed map[resource.Name]resource.ObservedComposed) map[resource.Name]*resource.DesiredComposed {
	out := map[resource.Name]*resource.DesiredComposed{}
	for _, name := range slices.Sorted(maps.Keys(observed)) {
		oc := observed[name]
		if oc.Resource == nil {
			continue
		}
		obj := oc.Resource.DeepCopy()
		delete(obj.Object, "status")
		md, _ := obj.Object["metadata"].(map[string]any)
		kept := map[string]any{}
		for _, k := range []string{"name", "namespace", "labels", "annotations"} {
			if v, ok := md[k]; ok {
				kept[k] = v
			}
		}
		if ann, ok := kept["annotations"].(map[string]any); ok {
			for k := range ann {
				// Written by controllers and kubectl, not by this function.
				if strings.HasPrefix(k, "deployment.kubernetes.io/") || strings.HasPrefix(k, "kubectl.kubernetes.io/") {
					delete(ann, k)
				}
			}
			if len(ann) == 0 {
				delete(kept, "annotations")
			}
		}
		obj.Object["metadata"] = kept
		out[name] = &resource.DesiredComposed{Resource: &composed.Unstructured{Unstructured: obj.Unstructured}}
	}
	return out
}
