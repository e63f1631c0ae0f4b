package topic

import (
	"context"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

func TestFinalizerIsDomainQualifiedWithPath(t *testing.T) {
	// The API server warns about any finalizer without a "/" (and one
	// whose prefix is not a DNS subdomain).
	if i := len("rivven.io/"); len(Finalizer) <= i || Finalizer[:i] != "rivven.io/" {
		t.Errorf("Finalizer = %q, want rivven.io/<name>", Finalizer)
	}
}

// A topic reconciled by an earlier version holds the legacy finalizer: the
// next reconcile swaps it for the new one in the same update, never leaving
// both (which would block deletion), and deletion still removes the topic.
func TestFinalizerReplacesLegacy(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	cr.UID = "orders-uid"
	cr.Finalizers = []string{LegacyFinalizer}
	kube, reconcileOnce := runReconciler(t, e, cr)

	reconcileOnce("orders-events")
	got := get(t, kube, "orders-events")
	if !slices.Equal(got.GetFinalizers(), []string{Finalizer}) {
		t.Fatalf("finalizers = %v, want only %s", got.GetFinalizers(), Finalizer)
	}
	if _, ok := e.brokerTopic("orders-events"); !ok {
		t.Fatal("topic not on the broker")
	}

	// Past the creation grace period, so "absent" means deleted.
	meta.SetExternalCreatePending(got, time.Now().Add(-time.Hour-time.Second))
	meta.SetExternalCreateSucceeded(got, time.Now().Add(-time.Hour))
	if err := kube.Update(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if err := kube.Delete(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	reconcileOnce("orders-events")
	if err := kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "orders-events"}, &v1alpha1.RivvenTopic{}); err == nil {
		t.Errorf("resource still present after delete: finalizers %v", get(t, kube, "orders-events").GetFinalizers())
	}
}

// A topic being deleted that still holds only the legacy finalizer (never
// reconciled by this version) is released too.
func TestFinalizerRemovesLegacyOnDelete(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	cr.UID = "orders-uid"
	cr.Finalizers = []string{LegacyFinalizer}
	kube, reconcileOnce := runReconciler(t, e, cr)
	if err := kube.Delete(context.Background(), get(t, kube, "orders-events")); err != nil {
		t.Fatal(err)
	}
	reconcileOnce("orders-events")
	if err := kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "orders-events"}, &v1alpha1.RivvenTopic{}); err == nil {
		t.Errorf("resource still present after delete: finalizers %v", get(t, kube, "orders-events").GetFinalizers())
	}
}

// Another controller's finalizer is left alone.
func TestFinalizerKeepsOthers(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	cr.Finalizers = []string{"example.com/backup", LegacyFinalizer}
	kube, _ := runReconciler(t, e, cr)
	f := finalizer{kube: kube}
	obj := get(t, kube, "orders-events")
	if err := f.AddFinalizer(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
	if got := get(t, kube, "orders-events").GetFinalizers(); !slices.Equal(got, []string{"example.com/backup", Finalizer}) {
		t.Errorf("after add: %v", got)
	}
	obj = get(t, kube, "orders-events")
	if err := f.RemoveFinalizer(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
	if got := get(t, kube, "orders-events").GetFinalizers(); !slices.Equal(got, []string{"example.com/backup"}) {
		t.Errorf("after remove: %v", got)
	}
}
