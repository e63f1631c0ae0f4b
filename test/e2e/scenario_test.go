package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

// The scenario runs only under make e2e (RIVVEN_E2E=1), which builds every
// input first; there, a missing binary or package fails the test.
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
	// Loopback addresses of its own, apart from make run's 127.77.0.x.
	o.RivvenHost, o.KafkaHost = "127.77.1.1", "127.77.1.2"
	cp, err := controlplane.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	t.Logf("control plane up and packages Healthy in %s", time.Since(start).Round(time.Second))

	must(t, cp.ApplySeedPrerequisites(ctx))
	must(t, cp.ApplySeed(ctx))
	// production and cdc-pipeline on kwok's pods, orders-events on the
	// harness's rivvend (see the subtests for what each Ready means).
	must(t, cp.WaitReady(ctx, 10*time.Minute, controlplane.SeedObjects...))
	t.Logf("seed examples Ready and Synced %s after start", time.Since(start).Round(time.Second))

	t.Run("production is Ready on kwok's pods, with the function's warnings", func(t *testing.T) {
		// kwok marks the three broker pods Running and Ready with no
		// process behind them and no probe run, so the StatefulSet is
		// ready and function-rivven-cluster reports what it observes:
		// phase Running, BrokersReady True. On real pods the seed's
		// cluster would not be: three brokers run rivvend's cluster mode,
		// which 0.0.22 cannot start (test/broker), and its version 0.0.1
		// was never published. The function says both in Warnings, which
		// are asserted here: they are what a user sees of the truth.
		xr, err := cp.Get(ctx, controlplane.Production.APIVersion, controlplane.Production.Kind, "default", "production")
		must(t, err)
		if p, _, _ := unstructured.NestedString(xr.Object, "status", "phase"); p != "Running" {
			t.Errorf("status.phase %q, want Running (the StatefulSet is ready on kwok's pods)", p)
		}
		if s, reason, msg := controlplane.Condition(xr, "BrokersReady"); s != "True" {
			t.Errorf("BrokersReady %s %s %q, want True on kwok's ready pods", s, reason, msg)
		}
		waitFor(t, ctx, time.Minute, "Warnings naming spec.replicas and spec.version", func() (bool, string) {
			ws := strings.Join(warnings(t, ctx, cp, controlplane.Production, "SettingNotApplied"), "\n")
			ok := strings.Contains(ws, "spec.replicas: 3 brokers run rivvend in cluster mode, which does not work") &&
				strings.Contains(ws, `spec.version: "0.0.1" is not a tested Rivven release`)
			return ok, ws
		})
		t.Logf("production: Running on kwok's pretend pods; the real rivvend %s cannot run its three brokers (cluster mode)", cp.Rivven.Version)
	})

	t.Run("orders-events on the real rivvend through the composed ProviderConfig", func(t *testing.T) {
		pc, err := cp.Get(ctx, "rivven.io/v1alpha1", "ProviderConfig", "default", "production")
		must(t, err)
		proto, _, _ := unstructured.NestedString(pc.Object, "spec", "protocol")
		servers, _, _ := unstructured.NestedStringSlice(pc.Object, "spec", "bootstrapServers")
		if d := cmp.Diff([]string{"Rivven", "rivven-production.default.svc:9092"}, append([]string{proto}, servers...)); d != "" {
			t.Errorf("composed ProviderConfig protocol and bootstrapServers (-want +got):\n%s", d)
		}
		// Rivven's own CLI, not the provider, reads the broker.
		if ts := rivvenTopics(t, ctx, cp); !slices.Contains(ts, "orders-events") {
			t.Errorf("rivven topic list shows %q, without orders-events", ts)
		}
		if got := rivvenPartitions(t, ctx, cp, "orders-events"); got != 12 {
			t.Errorf("rivven topic info orders-events: %d partitions, want 12", got)
		}
		// The 0.0.22 CLI has no command for configs; rivven-topic-configs
		// asks through rivven-client, Rivven's own Rust client.
		cfg, err := cp.Rivven.TopicConfigs(ctx, "orders-events")
		must(t, err)
		want := map[string]string{"retention.ms": "604800000", "cleanup.policy": "delete", "compression.type": "lz4", "min.insync.replicas": "2"}
		got := map[string]string{}
		for k := range want {
			got[k] = cfg[k]
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("configs of orders-events on rivvend (-want +got):\n%s", d)
		}
		// status.atProvider.configs holds the values that differ from
		// rivvend's defaults: its retention.ms and cleanup.policy defaults
		// are the seed's values, so two of the four show.
		ap := atProvider(t, ctx, cp, controlplane.OrdersTopic)
		wantAP := map[string]any{
			"topicName": "orders-events", "partitions": int64(12), "replicationFactor": int64(1),
			"configs": map[string]any{"compression.type": "lz4", "min.insync.replicas": "2"},
		}
		if d := cmp.Diff(wantAP, ap); d != "" {
			t.Errorf("status.atProvider of orders-events (-want +got):\n%s", d)
		}
		// rivvend 0.0.22 has no ACLs and no per-topic replication factor:
		// the topic is Ready and Synced with what it can hold, and says
		// what it cannot.
		conditionsAre(t, ctx, cp, controlplane.OrdersTopic, map[string]string{
			"Ready": "True/Available", "Synced": "True/ReconcileSuccess",
			"ACLsApplied": "False/UnsupportedByBroker", "ReplicationFactorApplied": "False/UnsupportedByBroker",
		}, map[string]string{
			"ACLsApplied":              "spec.acls (2 entries) not applied",
			"ReplicationFactorApplied": "spec.replicationFactor 3 not applied",
		})
	})

	// The StatefulSet controller rolls kwok's pods; the harness's rivvend
	// is no pod and is not restarted.
	t.Run("config change rolls the broker pods", func(t *testing.T) {
		before := stsTemplateHash(t, ctx, cp)
		objs, err := controlplane.ReadObjects(filepath.Join(root, "examples/cluster/production.yaml"))
		must(t, err)
		xr := objs[0]
		// defaultPartitions reaches rivvend (RIVVEN_DEFAULT_PARTITIONS), so it
		// changes the rendered config; logRetentionHours would not (rivvend
		// does not read it).
		must(t, unstructured.SetNestedField(xr.Object, int64(6), "spec", "config", "defaultPartitions"))
		must(t, cp.Apply(ctx, xr))
		var after string
		waitFor(t, ctx, 3*time.Minute, "pod-template config hash changes", func() (bool, string) {
			after = stsTemplateHash(t, ctx, cp)
			return after != before, "hash " + after
		})
		must(t, cp.WaitReady(ctx, 10*time.Minute, controlplane.Production))
		waitFor(t, ctx, 5*time.Minute, "every broker pod rolled", func() (bool, string) {
			sts, err := cp.Get(ctx, "apps/v1", "StatefulSet", "default", "rivven-production")
			if err != nil {
				return false, err.Error()
			}
			cur, _, _ := unstructured.NestedString(sts.Object, "status", "currentRevision")
			upd, _, _ := unstructured.NestedString(sts.Object, "status", "updateRevision")
			ready, _, _ := unstructured.NestedInt64(sts.Object, "status", "readyReplicas")
			return cur == upd && ready == 3, fmt.Sprintf("currentRevision %s updateRevision %s ready %d", cur, upd, ready)
		})
		t.Logf("config hash %s -> %s", before, after)
	})

	// rivvend keeps a deleted topic's data directory (PROTOCOL.md §3.3), so
	// "deleted" is what its CLI lists, not what is on disk.
	t.Run("deleteOnRemove true deletes the topic from rivvend", func(t *testing.T) {
		objs, err := controlplane.ReadObjects(filepath.Join(root, "examples/topic/orders-events.yaml"))
		must(t, err)
		tp := objs[0]
		tp.SetName("orders-events-scratch")
		must(t, unstructured.SetNestedField(tp.Object, true, "spec", "deleteOnRemove"))
		must(t, cp.Apply(ctx, tp))
		ref := controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenTopic", Namespace: "default", Name: "orders-events-scratch"}
		must(t, cp.WaitReady(ctx, 3*time.Minute, ref))
		if ts := rivvenTopics(t, ctx, cp); !slices.Contains(ts, "orders-events-scratch") {
			t.Fatalf("orders-events-scratch is Ready but rivven topic list shows %q", ts)
		}
		must(t, cp.Delete(ctx, ref))
		waitGone(t, ctx, cp, ref)
		if ts := rivvenTopics(t, ctx, cp); slices.Contains(ts, "orders-events-scratch") {
			t.Errorf("deleteOnRemove: true, but rivven topic list still shows orders-events-scratch: %q", ts)
		}
	})

	t.Run("deleteOnRemove false keeps the topic on rivvend", func(t *testing.T) {
		must(t, cp.Delete(ctx, controlplane.OrdersTopic))
		waitGone(t, ctx, cp, controlplane.OrdersTopic)
		if ts := rivvenTopics(t, ctx, cp); !slices.Contains(ts, "orders-events") {
			t.Errorf("deleteOnRemove: false, but rivven topic list no longer shows orders-events: %q", ts)
		}
		if got := rivvenPartitions(t, ctx, cp, "orders-events"); got != 12 {
			t.Errorf("kept topic has %d partitions, want 12", got)
		}
	})

	t.Run("Kafka protocol: a hand-written ProviderConfig on kfake", func(t *testing.T) {
		testKafkaPath(t, ctx, cp, root)
	})

	t.Run("deleting the composites removes composed resources", func(t *testing.T) {
		composed := []controlplane.Ref{
			{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "rivven-connect-cdc-pipeline"},
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: "rivven-connect-cdc-pipeline-config"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-connect-cdc-pipeline"},
			{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: "default", Name: "rivven-production"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-production"},
			{APIVersion: "v1", Kind: "Service", Namespace: "default", Name: "rivven-production-headless"},
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "default", Name: "rivven-production-config"},
			{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: "default", Name: "rivven-production-pdb"},
			{APIVersion: "rivven.io/v1alpha1", Kind: "ProviderConfig", Namespace: "default", Name: "production"},
		}
		for _, r := range composed {
			ok, err := cp.Exists(ctx, r)
			must(t, err)
			if !ok {
				t.Fatalf("%s is missing before the composites are deleted", r)
			}
		}
		must(t, cp.Delete(ctx, controlplane.CDCPipeline))
		must(t, cp.Delete(ctx, controlplane.Production))
		for _, r := range append([]controlplane.Ref{controlplane.CDCPipeline, controlplane.Production}, composed...) {
			waitGone(t, ctx, cp, r)
		}
	})
	t.Logf("scenario done in %s", time.Since(start).Round(time.Second))
}
