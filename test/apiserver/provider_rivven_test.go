package apiserver

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// TestProviderOnRivvend is the seed's orders-events on a real standalone
// rivvend, through the ProviderConfig function-rivven-cluster composes and
// the provider binary: the topic is created with its 12 partitions and the
// configs rivvend accepts (seen by the rivven CLI and read back from the
// broker), the conditions name what rivvend cannot hold, configs a broker
// restart loses come back within a poll, invalid configs are refused before
// anything is sent, and deleteOnRemove is honoured both ways.
func TestProviderOnRivvend(t *testing.T) {
	version := commonv1alpha1.DefaultRivvenVersion
	b := rivvenbin.StartBroker(t, version, nil)
	ctx := context.Background()
	ns := namespace(t, nil)
	startProvider(t, ns)

	// What function-rivven-cluster composes for a one-broker cluster named
	// production; only the address differs: the Service name it publishes
	// does not resolve outside a cluster, so the broker's loopback address
	// stands in for it.
	c, err := composed.RunCluster(map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster",
		"metadata": map[string]any{"name": "production", "namespace": ns},
		"spec":     map[string]any{"replicas": int64(1)},
	})
	if err != nil {
		t.Fatal(err)
	}
	pc := &unstructured.Unstructured{Object: c.ProviderConfig}
	if got, _, _ := unstructured.NestedString(pc.Object, "spec", "protocol"); got != "Rivven" {
		t.Fatalf("composed ProviderConfig protocol %q, want Rivven", got)
	}
	if err := unstructured.SetNestedStringSlice(pc.Object, []string{b.Addr}, "spec", "bootstrapServers"); err != nil {
		t.Fatal(err)
	}
	pc.SetLabels(nil)
	if _, err := apply(ctx, pc); err != nil {
		t.Fatalf("ProviderConfig: %v", err)
	}

	objs, err := readObjects(filepath.Join(root, "examples", "topic", "orders-events.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rt := objs[0]
	rt.SetNamespace(ns)
	if _, err := apply(ctx, rt); err != nil {
		t.Fatalf("RivvenTopic: %v", err)
	}
	const wait = 60 * time.Second
	name := rt.GetName()

	t.Run("the seed's topic is on the broker", func(t *testing.T) {
		eventually(t, wait, "rivven topic info", func() error { return partitionsAre(ctx, b, version, name, 12) })
		eventually(t, wait, "topic configs", func() error {
			return brokerConfigsAre(ctx, b, version, name, map[string]string{"compression.type": "lz4", "min.insync.replicas": "2", "retention.ms": "604800000", "cleanup.policy": "delete"})
		})
	})

	t.Run("conditions say what is applied and what is not", func(t *testing.T) {
		eventually(t, wait, "conditions", func() error {
			u := getTopic(ctx, t, ns, name)
			want := map[string]string{
				"Ready": "True/Available", "Synced": "True/ReconcileSuccess",
				"ACLsApplied": "False/UnsupportedByBroker", "ReplicationFactorApplied": "False/UnsupportedByBroker",
			}
			got := map[string]string{}
			for typ := range want {
				got[typ] = condition(u, typ) + "/" + conditionField(u, typ, "reason")
			}
			if d := cmp.Diff(want, got); d != "" {
				return fmt.Errorf("conditions (-want +got):\n%s", d)
			}
			for typ, field := range map[string]string{"ACLsApplied": "spec.acls (2 entries) not applied: rivvend 0.0.22 has no ACL API", "ReplicationFactorApplied": "spec.replicationFactor 3 not applied: rivvend 0.0.22 has no per-topic replication factor"} {
				if m := conditionField(u, typ, "message"); !strings.Contains(m, field) {
					return fmt.Errorf("%s message %q does not contain %q", typ, m, field)
				}
			}
			if p, _, _ := unstructured.NestedInt64(u.Object, "status", "atProvider", "replicationFactor"); p != 1 {
				return fmt.Errorf("status.atProvider.replicationFactor %d, want the 1 copy rivvend keeps", p)
			}
			return nil
		})
		eventually(t, wait, "Warning events naming the fields", func() error {
			evs := &corev1.EventList{}
			if err := k8s.List(ctx, evs, client.InNamespace(ns)); err != nil {
				return err
			}
			var seen []string
			for _, e := range evs.Items {
				if e.InvolvedObject.Name == name && e.Type == corev1.EventTypeWarning && e.Reason == "NotApplied" {
					seen = append(seen, e.Message)
				}
			}
			joined := strings.Join(seen, "\n")
			if !strings.Contains(joined, "spec.acls") || !strings.Contains(joined, "spec.replicationFactor") {
				return fmt.Errorf("NotApplied events %q, want one naming spec.acls and one naming spec.replicationFactor", seen)
			}
			return nil
		})
	})

	t.Run("edits reach the broker", func(t *testing.T) {
		edit := rt.DeepCopy()
		_ = unstructured.SetNestedField(edit.Object, int64(16), "spec", "partitions")
		// minInsyncReplicas removed from the spec: reset on the broker.
		unstructured.RemoveNestedField(edit.Object, "spec", "config", "minInsyncReplicas")
		_ = unstructured.SetNestedField(edit.Object, "zstd", "spec", "config", "compressionType")
		if _, err := apply(ctx, edit); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "16 partitions", func() error { return partitionsAre(ctx, b, version, name, 16) })
		eventually(t, wait, "configs after the edit", func() error {
			return brokerConfigsAre(ctx, b, version, name, map[string]string{"compression.type": "zstd", "min.insync.replicas": "1"})
		})
	})

	t.Run("configs lost by a broker restart come back", func(t *testing.T) {
		b.Restart()
		start := time.Now()
		// rivvend keeps topic configs in memory only; the provider must
		// notice and set them again.
		if err := brokerConfigsAre(ctx, b, version, name, map[string]string{"compression.type": "producer"}); err != nil {
			t.Logf("right after the restart (the provider may already have re-applied): %v", err)
		}
		eventually(t, 10*providerPoll+10*time.Second, "configs re-applied", func() error {
			return brokerConfigsAre(ctx, b, version, name, map[string]string{"compression.type": "zstd"})
		})
		t.Logf("configs re-applied %s after the restart (poll %s)", time.Since(start).Round(100*time.Millisecond), providerPoll)
		if err := partitionsAre(ctx, b, version, name, 16); err != nil {
			t.Error(err)
		}
	})

	t.Run("a config rivvend does not accept is refused before anything is sent", func(t *testing.T) {
		bad := rt.DeepCopy()
		bad.SetName("orders-kafka-only")
		_ = unstructured.SetNestedStringMap(bad.Object, map[string]string{"delete.retention.ms": "1"}, "spec", "config", "additionalConfig")
		if _, err := apply(ctx, bad); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "Synced False naming the field", func() error {
			u := getTopic(ctx, t, ns, bad.GetName())
			if m := conditionField(u, "Synced", "message"); condition(u, "Synced") != "False" || !strings.Contains(m, `spec.config.additionalConfig["delete.retention.ms"]: rivvend accepts only the topic config keys`) {
				return fmt.Errorf("Synced %s: %q", condition(u, "Synced"), m)
			}
			return nil
		})
		list, err := b.CLI(ctx, version, "topic", "list")
		if err != nil || strings.Contains(list, bad.GetName()) {
			t.Errorf("rivven topic list: %q %v; the refused topic must not exist", list, err)
		}
		deleteAndWait(ctx, t, ns, bad.GetName(), wait)
	})

	t.Run("an existing topic is left alone until adopted", func(t *testing.T) {
		if _, err := b.CLI(ctx, version, "topic", "create", "legacy-orders", "--partitions", "2"); err != nil {
			t.Fatal(err)
		}
		legacy := rt.DeepCopy()
		legacy.SetName("legacy-orders")
		_ = unstructured.SetNestedField(legacy.Object, int64(4), "spec", "partitions")
		if _, err := apply(ctx, legacy); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "conflict reported", func() error {
			u := getTopic(ctx, t, ns, "legacy-orders")
			if m := conditionField(u, "Synced", "message"); !strings.Contains(m, `topic "legacy-orders" already exists on the broker and was not created by this RivvenTopic`) {
				return fmt.Errorf("Synced %s: %q", condition(u, "Synced"), m)
			}
			return nil
		})
		if err := partitionsAre(ctx, b, version, "legacy-orders", 2); err != nil {
			t.Errorf("a foreign topic was changed: %v", err)
		}
		legacy.SetAnnotations(map[string]string{"rivven.io/adopt": "true"})
		if _, err := apply(ctx, legacy); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "adopted and grown", func() error { return partitionsAre(ctx, b, version, "legacy-orders", 4) })
		deleteAndWait(ctx, t, ns, "legacy-orders", wait)
	})

	t.Run("deleteOnRemove false keeps the topic", func(t *testing.T) {
		deleteAndWait(ctx, t, ns, name, wait)
		if err := partitionsAre(ctx, b, version, name, 16); err != nil {
			t.Errorf("kept topic: %v", err)
		}
	})

	t.Run("deleteOnRemove true deletes it", func(t *testing.T) {
		scratch := rt.DeepCopy()
		scratch.SetName("orders-scratch")
		_ = unstructured.SetNestedField(scratch.Object, true, "spec", "deleteOnRemove")
		if _, err := apply(ctx, scratch); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "scratch topic", func() error { return partitionsAre(ctx, b, version, "orders-scratch", 12) })
		eventually(t, wait, "scratch Ready", func() error {
			if s := condition(getTopic(ctx, t, ns, "orders-scratch"), "Ready"); s != "True" {
				return fmt.Errorf("Ready is %q", s)
			}
			return nil
		})
		deleteAndWait(ctx, t, ns, "orders-scratch", 2*wait)
		list, err := b.CLI(ctx, version, "topic", "list")
		if err != nil || strings.Contains(list, "orders-scratch") {
			t.Errorf("rivven topic list after delete: %q %v", list, err)
		}
	})
}

var partitionsLine = regexp.MustCompile(`(?i)partitions\D*(\d+)`)

// partitionsAre asks the real rivven CLI (Rivven's own client, not ours) how
// many partitions the topic has.
func partitionsAre(ctx context.Context, b *rivvenbin.Broker, version, topic string, want int) error {
	out, err := b.CLI(ctx, version, "topic", "info", topic)
	if err != nil {
		return err
	}
	m := partitionsLine.FindStringSubmatch(out)
	if m == nil || m[1] != fmt.Sprint(want) {
		return fmt.Errorf("rivven topic info %s: %q, want %d partitions", topic, out, want)
	}
	return nil
}

// brokerConfigsAre reads the topic's configs from the broker through
// rivven-client (Rivven's own Rust client, not the provider's Go one) and
// compares the keys of want.
func brokerConfigsAre(ctx context.Context, b *rivvenbin.Broker, version, topic string, want map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	all, err := b.TopicConfigs(ctx, version, topic)
	if err != nil {
		return err
	}
	got := map[string]string{}
	for k := range want {
		got[k] = all[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		return fmt.Errorf("topic configs on the broker (-want +got):\n%s", diff)
	}
	return nil
}

func conditionField(u *unstructured.Unstructured, typ, field string) string {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			s, _ := m[field].(string)
			return s
		}
	}
	return ""
}
