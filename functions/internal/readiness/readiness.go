// Package readiness decides whether an observed composed resource is really
// ready. Crossplane counts a composed resource ready only when the function
// says so, so these checks are the composite's notion of "up".
package readiness

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane/function-sdk-go/resource/composed"
)

// Result is the readiness of one composed resource.
type Result struct {
	// Ready is true only when the resource does what it is for.
	Ready bool
	// Reason is a short CamelCase cause, e.g. RollingUpdate.
	Reason string
	// Message explains the state to a human.
	Message string
}

// Reasons reported by the checks.
const (
	ReasonAvailable        = "Available"
	ReasonNotObserved      = "NotObserved"
	ReasonStaleStatus      = "StatusNotObserved"
	ReasonRollingUpdate    = "RollingUpdate"
	ReasonReplicasNotReady = "ReplicasNotReady"
	ReasonDecodeError      = "UndecodableStatus"
)

// Exists is ready once the object is observed. It fits objects that do their
// job as soon as they exist: Services, ConfigMaps, Secrets, PDBs,
// ProviderConfigs, ServiceMonitors.
func Exists(observed *composed.Unstructured) Result {
	if observed == nil {
		return Result{Reason: ReasonNotObserved, Message: "not created yet"}
	}
	return Result{Ready: true, Reason: ReasonAvailable, Message: "exists"}
}

// StatefulSetStatus is the part of an observed StatefulSet that readiness and
// composite status need.
type StatefulSetStatus struct {
	// Replicas desired by the observed spec.
	Replicas int32
	// ReadyReplicas that pass their readiness probe.
	ReadyReplicas int32
	Result
}

// StatefulSet is ready when its controller has seen the current spec, every
// desired replica is ready, and the rollout is complete (currentRevision ==
// updateRevision). A nil observed object is not ready.
func StatefulSet(observed *composed.Unstructured) StatefulSetStatus {
	if observed == nil {
		return StatefulSetStatus{Result: Result{Reason: ReasonNotObserved, Message: "StatefulSet not created yet"}}
	}
	sts := &rollout[appsv1.StatefulSetStatus]{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(observed.Object, sts); err != nil {
		return StatefulSetStatus{Result: Result{Reason: ReasonDecodeError, Message: fmt.Sprintf("cannot read StatefulSet: %v", err)}}
	}
	want := sts.replicas()
	st := sts.Status
	out := StatefulSetStatus{Replicas: want, ReadyReplicas: st.ReadyReplicas}
	switch {
	case st.ObservedGeneration < sts.Metadata.Generation:
		out.Result = Result{Reason: ReasonStaleStatus, Message: fmt.Sprintf("StatefulSet controller has not yet observed generation %d", sts.Metadata.Generation)}
	case st.ReadyReplicas < want:
		out.Result = Result{Reason: ReasonReplicasNotReady, Message: fmt.Sprintf("%d of %d replicas ready", st.ReadyReplicas, want)}
	case st.UpdateRevision != "" && st.CurrentRevision != st.UpdateRevision,
		st.UpdatedReplicas < want:
		out.Result = Result{Reason: ReasonRollingUpdate, Message: fmt.Sprintf("rolling update in progress: %d of %d replicas updated", st.UpdatedReplicas, want)}
	default:
		out.Result = Result{Ready: true, Reason: ReasonAvailable, Message: fmt.Sprintf("%d of %d replicas ready", st.ReadyReplicas, want)}
	}
	return out
}

// Deployment is ready when its controller has seen the current spec and every
// desired replica is updated and available.
func Deployment(observed *composed.Unstructured) Result {
	if observed == nil {
		return Result{Reason: ReasonNotObserved, Message: "Deployment not created yet"}
	}
	d := &rollout[appsv1.DeploymentStatus]{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(observed.Object, d); err != nil {
		return Result{Reason: ReasonDecodeError, Message: fmt.Sprintf("cannot read Deployment: %v", err)}
	}
	want := d.replicas()
	st := d.Status
	switch {
	case st.ObservedGeneration < d.Metadata.Generation:
		return Result{Reason: ReasonStaleStatus, Message: fmt.Sprintf("Deployment controller has not yet observed generation %d", d.Metadata.Generation)}
	case st.UpdatedReplicas < want:
		return Result{Reason: ReasonRollingUpdate, Message: fmt.Sprintf("rolling update in progress: %d of %d replicas updated", st.UpdatedReplicas, want)}
	case st.AvailableReplicas < want:
		return Result{Reason: ReasonReplicasNotReady, Message: fmt.Sprintf("%d of %d replicas available", st.AvailableReplicas, want)}
	case st.Replicas > want:
		return Result{Reason: ReasonRollingUpdate, Message: fmt.Sprintf("%d old replicas still terminating", st.Replicas-want)}
	default:
		return Result{Ready: true, Reason: ReasonAvailable, Message: fmt.Sprintf("%d of %d replicas available", st.AvailableReplicas, want)}
	}
}

// rollout is the part of a StatefulSet or Deployment that readiness reads.
// Decoding only these fields skips the pod template, by far the larger part
// of the object, on every reconcile.
type rollout[S any] struct {
	Metadata struct {
		Generation int64 `json:"generation,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int32 `json:"replicas,omitempty"`
	} `json:"spec"`
	Status S `json:"status"`
}

// replicas is the desired replica count; the API server defaults it to 1.
func (r *rollout[S]) replicas() int32 {
	if r.Spec.Replicas == nil {
		return 1
	}
	return *r.Spec.Replicas
}
