package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// result is one run at one N.
type result struct {
	n, clusters int
	create      time.Duration // until the API server held every RivvenTopic
	ready       time.Duration // from the first create until every topic was Ready
	perPoll     requests      // admin requests per steady-state poll, all clusters
	reconciles  float64       // RivvenTopic reconciles per steady-state poll
	steadyCPU   time.Duration // provider CPU per steady-state poll
	cpu         time.Duration // provider CPU over the whole run
	rssKiB      int64         // provider peak RSS: VmHWM of its process alone
	heapBytes   int64         // provider peak heap in use, sampled from its /metrics
	poll        time.Duration // the provider's --poll in this run
}

// pollFor is the poll interval for n topics: at least -poll, and long
// enough that the provider can reconcile every topic twice per interval at
// its reconcile rate. A provider polled faster than its rate allows never
// reaches a steady state: its queue only grows, and objects from its
// initial list, queued at low priority, wait behind the requeues forever.
func pollFor(o options, n int) time.Duration {
	need := time.Duration(2*n/o.rate) * time.Second
	return max(o.poll, need)
}

func (r result) oneLine() string {
	return fmt.Sprintf("created in %s, all Ready in %s; per poll: %d admin requests (%s), %.0f reconciles, %.2fs CPU; total CPU %.1fs, peak RSS %.1f MiB, peak heap in use %.1f MiB",
		r.create.Round(time.Millisecond), r.ready.Round(time.Millisecond), r.perPoll.total(), r.perPoll.per(1), r.reconciles,
		r.steadyCPU.Seconds(), r.cpu.Seconds(), float64(r.rssKiB)/1024, float64(r.heapBytes)/(1<<20))
}

func measure(ctx context.Context, cp *controlPlane, o options, n, run int, work string) (res result, err error) {
	res = result{n: n, clusters: o.clusters, poll: pollFor(o, n)}
	o.poll = res.poll
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bench-%d-%d", n, run)}}
	if err := cp.kube.Create(ctx, ns); err != nil {
		return res, err
	}

	brokers := make([]*broker, o.clusters)
	for i := range brokers {
		if brokers[i], err = newBroker(); err != nil {
			return res, err
		}
		defer brokers[i].cluster.Close()
		pc := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "rivven.io/v1alpha1", "kind": "ProviderConfig",
			"metadata": map[string]any{"name": clusterName(i), "namespace": ns.Name},
			"spec":     map[string]any{"protocol": "Kafka", "bootstrapServers": toAny(brokers[i].cluster.ListenAddrs())},
		}}
		if err := cp.kube.Create(ctx, pc); err != nil {
			return res, fmt.Errorf("ProviderConfig: %w", err)
		}
	}

	p, err := startProvider(o.provider, cp.kubeconfig, ns.Name, filepath.Join(work, ns.Name+".log"), o.poll, o.rate, o.memLimit)
	if err != nil {
		return res, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_, _, _ = p.stop()
		}
	}()

	heap := sampleHeap(ctx, p)
	start := time.Now()
	if err := createTopics(ctx, cp.kube, ns.Name, n, o.clusters, o.createers); err != nil {
		return res, err
	}
	res.create = time.Since(start)
	if err := waitReady(ctx, cp.kube, p, ns.Name, n, o.timeout); err != nil {
		return res, err
	}
	res.ready = time.Since(start)

	// Let the burst of creation pass: every topic is next polled one
	// interval after it became Ready.
	if err := sleep(ctx, o.poll+o.poll/2); err != nil {
		return res, err
	}
	before := requests{}
	for _, b := range brokers {
		before.add(b.snapshot())
	}
	cpu0, err := p.cpu()
	if err != nil {
		return res, err
	}
	rec0, err := p.reconciles(ctx)
	if err != nil {
		return res, err
	}
	window := o.poll * time.Duration(o.polls)
	if err := sleep(ctx, window); err != nil {
		return res, err
	}
	after := requests{}
	for _, b := range brokers {
		after.add(b.snapshot())
	}
	cpu1, err := p.cpu()
	if err != nil {
		return res, err
	}
	rec1, err := p.reconciles(ctx)
	if err != nil {
		return res, err
	}
	if err := p.exited(); err != nil {
		return res, err
	}
	polls := float64(o.polls)
	res.perPoll = after.minus(before)
	for k, v := range res.perPoll {
		res.perPoll[k] = int64(float64(v)/polls + 0.5)
	}
	res.reconciles = float64(rec1-rec0) / polls
	res.steadyCPU = (cpu1 - cpu0) / time.Duration(o.polls)

	res.heapBytes = heap()
	stopped = true
	if res.cpu, res.rssKiB, err = p.stop(); err != nil {
		return res, err
	}
	// Ready must mean on the broker: count the topics there, after the
	// measurement so these requests are not counted.
	var onBrokers int
	for _, b := range brokers {
		c, err := topicsOn(ctx, b)
		if err != nil {
			return res, err
		}
		onBrokers += c
	}
	if onBrokers != n {
		return res, fmt.Errorf("%d RivvenTopics Ready but %d topics on the brokers", n, onBrokers)
	}
	return res, nil
}

func clusterName(i int) string { return fmt.Sprintf("cluster-%d", i) }

// createTopics creates n minimal RivvenTopics (the shape of
// examples/topic/minimal.yaml), spread round-robin over the clusters.
func createTopics(ctx context.Context, kube client.Client, ns string, n, clusters, workers int) error {
	idx := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				t := &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenTopic",
					"metadata": map[string]any{"name": fmt.Sprintf("topic-%05d", i), "namespace": ns},
					"spec":     map[string]any{"clusterRef": map[string]any{"name": clusterName(i % clusters)}},
				}}
				if err := kube.Create(ctx, t); err != nil {
					errs <- fmt.Errorf("create RivvenTopic %d: %w", i, err)
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case idx <- i:
		case err = <-errs:
			break feed
		}
	}
	close(idx)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err = <-errs:
		return err
	default:
		return nil
	}
}

// waitReady lists the namespace's RivvenTopics until all n are Ready. A
// list of thousands of objects is heavy work for the API server the
// provider shares, so the interval grows with n: one second per thousand.
func waitReady(ctx context.Context, kube client.Client, p *provider, ns string, n int, timeout time.Duration) error {
	every := max(time.Second, time.Duration(n)*time.Millisecond)
	deadline := time.Now().Add(timeout)
	for {
		ready, err := countReady(ctx, kube, ns)
		if err != nil {
			return err
		}
		if ready >= n {
			return nil
		}
		if err := p.exited(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d RivvenTopics Ready after %s; provider log %s", ready, n, timeout, p.log)
		}
		if err := sleep(ctx, every); err != nil {
			return err
		}
	}
}

func countReady(ctx context.Context, kube client.Client, ns string) (int, error) {
	ready := 0
	cont := ""
	for {
		l := &unstructured.UnstructuredList{}
		l.SetAPIVersion("rivven.io/v1alpha1")
		l.SetKind("RivvenTopicList")
		if err := kube.List(ctx, l, client.InNamespace(ns), client.Limit(2000), client.Continue(cont)); err != nil {
			return 0, err
		}
		for i := range l.Items {
			cs, _, _ := unstructured.NestedSlice(l.Items[i].Object, "status", "conditions")
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok && m["type"] == "Ready" && m["status"] == "True" {
					ready++
				}
			}
		}
		if cont = l.GetContinue(); cont == "" {
			return ready, nil
		}
	}
}

func topicsOn(ctx context.Context, b *broker) (int, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.cluster.ListenAddrs()...))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	td, err := kadm.NewClient(cl).ListTopics(ctx)
	if err != nil {
		return 0, err
	}
	return len(td.Names()), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// sampleHeap samples the provider's heap in use every second until the
// returned function is called, which returns the largest sample. A sample
// that fails (the provider is still starting) is skipped.
func sampleHeap(ctx context.Context, p *provider) (peak func() int64) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan int64, 1)
	go func() {
		var top int64
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			if v, err := p.heapInuseBytes(ctx); err == nil {
				top = max(top, v)
			}
			select {
			case <-ctx.Done():
				out <- top
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { cancel(); return <-out }
}
