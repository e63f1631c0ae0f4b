// Package config runs the provider config controllers, which count the
// resources using each ProviderConfig and ClusterProviderConfig and keep a
// config from being deleted while it is in use.
package config

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/providerconfig"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// Setup adds the ProviderConfig and ClusterProviderConfig controllers.
// RivvenTopics are namespaced, so their usages are namespaced
// ProviderConfigUsages for both kinds (labelled with the kind they use);
// ClusterProviderConfigUsage is kept in the API for cluster-scoped users.
func Setup(mgr ctrl.Manager, o controller.Options) error {
	if err := setup(mgr, o, "providerconfig/"+v1alpha1.Group, &v1alpha1.ProviderConfig{}, &v1alpha1.ProviderConfigUsage{}, resource.ProviderConfigKinds{
		Config:    v1alpha1.ProviderConfigGroupVersionKind,
		Usage:     v1alpha1.ProviderConfigUsageGroupVersionKind,
		UsageList: v1alpha1.ProviderConfigUsageListGroupVersionKind,
	}); err != nil {
		return err
	}
	return setup(mgr, o, "clusterproviderconfig/"+v1alpha1.Group, &v1alpha1.ClusterProviderConfig{}, &v1alpha1.ProviderConfigUsage{}, resource.ProviderConfigKinds{
		Config:    v1alpha1.ClusterProviderConfigGroupVersionKind,
		Usage:     v1alpha1.ProviderConfigUsageGroupVersionKind,
		UsageList: v1alpha1.ProviderConfigUsageListGroupVersionKind,
	})
}

func setup(mgr ctrl.Manager, o controller.Options, name string, of resource.Object, usage resource.Object, kinds resource.ProviderConfigKinds) error {
	r := providerconfig.NewReconciler(uncopiedLists{mgr}, kinds,
		providerconfig.WithLogger(o.Logger.WithValues("controller", name)),
		providerconfig.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name))))
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		For(of, builder.WithPredicates(notOwnStatus)).
		Watches(usage, settledUsageHandler{of: &resource.EnqueueRequestForProviderConfig{Kind: kinds.Config.Kind}, delay: usageSettle}).
		Complete(r)
}
