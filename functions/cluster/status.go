package cluster

import (
	"fmt"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
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
	// ReasonBrokerNotRunning: at least one broker pod is not ready for a
	// reason Kubernetes reports (see brokerPod.Failing); the message names
	// each such pod with that reason.
	ReasonBrokerNotRunning = "BrokerNotRunning"
	// ReasonClusterModeUnsupported: two or more brokers run rivvend's
	// cluster mode, which the release is known not to start
	// (commonv1alpha1.ClusterModeFailure).
	ReasonClusterModeUnsupported = "ClusterModeUnsupported"
)

// summary is the XR status and the BrokersReady condition derived from the
// observed StatefulSet and broker pods.
type summary struct {
	Status clusterv1alpha1.RivvenClusterStatus
	readiness.Result
}

// summarize derives the cluster's status from the observed StatefulSet
// (nil before it exists), the observed broker pods and the desired spec.
func summarize(name, ns string, s clusterv1alpha1.RivvenClusterSpec, sts readiness.StatefulSetStatus, pods brokerPods) summary {
	return summary{
		Status: clusterv1alpha1.RivvenClusterStatus{
			Phase:            phase(s, sts),
			Replicas:         *s.Replicas,
			ReadyReplicas:    sts.ReadyReplicas,
			BootstrapServers: BootstrapServers(name, ns),
		},
		Result: brokersReady(s, sts, pods),
	}
}

// clusterModeFailure is the known failure of cluster mode in the spec's
// release, or "" for one broker or a release not known to fail.
func clusterModeFailure(s clusterv1alpha1.RivvenClusterSpec) string {
	if !clusterMode(s) {
		return ""
	}
	return commonv1alpha1.ClusterModeFailure(s.Version)
}

// phase summarises the observed StatefulSet against the desired spec.
func phase(s clusterv1alpha1.RivvenClusterSpec, sts readiness.StatefulSetStatus) clusterv1alpha1.ClusterPhase {
	want := *s.Replicas
	switch {
	case !sts.Ready && clusterModeFailure(s) != "":
		return clusterv1alpha1.PhaseUnsupported
	case sts.Reason == readiness.ReasonNotObserved:
		return clusterv1alpha1.PhasePending
	case sts.Replicas != want:
		// The observed StatefulSet predates a change of spec.replicas.
		return clusterv1alpha1.PhaseProvisioning
	case sts.Ready:
		return clusterv1alpha1.PhaseRunning
	case sts.ReadyReplicas >= want:
		return clusterv1alpha1.PhaseUpdating
	default:
		return clusterv1alpha1.PhaseProvisioning
	}
}

// brokersReady chooses the reason and message of the BrokersReady condition
// from the spec, the observed StatefulSet and the observed broker pods:
//
//  1. the StatefulSet is ready at the desired replica count: its own result;
//  2. cluster mode with a release known not to start it:
//     ClusterModeUnsupported, with the known failure and what the pods show;
//  3. a broker pod fails for a reason Kubernetes reports: BrokerNotRunning,
//     naming each failing pod with that reason;
//  4. the StatefulSet is not observed yet: its own result (NotObserved);
//  5. the observed StatefulSet predates a change of spec.replicas: Scaling;
//  6. no cluster-mode broker is ready yet: AwaitingRaftBootstrap;
//  7. otherwise the StatefulSet's own result.
//
// Pods not yet resolved (the first call of a reconcile) are unknown and
// claim no failure.
func brokersReady(s clusterv1alpha1.RivvenClusterSpec, sts readiness.StatefulSetStatus, pods brokerPods) readiness.Result {
	want := *s.Replicas
	observed := sts.Reason != readiness.ReasonNotObserved
	scaling := observed && sts.Replicas != want
	if sts.Ready && !scaling {
		return sts.Result
	}
	if why := clusterModeFailure(s); why != "" {
		msg := fmt.Sprintf("%d brokers run rivvend %s in cluster mode, which cannot start: %s; %s", want, s.Version, why, oneBroker)
		if pods := failureSummary(pods.Failing()); pods != "" {
			msg += ". Brokers: " + pods
		}
		return readiness.Result{Reason: ReasonClusterModeUnsupported, Message: msg}
	}
	if msg := failureSummary(pods.Failing()); msg != "" {
		return readiness.Result{Reason: ReasonBrokerNotRunning, Message: msg}
	}
	switch {
	case !observed:
		return sts.Result
	case scaling:
		return readiness.Result{Reason: ReasonScaling, Message: fmt.Sprintf("scaling from %d to %d brokers", sts.Replicas, want)}
	case clusterMode(s) && sts.ReadyReplicas == 0 && sts.Reason == readiness.ReasonReplicasNotReady:
		// A cluster-mode broker is ready only once the Raft group has a
		// leader, and rivvend never bootstraps a new group by itself.
		return readiness.Result{Reason: ReasonAwaitingBootstrap, Message: fmt.Sprintf(
			"0 of %d brokers ready: brokers turn ready once the Raft group has a leader; a new cluster needs a one-time "+
				"POST /api/v1/bootstrap on one broker's port %d listing every broker (see the RivvenCluster documentation)",
			want, PortAPI)}
	default:
		return sts.Result
	}
}
