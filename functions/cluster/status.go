package cluster

import (
	"fmt"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/readiness"
)

// ConditionBrokersReady is the condition type the function reports on the
// RivvenCluster. Crossplane's own Ready condition follows from the readiness
// of every composed resource.
const ConditionBrokersReady = "BrokersReady"

// Reasons of ConditionBrokersReady beyond those of package readiness.
const (
	ReasonAwaitingBootstrap = "AwaitingRaftBootstrap"
	ReasonScaling           = "Scaling"
)

// summary is the XR status and the BrokersReady condition derived from the
// observed StatefulSet.
type summary struct {
	Status clusterv1alpha1.RivvenClusterStatus
	readiness.Result
}

// summarize derives the cluster's status from the observed StatefulSet
// (nil before it exists) and the desired spec.
func summarize(name, ns string, s clusterv1alpha1.RivvenClusterSpec, sts readiness.StatefulSetStatus) summary {
	want := *s.Replicas
	out := summary{
		Status: clusterv1alpha1.RivvenClusterStatus{
			Replicas:         want,
			ReadyReplicas:    sts.ReadyReplicas,
			BootstrapServers: BootstrapServers(name, ns),
		},
		Result: sts.Result,
	}
	switch {
	case sts.Reason == readiness.ReasonNotObserved:
		out.Status.Phase = clusterv1alpha1.PhasePending
	case sts.Replicas != want:
		// The observed StatefulSet predates a change of spec.replicas.
		out.Result = readiness.Result{Reason: ReasonScaling, Message: fmt.Sprintf("scaling from %d to %d brokers", sts.Replicas, want)}
		out.Status.Phase = clusterv1alpha1.PhaseProvisioning
	case sts.Ready:
		out.Status.Phase = clusterv1alpha1.PhaseRunning
	case sts.ReadyReplicas >= want:
		out.Status.Phase = clusterv1alpha1.PhaseUpdating
	default:
		out.Status.Phase = clusterv1alpha1.PhaseProvisioning
		if clusterMode(s) && sts.ReadyReplicas == 0 && sts.Reason == readiness.ReasonReplicasNotReady {
			// A cluster-mode broker is ready only once the Raft group
			// has a leader, and rivvend never bootstraps a new group
			// by itself.
			out.Result = readiness.Result{Reason: ReasonAwaitingBootstrap, Message: fmt.Sprintf(
				"0 of %d brokers ready: brokers turn ready once the Raft group has a leader; a new cluster needs a one-time "+
					"POST /api/v1/bootstrap on one broker's port %d listing every broker (see the RivvenCluster documentation)",
				want, PortAPI)}
		}
	}
	return out
}
