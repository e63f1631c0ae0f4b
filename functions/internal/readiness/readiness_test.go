package readiness

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/function-sdk-go/resource/composed"
)

func obj(m map[string]any) *composed.Unstructured {
	u := composed.New()
	u.SetUnstructuredContent(m)
	return u
}

func sts(gen, replicas, obsGen, ready, updated int64, cur, upd string) *composed.Unstructured {
	return obj(map[string]any{
		"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": "s", "generation": gen},
		"spec":     map[string]any{"replicas": replicas},
		"status": map[string]any{"observedGeneration": obsGen, "replicas": replicas, "readyReplicas": ready,
			"updatedReplicas": updated, "currentRevision": cur, "updateRevision": upd},
	})
}

func TestStatefulSet(t *testing.T) {
	cases := map[string]struct {
		in     *composed.Unstructured
		ready  bool
		reason string
	}{
		"NotObserved":   {nil, false, ReasonNotObserved},
		"StaleStatus":   {sts(2, 3, 1, 3, 3, "a", "a"), false, ReasonStaleStatus},
		"NotAllReady":   {sts(1, 3, 1, 2, 3, "a", "a"), false, ReasonReplicasNotReady},
		"RevisionDiff":  {sts(2, 3, 2, 3, 3, "a", "b"), false, ReasonRollingUpdate},
		"NotAllUpdated": {sts(2, 3, 2, 3, 1, "a", "a"), false, ReasonRollingUpdate},
		"Ready":         {sts(2, 3, 2, 3, 3, "b", "b"), true, ReasonAvailable},
		"Undecodable":   {obj(map[string]any{"spec": map[string]any{"replicas": "three"}}), false, ReasonDecodeError},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := StatefulSet(tc.in)
			if got.Ready != tc.ready || got.Reason != tc.reason || got.Message == "" {
				t.Errorf("StatefulSet() = %+v, want ready %v reason %s with a message", got, tc.ready, tc.reason)
			}
		})
	}
}

func TestDeployment(t *testing.T) {
	dep := func(gen, obsGen, replicas, updated, available, total int64) *composed.Unstructured {
		return obj(map[string]any{
			"metadata": map[string]any{"generation": gen},
			"spec":     map[string]any{"replicas": replicas},
			"status": map[string]any{"observedGeneration": obsGen, "updatedReplicas": updated,
				"availableReplicas": available, "replicas": total},
		})
	}
	cases := map[string]struct {
		in     *composed.Unstructured
		want   bool
		reason string
	}{
		"NotObserved":  {nil, false, ReasonNotObserved},
		"Stale":        {dep(2, 1, 2, 2, 2, 2), false, ReasonStaleStatus},
		"Updating":     {dep(1, 1, 2, 1, 2, 3), false, ReasonRollingUpdate},
		"Unavailable":  {dep(1, 1, 2, 2, 1, 2), false, ReasonReplicasNotReady},
		"OldTerminate": {dep(1, 1, 2, 2, 2, 3), false, ReasonRollingUpdate},
		"Ready":        {dep(1, 1, 2, 2, 2, 2), true, ReasonAvailable},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Deployment(tc.in)
			if diff := cmp.Diff([]any{tc.want, tc.reason}, []any{got.Ready, got.Reason}); diff != "" {
				t.Errorf("(-want +got):\n%s; message %q", diff, got.Message)
			}
		})
	}
}

func TestExists(t *testing.T) {
	if Exists(nil).Ready || !Exists(obj(map[string]any{"kind": "Service"})).Ready {
		t.Error("Exists must be ready exactly when observed")
	}
}
