package config

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/providerconfig"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis"
	"github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// recordingQueue records what a handler adds, and how.
type recordingQueue struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	added []reconcile.Request
	after map[reconcile.Request]time.Duration
}

func (q *recordingQueue) Add(r reconcile.Request) { q.added = append(q.added, r) }
func (q *recordingQueue) AddAfter(r reconcile.Request, d time.Duration) {
	if q.after == nil {
		q.after = map[reconcile.Request]time.Duration{}
	}
	q.after[r] = d
}

func usage(name, ns, kind, config string) *v1alpha1.ProviderConfigUsage {
	u := &v1alpha1.ProviderConfigUsage{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: ns,
		Labels: map[string]string{xpv2.LabelKeyProviderName: config, xpv2.LabelKeyProviderKind: kind},
	}}
	u.SetProviderConfigReference(xpv2.ProviderConfigReference{Kind: kind, Name: config})
	return u
}

func TestSettledUsageHandlerDelaysAndFilters(t *testing.T) {
	h := settledUsageHandler{of: &resource.EnqueueRequestForProviderConfig{Kind: v1alpha1.ProviderConfigKind}, delay: usageSettle}
	q := &recordingQueue{}
	ctx := context.Background()
	h.Create(ctx, event.CreateEvent{Object: usage("u1", "team", v1alpha1.ProviderConfigKind, "prod")}, q)
	h.Delete(ctx, event.DeleteEvent{Object: usage("u2", "team", v1alpha1.ProviderConfigKind, "prod")}, q)
	// A usage of a ClusterProviderConfig is not this controller's.
	h.Create(ctx, event.CreateEvent{Object: usage("u3", "team", v1alpha1.ClusterProviderConfigKind, "shared")}, q)

	if len(q.added) != 0 {
		t.Errorf("added at once: %v, want every usage event delayed", q.added)
	}
	want := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "team", Name: "prod"}}
	if d, ok := q.after[want]; !ok || d != usageSettle || len(q.after) != 1 {
		t.Errorf("added after: %v, want only %v after %s", q.after, want, usageSettle)
	}
}

// The provider config reconciler, given the manager as Setup wraps it,
// still counts usages and still blocks deleting a config in use.
func TestUncopiedListsKeepUsageAccounting(t *testing.T) {
	s := runtime.NewScheme()
	if err := apis.AddToProviderScheme(s); err != nil {
		t.Fatal(err)
	}
	pc := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "team", Finalizers: []string{"in-use.crossplane.io"}}}
	u1, u2 := usage("u1", "team", v1alpha1.ProviderConfigKind, "prod"), usage("u2", "team", v1alpha1.ProviderConfigKind, "prod")
	owner := metav1.OwnerReference{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenTopic", Name: "t", UID: "t-uid", Controller: ptrTo(true)}
	u1.OwnerReferences, u2.OwnerReferences = []metav1.OwnerReference{owner}, []metav1.OwnerReference{owner}
	other := usage("u3", "team", v1alpha1.ProviderConfigKind, "staging")
	other.OwnerReferences = []metav1.OwnerReference{owner}
	kube := fake.NewClientBuilder().WithScheme(s).WithObjects(pc, u1, u2, other).WithStatusSubresource(pc).Build()

	r := providerconfig.NewReconciler(uncopiedLists{fakeManager{c: typedGets{kube}, s: s}}, resource.ProviderConfigKinds{
		Config:    v1alpha1.ProviderConfigGroupVersionKind,
		Usage:     v1alpha1.ProviderConfigUsageGroupVersionKind,
		UsageList: v1alpha1.ProviderConfigUsageListGroupVersionKind,
	})
	req := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "team", Name: "prod"}}
	if _, err := r.Reconcile(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := &v1alpha1.ProviderConfig{}
	if err := kube.Get(context.Background(), req.NamespacedName, got); err != nil {
		t.Fatal(err)
	}
	if got.Status.Users != 2 {
		t.Errorf("status.users = %d, want 2", got.Status.Users)
	}

	if err := kube.Delete(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reconcile(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if err := kube.Get(context.Background(), req.NamespacedName, got); err != nil {
		t.Fatalf("config in use was released: %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

// typedGets sets the kind of what it gets, as the manager's cache does and
// the fake client does not; the reconciler selects usages by that kind.
type typedGets struct{ client.Client }

func (c typedGets) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if err := c.Client.Get(ctx, key, obj, opts...); err != nil {
		return err
	}
	gvk, err := apiutil.GVKForObject(obj, c.Scheme())
	if err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return nil
}

// fakeManager gives the reconciler the only two things it takes from a
// manager: a client and a scheme.
type fakeManager struct {
	manager.Manager
	c client.Client
	s *runtime.Scheme
}

func (m fakeManager) GetClient() client.Client   { return m.c }
func (m fakeManager) GetScheme() *runtime.Scheme { return m.s }

// The wrapped client asks the cache not to deep-copy listed items.
func TestUncopiedListClientDisablesDeepCopy(t *testing.T) {
	var got client.ListOptions
	c := uncopiedListClient{listSpy{opts: &got}}
	if err := c.List(context.Background(), &v1alpha1.ProviderConfigUsageList{}, client.InNamespace("team")); err != nil {
		t.Fatal(err)
	}
	if got.UnsafeDisableDeepCopy == nil || !*got.UnsafeDisableDeepCopy || got.Namespace != "team" {
		t.Errorf("list options %+v, want the caller's plus UnsafeDisableDeepCopy", got)
	}
}

type listSpy struct {
	client.Client
	opts *client.ListOptions
}

func (s listSpy) List(_ context.Context, _ client.ObjectList, opts ...client.ListOption) error {
	s.opts.ApplyOptions(opts)
	return nil
}
