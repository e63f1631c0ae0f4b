package e2e

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor calls fn every second until it holds, failing the test with the
// last state fn reported after timeout.
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

// conditionsAre waits until the object's conditions have the wanted
// status/reason (e.g. "False/UnsupportedByBroker") and messages containing
// the wanted texts.
func conditionsAre(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, r controlplane.Ref, want map[string]string, messages map[string]string) {
	t.Helper()
	waitFor(t, ctx, time.Minute, r.String()+" conditions", func() (bool, string) {
		u, err := cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
		if err != nil {
			return false, err.Error()
		}
		got := map[string]string{}
		for typ := range want {
			s, reason, _ := controlplane.Condition(u, typ)
			got[typ] = s + "/" + reason
		}
		if d := cmp.Diff(want, got); d != "" {
			return false, "(-want +got)\n" + d
		}
		for typ, text := range messages {
			if _, _, m := controlplane.Condition(u, typ); !strings.Contains(m, text) {
				return false, fmt.Sprintf("%s message %q does not contain %q", typ, m, text)
			}
		}
		return true, ""
	})
}

// atProvider returns the topic's status.atProvider.
func atProvider(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, r controlplane.Ref) map[string]any {
	t.Helper()
	u, err := cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
	must(t, err)
	m, _, _ := unstructured.NestedMap(u.Object, "status", "atProvider")
	return m
}

// warnings are the messages of the Warning events of an object with reason.
func warnings(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, r controlplane.Ref, reason string) []string {
	t.Helper()
	evs := &unstructured.UnstructuredList{}
	evs.SetAPIVersion("v1")
	evs.SetKind("EventList")
	must(t, cp.Client.List(ctx, evs))
	var out []string
	for _, e := range evs.Items {
		kind, _, _ := unstructured.NestedString(e.Object, "involvedObject", "kind")
		name, _, _ := unstructured.NestedString(e.Object, "involvedObject", "name")
		typ, _, _ := unstructured.NestedString(e.Object, "type")
		rsn, _, _ := unstructured.NestedString(e.Object, "reason")
		msg, _, _ := unstructured.NestedString(e.Object, "message")
		if kind == r.Kind && name == r.Name && e.GetNamespace() == r.Namespace && typ == "Warning" && rsn == reason {
			out = append(out, msg)
		}
	}
	return out
}

func stsTemplateHash(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, name string) string {
	t.Helper()
	sts, err := cp.Get(ctx, "apps/v1", "StatefulSet", "default", name)
	must(t, err)
	h, _, _ := unstructured.NestedString(sts.Object, "spec", "template", "metadata", "annotations", "rivven.io/config-hash")
	if h == "" {
		t.Fatalf("StatefulSet %s has no rivven.io/config-hash pod-template annotation", name)
	}
	return h
}

// broker is the real rivvend behind the local cluster's client Service.
func broker(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane) *controlplane.Rivvend {
	t.Helper()
	r, err := cp.Broker(ctx, controlplane.LocalCluster.Namespace, controlplane.LocalCluster.Name)
	must(t, err)
	return r
}

// pod is the API's view of a pod.
func pod(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, name string) *corev1.Pod {
	t.Helper()
	p := &corev1.Pod{}
	must(t, cp.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, p))
	return p
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// waiting is "reason: message" of each container of a pod that waits.
func waiting(p *corev1.Pod) []string {
	var out []string
	for _, c := range p.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil {
			out = append(out, c.Name+": "+w.Reason+": "+w.Message)
		}
	}
	return out
}

// consume reads up to 1000 records of topic from offset 0 with the rivven
// CLI; "[offset=N]" starts each.
func consume(t *testing.T, ctx context.Context, b *controlplane.Rivvend, topic string) string {
	t.Helper()
	out, _ := b.CLI(ctx, "consume", topic, "--offset", "0", "--max", "1000")
	return out
}

var cliPartitions = regexp.MustCompile(`(?m)^Partitions:\s*(\d+)\s*$`)

// rivvenPartitions is the partition count `rivven topic info` prints.
func rivvenPartitions(t *testing.T, ctx context.Context, b *controlplane.Rivvend, topic string) int {
	t.Helper()
	out, err := b.CLI(ctx, "topic", "info", topic)
	must(t, err)
	m := cliPartitions.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("rivven topic info %s prints no partition count:\n%s", topic, out)
	}
	var n int
	_, _ = fmt.Sscan(m[1], &n)
	return n
}

// rivvenTopics are the topics `rivven topic list` prints, one "• name"
// line each (the CLI logs to the same stream, so only those lines count).
func rivvenTopics(t *testing.T, ctx context.Context, b *controlplane.Rivvend) []string {
	t.Helper()
	out, err := b.CLI(ctx, "topic", "list")
	must(t, err)
	var topics []string
	for _, l := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(l), "• "); ok {
			topics = append(topics, n)
		}
	}
	sort.Strings(topics)
	return topics
}

// workerPod is the running datagen-demo worker.
func workerPod(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane) *podrun.Pod {
	t.Helper()
	var pl corev1.PodList
	must(t, cp.Client.List(ctx, &pl, client.InNamespace("default"), client.MatchingLabels{"app.kubernetes.io/instance": controlplane.LocalPipeline.Name}))
	for _, p := range pl.Items {
		if p.DeletionTimestamp == nil {
			if run, err := cp.Pod(p.Namespace, p.Name); err == nil {
				return run
			}
		}
	}
	t.Fatalf("no running worker pod of %s among %d pods", controlplane.LocalPipeline, len(pl.Items))
	return nil
}

// tailLines is the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
