package config

import (
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// notOwnStatus passes every event of a provider config except an update
// that changed neither its spec (generation), its deletion nor its
// finalizers: in practice the reconciler's own status write of the usage
// count. Reconciling on those re-listed every usage once per status write,
// and while topics are created the count changes on every reconcile, so the
// controller fed itself as fast as the API server answered, around the
// delay of settledUsageHandler.
var notOwnStatus = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, n := e.ObjectOld, e.ObjectNew
		if o == nil || n == nil {
			return true
		}
		return o.GetGeneration() != n.GetGeneration() ||
			!o.GetDeletionTimestamp().Equal(n.GetDeletionTimestamp()) ||
			!slices.Equal(o.GetFinalizers(), n.GetFinalizers())
	},
}
