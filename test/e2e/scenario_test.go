package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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
	cp, err := controlplane.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	t.Logf("control plane up and packages Healthy in %s", time.Since(start).Round(time.Second))

	must(t, cp.ApplySeedPrerequisites(ctx))
	must(t, cp.ApplySeed(ctx))
	must(t, cp.WaitReady(ctx, 10*time.Minute, controlplane.SeedObjects...))
	t.Logf("seed examples Ready and Synced %s after start", time.Since(start).Round(time.Second))

	admin := kafkaAdmin(t, cp)

	t.Run("topic visible to kcat with 12 partitions", func(t *testing.T) {
		if got := kcatPartitions(t, cp, "orders-events"); got != 12 {
			t.Errorf("kcat sees %d partitions of orders-events, want 12", got)
		}
	})

	t.Run("topic configs and ACLs on the broker", func(t *testing.T) {
		rcs, err := admin.DescribeTopicConfigs(ctx, "orders-events")
		must(t, err)
		rc, err := rcs.On("orders-events", nil)
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
		b := kadm.NewACLs().Topics("orders-events").AnyResource().Allow().Deny().AllowHosts().DenyHosts().
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
			t.Errorf("ACLs of orders-events (-want +got):\n%s", d)
		}
	})

	t.Run("config change rolls the brokers", func(t *testing.T) {
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

	t.Run("deleteOnRemove true deletes the topic", func(t *testing.T) {
		objs, err := controlplane.ReadObjects(filepath.Join(root, "examples/topic/orders-events.yaml"))
		must(t, err)
		tp := objs[0]
		tp.SetName("orders-events-scratch")
		must(t, unstructured.SetNestedField(tp.Object, true, "spec", "deleteOnRemove"))
		must(t, cp.Apply(ctx, tp))
		ref := controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenTopic", Namespace: "default", Name: "orders-events-scratch"}
		must(t, cp.WaitReady(ctx, 3*time.Minute, ref))
		if !topicExists(t, ctx, admin, "orders-events-scratch") {
			t.Fatal("orders-events-scratch is Ready but not on the broker")
		}
		must(t, cp.Delete(ctx, ref))
		waitGone(t, ctx, cp, ref)
		if topicExists(t, ctx, admin, "orders-events-scratch") {
			t.Error("deleteOnRemove: true, but the topic is still on the broker")
		}
	})

	t.Run("deleteOnRemove false keeps the topic", func(t *testing.T) {
		must(t, cp.Delete(ctx, controlplane.OrdersTopic))
		waitGone(t, ctx, cp, controlplane.OrdersTopic)
		if !topicExists(t, ctx, admin, "orders-events") {
			t.Error("deleteOnRemove: false, but the topic was deleted from the broker")
		}
		if got := kcatPartitions(t, cp, "orders-events"); got != 12 {
			t.Errorf("kept topic has %d partitions, want 12", got)
		}
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, ctx context.Context, timeout time.Duration, what string, fn func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	state := ""
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var ok bool
		if ok, state = fn(); ok {
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("%s: not after %s: %s", what, timeout, state)
}

func waitGone(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, r controlplane.Ref) {
	t.Helper()
	waitFor(t, ctx, 3*time.Minute, r.String()+" deleted", func() (bool, string) {
		ok, err := cp.Exists(ctx, r)
		if err != nil {
			return false, err.Error()
		}
		return !ok, "still exists"
	})
}

func stsTemplateHash(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane) string {
	t.Helper()
	sts, err := cp.Get(ctx, "apps/v1", "StatefulSet", "default", "rivven-production")
	must(t, err)
	h, _, _ := unstructured.NestedString(sts.Object, "spec", "template", "metadata", "annotations", "rivven.io/config-hash")
	if h == "" {
		t.Fatal("StatefulSet rivven-production has no rivven.io/config-hash pod-template annotation")
	}
	return h
}

// kafkaAdmin is an admin client of our own, independent of the provider's.
func kafkaAdmin(t *testing.T, cp *controlplane.ControlPlane) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cp.KafkaAddrs[0]))
	must(t, err)
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

func topicExists(t *testing.T, ctx context.Context, admin *kadm.Client, topic string) bool {
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
