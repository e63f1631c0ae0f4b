package argocd

import (
	"slices"
	"testing"

	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/health"
	"github.com/argoproj/argo-cd/v3/util/lua"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The captures hold ACLsApplied and ReplicationFactorApplied True (Applied)
// and False with UnsupportedByBroker (rivvend, see TestCapturedStates). The
// reasons Pending and Refused are not reached on the local control plane
// (rivvend has no ACLs to change, and no replication factor to differ from
// one it cannot hold), so these cases set them, worded as
// provider/internal/controller/topic/conditions.go words them, on the
// captured Ready topic.
func TestAppliedConditions(t *testing.T) {
	o := lua.ResourceHealthOverrides(resourceOverrides(t))
	acls := func(status, reason, msg string) map[string]any {
		return map[string]any{"type": "ACLsApplied", "status": status, "reason": reason, "message": msg, "observedGeneration": int64(1)}
	}
	rf := func(status, reason, msg string) map[string]any {
		return map[string]any{"type": "ReplicationFactorApplied", "status": status, "reason": reason, "message": msg, "observedGeneration": int64(1)}
	}
	const base = "topic audit-log: 3 partitions, replication factor 1"
	cases := map[string]struct {
		conds []map[string]any
		want  health.HealthStatus
	}{
		"both applied": {
			conds: []map[string]any{acls("True", "Applied", "spec.acls: the broker holds the 3 ACL entries of the spec"), rf("True", "Applied", "the broker keeps 1 copies of each partition, as spec.replicationFactor asks")},
			want:  health.HealthStatus{Status: health.HealthStatusHealthy, Message: base},
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
			// Each set condition replaces the captured one of its type.
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range tc.conds {
				conds = slices.DeleteFunc(conds, func(o any) bool { m, _ := o.(map[string]any); return m["type"] == c["type"] })
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
