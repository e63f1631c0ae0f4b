package argocd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/health"
	"github.com/argoproj/argo-cd/v3/util/lua"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// readObject reads one captured object of testdata/ (see testdata/README.md).
func readObject(t *testing.T, file string) *unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(raw, &u.Object); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return u
}

// conditionMessage is the message of a condition of a captured object: the
// words of the function or provider that a Degraded health must carry.
func conditionMessage(t *testing.T, file, typ string) string {
	t.Helper()
	conds, _, _ := unstructured.NestedSlice(readObject(t, file).Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			if msg, _ := m["message"].(string); msg != "" {
				return msg
			}
		}
	}
	t.Fatalf("%s has no %s condition with a message", file, typ)
	return ""
}

// assess is the application controller's own call (controller/health.go):
// gitops-engine's health with the Lua customizations of argocd-cm.
func assess(t *testing.T, o lua.ResourceHealthOverrides, u *unstructured.Unstructured) health.HealthStatus {
	t.Helper()
	hs, err := health.GetResourceHealth(u, o)
	if err != nil {
		t.Fatalf("health of %s %s: %v", u.GetKind(), u.GetName(), err)
	}
	if hs == nil {
		t.Fatalf("no health for %s %s: Argo CD would call it Healthy on creation", u.GetKind(), u.GetName())
	}
	return health.HealthStatus{Status: hs.Status, Message: hs.Message}
}

func TestCapturedStates(t *testing.T) {
	o := lua.ResourceHealthOverrides(resourceOverrides(t))
	type hs = health.HealthStatus
	const (
		progressing = health.HealthStatusProgressing
		healthy     = health.HealthStatusHealthy
		degraded    = health.HealthStatusDegraded
		suspended   = health.HealthStatusSuspended
	)
	paused := `Crossplane does not reconcile it: annotation crossplane.io/paused is "true"`
	cases := []struct {
		file string
		want hs
	}{
		// RivvenCluster
		{"rivvencluster/fresh.yaml", hs{Status: progressing, Message: "Waiting for Crossplane to report status"}},
		{"rivvencluster/progressing.yaml", hs{Status: progressing, Message: "rolling update in progress: 0 of 3 replicas updated"}},
		{"rivvencluster/ready.yaml", hs{Status: healthy, Message: "3/3 brokers ready at rivven-production.default.svc:9092"}},
		{"rivvencluster/stale-generation.yaml", hs{Status: progressing, Message: "Waiting for Crossplane to reconcile generation 4 (status is of generation 3)"}},
		{"rivvencluster/ready-after-change.yaml", hs{Status: healthy, Message: "3/3 brokers ready at rivven-production.default.svc:9092"}},
		{"rivvencluster/fatal.yaml", hs{Status: degraded, Message: conditionMessage(t, "rivvencluster/fatal.yaml", "Synced")}},
		{"rivvencluster/broker-not-running.yaml", hs{Status: degraded, Message: conditionMessage(t, "rivvencluster/broker-not-running.yaml", "BrokersReady")}},
		{"rivvencluster/cluster-mode-unsupported.yaml", hs{Status: degraded, Message: conditionMessage(t, "rivvencluster/cluster-mode-unsupported.yaml", "BrokersReady")}},
		{"rivvencluster/pause-requested.yaml", hs{Status: suspended, Message: paused}},
		{"rivvencluster/paused.yaml", hs{Status: suspended, Message: paused}},
		{"rivvencluster/unpause-requested.yaml", hs{Status: suspended, Message: "Reconciliation (including deletion) is paused via the pause annotation"}},
		// RivvenConnect
		{"rivvenconnect/fresh.yaml", hs{Status: progressing, Message: "Waiting for Crossplane to report status"}},
		{"rivvenconnect/waiting-for-cluster.yaml", hs{Status: progressing, Message: conditionMessage(t, "rivvenconnect/waiting-for-cluster.yaml", "ClusterReady")}},
		{"rivvenconnect/progressing.yaml", hs{Status: progressing, Message: "rolling update in progress: 1 of 2 replicas updated"}},
		{"rivvenconnect/ready.yaml", hs{Status: healthy, Message: "1/1 workers ready, sources 1/1 enabled, sinks 1/1 enabled"}},
		{"rivvenconnect/stale-generation.yaml", hs{Status: progressing, Message: "Waiting for Crossplane to reconcile generation 4 (status is of generation 3)"}},
		{"rivvenconnect/ready-after-change.yaml", hs{Status: healthy, Message: "2/2 workers ready, sources 1/1 enabled, sinks 1/1 enabled"}},
		{"rivvenconnect/fatal.yaml", hs{Status: degraded, Message: conditionMessage(t, "rivvenconnect/fatal.yaml", "Synced")}},
		{"rivvenconnect/pause-requested.yaml", hs{Status: suspended, Message: paused}},
		{"rivvenconnect/paused.yaml", hs{Status: suspended, Message: paused}},
		{"rivvenconnect/unpause-requested.yaml", hs{Status: suspended, Message: "Reconciliation (including deletion) is paused via the pause annotation"}},
		// RivvenTopic
		{"rivventopic/fresh.yaml", hs{Status: progressing, Message: "Waiting for provider-rivven to report status"}},
		{"rivventopic/progressing.yaml", hs{Status: progressing, Message: "Waiting for the topic to be created"}},
		{"rivventopic/ready.yaml", hs{Status: healthy, Message: "topic audit-log: 3 partitions, replication factor 1"}},
		{"rivventopic/unsupported-by-broker.yaml", hs{Status: healthy, Message: "topic orders-events: 12 partitions, replication factor 1; not applied: " +
			conditionMessage(t, "rivventopic/unsupported-by-broker.yaml", "ACLsApplied") + "; " +
			conditionMessage(t, "rivventopic/unsupported-by-broker.yaml", "ReplicationFactorApplied")}},
		{"rivventopic/stale-generation.yaml", hs{Status: progressing, Message: "Waiting for provider-rivven to reconcile generation 2 (status is of generation 1)"}},
		{"rivventopic/ready-after-change.yaml", hs{Status: healthy, Message: "topic orders-events: 16 partitions, replication factor 1; not applied: " +
			conditionMessage(t, "rivventopic/ready-after-change.yaml", "ACLsApplied") + "; " +
			conditionMessage(t, "rivventopic/ready-after-change.yaml", "ReplicationFactorApplied")}},
		{"rivventopic/provider-error.yaml", hs{Status: degraded, Message: conditionMessage(t, "rivventopic/provider-error.yaml", "Synced")}},
		{"rivventopic/pause-requested.yaml", hs{Status: suspended, Message: paused}},
		{"rivventopic/paused.yaml", hs{Status: suspended, Message: paused}},
		{"rivventopic/unpause-requested.yaml", hs{Status: suspended, Message: "provider-rivven reports ReconcilePaused"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			if d := cmp.Diff(tc.want, assess(t, o, readObject(t, tc.file))); d != "" {
				t.Errorf("health (-want +got):\n%s", d)
			}
		})
	}
	// Every captured file has a case: a new capture cannot go untested.
	files, err := filepath.Glob("testdata/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tc := range cases {
		tested[tc.file] = true
	}
	for _, f := range files {
		if rel, _ := filepath.Rel("testdata", f); !tested[filepath.ToSlash(rel)] {
			t.Errorf("%s has no case", f)
		}
	}
}
