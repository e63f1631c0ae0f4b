package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

// testKafkaPath proves the provider's Kafka protocol end to end: an external
// Kafka-compatible cluster (three kfake brokers on their own loopback
// address), a hand-written ProviderConfig with protocol: Kafka naming it,
// and the seed topic's spec on it through providerConfigRef. Here ACLs and
// the replication factor are applied, which rivvend cannot do; configs and
// ACLs are read back with an admin client of our own and the partitions
// with Debian's kcat (librdkafka), both independent of the provider.
func testKafkaPath(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, root string) {
	pcRef := controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "ProviderConfig", Namespace: "default", Name: "external-kafka"}
	pc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": pcRef.APIVersion, "kind": pcRef.Kind,
		"metadata": map[string]any{"name": pcRef.Name, "namespace": pcRef.Namespace},
		"spec":     map[string]any{"protocol": "Kafka", "bootstrapServers": toAny(cp.KafkaAddrs)},
	}}
	must(t, cp.Apply(ctx, pc))

	objs, err := controlplane.ReadObjects(filepath.Join(root, "examples/topic/orders-events.yaml"))
	must(t, err)
	tp := objs[0]
	const name = "orders-events-kafka"
	tp.SetName(name)
	unstructured.RemoveNestedField(tp.Object, "spec", "clusterRef")
	must(t, unstructured.SetNestedStringMap(tp.Object, map[string]string{"kind": pcRef.Kind, "name": pcRef.Name}, "spec", "providerConfigRef"))
	must(t, unstructured.SetNestedField(tp.Object, true, "spec", "deleteOnRemove"))
	must(t, cp.Apply(ctx, tp))
	ref := controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenTopic", Namespace: "default", Name: name}
	must(t, cp.WaitReady(ctx, 3*time.Minute, ref))
	conditionsAre(t, ctx, cp, ref, map[string]string{
		"ACLsApplied": "True/Applied", "ReplicationFactorApplied": "True/Applied",
	}, nil)

	admin := kafkaAdmin(t, cp)
	if got := kcatPartitions(t, cp, name); got != 12 {
		t.Errorf("kcat sees %d partitions of %s, want 12", got, name)
	}
	rcs, err := admin.DescribeTopicConfigs(ctx, name)
	must(t, err)
	rc, err := rcs.On(name, nil)
	must(t, err)
	got := map[string]string{}
	for _, c := range rc.Configs {
		if c.Value != nil {
			got[c.Key] = *c.Value
		}
	}
	want := map[string]string{"retention.ms": "604800000", "cleanup.policy": "delete", "compression.type": "lz4", "min.insync.replicas": "2"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("config %s = %q, want %q", k, got[k], v)
		}
	}
	b := kadm.NewACLs().Topics(name).AnyResource().Allow().Deny().AllowHosts().DenyHosts().
		Operations(kadm.OpAny).ResourcePatternType(kadm.ACLPatternAny)
	res, err := admin.DescribeACLs(ctx, b)
	must(t, err)
	// The filters overlap (allow and deny, any and literal patterns), so
	// one binding can be described more than once; a broker holds each
	// binding once, so a set is the honest comparison.
	seen := map[string]bool{}
	var acls []string
	for _, r := range res {
		must(t, r.Err)
		for _, d := range r.Described {
			a := fmt.Sprintf("%s %s %s", strings.ToLower(d.Principal), d.Operation, d.Permission)
			if !seen[a] {
				seen[a] = true
				acls = append(acls, a)
			}
		}
	}
	sort.Strings(acls)
	wantACLs := []string{"user:analytics READ ALLOW", "user:order-service READ ALLOW", "user:order-service WRITE ALLOW"}
	if d := cmp.Diff(wantACLs, acls); d != "" {
		t.Errorf("ACLs of %s (-want +got):\n%s", name, d)
	}

	must(t, cp.Delete(ctx, ref))
	waitGone(t, ctx, cp, ref)
	if kafkaTopicExists(t, ctx, admin, name) {
		t.Errorf("deleteOnRemove: true, but %s is still on the Kafka cluster", name)
	}
	must(t, cp.Delete(ctx, pcRef))
	waitGone(t, ctx, cp, pcRef)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// kafkaAdmin is an admin client of our own, independent of the provider's.
func kafkaAdmin(t *testing.T, cp *controlplane.ControlPlane) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cp.KafkaAddrs[0]))
	must(t, err)
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

func kafkaTopicExists(t *testing.T, ctx context.Context, admin *kadm.Client, topic string) bool {
	t.Helper()
	td, err := admin.ListTopics(ctx, topic)
	must(t, err)
	d, ok := td[topic]
	return ok && d.Err == nil
}

// kcatPartitions asks Debian's kcat (librdkafka) for a topic's metadata.
func kcatPartitions(t *testing.T, cp *controlplane.ControlPlane, topic string) int {
	t.Helper()
	out, err := exec.Command("kcat", "-b", cp.KafkaAddrs[0], "-L", "-J", "-t", topic, "-m", "10").Output()
	if err != nil {
		t.Fatalf("kcat -L -t %s: %v\n%s", topic, err, out)
	}
	var md struct {
		Topics []struct {
			Topic      string            `json:"topic"`
			Partitions []json.RawMessage `json:"partitions"`
			Err        *string           `json:"error"`
		} `json:"topics"`
	}
	must(t, json.Unmarshal(out, &md))
	for _, tp := range md.Topics {
		if tp.Topic == topic && tp.Err == nil {
			return len(tp.Partitions)
		}
	}
	return 0
}
