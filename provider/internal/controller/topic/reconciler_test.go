package topic

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// fakeManager gives the managed reconciler the only two things it takes
// from a manager: a client and a scheme.
type fakeManager struct {
	manager.Manager
	c client.Client
	s *runtime.Scheme
}

func (m fakeManager) GetClient() client.Client    { return m.c }
func (m fakeManager) GetScheme() *runtime.Scheme  { return m.s }
func (m fakeManager) GetAPIReader() client.Reader { return m.c }

// runReconciler drives crossplane-runtime's real managed reconciler (with
// a fake Kubernetes API and the kfake brokers) for the given resources.
func runReconciler(t *testing.T, e *env, objs ...client.Object) (client.Client, func(name string) reconcile.Result) {
	t.Helper()
	s := e.kube.Scheme()
	pcs := &pcv1alpha1.ProviderConfigList{}
	if err := e.kube.List(context.Background(), pcs); err != nil {
		t.Fatal(err)
	}
	for i := range pcs.Items {
		pc := pcs.Items[i].DeepCopy()
		pc.ResourceVersion = ""
		objs = append(objs, pc)
	}
	for _, o := range objs {
		// What the API server's defaulting gives every RivvenTopic.
		if cr, ok := o.(*v1alpha1.RivvenTopic); ok {
			cr.Spec.ManagementPolicies = xpv2.ManagementPolicies{xpv2.ManagementActionAll}
			cr.Spec.ProviderConfigReference = &xpv2.ProviderConfigReference{Kind: "ClusterProviderConfig", Name: "default"}
		}
	}
	kube := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).WithStatusSubresource(&v1alpha1.RivvenTopic{}).Build()
	r := NewReconciler(fakeManager{c: kube, s: s}, controller.Options{Logger: logging.NewNopLogger(), PollInterval: 0}, e.pool, event.NewNopRecorder())
	return kube, func(name string) reconcile.Result {
		t.Helper()
		res, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}})
		if err != nil {
			t.Fatalf("Reconcile: %v", err)
		}
		return res
	}
}

func get(t *testing.T, kube client.Client, name string) *v1alpha1.RivvenTopic {
	t.Helper()
	cr := &v1alpha1.RivvenTopic{}
	if err := kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, cr); err != nil {
		t.Fatal(err)
	}
	return cr
}

func TestManagedReconciler(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	cr.UID = "orders-uid"
	kube, reconcileOnce := runReconciler(t, e, cr)

	for range 3 {
		reconcileOnce("orders-events")
	}
	got := get(t, kube, "orders-events")
	if c := got.GetCondition(xpv2.TypeReady); c.Status != "True" {
		t.Errorf("Ready = %s %s (%s)", c.Status, c.Reason, c.Message)
	}
	if c := got.GetCondition(xpv2.TypeSynced); c.Status != "True" {
		t.Errorf("Synced = %s %s (%s)", c.Status, c.Reason, c.Message)
	}
	if meta.GetExternalCreateSucceeded(got).IsZero() {
		t.Error("the reconciler did not record the create")
	}
	if got.Status.AtProvider.Partitions != 12 || len(got.Status.AtProvider.ACLs) != 3 || got.Status.AtProvider.TopicID == "" {
		t.Errorf("status.atProvider = %+v", got.Status.AtProvider)
	}
	if _, ok := e.brokerTopic("orders-events"); !ok {
		t.Fatal("topic not on the broker")
	}
	// The usage names the ProviderConfig clusterRef selected, not the
	// defaulted providerConfigRef, so the cluster's config stays while in use.
	pcus := &pcv1alpha1.ProviderConfigUsageList{}
	if err := kube.List(context.Background(), pcus); err != nil {
		t.Fatal(err)
	}
	if len(pcus.Items) != 1 || pcus.Items[0].ProviderConfigReference != (xpv2.ProviderConfigReference{Kind: "ProviderConfig", Name: "production"}) {
		t.Errorf("provider config usages = %+v, want one for ProviderConfig production", pcus.Items)
	}

	// Deleting with deleteOnRemove: false releases the resource, keeps the
	// topic. The create is back-dated past the reconciler's creation grace
	// period (30s), within which "absent" is read as "not visible yet".
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
		left := get(t, kube, "orders-events")
		t.Errorf("resource still present after delete: finalizers %v, synced %+v", left.GetFinalizers(), left.GetCondition(xpv2.TypeSynced))
	}
	if _, ok := e.brokerTopic("orders-events"); !ok {
		t.Error("deleteOnRemove: false must keep the topic")
	}
}

func TestManagedReconcilerConflictCondition(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	if _, err := e.admin().CreateTopic(context.Background(), 1, 1, nil, "orders-events"); err != nil {
		t.Fatal(err)
	}
	cr := ordersEvents()
	cr.UID = "orders-uid"
	kube, reconcileOnce := runReconciler(t, e, cr)
	reconcileOnce("orders-events")
	got := get(t, kube, "orders-events")
	c := got.GetCondition(xpv2.TypeSynced)
	if c.Status != "False" || !strings.Contains(c.Message, `topic "orders-events" already exists on the broker and was not created by this RivvenTopic`) {
		t.Errorf("Synced = %s %q, want False naming the conflict", c.Status, c.Message)
	}
	if bt, _ := e.brokerTopic("orders-events"); bt.Partitions != 1 || len(bt.Configs) != 0 {
		t.Errorf("foreign topic changed: %+v", bt)
	}
}
