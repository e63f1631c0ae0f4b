package topic

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// TestBrokerDownThenBack: while every broker drops every connection the
// provider reports the cause and neither creates, deletes nor releases
// anything; when the brokers return it carries on with the same topic and
// its data.
func TestBrokerDownThenBack(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	var down atomic.Bool
	e.cluster.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		if !down.Load() {
			return nil, nil, false
		}
		e.cluster.KeepControl()
		return nil, errors.New("broker down"), true // closes the connection
	})
	ctx := context.Background()
	cr := ordersEvents()
	cr.Spec.DeleteOnRemove = true
	e.converge(cr)
	before, _ := e.brokerTopic("orders-events")
	pcl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	if err := pcl.ProduceSync(ctx, &kgo.Record{Topic: "orders-events", Value: []byte("kept")}).FirstErr(); err != nil {
		t.Fatal(err)
	}

	down.Store(true)
	e.clock.Advance(2 * time.Minute)
	creates := e.requests(19)
	if obs, err := e.reconcile(cr); err == nil || obs.ResourceExists {
		t.Fatalf("while down: exists=%v err=%v, want an error", obs.ResourceExists, err)
	}
	other := topic("new-topic")
	if _, err := e.reconcile(other); err == nil {
		t.Fatal("a new topic must not be created (or judged absent) while the brokers are down")
	}
	deleting := cr.DeepCopy()
	now := metav1.Now()
	deleting.SetDeletionTimestamp(&now)
	if obs, err := e.reconcile(deleting); err == nil || obs.ResourceExists {
		t.Fatalf("delete while down: exists=%v err=%v, want an error so the finalizer stays", obs.ResourceExists, err)
	}

	down.Store(false)
	e.clock.Advance(2 * time.Minute)
	e.converge(cr)
	if n := e.requests(19) - creates; n != 0 {
		t.Errorf("%d CreateTopics requests during and after the outage, want 0", n)
	}
	after, _ := e.brokerTopic("orders-events")
	if after.ID != before.ID {
		t.Errorf("topic was recreated: id %s became %s", before.ID, after.ID)
	}
	ends, err := e.admin().ListEndOffsets(ctx, "orders-events")
	if err != nil {
		t.Fatal(err)
	}
	var records int64
	ends.Each(func(o kadm.ListedOffset) { records += o.Offset })
	if records != 1 {
		t.Errorf("topic holds %d records after the outage, want the 1 produced before", records)
	}
}

// TestThousandTopicsOnePoll measures admin requests for one poll of 1,000
// topics on one cluster, reconciled by ten concurrent workers as the
// controller would.
func TestThousandTopicsOnePoll(t *testing.T) {
	const n = 1000
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{}, nil)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("topic-%04d", i)
	}
	if _, err := e.admin().CreateTopics(context.Background(), 1, 1, nil, names...); err != nil {
		t.Fatal(err)
	}
	crs := make([]*v1alpha1.RivvenTopic, n)
	for i, name := range names {
		crs[i] = topic(name, func(cr *v1alpha1.RivvenTopic) {
			cr.Spec.Partitions, cr.Spec.ReplicationFactor = ptr[int32](1), ptr[int32](1)
			cr.SetAnnotations(map[string]string{v1alpha1.AnnotationAdopt: "true"})
		})
	}
	poll := func() {
		work := make(chan *v1alpha1.RivvenTopic)
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				for cr := range work {
					obs, err := e.reconcile(cr)
					if err != nil || !obs.ResourceUpToDate {
						t.Errorf("%s: up to date=%v err=%v", cr.Name, obs.ResourceUpToDate, err)
					}
				}
			})
		}
		for _, cr := range crs {
			work <- cr
		}
		close(work)
		wg.Wait()
	}
	poll() // warm: connections, first observation
	e.clock.Advance(time.Minute)
	e.resetCounts()
	poll()
	meta, cfg, acl := e.requests(3), e.requests(32), e.requests(29)
	e.mu.Lock()
	total := 0
	for _, c := range e.counts {
		total += c
	}
	byKey := fmt.Sprint(e.counts)
	e.mu.Unlock()
	t.Logf("one poll of %d topics: %d Metadata, %d DescribeConfigs, %d DescribeACLs, %d requests in all (by key: %v)", n, meta, cfg, acl, total, byKey)
	if meta != 1 || cfg != 1 || acl != 1 {
		t.Errorf("want one Metadata, one DescribeConfigs and one DescribeACLs request per poll, got %d, %d, %d", meta, cfg, acl)
	}
	if total > 5 {
		t.Errorf("%d admin requests for one poll of %d topics; batching is broken", total, n)
	}
}
