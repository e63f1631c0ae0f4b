package topic

import (
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// Setup adds the RivvenTopic controller to the manager. pool is shared by
// every reconcile, so all topics of a cluster use one client and one
// observation per poll interval.
func Setup(mgr ctrl.Manager, o controller.Options, pool *admin.Pool) error {
	name := managed.ControllerName(v1alpha1.RivvenTopicGroupKind)
	r := NewReconciler(mgr, o, pool, event.NewAPIRecorder(mgr.GetEventRecorderFor(name)))
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		For(&v1alpha1.RivvenTopic{}).
		Complete(r)
}

// NewReconciler returns crossplane-runtime's managed reconciler wired to
// the RivvenTopic connector. It only needs the manager's client and scheme.
func NewReconciler(mgr manager.Manager, o controller.Options, pool *admin.Pool, rec event.Recorder) *managed.Reconciler {
	name := managed.ControllerName(v1alpha1.RivvenTopicGroupKind)
	conn := &Connector{
		Kube: mgr.GetClient(),
		// Uncached: the manager's cache would start an informer on
		// every Secret of the watched namespaces at the first read.
		// A provider config's Secrets are read when its topics connect.
		Secrets:   mgr.GetAPIReader(),
		Usage:     resource.NewProviderConfigUsageTracker(mgr.GetClient(), &pcv1alpha1.ProviderConfigUsage{}),
		Pool:      pool,
		Recorder:  rec,
		SecretTTL: o.PollInterval,
	}
	return managed.NewReconciler(mgr,
		resource.ManagedKind(v1alpha1.RivvenTopicGroupVersionKind),
		managed.WithTypedExternalConnector[*v1alpha1.RivvenTopic](conn),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		managed.WithRecorder(rec),
		managed.WithPollInterval(o.PollInterval),
		// The topic name is spec.topicName or metadata.name, never the
		// external-name annotation, so no name initializer is needed.
		managed.WithInitializers(),
		managed.WithManagementPolicies(),
		managed.WithTimeout(2*time.Minute),
		managed.WithFinalizer(finalizer{kube: mgr.GetClient()}),
	)
}
