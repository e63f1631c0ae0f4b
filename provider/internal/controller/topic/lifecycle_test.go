package topic

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/kafka"
)

// ordersEvents is the product documentation's RivvenTopic.
func ordersEvents() *v1alpha1.RivvenTopic {
	return topic("orders-events", func(cr *v1alpha1.RivvenTopic) {
		cr.Spec.Partitions = ptr[int32](12)
		cr.Spec.ReplicationFactor = ptr[int32](3)
		cr.Spec.Config = &v1alpha1.TopicConfig{
			RetentionMs:       ptr(int64(604800000)),
			CleanupPolicy:     ptr(v1alpha1.CleanupPolicy("delete")),
			CompressionType:   ptr(v1alpha1.CompressionType("lz4")),
			MinInsyncReplicas: ptr(int32(2)),
		}
		cr.Spec.ACLs = []v1alpha1.ACL{
			{Principal: "user:order-service", Operations: []v1alpha1.ACLOperation{"Read", "Write"}},
			{Principal: "user:analytics", Operations: []v1alpha1.ACLOperation{"Read"}},
		}
	})
}

func allow(p, op string) admin.ACL {
	return admin.ACL{Principal: p, Host: "*", Operation: op, Permission: admin.PermissionAllow}
}

var wantOrdersACLs = []admin.ACL{
	allow("User:analytics", "Read"),
	allow("User:order-service", "Read"),
	allow("User:order-service", "Write"),
}

var wantOrdersConfigs = map[string]string{
	"retention.ms": "604800000", "cleanup.policy": "delete", "compression.type": "lz4", "min.insync.replicas": "2",
}

func TestCreateObserveDelete(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	cr.Spec.DeleteOnRemove = true
	e.converge(cr)

	got, ok := e.brokerTopic("orders-events")
	if !ok {
		t.Fatal("topic was not created")
	}
	want := admin.Topic{Name: "orders-events", ID: got.ID, Partitions: 12, ReplicationFactor: 3, Configs: wantOrdersConfigs, ACLs: wantOrdersACLs}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("broker topic -want +got:\n%s", diff)
	}
	if got.ID == "" || got.ID == (kadm.TopicID{}).String() {
		t.Errorf("topic has no id: %q", got.ID)
	}
	ap := cr.Status.AtProvider
	wantAP := v1alpha1.RivvenTopicObservation{TopicName: "orders-events", TopicID: got.ID, Partitions: 12, ReplicationFactor: 3, Configs: wantOrdersConfigs,
		ACLs: []v1alpha1.ObservedACL{
			{Principal: "User:analytics", Host: "*", Operation: "Read", PermissionType: "Allow"},
			{Principal: "User:order-service", Host: "*", Operation: "Read", PermissionType: "Allow"},
			{Principal: "User:order-service", Host: "*", Operation: "Write", PermissionType: "Allow"},
		}}
	if diff := cmp.Diff(wantAP, ap); diff != "" {
		t.Errorf("status.atProvider -want +got:\n%s", diff)
	}
	if c := cr.GetCondition(xpv2.TypeReady); c.Status != "True" {
		t.Errorf("Ready = %v, want True", c.Status)
	}
	obs, err := e.reconcile(cr)
	if err != nil {
		t.Fatal(err)
	}
	wantDetails := map[string]string{"topic": "orders-events", "bootstrapServers": strings.Join(e.cluster.ListenAddrs(), ",")}
	gotDetails := map[string]string{}
	for k, v := range obs.ConnectionDetails {
		gotDetails[k] = string(v)
	}
	if diff := cmp.Diff(wantDetails, gotDetails); diff != "" {
		t.Errorf("connection details -want +got:\n%s", diff)
	}

	now := metav1.Now()
	cr.SetDeletionTimestamp(&now)
	if _, err := e.reconcile(cr); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, ok := e.brokerTopic("orders-events"); ok {
		t.Error("deleteOnRemove: true must delete the topic")
	}
	res, err := e.admin().DescribeACLs(context.Background(), kadm.NewACLs().Topics("orders-events").Allow().AllowHosts().Deny().DenyHosts().Operations(kadm.OpAny))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if len(r.Described) > 0 {
			t.Errorf("ACLs left after delete: %+v", r.Described)
		}
	}
	obs, err = e.reconcile(cr)
	if err != nil || obs.ResourceExists {
		t.Errorf("after delete: exists=%v err=%v, want gone", obs.ResourceExists, err)
	}
}

func TestDeleteOnRemoveFalseKeepsTopic(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := ordersEvents()
	e.converge(cr)
	now := metav1.Now()
	cr.SetDeletionTimestamp(&now)
	obs, err := e.reconcile(cr)
	if err != nil {
		t.Fatal(err)
	}
	if obs.ResourceExists {
		t.Error("a topic that stays must be reported gone so the resource is released")
	}
	got, ok := e.brokerTopic("orders-events")
	if !ok || len(got.ACLs) != 3 {
		t.Errorf("topic and ACLs must stay: exists=%v acls=%v", ok, got.ACLs)
	}
}

// TestDrift changes the topic out of band in every way and checks the
// provider notices (not up to date) and repairs exactly that.
func TestDrift(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		oob  func(t *testing.T, adm *kadm.Client)
		spec func(cr *v1alpha1.RivvenTopic)
	}{
		"ConfigValueChanged": {oob: func(t *testing.T, adm *kadm.Client) {
			alter(t, adm, kadm.AlterConfig{Op: kadm.SetConfig, Name: "retention.ms", Value: ptr("1000")})
		}},
		"CompressionChanged": {oob: func(t *testing.T, adm *kadm.Client) {
			alter(t, adm, kadm.AlterConfig{Op: kadm.SetConfig, Name: "compression.type", Value: ptr("gzip")})
		}},
		"ConfigKeyDeleted": {oob: func(t *testing.T, adm *kadm.Client) {
			alter(t, adm, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: "min.insync.replicas"})
		}},
		"ConfigKeyAdded": {oob: func(t *testing.T, adm *kadm.Client) {
			alter(t, adm, kadm.AlterConfig{Op: kadm.SetConfig, Name: "segment.ms", Value: ptr("60000")})
		}},
		"ACLAdded": {oob: func(t *testing.T, adm *kadm.Client) {
			if _, err := adm.CreateACLs(ctx, kadm.NewACLs().Topics("orders-events").Allow("User:intruder").Operations(kadm.OpWrite)); err != nil {
				t.Fatal(err)
			}
		}},
		"ACLRemoved": {oob: func(t *testing.T, adm *kadm.Client) {
			if _, err := adm.DeleteACLs(ctx, kadm.NewACLs().Topics("orders-events").Allow("User:analytics").AllowHosts().Operations(kadm.OpRead)); err != nil {
				t.Fatal(err)
			}
		}},
		"SpecPartitionsGrow": {spec: func(cr *v1alpha1.RivvenTopic) { cr.Spec.Partitions = ptr[int32](24) }},
		"SpecConfigKeyRemoved": {spec: func(cr *v1alpha1.RivvenTopic) {
			cr.Spec.Config.CompressionType = nil
		}},
		"SpecAdditionalConfig": {spec: func(cr *v1alpha1.RivvenTopic) {
			cr.Spec.Config.AdditionalConfig = map[string]string{"delete.retention.ms": "1000"}
		}},
		"SpecDenyAdded": {spec: func(cr *v1alpha1.RivvenTopic) {
			cr.Spec.ACLs = append(cr.Spec.ACLs, v1alpha1.ACL{Principal: "User:contractor", Operations: []v1alpha1.ACLOperation{"Write"}, PermissionType: "Deny", Host: "10.0.0.1"})
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
			cr := ordersEvents()
			e.converge(cr)
			if tc.oob != nil {
				tc.oob(t, e.admin())
			}
			if tc.spec != nil {
				tc.spec(cr)
			}
			// The next poll: the shared observation has expired.
			e.clock.Advance(2 * time.Minute)
			obs, err := e.reconcile(cr)
			if err != nil {
				t.Fatalf("reconcile: %v", err)
			}
			if obs.ResourceUpToDate {
				t.Fatal("drift was not detected")
			}
			e.converge(cr)
			want, err := Desired(cr, kafka.ValidateConfig)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := e.brokerTopic("orders-events")
			want.ID = got.ID
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("after repair, broker -want +got:\n%s", diff)
			}
		})
	}
}

func alter(t *testing.T, adm *kadm.Client, c kadm.AlterConfig) {
	t.Helper()
	rs, err := adm.AlterTopicConfigs(context.Background(), []kadm.AlterConfig{c}, "orders-events")
	if err == nil {
		for _, r := range rs {
			err = r.Err
		}
	}
	if err != nil {
		t.Fatalf("out-of-band alter: %v", err)
	}
}

// TestRefusals: a partition shrink or replication change is reported and
// nothing at all is sent, not even the safe parts of the same change.
func TestRefusals(t *testing.T) {
	cases := map[string]struct {
		spec    func(cr *v1alpha1.RivvenTopic)
		wantErr string
	}{
		"Shrink":   {spec: func(cr *v1alpha1.RivvenTopic) { cr.Spec.Partitions = ptr[int32](6) }, wantErr: "Kafka cannot remove partitions"},
		"RFChange": {spec: func(cr *v1alpha1.RivvenTopic) { cr.Spec.ReplicationFactor = ptr[int32](2) }, wantErr: "spec.replicationFactor is 2 but topic \"orders-events\" has replication factor 3"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
			cr := ordersEvents()
			e.converge(cr)
			before, _ := e.brokerTopic("orders-events")
			tc.spec(cr)
			cr.Spec.Config.RetentionMs = ptr(int64(1)) // a safe change that must not be applied either
			e.resetCounts()
			_, err := e.reconcile(cr)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "nothing was applied") {
				t.Fatalf("reconcile error = %v, want one containing %q", err, tc.wantErr)
			}
			after, _ := e.brokerTopic("orders-events")
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("broker changed -before +after:\n%s", diff)
			}
			for _, key := range []int16{37, 44, 33} {
				if n := e.requests(key); n != 0 {
					t.Errorf("request key %d sent %d times, want none", key, n)
				}
			}
		})
	}
}

func TestAdoption(t *testing.T) {
	ctx := context.Background()
	seed := func(e *env) {
		if _, err := e.admin().CreateTopic(ctx, 4, 3, map[string]*string{"retention.ms": ptr("5000")}, "orders-events"); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("ConflictLeavesTopicAlone", func(t *testing.T) {
		e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
		seed(e)
		before, _ := e.brokerTopic("orders-events")
		cr := ordersEvents()
		_, err := e.reconcile(cr)
		if err == nil || !strings.Contains(err.Error(), `topic "orders-events" already exists on the broker and was not created by this RivvenTopic`) {
			t.Fatalf("want adoption conflict, got %v", err)
		}
		after, _ := e.brokerTopic("orders-events")
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("foreign topic changed:\n%s", diff)
		}
		// Deleting the resource releases it without touching the topic,
		// even with deleteOnRemove.
		cr.Spec.DeleteOnRemove = true
		now := metav1.Now()
		cr.SetDeletionTimestamp(&now)
		if obs, err := e.reconcile(cr); err != nil || obs.ResourceExists {
			t.Fatalf("delete of conflicting resource: exists=%v err=%v", obs.ResourceExists, err)
		}
		if _, ok := e.brokerTopic("orders-events"); !ok {
			t.Error("foreign topic was deleted")
		}
	})
	t.Run("AdoptAnnotation", func(t *testing.T) {
		e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
		seed(e)
		cr := ordersEvents()
		cr.Spec.Partitions = ptr[int32](4)
		cr.SetAnnotations(map[string]string{v1alpha1.AnnotationAdopt: "true"})
		e.converge(cr)
		got, _ := e.brokerTopic("orders-events")
		if diff := cmp.Diff(wantOrdersConfigs, got.Configs); diff != "" {
			t.Errorf("adopted topic configs -want +got:\n%s", diff)
		}
	})
	t.Run("ObserveOnlyImports", func(t *testing.T) {
		e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
		seed(e)
		cr := ordersEvents()
		cr.Spec.ManagementPolicies = xpv2.ManagementPolicies{xpv2.ManagementActionObserve}
		ext := e.external(cr)
		obs, err := ext.Observe(ctx, cr)
		if err != nil || !obs.ResourceExists {
			t.Fatalf("observe-only import: exists=%v err=%v", obs.ResourceExists, err)
		}
		if cr.Status.AtProvider.Partitions != 4 || cr.Status.AtProvider.Configs["retention.ms"] != "5000" {
			t.Errorf("status does not reflect the imported topic: %+v", cr.Status.AtProvider)
		}
	})
}

func TestInvalidConfigNeverSent(t *testing.T) {
	cases := map[string]struct {
		cfg     map[string]string
		wantErr string
	}{
		"UnknownKey": {cfg: map[string]string{"retention.msec": "1"}, wantErr: `spec.config.additionalConfig["retention.msec"]: not a Kafka topic configuration key`},
		"BadValue":   {cfg: map[string]string{"delete.retention.ms": "one day"}, wantErr: `spec.config.additionalConfig["delete.retention.ms"]: value "one day" is not a 64-bit integer`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
			cr := ordersEvents()
			cr.Spec.Config.AdditionalConfig = tc.cfg
			e.resetCounts()
			_, err := e.reconcile(cr)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			if n := e.requests(19); n != 0 {
				t.Errorf("CreateTopics sent %d times, want 0", n)
			}
			if _, ok := e.brokerTopic("orders-events"); ok {
				t.Error("topic created despite invalid config")
			}
		})
	}
}

func TestTopicNameOverride(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := topic("legacy-orders", func(cr *v1alpha1.RivvenTopic) { cr.Spec.TopicName = "Legacy_Orders" })
	e.converge(cr)
	if _, ok := e.brokerTopic("Legacy_Orders"); !ok {
		t.Error("spec.topicName was not used as the Kafka name")
	}
	if _, ok := e.brokerTopic("legacy-orders"); ok {
		t.Error("metadata.name was used despite spec.topicName")
	}
}

func TestReleaseWithoutBroker(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := topic("orphan", func(cr *v1alpha1.RivvenTopic) { cr.Spec.ClusterRef.Name = "deleted-cluster" })
	if _, err := e.reconcile(cr); err == nil || !strings.Contains(err.Error(), "cannot get ProviderConfig default/deleted-cluster") {
		t.Fatalf("want an error naming the missing ProviderConfig, got %v", err)
	}
	now := metav1.Now()
	cr.SetDeletionTimestamp(&now)
	if obs, err := e.reconcile(cr); err != nil || obs.ResourceExists {
		t.Errorf("deleting a kept topic must not need the cluster: exists=%v err=%v", obs.ResourceExists, err)
	}
	// A topic to be deleted with its resource, whose cluster went away
	// first (deleting a RivvenCluster deletes its ProviderConfig and its
	// brokers): there is no broker left to delete it from, so it is
	// released, and an event says the topic was not deleted.
	rec := &recorder{}
	e.conn.Recorder = rec
	cr.Spec.DeleteOnRemove = true
	if obs, err := e.reconcile(cr); err != nil || obs.ResourceExists {
		t.Errorf("a topic whose provider config is gone must be released: exists=%v err=%v", obs.ResourceExists, err)
	}
	if len(rec.events) != 1 || !strings.Contains(rec.events[0].Message, `topic "orphan" was not deleted from the broker`) || rec.events[0].Type != event.TypeWarning {
		t.Errorf("events %+v, want one Warning saying the topic was not deleted", rec.events)
	}
}

// A provider config that is itself being deleted releases its deleted
// topics too; one that stays keeps them until the broker answers.
func TestReleaseWhileProviderConfigIsDeleted(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	cr := topic("orders-events", func(cr *v1alpha1.RivvenTopic) { cr.Spec.DeleteOnRemove = true })
	e.converge(cr)
	now := metav1.Now()
	cr.SetDeletionTimestamp(&now)

	e.cluster.Close() // the brokers are gone
	if _, err := e.reconcile(cr); err == nil {
		t.Fatal("with its provider config in place, deleting the topic must wait for the broker")
	}
	pc := &pcv1alpha1.ProviderConfig{}
	if err := e.kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "production"}, pc); err != nil {
		t.Fatal(err)
	}
	pc.SetFinalizers([]string{"in-use.crossplane.io"})
	if err := e.kube.Update(context.Background(), pc); err != nil {
		t.Fatal(err)
	}
	if err := e.kube.Delete(context.Background(), pc); err != nil {
		t.Fatal(err)
	}
	if obs, err := e.reconcile(cr); err != nil || obs.ResourceExists {
		t.Errorf("a topic whose provider config is being deleted must be released: exists=%v err=%v", obs.ResourceExists, err)
	}
}

// recorder keeps the events it is given.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *recorder) Event(_ runtime.Object, e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) WithAnnotations(...string) event.Recorder { return r }

// A spec without partitions or replicationFactor leaves both to the broker's
// defaults; the status reports what the broker chose, and nothing is planned
// against them afterwards.
func TestBrokerDefaults(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, []kfake.Opt{kfake.DefaultNumPartitions(7)})
	cr := topic("audit-log", func(cr *v1alpha1.RivvenTopic) { cr.Spec.Partitions, cr.Spec.ReplicationFactor = nil, nil })
	e.converge(cr)
	got, ok := e.brokerTopic("audit-log")
	if !ok || got.Partitions != 7 || got.ReplicationFactor != 3 {
		t.Fatalf("broker holds %+v (exists %v), want kfake's defaults: 7 partitions, 3 replicas", got, ok)
	}
	obs, err := e.reconcile(cr)
	if err != nil || !obs.ResourceUpToDate {
		t.Fatalf("second reconcile: up to date %v, %v (diff %q)", obs.ResourceUpToDate, err, obs.Diff)
	}
	if ap := cr.Status.AtProvider; ap.Partitions != 7 || ap.ReplicationFactor != 3 {
		t.Errorf("status.atProvider partitions %d, replicationFactor %d; want what the broker chose, 7 and 3", ap.Partitions, ap.ReplicationFactor)
	}
	if c := cr.GetCondition(v1alpha1.TypeReplicationFactorApplied); c.Status != "True" || !strings.Contains(c.Message, "the broker's default applies") {
		t.Errorf("ReplicationFactorApplied %s: %q", c.Status, c.Message)
	}
}
