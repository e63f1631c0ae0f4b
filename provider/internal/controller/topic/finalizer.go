package topic

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
)

// Finalizer keeps a RivvenTopic until its Kafka topic is deleted (or
// orphaned). It is domain-qualified with a path, as the API server asks:
// crossplane-runtime's default (managed.FinalizerName) has no path, and the
// API server answers every write of it with a warning, which the provider
// logged once per topic.
const Finalizer = "rivven.io/kafka-topic"

// LegacyFinalizer is the finalizer earlier versions of the provider set.
const LegacyFinalizer = managed.FinalizerName

// finalizer adds Finalizer and removes LegacyFinalizer in the same update,
// so that a topic created by an earlier version never holds both: the
// managed reconciler delays deleting the Kafka topic while a resource has
// more than one finalizer, waiting for other controllers, and would wait
// forever on its own two.
type finalizer struct{ kube client.Client }

var _ resource.Finalizer = finalizer{}

func (f finalizer) AddFinalizer(ctx context.Context, obj resource.Object) error {
	if meta.FinalizerExists(obj, Finalizer) && !meta.FinalizerExists(obj, LegacyFinalizer) {
		return nil
	}
	meta.RemoveFinalizer(obj, LegacyFinalizer)
	meta.AddFinalizer(obj, Finalizer)
	if err := f.kube.Update(ctx, obj); err != nil {
		return fmt.Errorf("cannot add finalizer %s: %w", Finalizer, err)
	}
	return nil
}

func (f finalizer) RemoveFinalizer(ctx context.Context, obj resource.Object) error {
	if !meta.FinalizerExists(obj, Finalizer) && !meta.FinalizerExists(obj, LegacyFinalizer) {
		return nil
	}
	meta.RemoveFinalizer(obj, Finalizer)
	meta.RemoveFinalizer(obj, LegacyFinalizer)
	if err := f.kube.Update(ctx, obj); resource.IgnoreNotFound(err) != nil {
		return fmt.Errorf("cannot remove finalizer %s: %w", Finalizer, err)
	}
	return nil
}
