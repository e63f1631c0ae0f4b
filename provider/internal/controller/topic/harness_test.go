package topic

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

	"github.com/rivven/crossplane-rivven/apis"
	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/kafka"
)

const ns = "default"

// env is one in-process Kafka cluster (kfake, three brokers, a real wire
// protocol server on loopback), a fake Kubernetes API holding the
// ProviderConfig and Secrets, and the provider's connector with its pool.
type env struct {
	t       *testing.T
	cluster *kfake.Cluster
	kube    client.Client
	pool    *admin.Pool
	clock   *clock
	conn    *Connector

	mu     sync.Mutex
	counts map[int16]int
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newEnv starts kfake with opts. pc is the ProviderConfig spec to use; its
// bootstrap servers are filled in. objs are extra objects (Secrets).
func newEnv(t *testing.T, pc pcv1alpha1.ProviderConfigSpec, kopts []kfake.Opt, objs ...client.Object) *env {
	t.Helper()
	e := &env{t: t, counts: map[int16]int{}, clock: &clock{now: time.Unix(1_700_000_000, 0)}}
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, kopts...)...)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	e.cluster = c
	// Count every request by key without handling it.
	c.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		e.mu.Lock()
		e.counts[req.Key()]++
		e.mu.Unlock()
		return nil, nil, false
	})

	pc.BootstrapServers = c.ListenAddrs()
	if pc.Protocol == "" {
		pc.Protocol = pcv1alpha1.ProtocolKafka // kfake is a Kafka-compatible broker
	}
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := apis.AddToProviderScheme(s); err != nil {
		t.Fatal(err)
	}
	objs = append(objs, &pcv1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "production"}, Spec: pc})
	e.kube = fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
	e.pool = admin.NewPool(time.Minute, kafka.Factory(time.Minute), admin.WithClock(e.clock.Now))
	t.Cleanup(e.pool.Close)
	e.conn = &Connector{Kube: e.kube, Pool: e.pool}
	return e
}

func (e *env) requests(key int16) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[key]
}

func (e *env) resetCounts() {
	e.mu.Lock()
	defer e.mu.Unlock()
	clear(e.counts)
}

// superAdmin is an independent admin client that checks what the broker
// really holds and makes out-of-band changes.
func (e *env) admin(opts ...kgo.Opt) *kadm.Client {
	e.t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.cluster.ListenAddrs()...)}, opts...)...)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

func (e *env) external(cr *v1alpha1.RivvenTopic) *External {
	e.t.Helper()
	ext, err := e.conn.Connect(context.Background(), cr)
	if err != nil {
		e.t.Fatalf("Connect: %v", err)
	}
	return ext.(*External)
}

// reconcile does what crossplane-runtime's managed reconciler does for one
// pass: observe, then create or update, recording a successful create.
// It returns the observation and the error the reconciler would surface as
// the Synced condition.
func (e *env) reconcile(cr *v1alpha1.RivvenTopic) (managed.ExternalObservation, error) {
	e.t.Helper()
	ctx := context.Background()
	ext, err := e.conn.Connect(ctx, cr)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	obs, err := ext.Observe(ctx, cr)
	if err != nil {
		return obs, err
	}
	switch {
	case meta.WasDeleted(cr):
		if obs.ResourceExists {
			_, err = ext.Delete(ctx, cr)
		}
	case !obs.ResourceExists:
		if _, err = ext.Create(ctx, cr); err == nil {
			meta.SetExternalCreateSucceeded(cr, e.clock.Now())
		}
	case !obs.ResourceUpToDate:
		_, err = ext.Update(ctx, cr)
	}
	return obs, err
}

// converge reconciles until the topic is up to date, failing after a few
// passes: creating a topic takes two (create, then ACLs).
func (e *env) converge(cr *v1alpha1.RivvenTopic) {
	e.t.Helper()
	var last string
	for range 4 {
		obs, err := e.reconcile(cr)
		last = obs.Diff
		if err != nil {
			e.t.Fatalf("reconcile: %v", err)
		}
		if obs.ResourceExists && obs.ResourceUpToDate {
			return
		}
	}
	e.t.Fatalf("topic %q did not converge; last difference: %s", cr.KafkaTopicName(), last)
}

func topic(name string, mod ...func(*v1alpha1.RivvenTopic)) *v1alpha1.RivvenTopic {
	cr := &v1alpha1.RivvenTopic{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: "uid-" + "x"},
		Spec: v1alpha1.RivvenTopicSpec{RivvenTopicParameters: v1alpha1.RivvenTopicParameters{
			ClusterRef:        &v1alpha1.ClusterReference{Name: "production"},
			Partitions:        ptr[int32](3),
			ReplicationFactor: ptr[int32](3),
		}},
	}
	for _, m := range mod {
		m(cr)
	}
	return cr
}

// brokerTopic reads a topic back with a fresh, independent kadm client, so
// checks never rely on the provider's own observation code or on a cache.
func (e *env) brokerTopic(name string, opts ...kgo.Opt) (admin.Topic, bool) {
	e.t.Helper()
	ctx := context.Background()
	adm := e.admin(opts...)
	tds, err := adm.ListTopics(ctx, name)
	if err != nil {
		e.t.Fatalf("list %q: %v", name, err)
	}
	td, ok := tds[name]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return admin.Topic{}, false
	}
	out := admin.Topic{Name: name, ID: td.ID.String(), Partitions: int32(len(td.Partitions)), ReplicationFactor: int32(len(td.Partitions[0].Replicas)), Configs: map[string]string{}}
	rcs, err := adm.DescribeTopicConfigs(ctx, name)
	if err != nil {
		e.t.Fatalf("configs %q: %v", name, err)
	}
	for _, rc := range rcs {
		for _, c := range rc.Configs {
			if c.Source == kmsg.ConfigSourceDynamicTopicConfig {
				out.Configs[c.Key] = *c.Value
			}
		}
	}
	res, err := adm.DescribeACLs(ctx, kadm.NewACLs().Topics(name).ResourcePatternType(kadm.ACLPatternLiteral).
		Allow().AllowHosts().Deny().DenyHosts().Operations(kadm.OpAny))
	if err != nil {
		e.t.Fatalf("acls %q: %v", name, err)
	}
	for _, r := range res {
		for _, d := range r.Described {
			perm := admin.PermissionAllow
			if d.Permission == kmsg.ACLPermissionTypeDeny {
				perm = admin.PermissionDeny
			}
			op := kafkaOps[d.Operation.String()]
			out.ACLs = append(out.ACLs, admin.ACL{Principal: d.Principal, Host: d.Host, Operation: op, Permission: perm})
		}
	}
	out.ACLs = admin.SortACLs(out.ACLs)
	return out, true
}

// kafkaOps spells Kafka's operation names the way RivvenTopic specs do.
var kafkaOps = map[string]string{
	"ALL": "All", "READ": "Read", "WRITE": "Write", "CREATE": "Create", "DELETE": "Delete",
	"ALTER": "Alter", "DESCRIBE": "Describe", "DESCRIBE_CONFIGS": "DescribeConfigs", "ALTER_CONFIGS": "AlterConfigs",
}
