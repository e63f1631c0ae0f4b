package connect

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"
)

// TestDeploymentReadiness: the composite's readiness, phase and
// WorkersReady condition come from the observed Deployment, whose
// availability is the workers' readiness probe (rivven-connect check).
func TestDeploymentReadiness(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	first := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, true))))
	dep := first.GetDesired().GetResources()[ResourceDeployment].GetResource().AsMap()
	type cond struct {
		Status          fnv1.Status
		Reason          string
		MessageContains string
	}
	cases := map[string]struct {
		status    map[string]any // nil: no Deployment observed yet
		wantReady fnv1.Ready
		wantPhase string
		wantCond  cond
	}{
		"not created": {
			wantReady: fnv1.Ready_READY_FALSE, wantPhase: PhaseProvisioning,
			wantCond: cond{fnv1.Status_STATUS_CONDITION_FALSE, "NotObserved", "not created yet"},
		},
		"available": {
			status:    map[string]any{"observedGeneration": float64(1), "replicas": float64(2), "updatedReplicas": float64(2), "availableReplicas": float64(2), "readyReplicas": float64(2)},
			wantReady: fnv1.Ready_READY_TRUE, wantPhase: PhaseRunning,
			wantCond: cond{fnv1.Status_STATUS_CONDITION_TRUE, "Available", "2 of 2 replicas available; each passed rivven-connect check"},
		},
		"check failing": {
			status:    map[string]any{"observedGeneration": float64(1), "replicas": float64(2), "updatedReplicas": float64(2), "availableReplicas": float64(1), "readyReplicas": float64(1)},
			wantReady: fnv1.Ready_READY_FALSE, wantPhase: PhaseProvisioning,
			wantCond: cond{fnv1.Status_STATUS_CONDITION_FALSE, "ReplicasNotReady", "1 of 2 replicas available: a worker is ready while rivven-connect check passes"},
		},
		"rolling": {
			status:    map[string]any{"observedGeneration": float64(1), "replicas": float64(3), "updatedReplicas": float64(1), "availableReplicas": float64(2), "readyReplicas": float64(2)},
			wantReady: fnv1.Ready_READY_FALSE, wantPhase: PhaseProvisioning,
			wantCond: cond{fnv1.Status_STATUS_CONDITION_FALSE, "RollingUpdate", "1 of 2 replicas updated"},
		},
		"stale generation": {
			status:    map[string]any{"observedGeneration": float64(0), "replicas": float64(2), "updatedReplicas": float64(2), "availableReplicas": float64(2)},
			wantReady: fnv1.Ready_READY_FALSE, wantPhase: PhaseProvisioning,
			wantCond: cond{fnv1.Status_STATUS_CONDITION_FALSE, "StatusNotObserved", "not yet observed generation 1"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			opts := []reqOpt{withCluster(t, cluster("default", true, true))}
			if tc.status != nil {
				obs := map[string]any{}
				for k, v := range dep {
					obs[k] = v
				}
				obs["metadata"] = map[string]any{"name": "rivven-connect-cdc-pipeline", "namespace": "default", "generation": float64(1)}
				obs["status"] = tc.status
				opts = append(opts, withObserved(t, ResourceDeployment, obs))
			}
			rsp := run(t, newRequest(t, xr, opts...))
			if got := rsp.GetDesired().GetResources()[ResourceDeployment].GetReady(); got != tc.wantReady {
				t.Errorf("deployment ready = %v, want %v", got, tc.wantReady)
			}
			if got := xrStatus(rsp)["phase"]; got != tc.wantPhase {
				t.Errorf("phase = %v, want %v", got, tc.wantPhase)
			}
			c := condition(rsp, ConditionWorkersReady)
			if c == nil {
				t.Fatal("no WorkersReady condition")
			}
			got := cond{c.GetStatus(), c.GetReason(), tc.wantCond.MessageContains}
			if !strings.Contains(c.GetMessage(), tc.wantCond.MessageContains) {
				got.MessageContains = c.GetMessage()
			}
			if diff := cmp.Diff(tc.wantCond, got); diff != "" {
				t.Errorf("WorkersReady (-want +got):\n%s", diff)
			}
		})
	}
}
