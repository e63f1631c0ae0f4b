package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

// The scenario runs only under make e2e (RIVVEN_E2E=1), which builds every
// input first; there, a missing binary or package fails the test.
//
// Every broker and connect pod runs its real binary on the local nodes
// (controlplane's kubelet): Ready below is what the composed readiness
// probes observed of real processes.
func TestSeedScenario(t *testing.T) {
	if os.Getenv("RIVVEN_E2E") != "1" {
		t.Skip("the end-to-end tier runs with make e2e (RIVVEN_E2E=1)")
	}
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatal("kcat is required (make e2e installs Debian's kcat)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Minute)
	defer cancel()

	start := time.Now()
	o := controlplane.SeedOptions()
	o.Root, o.Dir, o.Progress = root, filepath.Join(root, ".work", "e2e"), os.Stdout
	cp, err := controlplane.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	t.Logf("control plane up and packages Healthy in %s", time.Since(start).Round(time.Second))

	must(t, cp.ApplySeedPrerequisites(ctx))
	must(t, cp.ApplySeed(ctx))
	must(t, cp.ApplyLocal(ctx))
	must(t, cp.WaitReady(ctx, 10*time.Minute, controlplane.LocalObjects...))
	t.Logf("one-broker cluster, its topic and the datagen pipeline Ready on real processes %s after start", time.Since(start).Round(time.Second))

	t.Run("a one-broker RivvenCluster is Ready on the real rivvend", func(t *testing.T) {
		xr, err := cp.Get(ctx, controlplane.LocalCluster.APIVersion, controlplane.LocalCluster.Kind, "default", "minimal")
		must(t, err)
		if p, _, _ := unstructured.NestedString(xr.Object, "status", "phase"); p != "Running" {
			t.Errorf("status.phase %q, want Running", p)
		}
		if s, reason, msg := controlplane.Condition(xr, "BrokersReady"); s != "True" {
			t.Errorf("BrokersReady %s %s %q, want True", s, reason, msg)
		}
		p := pod(t, ctx, cp, "rivven-minimal-0")
		if !podReady(p) || len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].State.Running == nil {
			t.Fatalf("pod rivven-minimal-0 is not running and Ready: %+v", p.Status)
		}
		run, err := cp.Pod("default", "rivven-minimal-0")
		must(t, err)
		if p.Status.PodIP != run.IP() {
			t.Errorf("pod IP %s in the API, the process's namespace has %s", p.Status.PodIP, run.IP())
		}
		if log := run.Logs("rivvend"); !strings.Contains(log, "Server listening on 0.0.0.0:9092") {
			t.Errorf("rivvend's log does not say it listens on 9092:\n%s", log)
		}
	})

	t.Run("orders-events on it through the composed ProviderConfig and the Rivven protocol", func(t *testing.T) {
		pc, err := cp.Get(ctx, "rivven.io/v1alpha1", "ProviderConfig", "default", "minimal")
		must(t, err)
		proto, _, _ := unstructured.NestedString(pc.Object, "spec", "protocol")
		servers, _, _ := unstructured.NestedStringSlice(pc.Object, "spec", "bootstrapServers")
		if d := cmp.Diff([]string{"Rivven", "rivven-minimal.default.svc:9092"}, append([]string{proto}, servers...)); d != "" {
			t.Errorf("composed ProviderConfig protocol and bootstrapServers (-want +got):\n%s", d)
		}
		b := broker(t, ctx, cp)
		// Rivven's own CLI, not the provider, reads the broker.
		if ts := rivvenTopics(t, ctx, b); !slices.Contains(ts, controlplane.LocalTopicName) {
			t.Errorf("rivven topic list shows %q, without %s", ts, controlplane.LocalTopicName)
		}
		if got := rivvenPartitions(t, ctx, b, controlplane.LocalTopicName); got != 12 {
			t.Errorf("rivven topic info %s: %d partitions, want 12", controlplane.LocalTopicName, got)
		}
		checkTopicConfigs(t, ctx, b)
		// status.atProvider.configs holds the values that differ from
		// rivvend's defaults: its retention.ms and cleanup.policy defaults
		// are the seed's values, so two of the four show.
		ap := atProvider(t, ctx, cp, controlplane.LocalTopic)
		wantAP := map[string]any{
			"topicName": controlplane.LocalTopicName, "partitions": int64(12), "replicationFactor": int64(1),
			"configs": map[string]any{"compression.type": "lz4", "min.insync.replicas": "2"},
		}
		if d := cmp.Diff(wantAP, ap); d != "" {
			t.Errorf("status.atProvider of %s (-want +got):\n%s", controlplane.LocalTopic.Name, d)
		}
		// rivvend 0.0.22 has no ACLs and no per-topic replication factor:
		// the topic is Ready and Synced with what it can hold, and says
		// what it cannot.
		conditionsAre(t, ctx, cp, controlplane.LocalTopic, map[string]string{
			"Ready": "True/Available", "Synced": "True/ReconcileSuccess",
			"ACLsApplied": "False/UnsupportedByBroker", "ReplicationFactorApplied": "False/UnsupportedByBroker",
		}, map[string]string{
			"ACLsApplied":              "spec.acls (2 entries) not applied",
			"ReplicationFactorApplied": "spec.replicationFactor 3 not applied",
		})
	})

	t.Run("the datagen pipeline is Ready and moves records through the broker", func(t *testing.T) {
		xr, err := cp.Get(ctx, controlplane.LocalPipeline.APIVersion, controlplane.LocalPipeline.Kind, "default", controlplane.LocalPipeline.Name)
		must(t, err)
		if s, reason, msg := controlplane.Condition(xr, "WorkersReady"); s != "True" {
			t.Errorf("WorkersReady %s %s %q, want True", s, reason, msg)
		}
		b := broker(t, ctx, cp)
		var consumed string
		waitFor(t, ctx, 2*time.Minute, "datagen records on demo.orders", func() (bool, string) {
			consumed = consume(t, ctx, b, "demo.orders")
			return strings.Count(consumed, "[offset=") >= 10, consumed
		})
		// The stdout sink read them back from the broker.
		worker := workerPod(t, ctx, cp)
		waitFor(t, ctx, time.Minute, "the stdout sink printing records", func() (bool, string) {
			log := worker.Logs("connect")
			return strings.Count(log, `"order_id"`) >= 5, tailLines(log, 10)
		})
		t.Logf("%d records on demo.orders", strings.Count(consumed, "[offset="))
	})

	t.Run("the seed's production and cdc-pipeline show their true state", func(t *testing.T) {
		// production names Rivven 0.0.1, which was never published: no
		// node holds its image, so each broker pod waits in
		// ImagePullBackOff, which BrokersReady names pod by pod.
		for i := range 3 {
			name := fmt.Sprintf("rivven-production-%d", i)
			waitFor(t, ctx, 2*time.Minute, name+" in ImagePullBackOff", func() (bool, string) {
				w := strings.Join(waiting(pod(t, ctx, cp, name)), "; ")
				return strings.Contains(w, "ImagePullBackOff") && strings.Contains(w, "0.0.1"), w
			})
		}
		waitFor(t, ctx, 2*time.Minute, "production BrokersReady False naming every broker", func() (bool, string) {
			xr, err := cp.Get(ctx, controlplane.Production.APIVersion, controlplane.Production.Kind, "default", "production")
			if err != nil {
				return false, err.Error()
			}
			s, reason, msg := controlplane.Condition(xr, "BrokersReady")
			r, _, _ := controlplane.Condition(xr, "Ready")
			ok := s == "False" && reason == "BrokerNotRunning" && r == "False"
			for i := range 3 {
				ok = ok && strings.Contains(msg, fmt.Sprintf("rivven-production-%d: ImagePullBackOff", i))
			}
			return ok, fmt.Sprintf("Ready=%s BrokersReady=%s %s %q", r, s, reason, msg)
		})
		waitFor(t, ctx, time.Minute, "Warnings naming spec.replicas and spec.version", func() (bool, string) {
			ws := strings.Join(warnings(t, ctx, cp, controlplane.Production, "SettingNotApplied"), "\n")
			ok := strings.Contains(ws, "spec.replicas: 3 brokers run rivvend in cluster mode, which does not work") &&
				strings.Contains(ws, `spec.version: "0.0.1" is not a tested Rivven release`)
			return ok, ws
		})
		// cdc-pipeline waits for its cluster: the function composes its
		// workers once production is Ready, and says why not yet.
		waitFor(t, ctx, 2*time.Minute, "cdc-pipeline not Ready, waiting for production", func() (bool, string) {
			xr, err := cp.Get(ctx, controlplane.CDCPipeline.APIVersion, controlplane.CDCPipeline.Kind, "default", "cdc-pipeline")
			if err != nil {
				return false, err.Error()
			}
			r, _, _ := controlplane.Condition(xr, "Ready")
			c, creason, cmsg := controlplane.Condition(xr, "ClusterReady")
			return r == "False" && c == "False" && creason == "ClusterNotReady" &&
					strings.Contains(cmsg, "RivvenCluster default/production is not Ready"),
				fmt.Sprintf("Ready=%s ClusterReady=%s %s %q", r, c, creason, cmsg)
		})
		if ok, err := cp.Exists(ctx, controlplane.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "rivven-connect-cdc-pipeline"}); err != nil || ok {
			t.Errorf("cdc-pipeline's Deployment exists (%v) while its cluster is not Ready", err)
		}
		// The seed's topic names production: the provider reaches its
		// Service, which has no ready broker behind it.
		waitFor(t, ctx, 2*time.Minute, "the seed's orders-events not Ready, its broker unreachable", func() (bool, string) {
			u, err := cp.Get(ctx, controlplane.OrdersTopic.APIVersion, controlplane.OrdersTopic.Kind, "default", "orders-events")
			if err != nil {
				return false, err.Error()
			}
			s, sreason, smsg := controlplane.Condition(u, "Synced")
			r, _, _ := controlplane.Condition(u, "Ready")
			return s == "False" && r != "True" && strings.Contains(smsg, "rivven-production.default.svc:9092"),
				fmt.Sprintf("Ready=%s Synced=%s %s %q", r, s, sreason, smsg)
		})
	})

	t.Run("a stopped broker process turns the pod, then the cluster, not Ready", func(t *testing.T) {
		run, err := cp.Pod("default", "rivven-minimal-0")
		must(t, err)
		// A frozen process answers no HTTP probe: readiness fails. Its
		// liveness probe (a TCP connect to the API port) still passes, as
		// the kernel completes a handshake for a stopped listener, so it
		// is not restarted.
		must(t, run.StopContainer("rivvend", syscall.SIGSTOP))
		notReady(t, ctx, cp)
		must(t, run.StopContainer("rivvend", syscall.SIGCONT))
		must(t, cp.WaitReady(ctx, 3*time.Minute, controlplane.LocalCluster))

		// A crash: the container restarts after the kubelet's back-off,
		// and the pod shows the restart and how the process ended.
		before := pod(t, ctx, cp, "rivven-minimal-0").Status.ContainerStatuses[0].RestartCount
		must(t, run.StopContainer("rivvend", syscall.SIGKILL))
		notReady(t, ctx, cp)
		must(t, cp.WaitReady(ctx, 3*time.Minute, controlplane.LocalObjects...))
		cs := pod(t, ctx, cp, "rivven-minimal-0").Status.ContainerStatuses[0]
		if cs.RestartCount != before+1 || cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 137 {
			t.Errorf("after a SIGKILL: restarts %d (before %d), last state %+v; want one restart, exit code 137",
				cs.RestartCount, before, cs.LastTerminationState)
		}
	})

	t.Run("a config change rolls the real broker and its data survives", func(t *testing.T) {
		b := broker(t, ctx, cp)
		if out, err := b.CLI(ctx, "topic", "create", "roll-check", "--partitions", "1"); err != nil {
			t.Fatal(err, out)
		}
		for i := range 3 {
			if out, err := b.CLI(ctx, "produce", "roll-check", fmt.Sprintf("record-%d", i)); err != nil {
				t.Fatal(err, out)
			}
		}
		beforePod := pod(t, ctx, cp, "rivven-minimal-0")
		before := stsTemplateHash(t, ctx, cp, "rivven-minimal")
		objs, err := cp.LocalManifests()
		must(t, err)
		xr := objs[0]
		// defaultPartitions reaches rivvend (RIVVEN_DEFAULT_PARTITIONS), so
		// it changes the rendered config and the pod template's hash.
		must(t, unstructured.SetNestedField(xr.Object, int64(6), "spec", "config", "defaultPartitions"))
		must(t, cp.Apply(ctx, xr))
		waitFor(t, ctx, 3*time.Minute, "pod-template config hash changes", func() (bool, string) {
			after := stsTemplateHash(t, ctx, cp, "rivven-minimal")
			return after != before, "hash " + after
		})
		waitFor(t, ctx, 5*time.Minute, "rivven-minimal-0 replaced by a Ready pod", func() (bool, string) {
			p := pod(t, ctx, cp, "rivven-minimal-0")
			return p.UID != beforePod.UID && podReady(p), fmt.Sprintf("uid %s ready %v", p.UID, podReady(p))
		})
		must(t, cp.WaitReady(ctx, 5*time.Minute, controlplane.LocalObjects...))
		b = broker(t, ctx, cp)
		out := consume(t, ctx, b, "roll-check")
		for i := range 3 {
			if !strings.Contains(out, fmt.Sprintf("record-%d", i)) {
				t.Errorf("record-%d is gone after the roll:\n%s", i, out)
			}
		}
		if got := rivvenPartitions(t, ctx, b, controlplane.LocalTopicName); got != 12 {
			t.Errorf("%s has %d partitions after the roll, want 12", controlplane.LocalTopicName, got)
		}
		// rivvend keeps topic configs in memory only; the provider puts
		// them back.
		waitFor(t, ctx, 2*time.Minute, "configs of orders-events back on the rolled broker", func() (bool, string) {
			cfg, err := b.TopicConfigs(ctx, controlplane.LocalTopicName)
			if err != nil {
				return false, err.Error()
			}
			return cfg["compression.type"] == "lz4" && cfg["min.insync.replicas"] == "2", fmt.Sprint(cfg)
		})
	})

	// Crossplane creates, re-creates and deletes composed resources itself,
	// with the verbs compositions/rbac.yaml grants it for them (the RBAC
	// subtest below fails when one of them is never used).
	t.Run("composed resources deleted by hand come back; disabled ones go", func(t *testing.T) {
		sts := controlplane.Ref{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: "default", Name: "rivven-minimal"}
		sm := controlplane.Ref{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor", Namespace: "default", Name: "rivven-minimal"}
		pdb := controlplane.Ref{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: "default", Name: "rivven-minimal-pdb"}
		apply := func(serviceMonitor, pdb bool) {
			objs, err := cp.LocalManifests()
			must(t, err)
			xr := objs[0]
			// The roll's defaultPartitions stays, so nothing rolls again.
			must(t, unstructured.SetNestedField(xr.Object, int64(6), "spec", "config", "defaultPartitions"))
			must(t, unstructured.SetNestedField(xr.Object, serviceMonitor, "spec", "serviceMonitor", "enabled"))
			must(t, unstructured.SetNestedField(xr.Object, pdb, "spec", "podDisruptionBudget", "enabled"))
			must(t, cp.Apply(ctx, xr))
		}
		uid := func(r controlplane.Ref) string {
			u, err := cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
			if err != nil {
				return ""
			}
			return string(u.GetUID())
		}

		apply(true, true)
		waitFor(t, ctx, 2*time.Minute, "ServiceMonitor rivven-minimal composed", func() (bool, string) {
			return uid(sm) != "", "not there"
		})
		// The StatefulSet goes without its pods (orphan), as an operator
		// would delete one to change an immutable field: the broker keeps
		// running and the new StatefulSet adopts it.
		before := map[controlplane.Ref]string{sts: uid(sts), sm: uid(sm), pdb: uid(pdb)}
		for r, u := range before {
			if u == "" {
				t.Fatalf("%s does not exist before it is deleted", r)
			}
			obj := &unstructured.Unstructured{}
			obj.SetAPIVersion(r.APIVersion)
			obj.SetKind(r.Kind)
			obj.SetNamespace(r.Namespace)
			obj.SetName(r.Name)
			must(t, cp.Client.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationOrphan)))
		}
		for r, u := range before {
			waitFor(t, ctx, 2*time.Minute, r.String()+" re-created by Crossplane", func() (bool, string) {
				now := uid(r)
				return now != "" && now != u, "uid " + now
			})
		}
		must(t, cp.WaitReady(ctx, 3*time.Minute, controlplane.LocalCluster))

		apply(false, false)
		waitGone(t, ctx, cp, sm)
		waitGone(t, ctx, cp, pdb)
		must(t, cp.WaitReady(ctx, 2*time.Minute, controlplane.LocalCluster))
	})

	// A composed resource the API server refuses to create (here a
	// ResourceQuota, as a platform team sets one) leaves a reference
	// Crossplane's cache cannot resolve; Crossplane reads it from the API
	// server, which is why compositions/rbac.yaml grants get.
	t.Run("composed resources a quota refuses are created once it is lifted", func(t *testing.T) {
		const ns = "rivven-quota"
		quota := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ResourceQuota",
			"metadata": map[string]any{"name": "no-brokers", "namespace": ns},
			"spec": map[string]any{"hard": map[string]any{
				"count/statefulsets.apps":                     "0",
				"count/poddisruptionbudgets.policy":           "0",
				"count/servicemonitors.monitoring.coreos.com": "0",
			}},
		}}
		namespace := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns},
		}}
		must(t, cp.Apply(ctx, namespace))
		must(t, cp.Apply(ctx, quota))
		// Admission enforces a quota once its controller has counted it.
		waitFor(t, ctx, time.Minute, "ResourceQuota no-brokers counted", func() (bool, string) {
			u, err := cp.Get(ctx, "v1", "ResourceQuota", ns, "no-brokers")
			if err != nil {
				return false, err.Error()
			}
			used, _, _ := unstructured.NestedStringMap(u.Object, "status", "used")
			return len(used) == 3, fmt.Sprint(used)
		})
		xr := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": controlplane.LocalCluster.APIVersion, "kind": controlplane.LocalCluster.Kind,
			"metadata": map[string]any{"name": "quota-check", "namespace": ns},
			"spec":     map[string]any{"serviceMonitor": map[string]any{"enabled": true}},
		}}
		ref := controlplane.Ref{APIVersion: xr.GetAPIVersion(), Kind: xr.GetKind(), Namespace: ns, Name: "quota-check"}
		must(t, cp.Apply(ctx, xr))
		waitFor(t, ctx, 2*time.Minute, "quota-check not Synced, naming the quota", func() (bool, string) {
			u, err := cp.Get(ctx, ref.APIVersion, ref.Kind, ns, ref.Name)
			if err != nil {
				return false, err.Error()
			}
			s, reason, msg := controlplane.Condition(u, "Synced")
			return s == "False" && strings.Contains(msg, "exceeded quota"), fmt.Sprintf("Synced=%s %s %q", s, reason, msg)
		})
		must(t, cp.Client.Delete(ctx, quota))
		for _, r := range []controlplane.Ref{
			{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: ns, Name: "rivven-quota-check"},
			{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: ns, Name: "rivven-quota-check-pdb"},
			{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor", Namespace: ns, Name: "rivven-quota-check"},
		} {
			waitFor(t, ctx, 2*time.Minute, r.String()+" composed once the quota is gone", func() (bool, string) {
				ok, err := cp.Exists(ctx, r)
				return ok, fmt.Sprint(err)
			})
		}
		must(t, cp.Delete(ctx, ref))
		waitGone(t, ctx, cp, ref)
	})

	// rivvend keeps a deleted topic's data directory (PROTOCOL.md §3.3), so
	// "deleted" is what its CLI lists, not what is on disk.
	t.Run("deleteOnRemove true deletes the topic from rivvend", func(t *testing.T) {
		objs, err := cp.LocalManifests()
		must(t, err)
		tp := objs[1]
		tp.SetName("orders-events-scratch")
		unstructured.RemoveNestedField(tp.Object, "spec", "topicName")
		must(t, unstructured.SetNestedField(tp.Object, true, "spec", "deleteOnRemove"))
		must(t, cp.Apply(ctx, tp))
		ref := controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenTopic", Namespace: "default", Name: "orders-events-scratch"}
		must(t, cp.WaitReady(ctx, 3*time.Minute, ref))
		b := broker(t, ctx, cp)
		if ts := rivvenTopics(t, ctx, b); !slices.Contains(ts, "orders-events-scratch") {
			t.Fatalf("orders-events-scratch is Ready but rivven topic list shows %q", ts)
		}
		must(t, cp.Delete(ctx, ref))
		waitGone(t, ctx, cp, ref)
		if ts := rivvenTopics(t, ctx, b); slices.Contains(ts, "orders-events-scratch") {
			t.Errorf("deleteOnRemove: true, but rivven topic list still shows orders-events-scratch: %q", ts)
		}
	})

	t.Run("deleteOnRemove false keeps the topic on rivvend", func(t *testing.T) {
		must(t, cp.Delete(ctx, controlplane.LocalTopic))
		waitGone(t, ctx, cp, controlplane.LocalTopic)
		b := broker(t, ctx, cp)
		if ts := rivvenTopics(t, ctx, b); !slices.Contains(ts, controlplane.LocalTopicName) {
			t.Errorf("deleteOnRemove: false, but rivven topic list no longer shows %s: %q", controlplane.LocalTopicName, ts)
		}
		if got := rivvenPartitions(t, ctx, b, controlplane.LocalTopicName); got != 12 {
			t.Errorf("kept topic has %d partitions, want 12", got)
		}
	})

	t.Run("Kafka protocol: a hand-written ProviderConfig on kfake", func(t *testing.T) {
		testKafkaPath(t, ctx, cp, root)
	})

	t.Run("deleting the composites removes composed resources and stops their processes", func(t *testing.T) {
		composed := []controlplane.Ref{
			{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "rivven-connect-datagen-demo"},
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: "rivven-connect-datagen-demo-config"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-connect-datagen-demo"},
			{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: "default", Name: "rivven-production"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-production"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-production-headless"},
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: "rivven-production-config"},
			{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: "default", Name: "rivven-production-pdb"},
			{APIVersion: "rivven.io/v1alpha1", Kind: "ProviderConfig", Namespace: "default", Name: "production"},
			{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: "default", Name: "rivven-minimal"},
			{APIVersion: "rivven.io/v1alpha1", Kind: "ProviderConfig", Namespace: "default", Name: "minimal"},
		}
		for _, r := range composed {
			ok, err := cp.Exists(ctx, r)
			must(t, err)
			if !ok {
				t.Fatalf("%s is missing before the composites are deleted", r)
			}
		}
		worker := workerPod(t, ctx, cp)
		// The seed's topic keeps production's ProviderConfig in use; with
		// deleteOnRemove false it goes although its broker never ran.
		must(t, cp.Delete(ctx, controlplane.OrdersTopic))
		waitGone(t, ctx, cp, controlplane.OrdersTopic)
		composites := []controlplane.Ref{controlplane.CDCPipeline, controlplane.LocalPipeline, controlplane.Production, controlplane.LocalCluster}
		for _, r := range composites {
			must(t, cp.Delete(ctx, r))
		}
		for _, r := range append(composites, composed...) {
			waitGone(t, ctx, cp, r)
		}
		waitFor(t, ctx, 2*time.Minute, "the broker and connect processes stopped", func() (bool, string) {
			_, berr := cp.Pod("default", "rivven-minimal-0")
			_, werr := cp.Pod("default", worker.Name())
			return berr != nil && werr != nil, fmt.Sprintf("broker: %v; worker: %v", berr, werr)
		})
	})
	// Last: the audit log then holds every request of the scenario,
	// deletion included.
	t.Run("Crossplane and the provider use exactly the RBAC a real installation grants", func(t *testing.T) {
		testRBAC(t, ctx, cp, root)
	})
	t.Logf("scenario done in %s", time.Since(start).Round(time.Second))
}

// notReady waits for the local broker pod, then its RivvenCluster, to turn
// not Ready.
func notReady(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane) {
	t.Helper()
	waitFor(t, ctx, time.Minute, "pod rivven-minimal-0 not Ready", func() (bool, string) {
		p := pod(t, ctx, cp, "rivven-minimal-0")
		return !podReady(p), fmt.Sprintf("%+v", p.Status.Conditions)
	})
	waitFor(t, ctx, time.Minute, "RivvenCluster minimal not Ready", func() (bool, string) {
		xr, err := cp.Get(ctx, controlplane.LocalCluster.APIVersion, controlplane.LocalCluster.Kind, "default", "minimal")
		if err != nil {
			return false, err.Error()
		}
		r, _, _ := controlplane.Condition(xr, "Ready")
		s, reason, msg := controlplane.Condition(xr, "BrokersReady")
		return r == "False" && s == "False", fmt.Sprintf("Ready=%s BrokersReady=%s %s %q", r, s, reason, msg)
	})
}

// checkTopicConfigs reads the local topic's configs through rivven-client
// (the 0.0.22 CLI has no command for configs).
func checkTopicConfigs(t *testing.T, ctx context.Context, b *controlplane.Rivvend) {
	t.Helper()
	cfg, err := b.TopicConfigs(ctx, controlplane.LocalTopicName)
	must(t, err)
	want := map[string]string{"retention.ms": "604800000", "cleanup.policy": "delete", "compression.type": "lz4", "min.insync.replicas": "2"}
	got := map[string]string{}
	for k := range want {
		got[k] = cfg[k]
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("configs of %s on rivvend (-want +got):\n%s", controlplane.LocalTopicName, d)
	}
}
