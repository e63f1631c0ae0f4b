package kubecache

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
)

func TestOptionsStripManagedFields(t *testing.T) {
	o := Options("")
	if o.DefaultTransform == nil {
		t.Fatal("no DefaultTransform: cached objects would keep their managedFields")
	}
	in := &v1alpha1.RivvenTopic{ObjectMeta: metav1.ObjectMeta{
		Name:          "orders",
		Labels:        map[string]string{"team": "payments"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
	}}
	out, err := o.DefaultTransform(in)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(runtime.Object).(*v1alpha1.RivvenTopic)
	if got.ManagedFields != nil {
		t.Errorf("managedFields kept: %v", got.ManagedFields)
	}
	if got.Name != "orders" || got.Labels["team"] != "payments" {
		t.Errorf("transform changed more than managedFields: %+v", got.ObjectMeta)
	}
}

func TestOptionsNamespace(t *testing.T) {
	if o := Options(""); o.DefaultNamespaces != nil {
		t.Errorf("no namespace: DefaultNamespaces = %v, want nil (all namespaces)", o.DefaultNamespaces)
	}
	o := Options("team-a")
	if _, ok := o.DefaultNamespaces["team-a"]; !ok || len(o.DefaultNamespaces) != 1 {
		t.Errorf("DefaultNamespaces = %v, want only team-a", o.DefaultNamespaces)
	}
	if o.DefaultTransform == nil {
		t.Error("a namespace must not drop the managedFields transform")
	}
}
