package config

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

func TestNotOwnStatus(t *testing.T) {
	base := func() *v1alpha1.ProviderConfig {
		return &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "prod", Generation: 1, ResourceVersion: "10", Finalizers: []string{"in-use.crossplane.io"}}}
	}
	now := metav1.Now()
	for _, tc := range []struct {
		what string
		edit func(*v1alpha1.ProviderConfig)
		want bool
	}{
		{"status only", func(p *v1alpha1.ProviderConfig) { p.ResourceVersion = "11"; p.Status.Users = 7 }, false},
		{"spec", func(p *v1alpha1.ProviderConfig) { p.Generation = 2; p.Spec.BootstrapServers = []string{"b:9092"} }, true},
		{"deleted", func(p *v1alpha1.ProviderConfig) { p.DeletionTimestamp = &now }, true},
		{"finalizer removed", func(p *v1alpha1.ProviderConfig) { p.Finalizers = nil }, true},
	} {
		n := base()
		tc.edit(n)
		if got := notOwnStatus.Update(event.UpdateEvent{ObjectOld: base(), ObjectNew: n}); got != tc.want {
			t.Errorf("%s: reconcile = %v, want %v", tc.what, got, tc.want)
		}
	}
	if !notOwnStatus.Create(event.CreateEvent{Object: base()}) || !notOwnStatus.Delete(event.DeleteEvent{Object: base()}) {
		t.Error("creates and deletes must always reconcile")
	}
}
