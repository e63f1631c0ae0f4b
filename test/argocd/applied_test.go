package argocd

import (
	"testing"

	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/health"
	"github.com/argoproj/argo-cd/v3/util/lua"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The ACLsApplied and ReplicationFactorApplied conditions of RivvenTopic
// (apis/topic/v1alpha1/conditions.go) come with the provider's Rivven
// protocol support; the provider the captures were taken from did not
// report them yet, and UnsupportedByBroker is reported only against a real
// rivvend (the local control plane runs kfake). So these cases add the
// conditions, as that code writes them, to the captured Ready topic.
func TestAppliedConditions(t *testing.T) {
	o := lua.ResourceHealthOverrides(resourceOverrides(t))
	acls := func(status, reason, msg string) map[string]any {
		return map[string]any{"type": "ACLsApplied", "status": status, "reason": reason, "message": msg, "observedGeneration": int64(1)}
	}
	rf := func(status, reason, msg string) map[string]any {
		return map[string]any{"type": "ReplicationFactorApplied", "status": status, "reason": reason, "message": msg, "observedGeneration": int64(1)}
	}
	const (
		noACLs = "spec.acls (3 entries) not applied: the broker has no ACL API"
		noRF   = "spec.replicationFactor 3 not applied: the broker keeps one copy of each partition"
		base   = "topic orders-events: 12 partitions, replication factor 3"
	)
	cases := map[string]struct {
		conds []map[string]any
		want  health.HealthStatus
	}{
		"both applied": {
			conds: []map[string]any{acls("True", "Applied", "spec.acls: the broker holds the 3 ACL entries of the spec"), rf("True", "Applied", "the broker keeps 3 copies")},
			want:  health.HealthStatus{Status: health.HealthStatusHealthy, Message: base},
		},
		"ACLs unsupported by the broker": {
			conds: []map[string]any{acls("False", "UnsupportedByBroker", noACLs), rf("True", "Applied", "")},
			want:  health.HealthStatus{Status: health.HealthStatusHealthy, Message: base + "; not applied: " + noACLs},
		},
		"both unsupported by the broker": {
			conds: []map[string]any{acls("False", "UnsupportedByBroker", noACLs), rf("False", "UnsupportedByBroker", noRF)},
			want:  health.HealthStatus{Status: health.HealthStatusHealthy, Message: base + "; not applied: " + noACLs + "; " + noRF},
		},
		"ACLs pending": {
			conds: []map[string]any{acls("False", "Pending", "spec.acls: 1 ACL entries to create and 0 to delete on the broker")},
			want:  health.HealthStatus{Status: health.HealthStatusProgressing, Message: "spec.acls: 1 ACL entries to create and 0 to delete on the broker"},
		},
		"replication factor refused": {
			conds: []map[string]any{rf("False", "Refused", "spec.replicationFactor is 3 but the broker keeps 2 copies of each partition")},
			want:  health.HealthStatus{Status: health.HealthStatusDegraded, Message: "spec.replicationFactor is 3 but the broker keeps 2 copies of each partition"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u := readObject(t, "rivventopic/ready.yaml")
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range tc.conds {
				conds = append(conds, c)
			}
			if err := unstructured.SetNestedSlice(u.Object, conds, "status", "conditions"); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, assess(t, o, u)); d != "" {
				t.Errorf("health (-want +got):\n%s", d)
			}
		})
	}
}
