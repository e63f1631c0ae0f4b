package topic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// UsageTracker records which provider config a resource uses.
type UsageTracker interface {
	Track(ctx context.Context, mg resource.ModernManaged) error
}

// Connector connects RivvenTopics to their cluster's cached admin client.
type Connector struct {
	// Kube reads provider configs, from the manager's cache.
	Kube client.Client
	// Secrets reads the Secrets provider configs name. It should not be
	// a cache: a cached client would keep every Secret of the watched
	// namespaces in the provider's memory.
	Secrets  client.Reader
	Usage    UsageTracker
	Pool     *admin.Pool
	Recorder event.Recorder
	// SecretTTL is how long a provider config's resolved Secrets are
	// reused (normally the poll interval); 0 reads them on every connect.
	SecretTTL time.Duration

	connsOnce sync.Once
	conns     *connections
}

// connections returns the connector's cache of resolved provider configs,
// nil when SecretTTL is 0.
func (c *Connector) connections() *connections {
	c.connsOnce.Do(func() {
		if c.SecretTTL > 0 {
			c.conns = &connections{ttl: c.SecretTTL, now: time.Now}
		}
	})
	return c.conns
}

// withEffectiveRef reports the provider config actually used (which
// clusterRef may select) to the usage tracker, so a cluster's ProviderConfig
// cannot be deleted while topics still use it.
type withEffectiveRef struct {
	*v1alpha1.RivvenTopic
	ref *xpv2.ProviderConfigReference
}

func (w withEffectiveRef) GetProviderConfigReference() *xpv2.ProviderConfigReference { return w.ref }

// Connect implements managed.TypedExternalConnector.
func (c *Connector) Connect(ctx context.Context, cr *v1alpha1.RivvenTopic) (managed.TypedExternalClient[*v1alpha1.RivvenTopic], error) {
	if meta.WasDeleted(cr) && !cr.Spec.DeleteOnRemove {
		// The topic stays, so the broker is not needed: the resource is
		// released even when its cluster or ProviderConfig is already gone.
		return releaser{}, nil
	}
	ref := EffectiveProviderConfigRef(cr)
	if c.Usage != nil && ref != nil && !meta.WasDeleted(cr) {
		if err := c.Usage.Track(ctx, withEffectiveRef{RivvenTopic: cr, ref: ref}); err != nil {
			return nil, fmt.Errorf("cannot track provider config usage: %w", err)
		}
	}
	secrets := c.Secrets
	if secrets == nil {
		secrets = c.Kube
	}
	conn, pc, err := resolveConnection(ctx, c.Kube, secrets, c.connections(), cr.GetNamespace(), ref)
	if meta.WasDeleted(cr) && (pc.Deleting || (err != nil && apierrors.IsNotFound(err))) {
		// The cluster is going away with its provider config (deleting a
		// RivvenCluster deletes both, and its brokers with them): there
		// is no broker left to delete the topic from, and waiting for one
		// would hold the finalizer forever. The resource is released and
		// the event says the topic was not deleted.
		c.record(cr, event.Warning(reasonReleased, fmt.Errorf(
			"spec.deleteOnRemove is true but provider config %s is gone or being deleted, so topic %q was not deleted from the broker; the resource is released", pc.Key, cr.KafkaTopicName())))
		return releaser{}, nil
	}
	if err != nil {
		return nil, err
	}
	cl, err := c.Pool.Get(pc.Key, conn)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s: %w", pc.Key, err)
	}
	return &External{Cluster: cl, BootstrapServers: strings.Join(conn.BootstrapServers, ","), Recorder: c.Recorder}, nil
}

// reasonReleased is the event reason of a resource released without
// deleting its topic.
const reasonReleased event.Reason = "ReleasedWithoutDelete"

func (c *Connector) record(cr *v1alpha1.RivvenTopic, e event.Event) {
	if c.Recorder != nil {
		c.Recorder.Event(cr, e)
	}
}

// External manages one topic through its cluster's shared client.
type External struct {
	Cluster *admin.Cluster
	// Recorder receives a Warning when part of the spec turns out not to
	// be held by the broker.
	Recorder event.Recorder
	// BootstrapServers are published, with the topic name, to the
	// resource's connection Secret when writeConnectionSecretToRef is set,
	// so applications can read where their topic lives. Neither is secret.
	BootstrapServers string
}

// Disconnect implements managed.TypedExternalClient. Clients are shared and
// cached, so there is nothing to close per reconcile.
func (e *External) Disconnect(context.Context) error { return nil }

// owned reports whether this resource may manage an existing topic: it
// created it, the user asked to adopt it, or the resource may not create
// topics at all (for example managementPolicies ["Observe"]), which is how
// existing topics are imported.
func owned(cr *v1alpha1.RivvenTopic) bool {
	if !meta.GetExternalCreateSucceeded(cr).IsZero() {
		return true
	}
	if cr.GetAnnotations()[v1alpha1.AnnotationAdopt] == "true" {
		return true
	}
	p := cr.GetManagementPolicies()
	return len(p) > 0 && !slices.Contains(p, xpv2.ManagementActionAll) && !slices.Contains(p, xpv2.ManagementActionCreate)
}

// Observe implements managed.TypedExternalClient.
func (e *External) Observe(ctx context.Context, cr *v1alpha1.RivvenTopic) (managed.ExternalObservation, error) {
	name := cr.KafkaTopicName()
	obs, exists, cluster, err := e.Cluster.Observe(ctx, name)
	if err != nil {
		// Never report "does not exist" on an error: that would make the
		// reconciler create the topic again, or forget it while deleting.
		return managed.ExternalObservation{}, fmt.Errorf("cannot observe topic %q: %w", name, err)
	}
	if !exists {
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if !owned(cr) {
		if meta.WasDeleted(cr) {
			// Not ours: let the resource go and leave the topic alone.
			return managed.ExternalObservation{ResourceExists: false}, nil
		}
		return managed.ExternalObservation{}, fmt.Errorf(
			"topic %q already exists on the broker and was not created by this RivvenTopic; it is left untouched. "+
				"To manage it, annotate the RivvenTopic with %s=\"true\", or set spec.managementPolicies to [\"Observe\"] to only observe it",
			name, v1alpha1.AnnotationAdopt)
	}
	cr.Status.AtProvider = atProvider(obs)
	if meta.WasDeleted(cr) {
		// The reconciler calls Delete only while the topic exists; when
		// the topic is to stay, say it is gone so the resource is released.
		return managed.ExternalObservation{ResourceExists: cr.Spec.DeleteOnRemove}, nil
	}
	cr.SetConditions(xpv2.Available())

	adm := e.Cluster.Admin()
	desired, err := Desired(cr, adm.Validate)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	if cluster.ACLsUnsupported && len(desired.ACLs) > 0 {
		return managed.ExternalObservation{}, errors.New("spec.acls is set but the broker has no authorizer (it reports security disabled), so it cannot hold ACLs")
	}
	if cluster.ACLsUnsupported {
		obs.ACLs = nil
	}
	plan := adm.Plan(desired, obs)
	e.report(cr, desired, obs, plan)
	return managed.ExternalObservation{
		ResourceExists:   true,
		ResourceUpToDate: plan.Empty(),
		Diff:             plan.Summary(),
		ConnectionDetails: managed.ConnectionDetails{
			"topic":            []byte(name),
			"bootstrapServers": []byte(e.BootstrapServers),
		},
	}, nil
}

// Create implements managed.TypedExternalClient. It creates the topic with
// its configs in one atomic request; ACLs follow on the next reconcile,
// through Update, so a failed ACL never leaves a half-created resource
// that looks foreign.
func (e *External) Create(ctx context.Context, cr *v1alpha1.RivvenTopic) (managed.ExternalCreation, error) {
	adm := e.Cluster.Admin()
	desired, err := Desired(cr, adm.Validate)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	id, err := adm.CreateTopic(ctx, desired)
	e.Cluster.Changed(desired.Name)
	if errors.Is(err, admin.ErrTopicExists) {
		return managed.ExternalCreation{}, fmt.Errorf(
			"topic %q already exists on the broker and was not created by this RivvenTopic; it is left untouched. "+
				"To manage it, annotate the RivvenTopic with %s=\"true\"", desired.Name, v1alpha1.AnnotationAdopt)
	}
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	cr.Status.AtProvider.TopicName = desired.Name
	cr.Status.AtProvider.TopicID = id
	return managed.ExternalCreation{}, nil
}

// Update implements managed.TypedExternalClient. A plan with a refused
// change (partition shrink, replication factor change) is not applied at
// all; the error names what was refused and why.
func (e *External) Update(ctx context.Context, cr *v1alpha1.RivvenTopic) (managed.ExternalUpdate, error) {
	adm := e.Cluster.Admin()
	desired, err := Desired(cr, adm.Validate)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	obs, exists, _, err := e.Cluster.Observe(ctx, desired.Name)
	if err != nil {
		return managed.ExternalUpdate{}, fmt.Errorf("cannot observe topic %q: %w", desired.Name, err)
	}
	if !exists {
		return managed.ExternalUpdate{}, fmt.Errorf("topic %q disappeared before it could be updated", desired.Name)
	}
	plan := adm.Plan(desired, obs)
	if err := plan.RefusedError(); err != nil {
		return managed.ExternalUpdate{}, err
	}
	if plan.Empty() {
		return managed.ExternalUpdate{}, nil
	}
	err = adm.Apply(ctx, desired.Name, plan)
	e.Cluster.Changed(desired.Name)
	return managed.ExternalUpdate{}, err
}

// Delete implements managed.TypedExternalClient. The topic and its ACLs are
// deleted only when spec.deleteOnRemove is true.
func (e *External) Delete(ctx context.Context, cr *v1alpha1.RivvenTopic) (managed.ExternalDelete, error) {
	if !cr.Spec.DeleteOnRemove {
		return managed.ExternalDelete{}, nil
	}
	name := cr.KafkaTopicName()
	err := e.Cluster.Admin().DeleteTopic(ctx, name)
	e.Cluster.Changed(name)
	return managed.ExternalDelete{}, err
}

// releaser lets a deleted resource go without touching the broker.
type releaser struct{}

func (releaser) Observe(context.Context, *v1alpha1.RivvenTopic) (managed.ExternalObservation, error) {
	return managed.ExternalObservation{ResourceExists: false}, nil
}

func (releaser) Create(context.Context, *v1alpha1.RivvenTopic) (managed.ExternalCreation, error) {
	return managed.ExternalCreation{}, nil
}

func (releaser) Update(context.Context, *v1alpha1.RivvenTopic) (managed.ExternalUpdate, error) {
	return managed.ExternalUpdate{}, nil
}

func (releaser) Delete(context.Context, *v1alpha1.RivvenTopic) (managed.ExternalDelete, error) {
	return managed.ExternalDelete{}, nil
}

func (releaser) Disconnect(context.Context) error { return nil }

func atProvider(t admin.Topic) v1alpha1.RivvenTopicObservation {
	o := v1alpha1.RivvenTopicObservation{
		TopicName:         t.Name,
		TopicID:           t.ID,
		Partitions:        t.Partitions,
		ReplicationFactor: t.ReplicationFactor,
	}
	if len(t.Configs) > 0 {
		o.Configs = make(map[string]string, len(t.Configs))
		for k, v := range t.Configs {
			o.Configs[k] = v
		}
	}
	for _, a := range t.ACLs {
		o.ACLs = append(o.ACLs, v1alpha1.ObservedACL{Principal: a.Principal, Host: a.Host, Operation: a.Operation, PermissionType: a.Permission})
	}
	return o
}
