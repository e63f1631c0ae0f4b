package config

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
)

// usageSettle is how long a change of a usage waits before its provider
// config is reconciled. Every RivvenTopic has a usage, and each reconcile
// of a provider config lists all of its usages: without a delay, creating
// N topics reconciles the config up to N times and lists O(N²) usages
// (at 10,000 topics this was a third of the provider's allocations). With
// it, a config is reconciled at most once per usageSettle however many
// usages change, and its usage count (and the release of a deleted config)
// lags by at most as long.
const usageSettle = 3 * time.Second

// settledUsageHandler enqueues the provider config of a created, updated or
// deleted usage, as crossplane-runtime's EnqueueRequestForProviderConfig
// does, but after usageSettle. The work queue keeps the earliest time an
// item is due, so usages changing meanwhile add no reconciles.
type settledUsageHandler struct {
	of    *resource.EnqueueRequestForProviderConfig
	delay time.Duration
}

var _ handler.EventHandler = settledUsageHandler{}

func (h settledUsageHandler) Create(ctx context.Context, e event.CreateEvent, q resource.RateLimitingInterface) {
	h.of.Create(ctx, e, delayed{q, h.delay})
}

func (h settledUsageHandler) Update(ctx context.Context, e event.UpdateEvent, q resource.RateLimitingInterface) {
	h.of.Update(ctx, e, delayed{q, h.delay})
}

func (h settledUsageHandler) Delete(ctx context.Context, e event.DeleteEvent, q resource.RateLimitingInterface) {
	h.of.Delete(ctx, e, delayed{q, h.delay})
}

func (h settledUsageHandler) Generic(ctx context.Context, e event.GenericEvent, q resource.RateLimitingInterface) {
	h.of.Generic(ctx, e, delayed{q, h.delay})
}

// delayed turns the handler's Add into AddAfter.
type delayed struct {
	resource.RateLimitingInterface
	after time.Duration
}

func (d delayed) Add(r reconcile.Request) { d.AddAfter(r, d.after) }

// uncopiedLists is the manager as the provider config reconciler sees it:
// its client lists from the cache without deep-copying every item. The
// reconciler only counts the usages it lists and reads their controller
// reference (deleting a usage that has none), and never modifies them, so
// sharing the cached objects is safe; a deep copy of every usage of a
// config on each reconcile is not needed.
type uncopiedLists struct{ manager.Manager }

func (m uncopiedLists) GetClient() client.Client { return uncopiedListClient{m.Manager.GetClient()} }

type uncopiedListClient struct{ client.Client }

func (c uncopiedListClient) List(ctx context.Context, l client.ObjectList, opts ...client.ListOption) error {
	return c.Client.List(ctx, l, append(opts, client.UnsafeDisableDeepCopy)...)
}
