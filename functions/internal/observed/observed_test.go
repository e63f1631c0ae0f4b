package observed

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
)

func object(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withManagedFields is an object as the API server returns it.
func withManagedFields(kind string) map[string]any {
	return map[string]any{
		"apiVersion": "v1",
		"kind":       kind,
		"metadata": map[string]any{
			"name":            "a",
			"namespace":       "default",
			"resourceVersion": "42",
			"annotations":     map[string]any{"crossplane.io/composition-resource-name": "r"},
			"managedFields": []any{map[string]any{
				"manager":    "apiextensions.crossplane.io/composed/0123",
				"operation":  "Apply",
				"fieldsType": "FieldsV1",
				"fieldsV1":   map[string]any{"f:data": map[string]any{"f:k": map[string]any{}}},
			}},
		},
		"data":   map[string]any{"k": "v"},
		"status": map[string]any{"replicas": 3.0},
	}
}

// TestMatchesSDKWithoutManagedFields holds the readers to the SDK's request
// helpers: the same objects and connection details, minus managedFields.
func TestMatchesSDKWithoutManagedFields(t *testing.T) {
	cases := map[string]*fnv1.RunFunctionRequest{
		"Observed": {Observed: &fnv1.State{
			Composite: &fnv1.Resource{Resource: object(t, withManagedFields("RivvenCluster")), ConnectionDetails: map[string][]byte{"x": []byte("y")}},
			Resources: map[string]*fnv1.Resource{
				"cm":     {Resource: object(t, withManagedFields("ConfigMap"))},
				"secret": {Resource: object(t, withManagedFields("Secret")), ConnectionDetails: map[string][]byte{"token": []byte("t")}},
				// Objects without metadata, or with metadata of the wrong
				// type, are passed on as they are.
				"bare":  {Resource: object(t, map[string]any{"kind": "Bare"})},
				"weird": {Resource: object(t, map[string]any{"kind": "Weird", "metadata": "not-an-object"})},
			},
		}},
		"NothingObserved": {},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			wantXR, err := request.GetObservedCompositeResource(req)
			if err != nil {
				t.Fatal(err)
			}
			dropManagedFields(wantXR.Resource.Object)
			if diff := cmp.Diff(wantXR, CompositeResource(req)); diff != "" {
				t.Errorf("CompositeResource (-SDK without managedFields +got):\n%s", diff)
			}

			want, err := request.GetObservedComposedResources(req)
			if err != nil {
				t.Fatal(err)
			}
			for _, oc := range want {
				dropManagedFields(oc.Resource.Object)
			}
			got := ComposedResources(req)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ComposedResources (-SDK without managedFields +got):\n%s", diff)
			}
			for n, oc := range got {
				md, _ := oc.Resource.Object["metadata"].(map[string]any)
				if _, ok := md["managedFields"]; ok {
					t.Errorf("%s still has managedFields", n)
				}
			}
		})
	}
}

func dropManagedFields(obj map[string]any) {
	if md, ok := obj["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
	}
}

// TestComposedResourceNames keys objects by their composed resource name.
func TestComposedResourceNames(t *testing.T) {
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Resources: map[string]*fnv1.Resource{
		"statefulset": {Resource: object(t, withManagedFields("StatefulSet"))},
	}}}
	got := ComposedResources(req)
	if _, ok := got[resource.Name("statefulset")]; !ok || len(got) != 1 {
		t.Errorf("ComposedResources keys = %v, want [statefulset]", got)
	}
}
