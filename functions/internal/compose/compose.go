// Package compose turns typed Kubernetes objects into composed resources that
// carry only the fields a function actually set.
//
// Serialising a typed object emits zero-valued noise: `creationTimestamp:
// null`, `status: {}`, `resources: {}`, `strategy: {}`. Crossplane applies
// desired resources with server-side apply, so every emitted field becomes a
// field the function claims to own. ToComposed drops that noise so the
// desired state says exactly what the function means.
package compose

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane/function-sdk-go/resource/composed"
)

// keepEmpty lists keys whose empty object is meaningful and must survive
// pruning: `emptyDir: {}` declares an emptyDir volume with defaults.
var keepEmpty = map[string]bool{ //nolint:gochecknoglobals // Read-only lookup table.
	"emptyDir": true,
}

// ToComposed converts obj into a composed resource. The caller must set the
// object's apiVersion and kind (TypeMeta). Standard JSON encoding already
// drops omitempty zero values (false, 0, ""); ToComposed further removes the
// top-level status, nulls and empty objects and lists at any depth. Empty
// strings are kept, because some are meaningful (storageClassName: "" turns
// dynamic provisioning off): set every string field without omitempty.
func ToComposed(obj runtime.Object) (*composed.Unstructured, error) {
	m, err := ToMap(obj)
	if err != nil {
		return nil, err
	}
	cd := composed.New()
	cd.SetUnstructuredContent(m)
	if cd.GetAPIVersion() == "" || cd.GetKind() == "" {
		return nil, fmt.Errorf("%T has no apiVersion or kind set", obj)
	}
	return cd, nil
}

// ToMap converts obj into a pruned map, as ToComposed does.
func ToMap(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("cannot encode %T: %w", obj, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("cannot decode %T: %w", obj, err)
	}
	// A desired object never carries status: it is written by the object's
	// controller, never applied by the composer.
	delete(m, "status")
	Prune(m)
	return m, nil
}

// Prune removes, in place and at any depth, nil values and empty maps and
// slices, except for the keys in keepEmpty.
func Prune(m map[string]any) {
	for k, v := range m {
		if keepEmpty[k] {
			continue
		}
		pv, empty := prune(v)
		if empty {
			delete(m, k)
			continue
		}
		m[k] = pv
	}
}

// prune returns v without empty descendants and whether v itself is empty.
func prune(v any) (any, bool) {
	switch t := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		Prune(t)
		return t, len(t) == 0
	case []any:
		kept := make([]any, 0, len(t))
		for _, e := range t {
			if pe, empty := prune(e); !empty {
				kept = append(kept, pe)
			}
		}
		return kept, len(kept) == 0
	default:
		return v, false
	}
}
